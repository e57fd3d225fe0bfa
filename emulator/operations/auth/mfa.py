"""The second factor after a password: SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP, SELECT_MFA_TYPE and MFA_SETUP.

`second_factor` runs where a password (plain, SRP, or inside USER_AUTH or custom auth) has just been proven:
with the pool's MFA OFF, or OPTIONAL and nothing turned on, it is tokens; otherwise the user's preferred (or only)
factor, a choice between several, or setting one up when MFA is required and the user has none.
(docs/cognito-behaviour.md §14.3)
"""

from __future__ import annotations

import json
import re

from emulator import errors
from emulator.operations.auth import lockout, sign_in_codes
from emulator.operations.auth.sessions import AuthSession, follow_on, new_session
from emulator.operations.auth.steps import AuthCall, Challenge, SignedIn, Step, fresh
from emulator.operations.mfa_config import EMAIL_OTP, SMS_MFA, SOFTWARE_TOKEN_MFA, enabled_factors as pool_factors
from emulator.operations import mfa_settings
from emulator.operations.mfa_settings import MFA_GRACE, enabled_factors, has_software_token, preferred_factor

EMAIL_ADDRESS = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
SELECT_MFA_TYPE = "SELECT_MFA_TYPE"
MFA_SETUP = "MFA_SETUP"
AUTHENTICATION = "TokenGeneration_Authentication"
ATTRIBUTE_OF = {factor: sign_in_codes.ATTRIBUTE_OF[factor] for factor in (SMS_MFA, EMAIL_OTP)}


def _reachable(factor: str, offered: list[str], user: dict) -> bool:
    """A texted or emailed code needs the pool to offer it and somewhere to send it; a verified authenticator keeps
    working even if the pool stops offering it (DG TOTP page)."""
    if factor == SOFTWARE_TOKEN_MFA:
        return has_software_token(user)
    return factor in offered and bool(user["Attributes"].get(ATTRIBUTE_OF[factor]))


def usable_factors(pool: dict, user: dict) -> list[str]:
    """The factors the user has turned on that can be used here."""
    offered = pool_factors(pool)
    return [factor for factor in enabled_factors(user) if _reachable(factor, offered, user)]


def _required_factors(pool: dict, user: dict) -> list[str]:
    """MFA required and nothing turned on: what the user already has serves (a phone number for SMS, an email for
    email, a verified authenticator); none of these means setting one up."""
    offered = pool_factors(pool)
    return [factor for factor in offered if _reachable(factor, offered, user)]


def second_factor(call: AuthCall, user: dict, flow: str, source: str = AUTHENTICATION) -> Step:
    """After a proven password: tokens, or the second-factor challenge."""
    setting = call.pool.get("MfaConfiguration", "OFF")
    if setting == "OFF":
        return SignedIn(user, source=source)
    if user.get(MFA_GRACE):
        # A new user's first sign-in: the confirmation code was the second factor (docs/cognito-behaviour.md §14.3).
        return SignedIn(user, source=source)
    factors = usable_factors(call.pool, user)
    if not factors and setting == "ON":
        factors = _required_factors(call.pool, user)
        if not factors:
            session = _session(call, user, flow, MFA_SETUP, source)
            return Challenge(MFA_SETUP, {"MFAS_CAN_SETUP": _json_list(pool_factors(call.pool)),
                                         "USERNAME": user["Username"]}, session)
    if not factors:
        return SignedIn(user, source=source)
    preferred = preferred_factor(user)
    if preferred in factors:
        return factor_challenge(call, user, preferred, _session(call, user, flow, preferred, source))
    if len(factors) == 1:
        return factor_challenge(call, user, factors[0], _session(call, user, flow, factors[0], source))
    session = _session(call, user, flow, SELECT_MFA_TYPE, source, choices=factors)
    return Challenge(SELECT_MFA_TYPE, {"MFAS_CAN_CHOOSE": _json_list(factors), "USERNAME": user["Username"]}, session)


def _json_list(factors: list[str]) -> str:
    """MFAS_CAN_SETUP and MFAS_CAN_CHOOSE are JSON arrays in a string, written as Cognito writes them."""
    return json.dumps(factors, separators=(",", ":"))


def _session(call: AuthCall, user: dict, flow: str, challenge: str, source: str, **private) -> AuthSession:
    return new_session(call.pool, call.client, user["Username"], user, flow, challenge,
                       private={"source": source, **private})


def factor_challenge(call: AuthCall, user: dict, factor: str, session: AuthSession,
                     destination: str | None = None) -> Challenge:
    """The challenge for one factor, sending its code when it has one."""
    parameters = {}
    if factor in ATTRIBUTE_OF:
        parameters = sign_in_codes.send(call, user, ATTRIBUTE_OF[factor], session, factor, destination=destination)
    return Challenge(factor, {**parameters, "USERNAME": user["Username"]}, session)


def respond_software_token(call: AuthCall, session: AuthSession, user: dict | None) -> Step:
    lockout.check_not_locked_out(call.services, user)
    result = mfa_settings.accept_code(call.services, call.pool, user, call.required("SOFTWARE_TOKEN_MFA_CODE"))
    if result == mfa_settings.USED:
        sign_in_codes.wrong(call, session, user,
                            errors.ExpiredCodeException("Your software token has already been used once."))
    if result != mfa_settings.ACCEPTED:
        sign_in_codes.wrong(call, session, user)
    user = lockout.clear_failures(call.services, call.pool, user)
    return SignedIn(user, source=session.private.get("source", AUTHENTICATION))


def respond_select_mfa_type(call: AuthCall, session: AuthSession, user: dict | None) -> Step:
    """ANSWER names one of MFAS_CAN_CHOOSE (EMAIL_MFA, the model's name for it, is taken for EMAIL_OTP)."""
    answer = call.required("ANSWER")
    answer = EMAIL_OTP if answer == "EMAIL_MFA" else answer
    if answer not in session.private.get("choices", []):
        # Wording undocumented (docs/cognito-behaviour.md §14.3).
        raise errors.InvalidParameterException(f"Invalid MFA type {answer}: choose one of MFAS_CAN_CHOOSE.")
    return factor_challenge(call, user, answer, follow_on(session, answer))


def respond_mfa_setup(call: AuthCall, session: AuthSession, user: dict | None) -> Step:
    """MFA_SETUP answered: after VerifySoftwareToken with this sign-in's session, tokens; or with EMAIL, a code to
    that address (as Amplify sets up email MFA), whose EMAIL_OTP answer turns email MFA on."""
    source = session.private.get("source", AUTHENTICATION)
    if session.private.get("verified") == SOFTWARE_TOKEN_MFA:
        return SignedIn(fresh(call.services, call.pool, user), source=source)
    address = call.parameters.get("EMAIL")
    if address and not EMAIL_ADDRESS.fullmatch(address):
        # Wording undocumented (docs/cognito-behaviour.md §14.3).
        raise errors.InvalidParameterException("Invalid email address format.")
    if address and EMAIL_OTP in pool_factors(call.pool):
        setup = follow_on(session, EMAIL_OTP, private={"source": source, "setup_email": address})
        return factor_challenge(call, user, EMAIL_OTP, setup, destination=address)
    # Wording undocumented (docs/cognito-behaviour.md §14.3).
    raise errors.InvalidParameterException(
        "MFA is not set up yet: verify a software token (AssociateSoftwareToken and VerifySoftwareToken with this "
        "Session) or answer with an EMAIL the pool can send codes to.")
