"""Cognito's managed login, the browser side of OAuth 2.0, at the emulator's root as on a pool's domain:

    GET /oauth2/authorize   checks the request, then signs in through /login (or at once with a live session)
    /login                  username or phone and password, the pool's MFA and new-password steps, a texted or
                            emailed code where the pool allows passwordless sign-in
    /signup, /confirm       sign-up with the code from the inbox, then signed in
    /forgotPassword, /confirmForgotPassword
    GET /logout             ends the session, back to a registered logout URL (or to /login)
    GET /error              what Cognito shows instead of redirecting to a URL the client did not register

Every page is server-rendered from templates/login/ with Jinja's escaping; every form carries a token that must
match the XSRF-TOKEN cookie (SameSite=Lax), so another site cannot post to it. The grants behind the pages are in
emulator/operations/oauth.py, the sign-in steps in emulator/operations/auth/hosted.py (docs/cognito-behaviour.md §16).
"""

from __future__ import annotations

import hmac
import json
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

from authlib.common.urls import add_params_to_uri
from flask import Blueprint, Response, make_response, redirect, render_template, request

from emulator import errors
from emulator.operations import oauth
from emulator.operations.auth import hosted
from emulator.operations.auth.steps import Challenge, SignedIn, Step
from emulator.operations.users import find_user
from emulator.protocol.dispatch import current_dispatcher, current_services

hosted_login = Blueprint("hosted_login", __name__)

SESSION_COOKIE = "cognito"  # Cognito's own name for the managed login's session cookie
XSRF_COOKIE = "XSRF-TOKEN"
SESSION_SECONDS = 3600  # the managed login's session lasts an hour
PENDING_PREFIX = "hosted-pending:"  # a sign-up awaiting its code, in the sign-in sessions' table
PENDING_SECONDS = 24 * 3600
AUTHORIZE_PARAMETERS = ("client_id", "redirect_uri", "response_type", "scope", "state", "code_challenge",
                        "code_challenge_method", "nonce")
CODE_CHALLENGES = ("SMS_MFA", "EMAIL_OTP", "SMS_OTP", "SOFTWARE_TOKEN_MFA")


@dataclass
class Authorize:
    """A checked authorize request: the client, where to send the answer, and what to grant."""

    client: oauth.OAuthClient
    redirect_uri: str
    response_type: str
    scopes: list[str]
    state: str | None
    code_challenge: str | None
    nonce: str | None
    query: dict  # the checked parameters, which every page carries on (and which are checked again at each post)


class Refused(Exception):
    """The request cannot go on: `response` says so (an error page, or a redirect with the error)."""

    def __init__(self, response: Response):
        super().__init__()
        self.response = response


def error_page(client_id: str | None, error: str = "redirect_mismatch") -> Response:
    """Never a redirect to a URL the client did not register: Cognito's error page instead."""
    return redirect("/error?" + urlencode({"error": error, **({"client_id": client_id} if client_id else {})}))


def _back_with_error(redirect_uri: str, error: str, state: str | None, fragment: bool = False) -> Response:
    parameters = [("error", error)] + ([("state", state)] if state else [])
    if fragment:
        return redirect(redirect_uri + "#" + urlencode(parameters))
    return redirect(add_params_to_uri(redirect_uri, parameters))


def checked_request(args) -> Authorize:
    """The authorize request in `args` as Cognito checks it: client and redirect URI first (an error page),
    then the rest (a redirect to the app with `error=`)."""
    services = current_services()
    client_id, redirect_uri = args.get("client_id"), args.get("redirect_uri")
    found = oauth.oauth_client(services, client_id)
    if found is None or not oauth.redirect_allowed(found, redirect_uri):
        raise Refused(error_page(client_id))
    state = args.get("state")
    response_type = args.get("response_type")
    fragment = response_type == "token"
    if response_type not in ("code", "token"):
        raise Refused(_back_with_error(redirect_uri, "unsupported_response_type" if response_type else
                                       "invalid_request", state))
    flow = "code" if response_type == "code" else "implicit"
    if flow not in (found.client.get("AllowedOAuthFlows") or []):
        raise Refused(_back_with_error(redirect_uri, "unauthorized_client", state, fragment))
    challenge, method = args.get("code_challenge"), args.get("code_challenge_method")
    if (challenge or method) and (not challenge or method != "S256"):
        raise Refused(_back_with_error(redirect_uri, "invalid_request", state, fragment))  # Cognito takes S256 only
    provider = args.get("identity_provider")
    if (provider and provider != "COGNITO") or "COGNITO" not in (found.client.get("SupportedIdentityProviders") or []):
        raise Refused(_back_with_error(redirect_uri, "invalid_request", state, fragment))
    try:
        scopes = oauth.granted_scopes(services, found, args.get("scope"))
    except errors.OAuthError as error:
        raise Refused(_back_with_error(redirect_uri, error.error, state, fragment)) from None
    query = {name: args.get(name) for name in AUTHORIZE_PARAMETERS if args.get(name)}
    return Authorize(found, redirect_uri, response_type, scopes, state, challenge if flow == "code" else None,
                     args.get("nonce"), query)


