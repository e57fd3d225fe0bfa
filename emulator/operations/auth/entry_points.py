"""InitiateAuth, AdminInitiateAuth, RespondToAuthChallenge, AdminRespondToAuthChallenge: dispatch by table.

AuthFlow → the flow's `start`; ChallengeName (or the flow and ChallengeName) → the flow's `respond`. Each returns
a step that `steps.answer` turns into the response. (docs/cognito-behaviour.md §7.1)
"""

from __future__ import annotations

from typing import Callable

from emulator import errors
from emulator.operations.auth import custom, mfa, password, refresh, sign_in_codes, srp, user_auth
from emulator.operations.auth.sessions import AuthSession, is_session_user, take_session
from emulator.operations.auth.steps import AuthCall, Step, answer, check_user_can_sign_in
from emulator.operations.registry import operation
from emulator.operations.user_pool_clients import require_client
from emulator.operations.user_pools import require_pool
from emulator.operations.users import find_user, require_app_client
from emulator.services import Services

Starter = Callable[[AuthCall, str], Step]
Responder = Callable[[AuthCall, AuthSession, "dict | None"], Step]

STARTERS: dict[str, Starter] = {
    "CUSTOM_AUTH": custom.start,
    "USER_SRP_AUTH": srp.start,
    "USER_PASSWORD_AUTH": password.start,
    "ADMIN_USER_PASSWORD_AUTH": password.start,
    "ADMIN_NO_SRP_AUTH": password.start,  # the legacy name of ADMIN_USER_PASSWORD_AUTH
    "REFRESH_TOKEN_AUTH": refresh.start,
    "REFRESH_TOKEN": refresh.start,
    "USER_AUTH": user_auth.start,
}
RESPONDERS: dict[str, Responder] = {
    custom.CUSTOM_CHALLENGE: custom.respond,
    srp.PASSWORD_VERIFIER: srp.respond,
    password.NEW_PASSWORD_REQUIRED: password.respond_new_password,
    "SMS_MFA": sign_in_codes.respond,
    "EMAIL_OTP": sign_in_codes.respond,
    "SMS_OTP": sign_in_codes.respond,
    "SOFTWARE_TOKEN_MFA": mfa.respond_software_token,
    mfa.SELECT_MFA_TYPE: mfa.respond_select_mfa_type,
    mfa.MFA_SETUP: mfa.respond_mfa_setup,
    user_auth.SELECT_CHALLENGE: user_auth.respond_select_challenge,
    user_auth.WEB_AUTHN: user_auth.respond_web_authn,
}
# (flow, ChallengeName) → responder, where a flow answers a challenge its own way: custom auth goes on after its
# SRP round instead of issuing tokens.
FLOW_RESPONDERS: dict[tuple[str, str], Responder] = {
    (custom.CUSTOM_AUTH, srp.PASSWORD_VERIFIER): custom.respond_password_verifier,
}
# Flows only one of the two entry points takes.
CLIENT_ONLY = {"USER_PASSWORD_AUTH"}
ADMIN_ONLY = {"ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"}

# Which ExplicitAuthFlows values allow a flow; None: every client may (ALLOW_REFRESH_TOKEN_AUTH is required of any
# client with ALLOW_ values, and a client with only legacy values may refresh).
ALLOWED_BY: dict[str, set[str] | None] = {
    "CUSTOM_AUTH": {"ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH_FLOW_ONLY"},
    "USER_PASSWORD_AUTH": {"ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"},
    "ADMIN_USER_PASSWORD_AUTH": {"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"},
    "ADMIN_NO_SRP_AUTH": {"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"},
    # A client with only legacy values allows SRP as well.
    "USER_SRP_AUTH": {"ALLOW_USER_SRP_AUTH", "ADMIN_NO_SRP_AUTH", "USER_PASSWORD_AUTH"},
    "REFRESH_TOKEN_AUTH": None,
    "REFRESH_TOKEN": None,
    "USER_AUTH": {"ALLOW_USER_AUTH"},
}


