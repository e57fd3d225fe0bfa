"""A user's second factors: SetUserMFAPreference, AdminSetUserMFAPreference, the legacy SetUserSettings and
AdminSetUserSettings, GetUserAuthFactors and AdminGetUserAuthFactors; and the MFA part of GetUser/AdminGetUser.

The user keeps `MfaSettings`: {"Enabled": [factor, ...], "Preferred": factor}, factors named as in
UserMFASettingList (SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP). A software token must be verified before it can
be enabled (software_tokens.py). (docs/cognito-behaviour.md §14.2)
"""

from __future__ import annotations

from emulator import errors
from emulator.operations import token_issue
from emulator.operations.mfa_config import EMAIL_OTP, FACTORS, SMS_MFA, SOFTWARE_TOKEN_MFA
from emulator.operations.registry import operation
from emulator.operations.user_pools import require_pool, require_tier
from emulator.operations.users import require_user
from emulator.services import Services, totp

MFA_SETTINGS = "MfaSettings"
SOFTWARE_TOKEN = "SoftwareToken"  # {"Secret", "FriendlyDeviceName", "LastStep"} once verified
MFA_GRACE = "MfaGrace"  # confirmed with a code and not signed in since: the first sign-in needs no second factor
# SetUserMFAPreference's blocks, and the factor each sets.
PREFERENCE_BLOCKS = {"SMSMfaSettings": SMS_MFA, "SoftwareTokenMfaSettings": SOFTWARE_TOKEN_MFA,
                     "EmailMfaSettings": EMAIL_OTP}


def enabled_factors(user: dict) -> list[str]:
    enabled = (user.get(MFA_SETTINGS) or {}).get("Enabled") or []
    return [factor for factor in FACTORS if factor in enabled]


def preferred_factor(user: dict) -> str | None:
    return (user.get(MFA_SETTINGS) or {}).get("Preferred")


def has_software_token(user: dict) -> bool:
    return bool((user.get(SOFTWARE_TOKEN) or {}).get("Secret"))


ACCEPTED, WRONG, USED = "accepted", "wrong", "used"


def accept_code(services: Services, pool: dict, user: dict, code: str) -> str:
    """ACCEPTED when `code` is the user's current authenticator code (which uses it up), USED when it was
    accepted before, WRONG otherwise."""
    user = services.store.get_user(pool["Id"], user["Key"]) or user
    token = user.get(SOFTWARE_TOKEN) or {}
    step = totp.matching_step(token["Secret"], code, services.clock.now()) if token.get("Secret") else None
    if step is None:
        return WRONG
    if step <= token.get("LastStep", -1):
        return USED
    token["LastStep"] = step
    services.store.replace_user(pool["Id"], user)
    return ACCEPTED


def mfa_view(user: dict) -> dict:
    """GetUser's and AdminGetUser's MFA members; absent when nothing is set."""
    view: dict = {}
    enabled = enabled_factors(user)
    if enabled:
        view["UserMFASettingList"] = enabled
    if preferred_factor(user):
        view["PreferredMfaSetting"] = preferred_factor(user)
    if SMS_MFA in enabled:
        view["MFAOptions"] = [{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}]
    return view


def set_factors(user: dict, enabled: list[str], preferred: str | None) -> None:
    user[MFA_SETTINGS] = {"Enabled": [factor for factor in FACTORS if factor in enabled],
                          **({"Preferred": preferred} if preferred else {})}


def _apply_preference(services: Services, pool: dict, user: dict, request: dict) -> None:
    enabled, preferred = set(enabled_factors(user)), preferred_factor(user)
    asked_preferred = [block for block in PREFERENCE_BLOCKS if (request.get(block) or {}).get("PreferredMfa")]
    if len(asked_preferred) > 1:
        # Wording undocumented (docs/cognito-behaviour.md §14.2).
        raise errors.InvalidParameterException("Only one MFA type can be preferred.")
    for block, factor in PREFERENCE_BLOCKS.items():
        settings = request.get(block)
        if settings is None:
            continue
        if not settings.get("Enabled", False):
            enabled.discard(factor)
            if preferred == factor:
                preferred = None
            continue
        _check_can_enable(pool, user, factor)
        enabled.add(factor)
        if settings.get("PreferredMfa"):
            preferred = factor
        elif settings.get("PreferredMfa") is False and preferred == factor:
            preferred = None
    if (request.get("WebAuthnMfaSettings") or {}).get("Enabled"):
        # Passkeys as a second factor come with passkeys themselves (docs/cognito-behaviour.md §10).
        raise errors.InvalidParameterException("WebAuthnMfaSettings is not supported by the emulator yet.")
    set_factors(user, sorted(enabled), preferred)
    user["UserLastModifiedDate"] = services.clock.now()
    services.store.replace_user(pool["Id"], user)


