"""Pages for people: the live SMS inbox (the home page), users, the trigger trace, pools and clients, the clock.

Server-rendered with Jinja (autoescaped) plus a little plain JavaScript. Actions are POSTs that go
through the same operations the API uses, then redirect back.
"""

from __future__ import annotations

import datetime
import json
from urllib.parse import urlencode

from flask import Blueprint, abort, redirect, render_template, request, url_for

from emulator import errors, guards
from emulator.operations import passkeys
from emulator.operations.mfa_settings import SOFTWARE_TOKEN, mfa_view
from emulator.operations.users import find_user
from emulator.operations.software_tokens import PENDING
from emulator.protocol.dispatch import current_dispatcher, current_services
from emulator.services import totp
from emulator.services.functions import function_name

web = Blueprint("web", __name__, static_folder="static", static_url_path="/_emulator/static")

# The inbox page shows at most this many messages, however many the inbox holds; likewise users and invocations.
INBOX_PAGE_SIZE = 200
USERS_PAGE_SIZE = 500
TRACE_PAGE_SIZE = 200
USER_ACTIONS = {"confirm": "AdminConfirmSignUp", "disable": "AdminDisableUser", "enable": "AdminEnableUser",
                "delete": "AdminDeleteUser", "reset-password": "AdminResetUserPassword"}
# How the Users page names the MFA factors of UserMFASettingList.
FACTOR_LABELS = {"SMS_MFA": "SMS", "SOFTWARE_TOKEN_MFA": "Authenticator app", "EMAIL_OTP": "Email"}


def _all_pools() -> list[dict]:
    pools, cursor = [], 0
    while cursor is not None:
        page, cursor = current_services().store.list_pools(60, cursor)
        pools.extend(page)
    return pools


def _when(epoch: float) -> str:
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"


# A page's POST must come from the emulator's own pages, not from another site in the browser.
web.before_request(guards.refuse_cross_site_post)


@web.get("/favicon.ico")
def favicon():
    """Browsers ask every page for one; there is none, and the answer says so quietly."""
    return "", 204


@web.get("/")
def inbox():
    return render_template("inbox.html", page_size=INBOX_PAGE_SIZE, title="SMS inbox", source="/_emulator/sms",
                           destination="phone_number", destination_label="Number",
                           placeholder="Filter by phone number or part of it, e.g. 43210",
                           empty_text="Texts the emulator would send appear here as they happen.")


@web.get("/email")
def email_inbox():
    return render_template("inbox.html", page_size=INBOX_PAGE_SIZE, title="Email inbox", source="/_emulator/email",
                           destination="email", destination_label="Address",
                           placeholder="Filter by address or part of it, e.g. asha@",
                           empty_text="Emails the emulator would send (codes for pools that verify email, invitations) "
                                      "appear here as they happen.")


def _users_context() -> dict:
    pools = _all_pools()
    pool_id = request.args.get("pool") or (pools[0]["Id"] if pools else None)
    users, more = [], False
    if pool_id:
        now = current_services().clock.now()
        page, cursor = current_services().store.list_users(pool_id, USERS_PAGE_SIZE)
        more = cursor is not None
        groups = current_services().store.group_names_by_user(pool_id)
        for user in page:
            users.append({**_without_secrets(user), "created": _when(user["UserCreateDate"]),
                          "groups": groups.get(user["Username"], []),
                          "limbo_for": _duration(now - user["UserCreateDate"]),
                          "mfa": _mfa_factors(user), "totp": _current_totp(user, now),
                          "passkeys": [{"id": key["CredentialId"], "name": key["FriendlyCredentialName"],
                                        "created": _when(key["CreatedAt"]),
                                        "used": _when(key["LastUsedAt"]) if key.get("LastUsedAt") else None}
                                       for key in user.get(passkeys.CREDENTIALS) or []]})
    return {"pools": pools, "pool_id": pool_id, "users": users, "more": more}


def _without_secrets(user: dict) -> dict:
    """What a page may see of a user: no authenticator secret, verified or waiting to be."""
    return {key: value for key, value in user.items() if key not in (SOFTWARE_TOKEN, PENDING)}


