"""One-time codes: issuing them by SMS (or email) through the pool's templates and the
CustomMessage trigger, checking them, and Cognito's per-user attempt limits."""

from __future__ import annotations

import hmac
import secrets

from emulator.services import Services
from emulator.operations.users import mask_email, mask_phone_number
from emulator import errors

CODE_PLACEHOLDER = "{####}"
DEFAULT_SMS_MESSAGE = "Your verification code is {####}. "
DEFAULT_EMAIL_MESSAGE = "Your verification code is {####}. "
DEFAULT_EMAIL_SUBJECT = "Your verification code"
CODE_LIFETIME = 24 * 3600  # sign-up and attribute verification codes (docs/cognito-behaviour.md §4.3)
HOUR = 3600

# Purposes a code can serve.
SIGN_UP = "SIGN_UP"
VERIFY_ATTRIBUTE = "VERIFY_ATTRIBUTE"


def new_code() -> str:
    return f"{secrets.randbelow(10 ** 6):06d}"


def verification_attribute(pool: dict, user: dict) -> str | None:
    """Where a sign-up code goes: phone before email when both are auto-verified."""
    auto_verified = pool.get("AutoVerifiedAttributes") or []
    for attribute in ("phone_number", "email"):
        if attribute in auto_verified and user["Attributes"].get(attribute):
            return attribute
    return None


def delivery_details(attribute: str, destination: str) -> dict:
    if attribute == "phone_number":
        return {"Destination": mask_phone_number(destination), "DeliveryMedium": "SMS", "AttributeName": attribute}
    return {"Destination": mask_email(destination), "DeliveryMedium": "EMAIL", "AttributeName": attribute}


def _templates(pool: dict) -> tuple[str, str, str]:
    template = pool.get("VerificationMessageTemplate") or {}
    return (template.get("SmsMessage") or pool.get("SmsVerificationMessage") or DEFAULT_SMS_MESSAGE,
            template.get("EmailMessage") or pool.get("EmailVerificationMessage") or DEFAULT_EMAIL_MESSAGE,
            template.get("EmailSubject") or pool.get("EmailVerificationSubject") or DEFAULT_EMAIL_SUBJECT)


def send_code(services: Services, pool: dict, user: dict, attribute: str, *, purpose: str, origin: str,
              message_source: str, client: dict | None, client_metadata: dict | None) -> dict:
    """Issue a new code for `purpose` (older ones stop working) and send it; returns CodeDeliveryDetails."""
    destination = user["Attributes"][attribute]
    sms, email, subject = _templates(pool)
    custom = services.triggers.custom_message(pool, source=message_source, user=user, code_parameter=CODE_PLACEHOLDER,
                                              username_parameter=None, client_metadata=client_metadata or {},
                                              client=client)
    code = new_code()
    now = services.clock.now()
    # Stored before it is sent, so a code in the inbox always works.
    services.store.replace_code(pool["Id"], user["Username"], purpose, code, now, now + CODE_LIFETIME)
    if attribute == "phone_number":
        text = (custom.sms_message or sms).replace(CODE_PLACEHOLDER, code)
        services.outbox.send_sms(destination, text, origin, pool["Id"], code)
    else:
        text = (custom.email_message or email).replace(CODE_PLACEHOLDER, code)
        services.outbox.send_email(destination, custom.email_subject or subject, text, origin, pool["Id"], code)
    return delivery_details(attribute, destination)


def check_code(services: Services, pool: dict, user: dict, purpose: str, submitted: str) -> None:
    """Accept the user's current, unexpired code; a superseded or expired one is ExpiredCodeException."""
    now = services.clock.now()
    for stored in services.store.get_codes(pool["Id"], user["Username"], purpose):
        if hmac.compare_digest(stored["code"].encode(), submitted.encode()):
            if stored["superseded"] or stored["expires_at"] <= now:
                raise errors.ExpiredCodeException("Invalid code provided, please request a code again.")
            return
    raise errors.CodeMismatchException("Invalid verification code provided, please try again.")


def limit_attempts(services: Services, pool: dict, user: dict, action: str, per_hour: int) -> None:
    """Cognito's documented per-user limits (e.g. ResendConfirmationCode 5 an hour)."""
    earlier = services.store.count_and_record_attempt(pool["Id"], user["Username"], action, services.clock.now(), HOUR)
    if earlier >= per_hour:
        raise errors.LimitExceededException("Attempt limit exceeded, please try after some time.")
