"""Choice-based sign-in (USER_AUTH): the user picks a first factor (PASSWORD, PASSWORD_SRP, SMS_OTP, EMAIL_OTP)
among those the pool allows (Policies.SignInPolicy.AllowedFirstAuthFactors) and the user has; or is signed in
straight after sign-up by the `Session` SignUp or ConfirmSignUp returned.

PREFERRED_CHALLENGE picks at once; without it, or when the user cannot use it, SELECT_CHALLENGE lists
AvailableChallenges. Passwords lead on to MFA as in the other flows; a texted or emailed code does not.
(docs/cognito-behaviour.md §15)
"""

from __future__ import annotations

from emulator import errors
from emulator.operations import passkeys
from emulator.operations.auth import lockout, password, sign_in_codes, srp
from emulator.operations.auth.sessions import AuthSession, is_session_user, new_session, open_session, take_session
from emulator.operations.auth.steps import AuthCall, Challenge, SignedIn, Step, check_user_can_sign_in
from emulator.operations.user_pools import require_tier
from emulator.operations.users import CONFIRMED, find_user
from emulator.services import Services

USER_AUTH = "USER_AUTH"
SELECT_CHALLENGE = "SELECT_CHALLENGE"
PASSWORD, PASSWORD_SRP, SMS_OTP, EMAIL_OTP, WEB_AUTHN = "PASSWORD", "PASSWORD_SRP", "SMS_OTP", "EMAIL_OTP", "WEB_AUTHN"
ORDER = (PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP, WEB_AUTHN)  # as AvailableChallenges lists them
# The pool's AllowedFirstAuthFactors entry each challenge needs.
FACTOR_OF = {PASSWORD: "PASSWORD", PASSWORD_SRP: "PASSWORD", EMAIL_OTP: "EMAIL_OTP", SMS_OTP: "SMS_OTP",
             WEB_AUTHN: "WEB_AUTHN"}
# Sessions that sign a new user in: SignUp's (for ConfirmSignUp, or for InitiateAuth when SignUp confirmed the user
# already) and ConfirmSignUp's (for InitiateAuth).
SIGNED_UP = "SignUp"
CONFIRMED_SIGN_UP = "ConfirmSignUp"
SIGN_UP_SESSION_SECONDS = 24 * 3600  # as long as the confirmation code it waits for


def allowed_first_factors(pool: dict) -> list[str]:
    return (pool.get("Policies", {}).get("SignInPolicy") or {}).get("AllowedFirstAuthFactors") or ["PASSWORD"]


def passwordless(pool: dict) -> bool:
    """Whether users here can sign in without a password, and so may sign up without one."""
    return any(factor in allowed_first_factors(pool) for factor in ("SMS_OTP", "EMAIL_OTP", "WEB_AUTHN"))


def available_challenges(pool: dict, user: dict) -> list[str]:
    """What this user can sign in with here: a password if they have one; a code to the phone or email they have."""
    allowed, attributes = allowed_first_factors(pool), user["Attributes"]
    has = {PASSWORD: user.get("Password") is not None, PASSWORD_SRP: user.get("Password") is not None,
           EMAIL_OTP: bool(attributes.get("email")), SMS_OTP: bool(attributes.get("phone_number")),
           WEB_AUTHN: bool(user.get(passkeys.CREDENTIALS))}
    return [name for name in ORDER if FACTOR_OF[name] in allowed and has[name]]


def start(call: AuthCall, flow: str) -> Step:
    require_tier(call.pool.get("UserPoolTier", "ESSENTIALS"), "Choice-based sign-in (USER_AUTH)")
    username = call.username()
    if call.session:
        return _signed_up(call, username)
    user = password.user_signing_in(call, username)
    available = available_challenges(call.pool, user)
    preferred = call.parameters.get("PREFERRED_CHALLENGE")
    if preferred:
        if preferred not in FACTOR_OF or FACTOR_OF[preferred] not in allowed_first_factors(call.pool):
            # The pool does not allow it: refused, not replaced (wording undocumented: docs/cognito-behaviour.md §15.3).
            raise errors.InvalidParameterException(
                f"The preferred challenge {preferred} is not allowed by the user pool's sign-in policy.")
        if preferred in available:
            return choose(call, user, preferred)
        # One the user cannot use: the choice is offered instead, as Cognito does.
    session = new_session(call.pool, call.client, user["Username"], user, USER_AUTH, SELECT_CHALLENGE,
                          private={"available": available})
    return Challenge(SELECT_CHALLENGE, {}, session, available=available)


