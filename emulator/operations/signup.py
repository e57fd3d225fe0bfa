"""SignUp, ConfirmSignUp, ResendConfirmationCode: the self-service sign-up an app drives."""

from __future__ import annotations

from emulator import errors
from emulator.operations import verification
from emulator.operations.auth import user_auth
from emulator.operations.mfa_settings import MFA_GRACE
from emulator.operations.registry import operation
from emulator.operations.users import (
    CONFIRMED, UNCONFIRMED, add_user, any_case, client_and_user, check_password_policy, check_required_attributes,
    check_secret_hash, checked_attributes, find_user, hides_user_existence, new_user, new_user_attributes,
    require_app_client, submitted_view, unknown_attribute_at_sign_up, user_exists_error,
)
from emulator.services import Services


def name_value_map(items: list[dict] | None) -> dict:
    return {item["Name"]: item.get("Value", "") for item in items or []}


def _user_not_found_for_client() -> errors.CognitoError:
    return errors.UserNotFoundException("Username/client id combination not found.")


@operation("SignUp")
def sign_up(services: Services, request: dict) -> dict:
    client, pool = require_app_client(services, request["ClientId"])
    given_username = request["Username"]
    check_secret_hash(client, given_username, request.get("SecretHash"))
    if (pool.get("AdminCreateUserConfig") or {}).get("AllowAdminCreateUserOnly"):
        raise errors.NotAuthorizedException("SignUp is not permitted for this user pool")  # docs/cognito-behaviour.md §4.8
    submitted = checked_attributes(pool, request.get("UserAttributes"), admin=False,
                                   unknown=unknown_attribute_at_sign_up)
    writable = client.get("WriteAttributes")
    if writable is not None and any(name not in writable for name in submitted):
        raise errors.NotAuthorizedException("A client attempted to write unauthorized attribute")  # §12.1
    username, attributes = new_user_attributes(pool, given_username, submitted)
    check_required_attributes(pool, attributes)
    password = request.get("Password") or None  # blank is none, as the model says
    if password is None:
        if not user_auth.passwordless(pool):
            # Wording undocumented (docs/cognito-behaviour.md §4.1); a pool that signs in with passwords needs one.
            raise errors.InvalidParameterException("Password is required for this user pool.")
    else:
        check_password_policy(pool, password)
    # Cheap early answer for the limbo case; the insert below re-checks atomically.
    if find_user(services, pool, given_username) is not None:
        raise user_exists_error(pool, given_username, "SignUp")

    client_metadata = request.get("ClientMetadata") or {}
    pre_sign_up = services.triggers.pre_sign_up(
        pool, source="PreSignUp_SignUp", username=username, user_attributes=submitted_view(attributes, submitted),
        validation_data=name_value_map(request.get("ValidationData")), client_metadata=client_metadata, client=client)
    status = CONFIRMED if pre_sign_up.auto_confirm_user else UNCONFIRMED
    for flag, wanted, attribute in (("autoVerifyPhone", pre_sign_up.auto_verify_phone, "phone_number"),
                                    ("autoVerifyEmail", pre_sign_up.auto_verify_email, "email")):
        if wanted:
            if not attributes.get(attribute):
                # Wording undocumented (docs/cognito-behaviour.md §4.2).
                raise errors.InvalidParameterException(f"{flag} is set but the user has no {attribute}.")
            attributes[f"{attribute}_verified"] = "true"

    user = new_user(pool, username, attributes, status, services.clock.now(), password=password)
    add_user(services, pool, user, given_username, "SignUp")

    response = {"UserConfirmed": status == CONFIRMED, "UserSub": attributes["sub"],
                "Session": user_auth.sign_up_session(services, pool, client, user, user_auth.SIGNED_UP)}
    if status == CONFIRMED:
        # The docs list SignUp among the operations whose ClientMetadata reaches PostConfirmation,
        # so an auto-confirmed sign-up runs it (undocumented: docs/cognito-behaviour.md §4.2).
        services.triggers.post_confirmation(pool, user=user, client_metadata=client_metadata, client=client)
        return response
    attribute = verification.verification_attribute(pool, user)
    if attribute is not None:
        response["CodeDeliveryDetails"] = verification.send_code(
            services, pool, user, attribute, purpose=verification.SIGN_UP, origin="SignUp",
            message_source="CustomMessage_SignUp", client=client, client_metadata=client_metadata,
        )
    return response


