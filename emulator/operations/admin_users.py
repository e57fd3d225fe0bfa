"""The administrator's user operations: AdminCreateUser, AdminGetUser, AdminDeleteUser, AdminConfirmSignUp,
AdminUpdateUserAttributes, AdminDisableUser, AdminEnableUser, ListUsers."""

from __future__ import annotations

import re
import secrets
import string

from emulator import errors
from emulator.operations import pagination, verification
from emulator.operations.mfa_settings import mfa_view
from emulator.operations.registry import operation
from emulator.operations.signup import confirm, name_value_map
from emulator.operations.user_pools import require_pool
from emulator.operations.users import (
    FORCE_CHANGE_PASSWORD, UNCONFIRMED, add_user, attribute_list, check_password_policy, check_required_attributes,
    checked_attributes, find_user, new_user, new_user_attributes, require_user, set_password, submitted_view,
    unique_attributes, user_exists_error, user_type,
)
from emulator.services import Services
from emulator.services.store import AttributeTaken

DEFAULT_INVITE_SMS = "Your username is {username} and temporary password is {####}. "
DEFAULT_INVITE_EMAIL = "Your username is {username} and temporary password is {####}. "
DEFAULT_INVITE_SUBJECT = "Your temporary password"


def _temporary_password(pool: dict) -> str:
    """A password that meets the pool's policy, whatever it requires."""
    length = max(pool["Policies"]["PasswordPolicy"].get("MinimumLength", 8), 12)
    body = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(length - 4))
    return body + secrets.choice(string.ascii_uppercase) + secrets.choice(string.ascii_lowercase) + \
        secrets.choice(string.digits) + secrets.choice("!#%&*+-=?")


def _send_invitation(services: Services, pool: dict, user: dict, password: str, mediums: list[str],
                     client_metadata: dict) -> None:
    templates = (pool.get("AdminCreateUserConfig") or {}).get("InviteMessageTemplate") or {}
    custom = services.triggers.custom_message(pool, source="CustomMessage_AdminCreateUser", user=user,
                                              code_parameter=verification.CODE_PLACEHOLDER,
                                              username_parameter="{username}", client_metadata=client_metadata)

    def fill(text: str) -> str:
        return text.replace("{username}", user["Username"]).replace(verification.CODE_PLACEHOLDER, password)

    phone, email = user["Attributes"].get("phone_number"), user["Attributes"].get("email")
    if "SMS" in mediums and phone:
        text = fill(custom.sms_message or templates.get("SMSMessage") or DEFAULT_INVITE_SMS)
        services.outbox.send_sms(phone, text, "AdminCreateUser", pool["Id"], password)
    if "EMAIL" in mediums and email:
        text = fill(custom.email_message or templates.get("EmailMessage") or DEFAULT_INVITE_EMAIL)
        subject = custom.email_subject or templates.get("EmailSubject") or DEFAULT_INVITE_SUBJECT
        services.outbox.send_email(email, subject, text, "AdminCreateUser", pool["Id"], password)


