"""SignUp, ConfirmSignUp, ResendConfirmationCode: the self-service sign-up an app drives."""

from __future__ import annotations

from emulator.operations import verification
from emulator.operations.registry import Services, operation
from emulator.operations.users import (
    CONFIRMED, UNCONFIRMED, check_password_policy, check_required_attributes, check_secret_hash, checked_attributes,
    find_user, hides_user_existence, new_user, new_username, require_app_client, set_password, unique_attributes,
)
from emulator.protocol import errors
from emulator.services.store import AttributeTaken, UsernameTaken


def username_exists(pool: dict, username: str) -> errors.CognitoError:
    for attribute in pool.get("UsernameAttributes") or []:
        if (attribute == "phone_number" and username.startswith("+")) or (attribute == "email" and "@" in username):
            return errors.UsernameExistsException(f"An account with the given {attribute} already exists.")
    return errors.UsernameExistsException("User already exists")


def _name_value_map(items: list[dict] | None) -> dict:
    return {item["Name"]: item.get("Value", "") for item in items or []}


def _user_not_found_for_client() -> errors.CognitoError:
    return errors.UserNotFoundException("Username/client id combination not found.")


def _client_and_user(services: Services, request: dict) -> tuple[dict, dict, dict | None]:
    """The app client, its pool and the user named in a Confirm/Resend request (None if there is none)."""
    client, pool = require_app_client(services, request["ClientId"])
    check_secret_hash(client, request["Username"], request.get("SecretHash"))
    return client, pool, find_user(services, pool, request["Username"])


@operation("SignUp")
def sign_up(services: Services, request: dict) -> dict:
    client, pool = require_app_client(services, request["ClientId"])
    given_username = request["Username"]
    check_secret_hash(client, given_username, request.get("SecretHash"))
    username, implied = new_username(pool, given_username)
    attributes = {**checked_attributes(pool, request.get("UserAttributes"), admin=False), **implied}
    for attribute in ("phone_number", "email"):
        if attribute in attributes:
            attributes[f"{attribute}_verified"] = "false"
    check_required_attributes(pool, attributes)
    password = request.get("Password")
    if password is None:
        # Unconfirmed wording; a pool that signs in with passwords needs one.
        raise errors.InvalidParameterException("Password is required for this user pool.")
    check_password_policy(pool, password)
    # Cheap early answer for the limbo case; the insert below re-checks atomically.
    if find_user(services, pool, given_username) is not None:
        raise username_exists(pool, given_username)

    client_metadata = request.get("ClientMetadata") or {}
    pre_sign_up = services.triggers.run(
        pool, "PreSignUp", "PreSignUp_SignUp", username,
        {"userAttributes": dict(attributes), "validationData": _name_value_map(request.get("ValidationData")),
         "clientMetadata": client_metadata},
        client["ClientId"],
    ) or {}
    status = CONFIRMED if pre_sign_up.get("autoConfirmUser") else UNCONFIRMED
    for flag, attribute in (("autoVerifyPhone", "phone_number"), ("autoVerifyEmail", "email")):
        if pre_sign_up.get(flag):
            if not attributes.get(attribute):
                raise errors.InvalidParameterException(
                    f"{flag} is set but the user has no {attribute}."  # unconfirmed wording
                )
            attributes[f"{attribute}_verified"] = "true"

    now = services.clock.now()
    user = new_user(pool, username, attributes, status, now)
    set_password(pool, user, password, temporary=False, now=now)
    try:
        services.store.insert_user(pool["Id"], user, unique_attributes(pool))
    except (UsernameTaken, AttributeTaken):
        raise username_exists(pool, given_username) from None

    response = {"UserConfirmed": status == CONFIRMED, "UserSub": attributes["sub"]}
    if status == CONFIRMED:
        # The docs list SignUp among the operations whose ClientMetadata reaches PostConfirmation,
        # so an auto-confirmed sign-up runs it (unconfirmed against real Cognito).
        post_confirmation(services, pool, user, client["ClientId"], client_metadata)
        return response
    attribute = verification.verification_attribute(pool, user)
    if attribute is not None:
        response["CodeDeliveryDetails"] = verification.send_code(
            services, pool, user, attribute, purpose=verification.SIGN_UP, origin="SignUp",
            message_source="CustomMessage_SignUp", client_id=client["ClientId"], client_metadata=client_metadata,
        )
    return response


