"""The signed-in user's own profile: UpdateUserAttributes, GetUserAttributeVerificationCode, VerifyUserAttribute,
DeleteUserAttributes, DeleteUser; and the administrator's AdminDeleteUserAttributes. (docs/cognito-behaviour.md §12)"""

from __future__ import annotations

from emulator import errors
from emulator.operations import token_issue, verification
from emulator.operations.registry import operation
from emulator.operations.user_pools import require_pool
from emulator.operations.users import (
    checked_attributes, require_user, unique_attributes, unknown_attribute, user_exists_error,
)
from emulator.services import Services
from emulator.services.store import AttributeTaken

VERIFIABLE = ("phone_number", "email")
UNAUTHORIZED_WRITE = "A client attempted to write unauthorized attribute"


def _signed_in(services: Services, request: dict) -> tuple[dict, dict, dict | None]:
    """(pool, user, app client) of the access token in the request."""
    pool, user, claims = token_issue.user_of_access_token(services, request["AccessToken"])
    return pool, user, services.store.get_client(str(claims.get("client_id")))


def _unauthorized_write(name: str) -> errors.CognitoError:
    """How a user's own write of an attribute the pool lacks is refused (docs/cognito-behaviour.md §12.1)."""
    return errors.NotAuthorizedException(UNAUTHORIZED_WRITE)


def _check_writable(pool: dict, client: dict | None, names) -> None:
    """The app client's WriteAttributes (when set) name what its users may change; immutable ones never change, and
    developer-only ones change only through the administrator's calls."""
    writable = (client or {}).get("WriteAttributes")
    schema = pool.get("SchemaAttributes", [])
    closed = {a["Name"] for a in schema if not a.get("Mutable", True) or a.get("DeveloperOnlyAttribute")}
    for name in names:
        if (writable is not None and name not in writable) or name in closed:
            raise errors.NotAuthorizedException(UNAUTHORIZED_WRITE)


def _save(services: Services, pool: dict, user: dict, operation_name: str) -> None:
    user["UserLastModifiedDate"] = services.clock.now()
    try:
        services.store.replace_user(pool["Id"], user, unique_attributes(pool))
    except AttributeTaken as taken:
        raise user_exists_error(pool, user["Username"], operation_name, taken.attribute) from None


def _remove(user: dict, names) -> None:
    for name in names:
        user["Attributes"].pop(name, None)
        if name in VERIFIABLE:
            user["Attributes"].pop(f"{name}_verified", None)
            user.get("PendingAttributes", {}).pop(name, None)


def _send_verification(services: Services, pool: dict, user: dict, attribute: str, *, destination: str | None,
                       origin: str, message_source: str, client: dict | None, client_metadata: dict) -> dict:
    return verification.send_code(services, pool, user, attribute, purpose=verification.verify_purpose(attribute),
                                  origin=origin, message_source=message_source, client=client,
                                  client_metadata=client_metadata, destination=destination)


@operation("UpdateUserAttributes")
def update_user_attributes(services: Services, request: dict) -> dict:
    """A changed phone number or email is unverified until its code comes back, and the code goes to the new value.
    For an attribute in the pool's AttributesRequireVerificationBeforeUpdate the old value stays in force (for
    sign-in and messages) and the new one waits for VerifyUserAttribute. An empty value deletes the attribute."""
    pool, user, client = _signed_in(services, request)
    given = request["UserAttributes"]
    cleared = [item["Name"] for item in given if item.get("Value", "") == ""]
    changes = checked_attributes(pool, [item for item in given if item.get("Value", "") != ""], admin=False,
                                 unknown=_unauthorized_write)
    _check_deletable(pool, cleared, _unauthorized_write)
    _check_writable(pool, client, [*changes, *cleared])
    auto_verified = pool.get("AutoVerifiedAttributes") or []
    held = (pool.get("UserAttributeUpdateSettings") or {}).get("AttributesRequireVerificationBeforeUpdate") or []
    to_verify: list[tuple[str, str | None]] = []  # (attribute, the pending value it goes to, if any)
    for attribute in VERIFIABLE:
        value = changes.get(attribute)
        if value is None or value == user["Attributes"].get(attribute):
            continue
        if attribute in held and attribute in auto_verified and user["Attributes"].get(attribute):
            del changes[attribute]
            user.setdefault("PendingAttributes", {})[attribute] = value  # a newer request replaces it
            to_verify.append((attribute, value))
        else:
            changes[f"{attribute}_verified"] = "false"
            user.get("PendingAttributes", {}).pop(attribute, None)
            # A code sent to the old value must not verify the new one.
            services.store.use_codes(pool["Id"], user["Username"], verification.verify_purpose(attribute))
            if attribute in auto_verified:
                to_verify.append((attribute, None))
    _remove(user, cleared)
    user["Attributes"].update(changes)
    _save(services, pool, user, "UpdateUserAttributes")
    details = [_send_verification(services, pool, user, attribute, destination=pending,
                                  origin="UpdateUserAttributes", message_source="CustomMessage_UpdateUserAttribute",
                                  client=client, client_metadata=request.get("ClientMetadata") or {})
               for attribute, pending in to_verify]
    return {"CodeDeliveryDetailsList": details} if details else {}