def choose(call: AuthCall, user: dict, challenge: str) -> Step:
    """Go on with the chosen first factor."""
    if challenge == PASSWORD:
        password.check_password(call, user, call.required("PASSWORD"))
        return password.password_accepted(call, user, USER_AUTH)
    if challenge == PASSWORD_SRP:
        return srp.challenge(call, user, call.required("SRP_A"), USER_AUTH)
    if challenge in (SMS_OTP, EMAIL_OTP):
        session = new_session(call.pool, call.client, user["Username"], user, USER_AUTH, challenge)
        parameters = sign_in_codes.send(call, user, sign_in_codes.ATTRIBUTE_OF[challenge], session, challenge)
        return Challenge(challenge, {**parameters, "USERNAME": user["Username"]}, session)
    options, webauthn_challenge = passkeys.request_options(call.pool, user)
    session = new_session(call.pool, call.client, user["Username"], user, USER_AUTH, WEB_AUTHN,
                          private={"challenge": webauthn_challenge})
    return Challenge(WEB_AUTHN, {"CREDENTIAL_REQUEST_OPTIONS": options, "USERNAME": user["Username"]}, session)


def respond_web_authn(call: AuthCall, session: AuthSession, user: dict | None) -> Step:
    """WEB_AUTHN answered with CREDENTIAL, the passkey's assertion for this sign-in's challenge: tokens, no second
    factor (a passkey is possession and, verified, the user). A refused assertion counts toward the lockout and
    ends the sign-in (docs/cognito-behaviour.md §17.3)."""
    lockout.check_not_locked_out(call.services, user)
    try:
        user = passkeys.verify_assertion(call.services, call.pool, user, call.required("CREDENTIAL"),
                                         session.private["challenge"])
    except passkeys.AssertionRefused:
        lockout.record_failure(call.services, call.pool, user)
        raise errors.NotAuthorizedException("Incorrect username or password.") from None
    return SignedIn(lockout.clear_failures(call.services, call.pool, user))


def respond_select_challenge(call: AuthCall, session: AuthSession, user: dict | None) -> Step:
    """SELECT_CHALLENGE answered: ANSWER names one of AvailableChallenges (with PASSWORD or SRP_A for those)."""
    answer = call.required("ANSWER")
    if answer not in session.private.get("available", []):
        # Wording undocumented (docs/cognito-behaviour.md §15.4).
        raise errors.InvalidParameterException(f"The challenge {answer} is not available for this user.")
    lockout.check_not_locked_out(call.services, user)
    return choose(call, user, answer)


def _signed_up(call: AuthCall, username: str) -> Step:
    """InitiateAuth with the Session of a sign-up: the confirmation was the proof, so tokens, once."""
    session = take_session(call.services, call.pool, call.client, call.session)
    user = find_user(call.services, call.pool, username)
    # SignUp's own Session signs in only a user SignUp itself confirmed (PreSignUp's autoConfirmUser).
    usable = session.challenge == CONFIRMED_SIGN_UP or (session.challenge == SIGNED_UP
                                                         and session.private.get("confirmed"))
    if not usable or not is_session_user(session, user):
        raise errors.NotAuthorizedException("Invalid session for the user.")
    check_user_can_sign_in(user)
    lockout.check_not_locked_out(call.services, user)
    call.services.triggers.pre_authentication(call.pool, username=user["Username"], user=user, client=call.client,
                                              client_metadata=call.pre_authentication_metadata, user_not_found=None)
    return SignedIn(user)


def sign_up_session(services: Services, pool: dict, client: dict, user: dict, kind: str) -> str:
    """The Session SignUp (kind SIGNED_UP) or ConfirmSignUp (CONFIRMED_SIGN_UP) returns."""
    session = new_session(pool, client, user["Username"], user, USER_AUTH, kind,
                          private={"confirmed": user["UserStatus"] == CONFIRMED})
    if kind == SIGNED_UP:
        session.expires_at = services.clock.now() + SIGN_UP_SESSION_SECONDS
    return open_session(services, client, session)


def take_sign_up_session(services: Services, pool: dict, client: dict, user: dict, token: str) -> None:
    """ConfirmSignUp's Session, when given, must be SignUp's for this user; it is used up."""
    session = take_session(services, pool, client, token)
    if session.challenge != SIGNED_UP or not is_session_user(session, user):
        raise errors.NotAuthorizedException("Invalid session for the user.")