@operation("AdminCreateUser")
def admin_create_user(services: Services, request: dict) -> dict:
    pool = require_pool(services, request["UserPoolId"])
    action = request.get("MessageAction")
    mediums = request.get("DesiredDeliveryMediums") or ["SMS"]
    client_metadata = request.get("ClientMetadata") or {}
    now = services.clock.now()
    if action == "RESEND":
        user = require_user(services, pool, request["Username"])
        if user["UserStatus"] != FORCE_CHANGE_PASSWORD:
            raise errors.UnsupportedUserStateException("Resend not possible. User status is not FORCE_CHANGE_PASSWORD.")
        password = _temporary_password(pool)
        set_password(pool, user, password, temporary=True, now=now)
        user["UserLastModifiedDate"] = now
        services.store.replace_user(pool["Id"], user)
        _send_invitation(services, pool, user, password, mediums, client_metadata)
        return {"User": user_type(user)}

    given_username = request["Username"]
    submitted = checked_attributes(pool, request.get("UserAttributes"), admin=True)
    username, attributes = new_user_attributes(pool, given_username, submitted)
    check_required_attributes(pool, attributes)
    password = request.get("TemporaryPassword") or _temporary_password(pool)
    check_password_policy(pool, password, lead="Password does not conform to policy")
    if find_user(services, pool, given_username) is not None:
        raise user_exists_error(pool, given_username, "AdminCreateUser")
    # PreSignUp runs, but its auto-confirm/verify flags do not apply to AdminCreateUser.
    services.triggers.pre_sign_up(pool, source="PreSignUp_AdminCreateUser", username=username,
                                  user_attributes=submitted_view(attributes, submitted),
                                  validation_data=name_value_map(request.get("ValidationData")),
                                  client_metadata=client_metadata)
    user = new_user(pool, username, attributes, FORCE_CHANGE_PASSWORD, now, password=password, temporary=True)
    add_user(services, pool, user, given_username, "AdminCreateUser")
    if action != "SUPPRESS":
        _send_invitation(services, pool, user, password, mediums, client_metadata)
    return {"User": user_type(user)}


@operation("AdminGetUser")
def admin_get_user(services: Services, request: dict) -> dict:
    pool = require_pool(services, request["UserPoolId"])
    user = require_user(services, pool, request["Username"])
    return {"Username": user["Username"], "UserAttributes": attribute_list(user),
            "UserCreateDate": user["UserCreateDate"], "UserLastModifiedDate": user["UserLastModifiedDate"],
            "Enabled": user["Enabled"], "UserStatus": user["UserStatus"], **mfa_view(user)}


@operation("AdminDeleteUser")
def admin_delete_user(services: Services, request: dict) -> dict:
    pool = require_pool(services, request["UserPoolId"])
    user = require_user(services, pool, request["Username"])
    services.store.delete_user(pool["Id"], user["Key"], user["Username"])
    return {}


@operation("AdminConfirmSignUp")
def admin_confirm_sign_up(services: Services, request: dict) -> dict:
    pool = require_pool(services, request["UserPoolId"])
    user = require_user(services, pool, request["Username"])
    if user["UserStatus"] != UNCONFIRMED:
        raise errors.NotAuthorizedException(f"User cannot be confirmed. Current status is {user['UserStatus']}")
    user = confirm(services, pool, user, verified=None)  # an admin confirmation verifies no attribute
    services.triggers.post_confirmation(pool, user=user, client_metadata=request.get("ClientMetadata") or {})
    return {}


@operation("AdminUpdateUserAttributes")
def admin_update_user_attributes(services: Services, request: dict) -> dict:
    pool = require_pool(services, request["UserPoolId"])
    user = require_user(services, pool, request["Username"])
    changes = checked_attributes(pool, request["UserAttributes"], admin=True)
    immutable = {a["Name"] for a in pool.get("SchemaAttributes", []) if not a.get("Mutable", True)}
    for name in changes:
        if name in immutable and user["Attributes"].get(name) not in (None, changes[name]):
            raise errors.InvalidParameterException(f"Cannot modify the non-mutable attribute {name}")  # docs/cognito-behaviour.md §5.7
    to_verify = []
    for attribute in ("phone_number", "email"):
        if attribute in changes and changes[attribute] != user["Attributes"].get(attribute):
            # The administrator's value replaces one waiting for verification, and codes sent for the old one.
            user.get("PendingAttributes", {}).pop(attribute, None)
            services.store.use_codes(pool["Id"], user["Username"], verification.verify_purpose(attribute))
            if f"{attribute}_verified" not in changes:
                changes[f"{attribute}_verified"] = "false"
                if attribute in (pool.get("AutoVerifiedAttributes") or []):
                    to_verify.append(attribute)
    user["Attributes"].update(changes)
    user["UserLastModifiedDate"] = services.clock.now()
    try:
        services.store.replace_user(pool["Id"], user, unique_attributes(pool))
    except AttributeTaken as taken:
        raise user_exists_error(pool, user["Username"], "AdminUpdateUserAttributes", taken.attribute) from None
    for attribute in to_verify:
        verification.send_code(services, pool, user, attribute, purpose=verification.verify_purpose(attribute),
                               origin="AdminUpdateUserAttributes", message_source="CustomMessage_UpdateUserAttribute",
                               client=None, client_metadata=request.get("ClientMetadata") or {})
    return {}