def _signed_in_answer(authorize: Authorize, user: dict, auth_time: float) -> Response:
    """Back to the app: a code in the query, or (implicit) the tokens in the fragment."""
    services = current_services()
    if authorize.response_type == "code":
        code = oauth.new_code(services, authorize.client, user, redirect_uri=authorize.redirect_uri,
                              scopes=authorize.scopes, auth_time=auth_time, code_challenge=authorize.code_challenge,
                              nonce=authorize.nonce)
        parameters = [("code", code)] + ([("state", authorize.state)] if authorize.state else [])
        return redirect(add_params_to_uri(authorize.redirect_uri, parameters))
    tokens = oauth.implicit_tokens(services, authorize.client, user, authorize.scopes, nonce=authorize.nonce,
                                   auth_time=auth_time)
    fragment = {**tokens, **({"state": authorize.state} if authorize.state else {})}
    return redirect(authorize.redirect_uri + "#" + urlencode(fragment))


def _live_session() -> dict | None:
    token = request.cookies.get(SESSION_COOKIE)
    session = current_services().store.get_hosted_session(token) if token else None
    # Another pool's session needs no check of its own: its user's sub is not this pool's user's (see authorize).
    if session is None or session["expires_at"] <= current_services().clock.now():
        return None
    return session


@hosted_login.app_template_filter("from_json")
def from_json(text: str):
    return json.loads(text)


@hosted_login.get("/oauth2/authorize")
def authorize():
    try:
        checked = checked_request(request.args)
    except Refused as refused:
        return refused.response
    prompt = (request.args.get("prompt") or "").lower().split()
    session = _live_session()
    if session is not None and "login" not in prompt:
        user = find_user(current_services(), checked.client.pool, session["username"])
        if user is not None and user["Enabled"] and user["Attributes"]["sub"] == session.get("sub"):
            return _signed_in_answer(checked, user, session["auth_time"])
    if "none" in prompt:
        return _back_with_error(checked.redirect_uri, "login_required", checked.state,
                                checked.response_type == "token")
    return redirect("/login?" + urlencode(checked.query))


# -- the pages ----------------------------------------------------------------------------------------------

def _page(template: str, authorize: Authorize, **values) -> Response:
    """A page of the hosted login, with a fresh XSRF token in its form and its cookie."""
    token = request.cookies.get(XSRF_COOKIE) or secrets.token_urlsafe(24)
    pool = authorize.client.pool
    factors = set(((pool.get("Policies") or {}).get("SignInPolicy") or {}).get("AllowedFirstAuthFactors") or [])
    response = make_response(render_template(
        f"login/{template}.html", query=authorize.query, xsrf=token, client=authorize.client.client, pool=pool,
        passwordless=[factor for factor in ("SMS_OTP", "EMAIL_OTP") if factor in factors], **values))
    response.set_cookie(XSRF_COOKIE, token, httponly=True, samesite="Lax", secure=request.is_secure)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    return response


