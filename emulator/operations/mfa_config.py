"""SetUserPoolMfaConfig and GetUserPoolMfaConfig: whether a pool asks for a second factor (OFF, ON, OPTIONAL) and
which factors it offers (SMS, software token, email), with the texts its codes go out in.

CreateUserPool and UpdateUserPool set MfaConfiguration and the SMS factor too (user_pools.py); the software-token
and email factors exist only here, kept in the pool's hidden MfaTypes. (docs/cognito-behaviour.md §14.1)
"""

from __future__ import annotations

from emulator import errors
from emulator.operations.registry import operation
from emulator.operations.user_pools import MFA_TYPES, check_mfa_with_first_factors, require_pool, require_tier
from emulator.services import Services

SMS_MFA = "SMS_MFA"
SOFTWARE_TOKEN_MFA = "SOFTWARE_TOKEN_MFA"
EMAIL_OTP = "EMAIL_OTP"
FACTORS = (SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP)  # the order Cognito lists them in MFAS_CAN_SETUP/CHOOSE

DEFAULT_SMS_MESSAGE = "Your authentication code is {####}. "
DEFAULT_EMAIL_MESSAGE = "Your authentication code is {####}. "
DEFAULT_EMAIL_SUBJECT = "Your authentication code"
CODE_PLACEHOLDER = "{####}"


def mfa_types(pool: dict) -> dict:
    """SetUserPoolMfaConfig's blocks as they now stand. Before that operation is ever called, the pool's SMS
    settings from CreateUserPool/UpdateUserPool make the SMS factor: on when MFA is on and SMS is configured."""
    kept = pool.get(MFA_TYPES)
    if kept is not None:
        types = dict(kept)
    else:
        types = {"SoftwareTokenMfaConfiguration": {"Enabled": False}}
        if pool.get("MfaConfiguration", "OFF") != "OFF" and pool.get("SmsConfiguration"):
            types["SmsMfaConfiguration"] = {"SmsConfiguration": pool["SmsConfiguration"]}
    if "SmsMfaConfiguration" in types and not pool.get("SmsConfiguration"):
        del types["SmsMfaConfiguration"]  # UpdateUserPool took the SMS settings away, and SMS MFA with them
    if "SmsMfaConfiguration" in types and pool.get("SmsAuthenticationMessage"):
        types["SmsMfaConfiguration"] = {"SmsAuthenticationMessage": pool["SmsAuthenticationMessage"],
                                        **types["SmsMfaConfiguration"]}
    return types


def enabled_factors(pool: dict) -> list[str]:
    """The MFA factors the pool offers, in Cognito's order."""
    types = mfa_types(pool)
    enabled = {SMS_MFA: "SmsMfaConfiguration" in types,
               SOFTWARE_TOKEN_MFA: bool(types.get("SoftwareTokenMfaConfiguration", {}).get("Enabled")),
               EMAIL_OTP: "EmailMfaConfiguration" in types}
    return [factor for factor in FACTORS if enabled[factor]]


def sms_message(pool: dict) -> str:
    """The text an SMS sign-in code (MFA or passwordless) goes out in."""
    return pool.get("SmsAuthenticationMessage") or DEFAULT_SMS_MESSAGE


def email_message(pool: dict) -> tuple[str, str]:
    """(subject, body) of an emailed sign-in code (MFA or passwordless)."""
    configured = mfa_types(pool).get("EmailMfaConfiguration") or {}
    return configured.get("Subject") or DEFAULT_EMAIL_SUBJECT, configured.get("Message") or DEFAULT_EMAIL_MESSAGE


@operation("SetUserPoolMfaConfig")
def set_user_pool_mfa_config(services: Services, request: dict) -> dict:
    pool = require_pool(services, request["UserPoolId"])
    sms = request.get("SmsMfaConfiguration")
    software_token = request.get("SoftwareTokenMfaConfiguration") or {"Enabled": False}
    email = request.get("EmailMfaConfiguration")
    setting = request.get("MfaConfiguration", pool.get("MfaConfiguration", "OFF"))
    if sms is not None:
        if not (sms.get("SmsConfiguration") or pool.get("SmsConfiguration")):
            raise errors.InvalidParameterException("SMS configuration is required to turn on SMS MFA.")
    if email is not None:
        require_tier(pool.get("UserPoolTier", "ESSENTIALS"), "Email MFA")
        if (pool.get("EmailConfiguration") or {}).get("EmailSendingAccount") != "DEVELOPER":
            raise errors.InvalidParameterException(
                "Email MFA requires the user pool to send email with Amazon SES (EmailSendingAccount DEVELOPER).")
    if "WebAuthnConfiguration" in request:
        require_tier(pool.get("UserPoolTier", "ESSENTIALS"), "Passkeys (WebAuthnConfiguration)")
    # The request replaces the whole configuration: a type left out is turned off (docs/cognito-behaviour.md §14.1).
    any_type = sms is not None or software_token.get("Enabled") or email is not None
    if setting != "OFF" and not any_type:
        raise errors.InvalidParameterException("Invalid MFA configuration given, can't disable all MFAs with a "
                                               "required or optional configuration.")
    if setting == "OFF" and any_type:
        raise errors.InvalidParameterException(
            "Invalid MFA configuration given, can't turn off MFA and configure an MFA together.")
    check_mfa_with_first_factors(setting, pool["Policies"].get("SignInPolicy") or {})

    types = {"SoftwareTokenMfaConfiguration": {"Enabled": bool(software_token.get("Enabled"))}}
    if sms is not None:
        types["SmsMfaConfiguration"] = {"SmsConfiguration": sms.get("SmsConfiguration") or pool["SmsConfiguration"]}
    if email is not None:
        types["EmailMfaConfiguration"] = email
    if "WebAuthnConfiguration" in request:
        types["WebAuthnConfiguration"] = request["WebAuthnConfiguration"]
    elif "WebAuthnConfiguration" in (pool.get(MFA_TYPES) or {}):
        types["WebAuthnConfiguration"] = pool[MFA_TYPES]["WebAuthnConfiguration"]

    updated = {**pool, MFA_TYPES: types, "MfaConfiguration": setting, "LastModifiedDate": services.clock.now()}
    if sms is not None:
        updated["SmsConfiguration"] = types["SmsMfaConfiguration"]["SmsConfiguration"]
        if sms.get("SmsAuthenticationMessage"):
            updated["SmsAuthenticationMessage"] = sms["SmsAuthenticationMessage"]
    services.store.replace_pool(updated)
    return _configuration(updated)


@operation("GetUserPoolMfaConfig")
def get_user_pool_mfa_config(services: Services, request: dict) -> dict:
    return _configuration(require_pool(services, request["UserPoolId"]))


def _configuration(pool: dict) -> dict:
    types = mfa_types(pool)
    shown = {"MfaConfiguration": pool.get("MfaConfiguration", "OFF"),
             "SoftwareTokenMfaConfiguration": types.get("SoftwareTokenMfaConfiguration", {"Enabled": False})}
    for name in ("SmsMfaConfiguration", "EmailMfaConfiguration", "WebAuthnConfiguration"):
        if name in types:
            shown[name] = types[name]
    return shown