@operation("InitiateAuth")
def initiate_auth(services: Services, request: dict) -> dict:
    client, pool = require_app_client(services, request["ClientId"])
    return _initiate(services, pool, client, request, admin=False)


@operation("AdminInitiateAuth")
def admin_initiate_auth(services: Services, request: dict) -> dict:
    pool = require_pool(services, request["UserPoolId"])
    client = require_client(services, pool["Id"], request["ClientId"])
    return _initiate(services, pool, client, request, admin=True)


@operation("RespondToAuthChallenge")
def respond_to_auth_challenge(services: Services, request: dict) -> dict:
    client, pool = require_app_client(services, request["ClientId"])
    return _respond(services, pool, client, request)


@operation("AdminRespondToAuthChallenge")
def admin_respond_to_auth_challenge(services: Services, request: dict) -> dict:
    pool = require_pool(services, request["UserPoolId"])
    client = require_client(services, pool["Id"], request["ClientId"])
    return _respond(services, pool, client, request)


def _initiate(services: Services, pool: dict, client: dict, request: dict, admin: bool) -> dict:
    flow = request["AuthFlow"]
    start = STARTERS.get(flow)
    if start is None or flow in (CLIENT_ONLY if admin else ADMIN_ONLY):
        raise errors.InvalidParameterException("Initiate Auth method not supported.")
    _require_flow(client, flow)
    # InitiateAuth's ClientMetadata is for PreAuthentication only, not the triggers after it
    # (docs/cognito-behaviour.md §6.5).
    call = AuthCall(services, pool, client, request.get("AuthParameters") or {}, client_metadata={},
                    session=request.get("Session"), pre_authentication_metadata=request.get("ClientMetadata") or {})
    return answer(call, start(call, flow))


def _require_flow(client: dict, flow: str) -> None:
    allowed_by = ALLOWED_BY[flow]
    allowed = set(client.get("ExplicitAuthFlows") or [])
    if allowed_by is None or allowed & allowed_by:
        return
    if allowed == {"CUSTOM_AUTH_FLOW_ONLY"}:
        raise errors.InvalidParameterException("Only custom auth (lambda driven) is enabled for this client.")
    if flow in ("USER_PASSWORD_AUTH", "USER_AUTH"):
        raise errors.InvalidParameterException(f"{flow} flow not enabled for this client")
    # Wording undocumented for the other flows (docs/cognito-behaviour.md §7.1).
    raise errors.InvalidParameterException("Auth flow not enabled for this client")


def _respond(services: Services, pool: dict, client: dict, request: dict) -> dict:
    return answer(*respond_step(services, pool, client, request))


def respond_step(services: Services, pool: dict, client: dict, request: dict) -> tuple[AuthCall, Step]:
    """RespondToAuthChallenge up to its step, which the caller answers (the API) or follows (the hosted login)."""
    metadata = request.get("ClientMetadata") or {}
    call = AuthCall(services, pool, client, request.get("ChallengeResponses") or {}, metadata,
                    pre_authentication_metadata=metadata)
    given = call.username()
    name = request["ChallengeName"]
    token = srp.session_token(call, request.get("Session")) if name == srp.PASSWORD_VERIFIER else request.get("Session")
    session = take_session(services, pool, client, token)
    if name != session.challenge:
        # Wording undocumented (docs/cognito-behaviour.md §7.3).
        raise errors.InvalidParameterException(f"Invalid challenge name: expected {session.challenge}, got {name}.")
    user = _session_user(call, session, given)
    respond = FLOW_RESPONDERS.get((session.flow, session.challenge)) or RESPONDERS[session.challenge]
    return call, respond(call, session, user)


def _session_user(call: AuthCall, session: AuthSession, given: str) -> dict | None:
    """The user the session is for, who must be the USERNAME answering; None for a user that does not exist."""
    if session.user_key is None:
        if given != session.username:
            raise errors.NotAuthorizedException("Invalid session for the user.")
        return None
    user = find_user(call.services, call.pool, given)
    if not is_session_user(session, user):
        raise errors.NotAuthorizedException("Invalid session for the user.")
    check_user_can_sign_in(user)
    return user