@operation("ConfirmSignUp")
def confirm_sign_up(services: Services, request: dict) -> dict:
    client, pool, user = _client_and_user(services, request)
    if user is None:
        if hides_user_existence(client):
            # PreventUserExistenceErrors: answer as for a wrong code (unconfirmed against real Cognito).
            raise errors.CodeMismatchException("Invalid verification code provided, please try again.")
        raise _user_not_found_for_client()
    verification.limit_attempts(services, pool, user, "ConfirmSignUp", per_hour=15)
    if user["UserStatus"] != UNCONFIRMED:
        raise errors.NotAuthorizedException(f"User cannot be confirmed. Current status is {user['UserStatus']}")
    verification.check_code(services, pool, user, verification.SIGN_UP, request["ConfirmationCode"])
    verified = verification.verification_attribute(pool, user)
    _claim_alias(services, pool, user, verified, request.get("ForceAliasCreation", False))
    if not services.store.use_codes(pool["Id"], user["Username"], verification.SIGN_UP):
        # A concurrent confirmation used the code first: a code works once.
        raise errors.ExpiredCodeException("Invalid code provided, please request a code again.")
    user = confirm(services, pool, user, verified=verified)
    post_confirmation(services, pool, user, client["ClientId"], request.get("ClientMetadata") or {})
    return {}


def _claim_alias(services: Services, pool: dict, user: dict, attribute: str | None, force: bool) -> None:
    """In an AliasAttributes pool a verified phone or email signs in one user only: confirming it on a
    second user is AliasExistsException, unless ForceAliasCreation moves the alias over."""
    if attribute is None or attribute not in (pool.get("AliasAttributes") or []):
        return
    holders = [other for other in services.store.find_users(pool["Id"], attribute, user["Attributes"][attribute])
               if other["Key"] != user["Key"] and other["Attributes"].get(f"{attribute}_verified") == "true"]
    if holders and not force:
        raise errors.AliasExistsException(f"An account with the given {attribute} already exists.")
    for holder in holders:
        holder["Attributes"][f"{attribute}_verified"] = "false"
        holder["UserLastModifiedDate"] = services.clock.now()
        services.store.replace_user(pool["Id"], holder)


def confirm(services: Services, pool: dict, user: dict, verified: str | None) -> dict:
    """Mark the user CONFIRMED (and the attribute the code went to as verified)."""
    fresh = services.store.get_user(pool["Id"], user["Key"]) or user
    fresh["UserStatus"] = CONFIRMED
    if verified:
        fresh["Attributes"][f"{verified}_verified"] = "true"
    fresh["UserLastModifiedDate"] = services.clock.now()
    services.store.replace_user(pool["Id"], fresh)
    return fresh


def post_confirmation(services: Services, pool: dict, user: dict, client_id: str | None, client_metadata: dict,
                       source: str = "PostConfirmation_ConfirmSignUp") -> None:
    services.triggers.run(pool, "PostConfirmation", source, user["Username"],
                          {"userAttributes": dict(user["Attributes"]), "clientMetadata": client_metadata}, client_id)


@operation("ResendConfirmationCode")
def resend_confirmation_code(services: Services, request: dict) -> dict:
    client, pool, user = _client_and_user(services, request)
    if user is None:
        if hides_user_existence(client):
            # A simulated destination, so the answer does not reveal that nobody is there.
            given = request["Username"]
            medium = "phone_number" if given.startswith("+") else "email"
            return {"CodeDeliveryDetails": verification.delivery_details(medium, given)}
        raise _user_not_found_for_client()
    if user["UserStatus"] == CONFIRMED:
        raise errors.InvalidParameterException("User is already confirmed.")
    attribute = verification.verification_attribute(pool, user)
    if attribute is None:
        raise errors.InvalidParameterException("Auto verification not turned on.")  # unconfirmed wording
    verification.limit_attempts(services, pool, user, "ResendConfirmationCode", per_hour=5)
    details = verification.send_code(
        services, pool, user, attribute, purpose=verification.SIGN_UP, origin="ResendConfirmationCode",
        message_source="CustomMessage_ResendCode", client_id=client["ClientId"],
        client_metadata=request.get("ClientMetadata") or {},
    )
    return {"CodeDeliveryDetails": details}