def _mfa_factors(user: dict) -> list[dict]:
    """The user's enabled MFA factors as GetUser lists them, the preferred one marked."""
    view = mfa_view(user)
    preferred = view.get("PreferredMfaSetting")
    return [{"name": factor, "label": FACTOR_LABELS.get(factor, factor), "preferred": factor == preferred}
            for factor in view.get("UserMFASettingList", [])]


def _current_totp(user: dict, now: float) -> dict | None:
    """The code a verified authenticator app shows at the emulator's clock (as /_emulator/totp gives it)."""
    token = user.get(SOFTWARE_TOKEN) or {}
    if not token.get("Secret"):
        return None
    return {"code": totp.code_at(token["Secret"], now), "seconds_left": totp.seconds_left(now),
            "device": token.get("FriendlyDeviceName")}


@web.get("/users")
def users():
    return render_template("users.html", **_users_context())


@web.get("/users/table")
def users_table():
    return render_template("users_table.html", **_users_context())


@web.post("/users/<pool_id>/<path:username>/<any(confirm, disable, enable, delete, \"reset-password\"):action>")
def user_action(pool_id: str, username: str, action: str):
    try:
        # Through the same validation and operation as the API call would go.
        current_dispatcher().call(USER_ACTIONS[action], {"UserPoolId": pool_id, "Username": username})
    except errors.CognitoError as error:
        abort(400, f"{error.code}: {error.message}")
    return redirect(url_for("web.users", pool=pool_id), code=303)


@web.post("/users/<pool_id>/<path:username>/passkeys/<credential_id>/delete")
def delete_passkey(pool_id: str, username: str, credential_id: str):
    services = current_services()
    pool = services.store.get_pool(pool_id)
    user = find_user(services, pool, username) if pool else None
    if user is None:
        abort(404, "No such user.")
    try:
        passkeys.delete(services, pool, user, credential_id)
    except errors.CognitoError as error:
        abort(400, f"{error.code}: {error.message}")
    return redirect(url_for("web.users", pool=pool_id), code=303)


def _invocations(since: int = 0) -> list[dict]:
    """The trace's invocations after `since`, newest first, for ?username= (a phone number, email or username)."""
    username = (request.args.get("username") or "").strip() or None
    names = _usernames_for(username) if username else None
    invocations = current_services().store.list_trigger_invocations(names, since, latest=TRACE_PAGE_SIZE)
    for call in invocations:
        call["when"] = _when(call["started_at"]) if call.get("started_at") else ""
    return list(reversed(invocations))


@web.get("/trace")
def trace():
    invocations = _invocations()
    return render_template("trace.html", invocations=invocations, page_size=TRACE_PAGE_SIZE,
                           username=(request.args.get("username") or "").strip() or None,
                           last_id=invocations[0]["id"] if invocations else _newest_invocation_id())


@web.get("/trace/cards")
def trace_cards():
    """The cards of invocations newer than ?since=<id>, which the trace page polls for."""
    try:
        since = int(request.args.get("since", 0))
    except ValueError:
        abort(400, "since must be an invocation id.")
    return render_template("trace_cards.html", invocations=_invocations(since), fresh=True)


def _newest_invocation_id() -> int:
    """So that a filtered page which shows nothing yet polls only for what comes next."""
    newest = current_services().store.list_trigger_invocations(latest=1)
    return newest[0]["id"] if newest else 0


def _usernames_for(given: str) -> list[str]:
    """The event userNames a trace filter means: the value itself, and the username of every user whose phone
    number or email it is (a phone-number pool's usernames are UUIDs nobody types)."""
    store, names = current_services().store, {given}
    for pool in _all_pools():
        for attribute in ("phone_number", "email"):
            names.update(user["Username"] for user in store.find_users(pool["Id"], attribute, given))
    return sorted(names)


