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
HOUR = 3600

# Purposes a code can serve, and how long its codes live (docs/cognito-behaviour.md §4.3, §11.1).
SIGN_UP = "SIGN_UP"
FORGOT_PASSWORD = "FORGOT_PASSWORD"
VERIFY_ATTRIBUTE = "VERIFY_ATTRIBUTE"  # one purpose per attribute: see verify_purpose
LIFETIMES = {SIGN_UP: 24 * HOUR, VERIFY_ATTRIBUTE: 24 * HOUR, FORGOT_PASSWORD: HOUR}


def verify_purpose(attribute: str) -> str:
    """Codes that verify a phone number and an email are separate: a new one for either leaves the other working."""
    return f"{VERIFY_ATTRIBUTE}:{attribute}"


def new_code() -> str:
    return f"{secrets.randbelow(10 ** 6):06d}"


def verification_attribute(pool: dict, user: dict) -> str | None:
    """Where a sign-up code goes: phone before email when both are auto-verified."""
    auto_verified = pool.get("AutoVerifiedAttributes") or []
    for attribute in ("phone_number", "email"):
        if attribute in auto_verified and user["Attributes"].get(attribute):
            return attribute
    return None


def recovery_attribute(pool: dict, user: dict) -> str | None:
    """Where a password-reset code goes: the first of the pool's AccountRecoverySetting mechanisms (by priority)
    the user has a verified value for; without the setting, a verified phone before a verified email. None: there
    is nowhere (or recovery is admin_only)."""
    setting = (pool.get("AccountRecoverySetting") or {}).get("RecoveryMechanisms")
    if setting:
        names = [mechanism["Name"] for mechanism in sorted(setting, key=lambda mechanism: mechanism["Priority"])]
    else:
        names = ["verified_phone_number", "verified_email"]
    for name in names:
        attribute = {"verified_phone_number": "phone_number", "verified_email": "email"}.get(name)
        if attribute is None:
            return None  # admin_only: no self-service recovery
        attributes = user["Attributes"]
        if attributes.get(attribute) and attributes.get(f"{attribute}_verified") == "true":
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
              message_source: str, client: dict | None, client_metadata: dict | None,
              destination: str | None = None) -> dict:
    """Issue a new code for `purpose` (older ones stop working) and send it to the user's `attribute` (or to
    `destination`, a value not yet stored); returns CodeDeliveryDetails."""
    code = new_code()

    def keep() -> None:
        now = services.clock.now()
        services.store.replace_code(pool["Id"], user["Username"], purpose, code, now,
                                    now + LIFETIMES[purpose.split(":")[0]])

    return deliver(services, pool, user, attribute, code, _templates(pool), origin=origin,
                   message_source=message_source, client=client, client_metadata=client_metadata,
                   destination=destination, before_sending=keep)


def deliver(services: Services, pool: dict, user: dict, attribute: str, code: str, templates: tuple[str, str, str],
            *, origin: str, message_source: str, client: dict | None, client_metadata: dict | None,
            destination: str | None = None, before_sending=None) -> dict:
    """Text or email `code` to the user's `attribute` (or `destination`) in `templates` (SMS text, email text,
    email subject), which the CustomMessage trigger may replace; returns CodeDeliveryDetails. `before_sending`
    stores the code once the trigger has run, so a code in the inbox always works and a failed trigger leaves
    the earlier code working."""
    destination = destination or user["Attributes"][attribute]
    sms, email, subject = templates
    custom = services.triggers.custom_message(pool, source=message_source, user=user, code_parameter=CODE_PLACEHOLDER,
                                              username_parameter=None, client_metadata=client_metadata or {},
                                              client=client)
    if before_sending is not None:
        before_sending()
    if attribute == "phone_number":
        text = (custom.sms_message or sms).replace(CODE_PLACEHOLDER, code)
        services.outbox.send_sms(destination, text, origin, pool["Id"], code)
    else:
        text = (custom.email_message or email).replace(CODE_PLACEHOLDER, code)
        services.outbox.send_email(destination, custom.email_subject or subject, text, origin, pool["Id"], code)
    return delivery_details(attribute, destination)


def check_code(services: Services, pool: dict, user: dict, purpose: str, submitted: str) -> None:
    """Accept the user's current, unexpired code; a superseded or expired one is ExpiredCodeException, as is any
    code when none was ever sent for the purpose."""
    now = services.clock.now()
    codes = services.store.get_codes(pool["Id"], user["Username"], purpose)
    if not codes:
        raise errors.ExpiredCodeException("Invalid code provided, please request a code again.")
    for stored in codes:
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
