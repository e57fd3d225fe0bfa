"""Forgotten and administrator-reset passwords: ForgotPassword, ConfirmForgotPassword, AdminResetUserPassword.
(docs/cognito-behaviour.md §11)"""

from __future__ import annotations

from emulator import errors
from emulator.operations import verification
from emulator.operations.registry import operation
from emulator.operations.user_pools import require_pool
from emulator.operations.users import (
    CONFIRMED, FORCE_CHANGE_PASSWORD, RESET_REQUIRED, UNCONFIRMED, check_password_history, check_password_policy,
    client_and_user, hides_user_existence, require_user, set_password,
)
from emulator.services import Services

NO_RECOVERY = "Cannot reset password for the user as there is no registered/verified email or phone_number"
CANNOT_RESET = "User password cannot be reset in the current state."


def _simulated_delivery(pool: dict, given: str) -> dict:
    """What ForgotPassword answers for a user it must not reveal is missing: a delivery that looks real, by the
    username's form, else by the pool's first recovery mechanism (docs/cognito-behaviour.md §11.2)."""
    if given.startswith("+"):
        return verification.delivery_details("phone_number", given)
    if "@" in given:
        return verification.delivery_details("email", given)
    mechanisms = (pool.get("AccountRecoverySetting") or {}).get("RecoveryMechanisms") or []
    first = min(mechanisms, key=lambda m: m["Priority"])["Name"] if mechanisms else "verified_phone_number"
    if first == "verified_email":
        return verification.delivery_details("email", "x@x.x")
    return verification.delivery_details("phone_number", "+10000000000")


def send_reset_code(services: Services, pool: dict, user: dict, *, origin: str, client: dict | None,
                    client_metadata: dict) -> dict | None:
    """A password-reset code to the user's recovery destination; its CodeDeliveryDetails, or None if there is none."""
    attribute = verification.recovery_attribute(pool, user)
    if attribute is None:
        return None
    return verification.send_code(services, pool, user, attribute, purpose=verification.FORGOT_PASSWORD,
                                  origin=origin, message_source="CustomMessage_ForgotPassword", client=client,
                                  client_metadata=client_metadata)


@operation("ForgotPassword")
def forgot_password(services: Services, request: dict) -> dict:
    """Sends a code for ConfirmForgotPassword. The current password keeps working until then."""
    client, pool, user = client_and_user(services, request)
    given = request["Username"]
    hides = hides_user_existence(client)
    if user is None or not user["Enabled"]:
        if hides:
            return {"CodeDeliveryDetails": _simulated_delivery(pool, given)}
        if user is None:
            raise errors.UserNotFoundException("Username/client id combination not found.")
        raise errors.NotAuthorizedException("User is disabled.")
    if user["UserStatus"] == FORCE_CHANGE_PASSWORD:
        raise errors.NotAuthorizedException(CANNOT_RESET)
    if verification.recovery_attribute(pool, user) is None:
        if hides:
            return {"CodeDeliveryDetails": _simulated_delivery(pool, given)}
        raise errors.InvalidParameterException(NO_RECOVERY)
    verification.limit_attempts(services, pool, user, "ForgotPassword", per_hour=5)
    details = send_reset_code(services, pool, user, origin="ForgotPassword", client=client,
                              client_metadata=request.get("ClientMetadata") or {})
    return {"CodeDeliveryDetails": details}


@operation("ConfirmForgotPassword")
def confirm_forgot_password(services: Services, request: dict) -> dict:
    client, pool, user = client_and_user(services, request)
    if user is None or not user["Enabled"]:
        if hides_user_existence(client):
            raise errors.CodeMismatchException("Invalid verification code provided, please try again.")
        if user is None:
            raise errors.UserNotFoundException("Username/client id combination not found.")
        raise errors.NotAuthorizedException("User is disabled.")
    # Cognito allows 5 to 20 an hour depending on risk; the emulator takes the most lenient.
    verification.limit_attempts(services, pool, user, "ConfirmForgotPassword", per_hour=20)
    verification.check_code(services, pool, user, verification.FORGOT_PASSWORD, request["ConfirmationCode"])
    password = request["Password"]
    check_password_policy(pool, password)
    check_password_history(pool, user, password)
    if not services.store.use_codes(pool["Id"], user["Username"], verification.FORGOT_PASSWORD):
        raise errors.ExpiredCodeException("Invalid code provided, please request a code again.")  # used meanwhile
    user = services.store.get_user(pool["Id"], user["Key"]) or user
    set_password(pool, user, password, temporary=False, now=services.clock.now())
    if user["UserStatus"] == RESET_REQUIRED:
        user["UserStatus"] = CONFIRMED
    user["UserLastModifiedDate"] = services.clock.now()
    services.store.replace_user(pool["Id"], user)
    services.triggers.post_confirmation(pool, user=user, client_metadata=request.get("ClientMetadata") or {},
                                        client=client, source="PostConfirmation_ConfirmForgotPassword")
    return {}


@operation("AdminResetUserPassword")
def admin_reset_user_password(services: Services, request: dict) -> dict:
    """The password stops working (RESET_REQUIRED: sign-in answers PasswordResetRequiredException) and, if the user
    has a recovery destination, a code for ConfirmForgotPassword is sent to it."""
    pool = require_pool(services, request["UserPoolId"])
    user = require_user(services, pool, request["Username"])
    if user["UserStatus"] in (FORCE_CHANGE_PASSWORD, UNCONFIRMED):
        # RESET_REQUIRED is a confirmed user's state (docs/cognito-behaviour.md §11.5).
        raise errors.NotAuthorizedException(CANNOT_RESET)
    user["UserStatus"] = RESET_REQUIRED
    user["UserLastModifiedDate"] = services.clock.now()
    services.store.replace_user(pool["Id"], user)
    send_reset_code(services, pool, user, origin="AdminResetUserPassword", client=None,
                    client_metadata=request.get("ClientMetadata") or {})
    return {}