@operation("GetUserAttributeVerificationCode")
def get_user_attribute_verification_code(services: Services, request: dict) -> dict:
    pool, user, client = _signed_in(services, request)
    attribute = request["AttributeName"]
    pending = user.get("PendingAttributes", {}).get(attribute)
    if attribute not in VERIFIABLE or not (pending or user["Attributes"].get(attribute)):
        # Wording undocumented (docs/cognito-behaviour.md §12.3).
        raise errors.InvalidParameterException(f"Invalid attribute name or the user has no {attribute}.")
    verification.limit_attempts(services, pool, user, "GetUserAttributeVerificationCode", per_hour=5)
    return {"CodeDeliveryDetails": _send_verification(
        services, pool, user, attribute, destination=pending, origin="GetUserAttributeVerificationCode",
        message_source="CustomMessage_VerifyUserAttribute", client=client,
        client_metadata=request.get("ClientMetadata") or {})}


@operation("VerifyUserAttribute")
def verify_user_attribute(services: Services, request: dict) -> dict:
    """The code marks the attribute verified, or puts the value waiting for it in force."""
    pool, user, _ = _signed_in(services, request)
    attribute = request["AttributeName"]
    if attribute not in VERIFIABLE:
        raise errors.InvalidParameterException(f"Invalid attribute name or the user has no {attribute}.")
    verification.limit_attempts(services, pool, user, "VerifyUserAttribute", per_hour=15)
    purpose = verification.verify_purpose(attribute)
    verification.check_code(services, pool, user, purpose, request["Code"])
    pending = user.get("PendingAttributes", {}).pop(attribute, None)
    if pending is not None:
        user["Attributes"][attribute] = pending
    user["Attributes"][f"{attribute}_verified"] = "true"
    _save(services, pool, user, "VerifyUserAttribute")
    services.store.use_codes(pool["Id"], user["Username"], purpose)
    return {}


def _check_deletable(pool: dict, names: list[str], unknown) -> None:
    """Attributes the schema has, and neither the sub nor a required one; `unknown` makes the error for the rest."""
    schema = {a["Name"]: a for a in pool.get("SchemaAttributes", [])}
    for name in names:
        if name not in schema:
            raise unknown(name)
        if name == "sub" or schema[name].get("Required"):
            # Wording undocumented (docs/cognito-behaviour.md §12.4).
            raise errors.InvalidParameterException(f"Cannot delete the required attribute {name}.")


def _delete_attributes(services: Services, pool: dict, user: dict, names: list[str], operation_name: str,
                       client: dict | None = None) -> None:
    """`client`: the user's app client, whose WriteAttributes limit what they may delete (None: the administrator)."""
    _check_deletable(pool, names, unknown_attribute if client is None else _unauthorized_write)
    if client is not None:
        _check_writable(pool, client, names)
    _remove(user, names)
    _save(services, pool, user, operation_name)


@operation("DeleteUserAttributes")
def delete_user_attributes(services: Services, request: dict) -> dict:
    pool, user, client = _signed_in(services, request)
    _delete_attributes(services, pool, user, request["UserAttributeNames"], "DeleteUserAttributes", client or {})
    return {}


@operation("AdminDeleteUserAttributes")
def admin_delete_user_attributes(services: Services, request: dict) -> dict:
    """Tokens already issued keep the attributes; the next ones do not have them."""
    pool = require_pool(services, request["UserPoolId"])
    user = require_user(services, pool, request["Username"])
    _delete_attributes(services, pool, user, request["UserAttributeNames"], "AdminDeleteUserAttributes")
    return {}


@operation("DeleteUser")
def delete_user(services: Services, request: dict) -> dict:
    """The user deletes themself: gone for good, and their refresh tokens (and what they issued) with them."""
    pool, user, _ = _signed_in(services, request)
    services.store.revoke_user_tokens(pool["Id"], user["Username"])
    services.store.delete_user(pool["Id"], user["Key"], user["Username"])
    return {}
