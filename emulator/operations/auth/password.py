"""Plain-password sign-in (USER_PASSWORD_AUTH; ADMIN_USER_PASSWORD_AUTH and its legacy name ADMIN_NO_SRP_AUTH), what
every password check shares with SRP, and the NEW_PASSWORD_REQUIRED challenge of a user with a temporary password.
(docs/cognito-behaviour.md §7.7, §7.9)
"""

from __future__ import annotations

import json

from emulator import errors
from emulator.operations.auth import lockout, mfa
from emulator.operations.auth.sessions import AuthSession, new_session
from emulator.operations.auth.steps import INCORRECT, AuthCall, Challenge, Step, check_user_can_sign_in, fresh
from emulator.operations.users import (
    CONFIRMED, FORCE_CHANGE_PASSWORD, check_password_policy, find_user, hides_user_existence, set_password,
)
from emulator.services import passwords

NEW_PASSWORD_REQUIRED = "NEW_PASSWORD_REQUIRED"
DAY = 86400


def start(call: AuthCall, flow: str) -> Step:
    username = call.username()
    password = call.required("PASSWORD")
    user = user_signing_in(call, username)
    check_password(call, user, password)
    return password_accepted(call, user, flow)


def check_password(call: AuthCall, user: dict, password: str) -> None:
    """A wrong password counts toward the lockout."""
    stored = user.get("Password")
    if stored is None or not passwords.password_matches(call.pool["Id"], user["Username"], password, stored):
        lockout.record_failure(call.services, call.pool, user)
        raise errors.NotAuthorizedException(INCORRECT)


def user_signing_in(call: AuthCall, given: str) -> dict:
    """The user a sign-in with a password (plain, SRP, or USER_AUTH's start) is for, once every check before the
    password passed and PreAuthentication ran."""
    user = find_user(call.services, call.pool, given)
    if user is None:
        if hides_user_existence(call.client):
            raise errors.NotAuthorizedException(INCORRECT)
        raise errors.UserNotFoundException("User does not exist.")
    # Not confirmed is said even to a wrong password (AWS confirms this is intended).
    check_user_can_sign_in(user)
    lockout.check_not_locked_out(call.services, user)
    call.services.triggers.pre_authentication(call.pool, username=user["Username"], user=user, client=call.client,
                                              client_metadata=call.pre_authentication_metadata,
                                              user_not_found=call.user_not_found(user))
    return user


def password_accepted(call: AuthCall, user: dict, flow: str) -> Step:
    """The password was right: clear the lockout, then the new-password challenge, or the second factor."""
    user = lockout.clear_failures(call.services, call.pool, user)
    if user["UserStatus"] != FORCE_CHANGE_PASSWORD:
        return mfa.second_factor(call, user, flow)
    stored = user["Password"]
    validity_days = call.pool["Policies"]["PasswordPolicy"].get("TemporaryPasswordValidityDays", 7)
    if stored.get("temporary") and call.services.clock.now() > stored.get("set_at", 0) + validity_days * DAY:
        raise errors.NotAuthorizedException("Temporary password has expired and must be reset by an administrator.")
    visible = {k: v for k, v in user["Attributes"].items() if k != "sub" and not k.endswith("_verified")}
    return Challenge(NEW_PASSWORD_REQUIRED,
                     {"USER_ID_FOR_SRP": user["Username"], "requiredAttributes": "[]",
                      "userAttributes": json.dumps(visible)},
                     new_session(call.pool, call.client, user["Username"], user, flow, NEW_PASSWORD_REQUIRED))


def respond_new_password(call: AuthCall, session: AuthSession, user: dict | None) -> Step:
    """NEW_PASSWORD_REQUIRED answered: NEW_PASSWORD (and any userAttributes.<name>) replaces the temporary one."""
    password = call.required("NEW_PASSWORD")
    check_password_policy(call.pool, password, lead="Password does not conform to policy")
    now = call.services.clock.now()
    user = fresh(call.services, call.pool, user)
    set_password(call.pool, user, password, temporary=False, now=now)
    for name, value in call.parameters.items():
        if name.startswith("userAttributes."):
            user["Attributes"][name.split(".", 1)[1]] = value
    user["UserStatus"] = CONFIRMED
    user["UserLastModifiedDate"] = now
    call.services.store.replace_user(call.pool["Id"], user)
    return mfa.second_factor(call, user, session.flow, source="TokenGeneration_NewPasswordChallenge")