def _check_can_enable(pool: dict, user: dict, factor: str) -> None:
    attributes = user["Attributes"]
    if factor == EMAIL_OTP:
        require_tier(pool.get("UserPoolTier", "ESSENTIALS"), "Email MFA")
    reachable = {SMS_MFA: bool(attributes.get("phone_number")), SOFTWARE_TOKEN_MFA: has_software_token(user),
                 EMAIL_OTP: bool(attributes.get("email"))}
    if not reachable[factor]:
        raise errors.InvalidParameterException(f"User does not have delivery config set to turn on {factor}")


@operation("SetUserMFAPreference")
def set_user_mfa_preference(services: Services, request: dict) -> dict:
    pool, user, _ = token_issue.user_of_access_token(services, request["AccessToken"])
    _apply_preference(services, pool, user, request)
    return {}


@operation("AdminSetUserMFAPreference")
def admin_set_user_mfa_preference(services: Services, request: dict) -> dict:
    pool = require_pool(services, request["UserPoolId"])
    _apply_preference(services, pool, require_user(services, pool, request["Username"]), request)
    return {}


def _apply_settings(services: Services, pool: dict, user: dict, options: list[dict]) -> None:
    """The legacy MFAOptions: an SMS entry turns SMS MFA on, an empty list turns it off."""
    for option in options:
        if option.get("DeliveryMedium") != "SMS" or option.get("AttributeName", "phone_number") != "phone_number":
            # Wording undocumented (docs/cognito-behaviour.md §14.2).
            raise errors.InvalidParameterException("Only SMS to phone_number can be set through MFAOptions.")
    request = {"SMSMfaSettings": {"Enabled": bool(options)}}
    _apply_preference(services, pool, user, request)


@operation("SetUserSettings")
def set_user_settings(services: Services, request: dict) -> dict:
    pool, user, _ = token_issue.user_of_access_token(services, request["AccessToken"])
    _apply_settings(services, pool, user, request["MFAOptions"])
    return {}


@operation("AdminSetUserSettings")
def admin_set_user_settings(services: Services, request: dict) -> dict:
    pool = require_pool(services, request["UserPoolId"])
    _apply_settings(services, pool, require_user(services, pool, request["Username"]), request["MFAOptions"])
    return {}


def configured_factors(pool: dict, user: dict) -> list[str]:
    """GetUserAuthFactors' ConfiguredUserAuthFactors: the first factors the user could sign in with here, then the
    software token if it is an enabled second factor."""
    allowed = (pool.get("Policies", {}).get("SignInPolicy") or {}).get("AllowedFirstAuthFactors") or ["PASSWORD"]
    attributes, enabled = user["Attributes"], enabled_factors(user)
    factors = []
    if user.get("Password") is not None:
        factors.append("PASSWORD")
    if attributes.get("email") and (("EMAIL_OTP" in allowed and attributes.get("email_verified") == "true")
                                    or EMAIL_OTP in enabled):
        factors.append("EMAIL_OTP")
    if attributes.get("phone_number") and (("SMS_OTP" in allowed and attributes.get("phone_number_verified") == "true")
                                           or SMS_MFA in enabled):
        factors.append("SMS_OTP")
    if user.get("WebAuthnCredentials") and "WEB_AUTHN" in allowed:
        factors.append("WEB_AUTHN")
    if SOFTWARE_TOKEN_MFA in enabled:
        factors.append("SOFTWARE_TOKEN")
    return factors


def _auth_factors(pool: dict, user: dict) -> dict:
    view = {key: value for key, value in mfa_view(user).items() if key != "MFAOptions"}
    return {"Username": user["Username"], **view, "ConfiguredUserAuthFactors": configured_factors(pool, user)}


@operation("GetUserAuthFactors")
def get_user_auth_factors(services: Services, request: dict) -> dict:
    pool, user, _ = token_issue.user_of_access_token(services, request["AccessToken"])
    return _auth_factors(pool, user)


@operation("AdminGetUserAuthFactors")
def admin_get_user_auth_factors(services: Services, request: dict) -> dict:
    pool = require_pool(services, request["UserPoolId"])
    return _auth_factors(pool, require_user(services, pool, request["Username"]))