def _set_enabled(services: Services, request: dict, enabled: bool) -> dict:
    pool = require_pool(services, request["UserPoolId"])
    user = require_user(services, pool, request["Username"])
    user["Enabled"] = enabled
    user["UserLastModifiedDate"] = services.clock.now()
    services.store.replace_user(pool["Id"], user)
    return {}


@operation("AdminDisableUser")
def admin_disable_user(services: Services, request: dict) -> dict:
    return _set_enabled(services, request, False)


@operation("AdminEnableUser")
def admin_enable_user(services: Services, request: dict) -> dict:
    return _set_enabled(services, request, True)


# ListUsers filters: `name = "value"` or `name ^= "prefix"`, on these attributes.
FILTER = re.compile(r'\s*([\w:]+)\s*(\^?=)\s*"((?:[^"\\]|\\.)*)"\s*')
FILTER_COLUMNS = {"username": "username", "sub": "sub", "phone_number": "phone_number", "email": "email",
                  "preferred_username": "preferred_username", "cognito:user_status": "status", "status": "enabled"}
FILTER_SCANNED = {"name", "given_name", "family_name"}


def parse_filter(text: str | None) -> tuple[str, str, str] | None:
    if not text or not text.strip():
        return None
    match = FILTER.fullmatch(text)
    if match is None:
        raise errors.InvalidParameterException("Error while parsing filter.")
    name, operator, value = match.group(1), match.group(2), re.sub(r"\\(.)", r"\1", match.group(3))
    if name not in FILTER_COLUMNS and name not in FILTER_SCANNED:
        raise errors.InvalidParameterException(f"Invalid search attribute: {name}")  # docs/cognito-behaviour.md §5.8
    if name == "status":
        # Values compare as Cognito compares them, case and all: "Enabled" / "Disabled" (docs/cognito-behaviour.md §5.8).
        matching = [flag for label, flag in (("Enabled", "1"), ("Disabled", "0"))
                    if (label == value if operator == "=" else label.startswith(value))]
        if len(matching) == 2:
            return name, "^=", ""  # a prefix both labels share: every user
        return name, "=", matching[0] if matching else "no match"
    return name, operator, value


@operation("ListUsers")
def list_users(services: Services, request: dict) -> dict:
    pool = require_pool(services, request["UserPoolId"])
    limit = request.get("Limit", 60)
    after = pagination.decode("users", request.get("PaginationToken"))
    condition = parse_filter(request.get("Filter"))
    only = request.get("AttributesToGet")
    if condition is None or condition[0] in FILTER_COLUMNS:
        where = None if condition is None else (FILTER_COLUMNS[condition[0]], condition[1], condition[2])
        users, cursor = services.store.list_users(pool["Id"], limit, after, where)
    else:
        users, cursor = _scan_users(services, pool["Id"], limit, after, condition)
    return pagination.listing("Users", [user_type(user, only) for user in users], "users", cursor,
                              token_key="PaginationToken")


def _scan_users(services: Services, pool_id: str, limit: int, after: int, condition: tuple[str, str, str]):
    """Filter on attributes without a column of their own, reading users in creation order."""
    name, operator, value = condition
    found: list[dict] = []
    for seq, user in services.store.iter_users(pool_id, after):
        actual = user["Attributes"].get(name)
        if actual is not None and (actual == value if operator == "=" else actual.startswith(value)):
            found.append(user)
            if len(found) == limit:
                return found, seq  # a next page may turn out empty, which Cognito allows too
    return found, None