@operation("ConfirmSignUp")
def confirm_sign_up(services: Services, request: dict) -> dict:
    client, pool, user = client_and_user(services, request)
    if user is None:
        if hides_user_existence(client):
            # PreventUserExistenceErrors: answer as for a wrong code (docs/cognito-behaviour.md §4.7).
            raise errors.CodeMismatchException("Invalid verification code provided, please try again.")
        raise _user_not_found_for_client()
    verification.limit_attempts(services, pool, user, "ConfirmSignUp", per_hour=15)
    if user["UserStatus"] != UNCONFIRMED:
        raise errors.NotAuthorizedException(f"User cannot be confirmed. Current status is {user['UserStatus']}")
    verification.check_code(services, pool, user, verification.SIGN_UP, request["ConfirmationCode"])
    if request.get("Session"):
        user_auth.take_sign_up_session(services, pool, client, user, request["Session"])
    verified = verification.verification_attribute(pool, user)
    _claim_alias(services, pool, user, verified, request.get("ForceAliasCreation", False))
    if not services.store.use_codes(pool["Id"], user["Username"], verification.SIGN_UP):
        # A concurrent confirmation used the code first: a code works once.
        raise errors.ExpiredCodeException("Invalid code provided, please request a code again.")
    user = confirm(services, pool, user, verified=verified, by_code=True)
    services.triggers.post_confirmation(pool, user=user, client_metadata=request.get("ClientMetadata") or {},
                                        client=client)
    return {"Session": user_auth.sign_up_session(services, pool, client, user, user_auth.CONFIRMED_SIGN_UP)}


def _claim_alias(services: Services, pool: dict, user: dict, attribute: str | None, force: bool) -> None:
    """In an AliasAttributes pool a verified phone or email signs in one user only: confirming it on a
    second user is AliasExistsException, unless ForceAliasCreation moves the alias over."""
    if attribute is None or attribute not in (pool.get("AliasAttributes") or []):
        return
    holders = [other for other in services.store.find_users(pool["Id"], attribute, user["Attributes"][attribute],
                                                            any_case=any_case(pool))
               if other["Key"] != user["Key"] and other["Attributes"].get(f"{attribute}_verified") == "true"]
    if holders and not force:
        raise errors.AliasExistsException(f"An account with the given {attribute} already exists.")
    for holder in holders:
        holder["Attributes"][f"{attribute}_verified"] = "false"
        holder["UserLastModifiedDate"] = services.clock.now()
        services.store.replace_user(pool["Id"], holder)


def confirm(services: Services, pool: dict, user: dict, verified: str | None, by_code: bool = False) -> dict:
    """Mark the user CONFIRMED (and the attribute the code went to as verified). A user who confirmed with a code
    has proven a second factor: their first sign-in needs no other (docs/cognito-behaviour.md §14.3)."""
    fresh = services.store.get_user(pool["Id"], user["Key"]) or user
    fresh["UserStatus"] = CONFIRMED
    if by_code:
        fresh[MFA_GRACE] = True
    if verified:
        fresh["Attributes"][f"{verified}_verified"] = "true"
    fresh["UserLastModifiedDate"] = services.clock.now()
    services.store.replace_user(pool["Id"], fresh)
    return fresh


@operation("ResendConfirmationCode")
def resend_confirmation_code(services: Services, request: dict) -> dict:
    client, pool, user = client_and_user(services, request)
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
        raise errors.InvalidParameterException("Auto verification not turned on.")  # docs/cognito-behaviour.md §4.5
    verification.limit_attempts(services, pool, user, "ResendConfirmationCode", per_hour=5)
    details = verification.send_code(
        services, pool, user, attribute, purpose=verification.SIGN_UP, origin="ResendConfirmationCode",
        message_source="CustomMessage_ResendCode", client=client,
        client_metadata=request.get("ClientMetadata") or {},
    )
    return {"CodeDeliveryDetails": details}