@web.get("/pools")
def pools():
    services = current_services()
    described = []
    for pool in _all_pools():
        lambda_config = pool.get("LambdaConfig") or {}
        triggers = [(trigger, function_name(reference)) for trigger, reference in lambda_config.items()
                    if isinstance(reference, str)]
        described.append({**pool, "triggers": triggers, "user_count": services.store.count_users(pool["Id"]),
                          "resource_servers": services.store.list_resource_servers(pool["Id"])[0]})
    clients = {pool["Id"]: services.store.list_clients(pool["Id"], 60)[0] for pool in described}
    return render_template("pools.html", pools=described, clients=clients, endpoint=services.settings.base_url,
                           snippets=lambda pool, client: client_snippets(services.settings.base_url, pool, client),
                           hosted_sign_in=hosted_sign_in_url)


def hosted_sign_in_url(client: dict) -> str | None:
    """The managed login's page for the client (code flow, its first callback URL), if it has OAuth on."""
    flows = client.get("AllowedOAuthFlows") or []
    if not client.get("AllowedOAuthFlowsUserPoolClient") or not client.get("CallbackURLs") or \
            not {"code", "implicit"} & set(flows):
        return None
    query = {"client_id": client["ClientId"], "response_type": "code" if "code" in flows else "token",
             "redirect_uri": client.get("DefaultRedirectURI") or client["CallbackURLs"][0],
             "scope": " ".join(client.get("AllowedOAuthScopes") or [])}
    return "/oauth2/authorize?" + urlencode(query)


def client_snippets(endpoint: str, pool: dict, client: dict) -> list[tuple[str, str]]:
    """Configuration a front end or test needs to use this pool and client."""
    pool_id, client_id, region = pool["Id"], client["ClientId"], pool["Id"].split("_", 1)[0]
    login = "phone: true" if "phone_number" in (pool.get("UsernameAttributes") or []) else "username: true"
    amplify = (
        'import { Amplify } from "aws-amplify";\n\n'
        "Amplify.configure({\n  Auth: {\n    Cognito: {\n"
        f'      userPoolId: "{pool_id}",\n      userPoolClientId: "{client_id}",\n'
        f'      userPoolEndpoint: "{endpoint}",\n      loginWith: {{ {login} }},\n    }},\n  }},\n}});'
    )
    identity_js = (
        'import { CognitoUserPool } from "amazon-cognito-identity-js";\n\n'
        f'const userPool = new CognitoUserPool({{\n  UserPoolId: "{pool_id}",\n  ClientId: "{client_id}",\n'
        f'  endpoint: "{endpoint}",\n}});'
    )
    boto3 = (
        "import boto3\n\n"
        f'cognito = boto3.client("cognito-idp", endpoint_url="{endpoint}", region_name="{region}",\n'
        '                       aws_access_key_id="x", aws_secret_access_key="x")\n'
        f'POOL_ID, CLIENT_ID = "{pool_id}", "{client_id}"'
    )
    environment = (
        f"export AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER={endpoint}\n"
        f"export AWS_REGION={region} AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x\n"
        f"export USER_POOL_ID={pool_id} USER_POOL_CLIENT_ID={client_id}"
    )
    return [("Amplify v6", amplify), ("amazon-cognito-identity-js", identity_js), ("boto3", boto3),
            ("Environment variables", environment)]


@web.get("/clock")
def clock():
    services = current_services()
    return render_template("clock.html", now=_when(services.clock.now()), offset=_duration(services.clock.offset))


@web.post("/clock")
def advance_clock():
    try:
        seconds = float(request.form.get("seconds", ""))
    except ValueError:
        abort(400, "seconds must be a number")
    if not 0 <= seconds <= 10 * 365 * 86400:
        abort(400, "seconds must be between 0 and ten years")
    current_services().clock.advance(seconds)
    return redirect(url_for("web.clock"), code=303)


@web.post("/clock/reset")
def reset_clock():
    current_services().clock.reset()
    return redirect(url_for("web.clock"), code=303)


@web.app_template_filter("pretty_json")
def pretty_json(value) -> str:
    return json.dumps(value, indent=2, default=repr)