def _checked_post() -> Authorize:
    """A form post of the hosted login: its XSRF token must be the cookie's, and its authorize request valid."""
    sent, expected = request.form.get("_xsrf", ""), request.cookies.get(XSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Refused(make_response(("Forbidden: the form's token does not match. Reload the page.", 403)))
    return checked_request(request.form)


def _handled(view):
    """Refusals become their response."""
    def wrapped(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except Refused as refused:
            return refused.response
    wrapped.__name__ = view.__name__
    return wrapped


@hosted_login.get("/login")
@_handled
def login_page():
    return _page("signin", checked_request(request.args))


@hosted_login.post("/login")
@_handled
def login():
    authorize = _checked_post()
    services, pool, client = current_services(), authorize.client.pool, authorize.client.client
    username = request.form.get("username", "").strip()
    step_name = request.form.get("step", "password")
    try:
        if step_name == "password":
            step = hosted.with_password(services, pool, client, username, request.form.get("password", ""))
        elif step_name in ("start-SMS_OTP", "start-EMAIL_OTP"):  # the sign-in page's passwordless buttons
            step = hosted.with_code(services, pool, client, username, step_name.removeprefix("start-"))
        else:
            step = hosted.respond(services, pool, client, username, request.form.get("session", ""), step_name,
                                  _challenge_answers(step_name))
    except errors.CodeMismatchException as error:
        if step_name in CODE_CHALLENGES:  # the sign-in keeps its session for another try, as the API's does
            return _page("challenge", authorize, challenge=step_name, username=username, error=error.message,
                         session=request.form.get("session", ""),
                         parameters={"CODE_DELIVERY_DESTINATION": request.form.get("destination")})
        return _page("signin", authorize, error=f"{error.message} Sign in again.", username=username)
    except errors.CognitoError as error:
        if step_name in ("password", "start-SMS_OTP", "start-EMAIL_OTP"):
            return _page("signin", authorize, error=error.message, username=username)
        return _page("signin", authorize, error=f"{error.message} Sign in again.", username=username)
    return _follow(authorize, username, step)


def _challenge_answers(challenge: str) -> dict:
    form = request.form
    if challenge in CODE_CHALLENGES:
        name = {"SMS_MFA": "SMS_MFA_CODE", "SOFTWARE_TOKEN_MFA": "SOFTWARE_TOKEN_MFA_CODE",
                "EMAIL_OTP": "EMAIL_OTP_CODE", "SMS_OTP": "SMS_OTP_CODE"}[challenge]
        return {name: form.get("code", "").strip()}
    if challenge == "NEW_PASSWORD_REQUIRED":
        return {"NEW_PASSWORD": form.get("new_password", "")}
    if challenge == "SELECT_MFA_TYPE":
        return {"ANSWER": form.get("answer", "")}
    return {}


def _follow(authorize: Authorize, username: str, step: Step) -> Response:
    """The next page of a sign-in: another challenge, or back to the app signed in."""
    services = current_services()
    if isinstance(step, Challenge):
        return _page("challenge", authorize, challenge=step.name, parameters=step.parameters, username=username,
                     session=hosted.session_of(services, authorize.client.client, step))
    assert isinstance(step, SignedIn)
    user = hosted.signed_in(services, authorize.client.pool, authorize.client.client, step)
    now = services.clock.now()
    token = oauth.session_token()
    services.store.insert_hosted_session(token, authorize.client.pool["Id"], user["Username"], now + SESSION_SECONDS,
                                         {"sub": user["Attributes"]["sub"], "auth_time": int(now)})
    response = _signed_in_answer(authorize, user, int(now))
    response.set_cookie(SESSION_COOKIE, token, max_age=SESSION_SECONDS, httponly=True, samesite="Lax",
                        secure=request.is_secure)
    return response


# -- sign-up and password reset ----------------------------------------------------------------------------

@hosted_login.get("/signup")
@_handled
def signup_page():
    return _page("signup", checked_request(request.args))


@hosted_login.post("/signup")
@_handled
def signup():
    authorize = _checked_post()
    pool, client = authorize.client.pool, authorize.client.client
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    attributes = [{"Name": name, "Value": request.form[name].strip()}
                  for name in ("email", "phone_number") if request.form.get(name, "").strip()]
    if "phone_number" in (pool.get("UsernameAttributes") or []) and username.startswith("+"):
        attributes = [a for a in attributes if a["Name"] != "phone_number"] + [{"Name": "phone_number", "Value": username}]
    elif "email" in (pool.get("UsernameAttributes") or []) and "@" in username:
        attributes = [a for a in attributes if a["Name"] != "email"] + [{"Name": "email", "Value": username}]
    try:
        answer = current_dispatcher().call("SignUp", {
            "ClientId": client["ClientId"], "Username": username, "Password": password, "UserAttributes": attributes,
            **_secret_hash(client, username)})
    except errors.CognitoError as error:
        return _page("signup", authorize, error=error.message, username=username)
    if answer["UserConfirmed"]:
        return _sign_in_after(authorize, username, password)
    return _page("confirm", authorize, username=username, pending=_pending(pool, client, username, password),
                 destination=(answer.get("CodeDeliveryDetails") or {}).get("Destination"))


def _secret_hash(client: dict, username: str) -> dict:
    given = hosted.secret_hash(client, username)
    return {"SecretHash": given["SECRET_HASH"]} if given else {}


def _pending(pool: dict, client: dict, username: str, password: str) -> str:
    """Where the password typed at sign-up waits for the code (server-side, never in the page)."""
    token = secrets.token_urlsafe(24)
    current_services().store.insert_auth_session(PENDING_PREFIX + token, pool["Id"], client["ClientId"], username,
                                                 current_services().clock.now() + PENDING_SECONDS,
                                                 {"password": password})
    return token


@hosted_login.post("/confirm")
@_handled
def confirm():
    authorize = _checked_post()
    client = authorize.client.client
    services = current_services()
    username = request.form.get("username", "").strip()
    pending_token = request.form.get("pending", "")
    try:
        current_dispatcher().call("ConfirmSignUp", {"ClientId": client["ClientId"], "Username": username,
                                                    "ConfirmationCode": request.form.get("code", "").strip(),
                                                    **_secret_hash(client, username)})
    except errors.CognitoError as error:
        return _page("confirm", authorize, username=username, pending=pending_token, error=error.message)
    pending = services.store.take_auth_session(PENDING_PREFIX + pending_token) if pending_token else None
    if pending is None or pending["username"] != username or pending["client_id"] != client["ClientId"]:
        return _page("signin", authorize, username=username, notice="Your account is confirmed: sign in.")
    return _sign_in_after(authorize, username, pending["password"])


def _sign_in_after(authorize: Authorize, username: str, password: str) -> Response:
    try:
        step = hosted.with_password(current_services(), authorize.client.pool, authorize.client.client, username,
                                    password)
    except errors.CognitoError as error:
        return _page("signin", authorize, error=error.message, username=username)
    return _follow(authorize, username, step)


@hosted_login.get("/forgotPassword")
@_handled
def forgot_password_page():
    return _page("forgot", checked_request(request.args))


@hosted_login.post("/forgotPassword")
@_handled
def forgot_password():
    authorize = _checked_post()
    client = authorize.client.client
    username = request.form.get("username", "").strip()
    try:
        answer = current_dispatcher().call("ForgotPassword", {"ClientId": client["ClientId"], "Username": username,
                                                              **_secret_hash(client, username)})
    except errors.CognitoError as error:
        return _page("forgot", authorize, error=error.message, username=username)
    return _page("confirm_forgot", authorize, username=username,
                 destination=(answer.get("CodeDeliveryDetails") or {}).get("Destination"))


@hosted_login.post("/confirmForgotPassword")
@_handled
def confirm_forgot_password():
    authorize = _checked_post()
    client = authorize.client.client
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    try:
        current_dispatcher().call("ConfirmForgotPassword", {
            "ClientId": client["ClientId"], "Username": username, "Password": password,
            "ConfirmationCode": request.form.get("code", "").strip(), **_secret_hash(client, username)})
    except errors.CognitoError as error:
        return _page("confirm_forgot", authorize, username=username, error=error.message)
    return _sign_in_after(authorize, username, password)


# -- logout and errors --------------------------------------------------------------------------------------

@hosted_login.get("/logout")
def logout():
    """`client_id` + `logout_uri` (one of its LogoutURLs): signed out, back there. `client_id` + `redirect_uri` +
    `response_type`: signed out, then to the sign-in page. Anything else: the error page."""
    services = current_services()
    client_id = request.args.get("client_id")
    found = oauth.oauth_client(services, client_id)
    logout_uri = request.args.get("logout_uri")
    if found is not None and logout_uri:
        if logout_uri not in (found.client.get("LogoutURLs") or []):
            return error_page(client_id)
        response = redirect(logout_uri)
    elif found is not None and request.args.get("redirect_uri") and request.args.get("response_type"):
        try:
            checked = checked_request(request.args)
        except Refused as refused:
            return refused.response
        response = redirect("/login?" + urlencode(checked.query))
    else:
        return error_page(client_id, "invalid_request")
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        services.store.delete_hosted_session(token)
    response.delete_cookie(SESSION_COOKIE)
    return response


@hosted_login.get("/error")
def error():
    response = make_response(render_template("login/error.html", error=request.args.get("error")), 400)
    response.headers["Cache-Control"] = "no-store"
    return response
