"""Authenticator-app (TOTP) second factors: AssociateSoftwareToken, VerifySoftwareToken, AdminDeleteSoftwareToken,
and the check of a code at sign-in.

Two ways in: with an access token (a signed-in user adds an authenticator; SetUserMFAPreference then turns it on),
or with the `Session` of an MFA_SETUP challenge (a user who must have MFA sets it up mid-sign-in; the token is
on once verified). The secret waits as `PendingSoftwareToken` (or in the session) until a code proves the app has
it. Codes are checked at the emulator's clock and each is accepted once (mfa_settings.accept_code). (docs/cognito-behaviour.md §14.4)
"""

from __future__ import annotations

from emulator import errors
from emulator.operations import token_issue
from emulator.operations.auth.mfa import MFA_SETUP
from emulator.operations.auth.sessions import (
    AuthSession, follow_on, is_session_user, open_session, put_back, take_session,
)
from emulator.operations.mfa_config import SOFTWARE_TOKEN_MFA, enabled_factors as pool_factors
from emulator.operations.mfa_settings import (
    SOFTWARE_TOKEN, enabled_factors, preferred_factor, set_factors,
)
from emulator.operations.registry import operation
from emulator.operations.user_pools import require_pool
from emulator.operations.users import require_user
from emulator.services import Services, totp

PENDING = "PendingSoftwareToken"
MISMATCH = "Code mismatch and fail enable Software Token MFA"


def _one_of(request: dict) -> tuple[str | None, str | None]:
    access_token, session = request.get("AccessToken"), request.get("Session")
    if bool(access_token) == bool(session):
        # Wording undocumented (docs/cognito-behaviour.md §14.4).
        raise errors.InvalidParameterException("Exactly one of AccessToken or Session must be given.")
    return access_token, session


def _require_pool_allows(pool: dict) -> None:
    if SOFTWARE_TOKEN_MFA not in pool_factors(pool):
        raise errors.SoftwareTokenMFANotFoundException("Software Token MFA has not been enabled by the userPool")


def _setup_session(services: Services, token: str) -> tuple[AuthSession, dict, dict]:
    """The MFA_SETUP session named, with its pool and user."""
    session = take_session(services, None, None, token)
    pool = services.store.get_pool(session.pool_id)
    user = services.store.get_user(session.pool_id, session.user_key) if session.user_key else None
    if session.challenge != MFA_SETUP or pool is None or not is_session_user(session, user):
        raise errors.NotAuthorizedException("Invalid session for the user.")
    if not user["Enabled"]:
        raise errors.NotAuthorizedException("User is disabled.")
    return session, pool, user


@operation("AssociateSoftwareToken")
def associate_software_token(services: Services, request: dict) -> dict:
    access_token, session_token = _one_of(request)
    secret = totp.new_secret()
    if access_token:
        pool, user, _ = token_issue.user_of_access_token(services, access_token, user_gone=True)
        _require_pool_allows(pool)
        user[PENDING] = secret
        services.store.replace_user(pool["Id"], user)
        return {"SecretCode": secret}
    session, pool, _ = _setup_session(services, session_token)
    _require_pool_allows(pool)
    client = services.store.get_client(session.client_id) or {}
    token = open_session(services, client, follow_on(session, private={**session.private, "secret": secret}))
    return {"SecretCode": secret, "Session": token}


@operation("VerifySoftwareToken")
def verify_software_token(services: Services, request: dict) -> dict:
    access_token, session_token = _one_of(request)
    code, device = request["UserCode"], request.get("FriendlyDeviceName")
    now = services.clock.now()
    if access_token:
        pool, user, _ = token_issue.user_of_access_token(services, access_token)
        _require_pool_allows(pool)
        secret = user.get(PENDING)
        if not secret:
            # Wording undocumented (docs/cognito-behaviour.md §14.4).
            raise errors.SoftwareTokenMFANotFoundException("Software Token MFA does not exist for the user.")
        step = totp.matching_step(secret, code, now)
        if step is None:
            raise errors.EnableSoftwareTokenMFAException(MISMATCH)
        _register(services, pool, user, secret, device, step, turn_on=False)
        return {"Status": "SUCCESS"}
    session, pool, user = _setup_session(services, session_token)
    secret = session.private.get("secret")
    step = totp.matching_step(secret, code, now) if secret else None
    if step is None:
        put_back(services, session)  # the user may type the code again
        raise errors.EnableSoftwareTokenMFAException(MISMATCH)
    _register(services, pool, user, secret, device, step, turn_on=True)
    client = services.store.get_client(session.client_id) or {}
    carried = {key: value for key, value in session.private.items() if key != "secret"}
    token = open_session(services, client, follow_on(session, private={**carried, "verified": SOFTWARE_TOKEN_MFA}))
    return {"Status": "SUCCESS", "Session": token}


def _register(services: Services, pool: dict, user: dict, secret: str, device: str | None, step: int, *,
              turn_on: bool) -> None:
    """The verified secret becomes the user's software token (replacing any other); in MFA set-up it is on too."""
    user = services.store.get_user(pool["Id"], user["Key"]) or user
    user.pop(PENDING, None)
    user[SOFTWARE_TOKEN] = {"Secret": secret, "FriendlyDeviceName": device, "LastStep": step}
    if turn_on:
        set_factors(user, [*enabled_factors(user), SOFTWARE_TOKEN_MFA], preferred_factor(user))
    user["UserLastModifiedDate"] = services.clock.now()
    services.store.replace_user(pool["Id"], user)


@operation("AdminDeleteSoftwareToken")
def admin_delete_software_token(services: Services, request: dict) -> dict:
    pool = require_pool(services, request["UserPoolId"])
    user = require_user(services, pool, request["Username"])
    user.pop(SOFTWARE_TOKEN, None)
    user.pop(PENDING, None)
    preferred = preferred_factor(user)
    set_factors(user, [factor for factor in enabled_factors(user) if factor != SOFTWARE_TOKEN_MFA],
                None if preferred == SOFTWARE_TOKEN_MFA else preferred)
    user["UserLastModifiedDate"] = services.clock.now()
    services.store.replace_user(pool["Id"], user)
    return {}
