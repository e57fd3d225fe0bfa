"""InitiateAuth, AdminInitiateAuth, RespondToAuthChallenge, AdminRespondToAuthChallenge.

The custom flow (fact sheet §3): DefineAuthChallenge decides, CreateAuthChallenge makes a
challenge, VerifyAuthChallengeResponse checks the answer; sessions carry the rounds between
calls and work once. Also the password flows, the new-password challenge and refresh.
"""

from __future__ import annotations

import base64
import hmac
import json
import secrets

from emulator.operations import token_issue
from emulator.operations.registry import Services, operation
from emulator.operations.user_pool_clients import require_client
from emulator.operations.user_pools import require_pool
from emulator.operations.users import (
    CONFIRMED, FORCE_CHANGE_PASSWORD, UNCONFIRMED, check_password_policy, check_secret_hash, find_user,
    hides_user_existence, require_app_client, set_password,
)
from emulator.protocol import errors
from emulator.services import passwords

CUSTOM_CHALLENGE = "CUSTOM_CHALLENGE"
NEW_PASSWORD_REQUIRED = "NEW_PASSWORD_REQUIRED"
INCORRECT = "Incorrect username or password."

# Which ExplicitAuthFlows values allow a flow.
ALLOWED_BY = {
    "CUSTOM_AUTH": {"ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH_FLOW_ONLY"},
    "USER_PASSWORD_AUTH": {"ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"},
    "ADMIN_USER_PASSWORD_AUTH": {"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"},
    "ADMIN_NO_SRP_AUTH": {"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"},
    # A client with only legacy values allows SRP as well.
    "USER_SRP_AUTH": {"ALLOW_USER_SRP_AUTH", "ADMIN_NO_SRP_AUTH", "USER_PASSWORD_AUTH"},
}
PASSWORD_FLOWS = {False: {"USER_PASSWORD_AUTH"}, True: {"ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"}}
PASSWORD_VERIFIER = "PASSWORD_VERIFIER"
REFRESH_FLOWS = {"REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"}
LOCKOUT_AFTER = 5
LOCKOUT_MAX_SECONDS = 900


# -- entry points ---------------------------------------------------------------------


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
    params = request.get("AuthParameters") or {}
    client_metadata = request.get("ClientMetadata") or {}
    if flow in REFRESH_FLOWS:
        return _refresh(services, pool, client, params, client_metadata)
    if flow not in ("CUSTOM_AUTH", "USER_SRP_AUTH") and flow not in PASSWORD_FLOWS[admin]:
        raise errors.InvalidParameterException("Initiate Auth method not supported.")
    _require_flow(client, flow)
    username = _required(params, "USERNAME")
    check_secret_hash(client, username, params.get("SECRET_HASH"))
    if flow == "CUSTOM_AUTH":
        return _start_custom(services, pool, client, username, params, client_metadata)
    if flow == "USER_SRP_AUTH":
        srp_a = _required(params, "SRP_A")
        user = _user_for_password(services, pool, client, username, client_metadata)
        return _srp_challenge(services, pool, client, user, srp_a, flow, [])
    password = _required(params, "PASSWORD")
    user = _user_for_password(services, pool, client, username, client_metadata)
    stored = user.get("Password")
    if stored is None or not passwords.password_matches(pool["Id"], user["Username"], password, stored):
        _record_failure(services, pool, user, services.clock.now())
        raise errors.NotAuthorizedException(INCORRECT)
    return _password_accepted(services, pool, client, user, client_metadata)


def _required(params: dict, name: str) -> str:
    value = params.get(name)
    if not value:
        raise errors.InvalidParameterException(f"Missing required parameter {name}")
    return value


def _require_flow(client: dict, flow: str) -> None:
    allowed = set(client.get("ExplicitAuthFlows") or [])
    if allowed & ALLOWED_BY[flow]:
        return
    if allowed == {"CUSTOM_AUTH_FLOW_ONLY"}:
        raise errors.InvalidParameterException("Only custom auth (lambda driven) is enabled for this client.")
    if flow == "USER_PASSWORD_AUTH":
        raise errors.InvalidParameterException("USER_PASSWORD_AUTH flow not enabled for this client")
    raise errors.InvalidParameterException("Auth flow not enabled for this client")  # wording unconfirmed for CUSTOM_AUTH


def _check_user_can_sign_in(user: dict) -> None:
    if user["UserStatus"] == UNCONFIRMED:
        raise errors.UserNotConfirmedException("User is not confirmed.")
    if not user["Enabled"]:
        raise errors.NotAuthorizedException("User is disabled.")


def event_attributes(pool: dict, user: dict | None) -> dict:
    """userAttributes as auth-time events carry them: the attributes plus cognito:user_status and aliases."""
    if user is None:
        return {}
    attributes = dict(user["Attributes"])
    attributes["cognito:user_status"] = user["UserStatus"]
    for alias in pool.get("AliasAttributes") or []:
        if alias in ("phone_number", "email") and user["Attributes"].get(f"{alias}_verified") == "true":
            attributes[f"cognito:{alias}_alias"] = user["Attributes"][alias]
    return attributes


def _pre_authentication(services: Services, pool: dict, client: dict, user: dict | None, username: str,
                        client_metadata: dict, user_not_found: bool) -> None:
    request = {"userAttributes": event_attributes(pool, user), "validationData": client_metadata,
               "clientMetadata": client_metadata}
    if hides_user_existence(client):
        request["userNotFound"] = user_not_found
    try:
        services.triggers.run(pool, "PreAuthentication", "PreAuthentication_Authentication", username, request,
                              client["ClientId"])
    except errors.UserLambdaValidationException as error:
        # Recent reports of real AWS show NotAuthorizedException carrying the trigger's message
        # (older ones UserLambdaValidationException); unconfirmed.
        raise errors.NotAuthorizedException(error.message) from None


def _finish(services: Services, pool: dict, client: dict, user: dict, client_metadata: dict,
            source: str = "TokenGeneration_Authentication") -> dict:
    """A successful sign-in: PostAuthentication, then tokens."""
    services.triggers.run(pool, "PostAuthentication", "PostAuthentication_Authentication", user["Username"],
                          {"userAttributes": event_attributes(pool, user), "newDeviceUsed": False,
                           "clientMetadata": client_metadata}, client["ClientId"])
    result = token_issue.issue_tokens(services, pool, client, user, source=source, client_metadata=client_metadata)
    return {"AuthenticationResult": result, "ChallengeParameters": {}}


# -- sessions ---------------------------------------------------------------------------


def _new_session(services: Services, pool: dict, client: dict, username: str, state: dict) -> str:
    now = services.clock.now()
    services.store.delete_expired_auth_sessions(now)
    token = secrets.token_urlsafe(192)
    expires_at = now + client.get("AuthSessionValidity", 3) * 60
    services.store.insert_auth_session(token, pool["Id"], client["ClientId"], username, expires_at, state)
    return token


def _take_session(services: Services, pool: dict, client: dict, token: str | None) -> dict:
    """The session's state; it is gone afterwards, whatever happens next."""
    if not token:
        raise errors.InvalidParameterException("Missing required parameter Session")  # wording unconfirmed
    session = services.store.take_auth_session(token)
    if session is None or session["pool_id"] != pool["Id"] or session["client_id"] != client["ClientId"]:
        raise errors.NotAuthorizedException("Invalid session for the user.")
    if session["expires_at"] <= services.clock.now():
        raise errors.NotAuthorizedException("Invalid session for the user, session is expired.")
    return session


# -- custom auth ----------------------------------------------------------------------


def _start_custom(services: Services, pool: dict, client: dict, given: str, params: dict,
                  client_metadata: dict) -> dict:
    if not services.triggers.configured(pool, "DefineAuthChallenge"):
        raise errors.InvalidParameterException("Custom auth lambda trigger is not configured for the user pool.")
    user = find_user(services, pool, given)
    if user is None and not hides_user_existence(client):
        raise errors.UserNotFoundException("User does not exist.")
    if user is not None:
        _check_user_can_sign_in(user)
    username = user["Username"] if user else given
    _pre_authentication(services, pool, client, user, username, client_metadata, user is None)
    # InitiateAuth passes ClientMetadata to PreAuthentication only, not to the custom auth triggers (§2.4).
    if params.get("CHALLENGE_NAME") == "SRP_A":
        # Amplify's CUSTOM_WITH_SRP: the password first (an SRP_A round already passed), then the custom rounds.
        srp_a = _required(params, "SRP_A")
        entries = [{"challengeName": "SRP_A", "challengeResult": True, "challengeMetadata": None}]
        return _next_round(services, pool, client, user, username, entries, {}, srp_a=srp_a)
    return _next_round(services, pool, client, user, username, [], {})


def _next_round(services: Services, pool: dict, client: dict, user: dict | None, username: str, entries: list,
                client_metadata: dict, srp_a: str | None = None) -> dict:
    """Ask DefineAuthChallenge what comes next, and do it."""
    base = {"userAttributes": event_attributes(pool, user), "session": entries, "clientMetadata": client_metadata}
    if hides_user_existence(client):
        base["userNotFound"] = user is None
    decision = services.triggers.run(pool, "DefineAuthChallenge", "DefineAuthChallenge_Authentication", username,
                                     dict(base), client["ClientId"])
    if decision is None:
        raise errors.InvalidParameterException("Custom auth lambda trigger is not configured for the user pool.")
    if decision.get("issueTokens") is True and not decision.get("failAuthentication"):
        if user is None:
            raise errors.NotAuthorizedException(INCORRECT)
        return _finish(services, pool, client, user, client_metadata)
    if decision.get("failAuthentication"):
        raise errors.NotAuthorizedException(INCORRECT)
    challenge = decision.get("challengeName")
    if challenge == PASSWORD_VERIFIER and srp_a is not None:
        if user is None:
            raise errors.NotAuthorizedException(INCORRECT)
        return _srp_challenge(services, pool, client, user, srp_a, "CUSTOM_AUTH", entries)
    if challenge != CUSTOM_CHALLENGE:
        raise errors.InvalidLambdaResponseException("Unrecognizable lambda output")
    created = services.triggers.run(pool, "CreateAuthChallenge", "CreateAuthChallenge_Authentication", username,
                                    {**base, "challengeName": challenge}, client["ClientId"])
    if created is None:
        raise errors.InvalidParameterException("Custom auth lambda trigger is not configured for the user pool.")
    public = created.get("publicChallengeParameters") or {}
    private = created.get("privateChallengeParameters") or {}
    metadata = created.get("challengeMetadata")
    if not isinstance(public, dict) or not isinstance(private, dict) or not isinstance(metadata, (str, type(None))):
        raise errors.InvalidLambdaResponseException("Unrecognizable lambda output")
    session = _new_session(services, pool, client, username, {
        "challenge": challenge, "entries": entries, "private": private, "metadata": metadata,
        "user_key": user["Key"] if user else None,
    })
    parameters = {str(name): str(value) for name, value in public.items()}
    parameters["USERNAME"] = username
    return {"ChallengeName": challenge, "Session": session, "ChallengeParameters": parameters}


def _respond(services: Services, pool: dict, client: dict, request: dict) -> dict:
    responses = request.get("ChallengeResponses") or {}
    client_metadata = request.get("ClientMetadata") or {}
    given = _required(responses, "USERNAME")
    check_secret_hash(client, given, responses.get("SECRET_HASH"))
    token = request.get("Session")
    if request["ChallengeName"] == PASSWORD_VERIFIER:
        # pycognito sends no Session here: the SECRET_BLOCK names the sign-in.
        block = _required(responses, "PASSWORD_CLAIM_SECRET_BLOCK")
        if token and token != block:
            raise errors.NotAuthorizedException("Invalid session for the user.")
        token = block
    session = _take_session(services, pool, client, token)
    if request["ChallengeName"] != session["challenge"]:
        raise errors.InvalidParameterException(
            f"Invalid challenge name: expected {session['challenge']}, got {request['ChallengeName']}."
        )  # wording unconfirmed
    user = find_user(services, pool, given) if session["user_key"] else None
    if session["user_key"] and (user is None or user["Key"] != session["user_key"]):
        raise errors.NotAuthorizedException("Invalid session for the user.")
    if user is None and given != session["username"]:
        raise errors.NotAuthorizedException("Invalid session for the user.")
    if user is not None:
        _check_user_can_sign_in(user)
    if session["challenge"] == NEW_PASSWORD_REQUIRED:
        return _set_new_password(services, pool, client, user, responses, client_metadata)
    if session["challenge"] == PASSWORD_VERIFIER:
        return _check_password_claim(services, pool, client, user, session, responses, client_metadata)
    answer = _required(responses, "ANSWER")
    verify_request = {"userAttributes": event_attributes(pool, user),
                      "privateChallengeParameters": session["private"], "challengeAnswer": answer,
                      "clientMetadata": client_metadata}
    if hides_user_existence(client):
        verify_request["userNotFound"] = user is None
    verdict = services.triggers.run(pool, "VerifyAuthChallengeResponse", "VerifyAuthChallengeResponse_Authentication",
                                    session["username"], verify_request, client["ClientId"])
    if verdict is None:
        raise errors.InvalidParameterException("Custom auth lambda trigger is not configured for the user pool.")
    correct = verdict.get("answerCorrect")
    if not isinstance(correct, bool):
        raise errors.InvalidLambdaResponseException("Unrecognizable lambda output")
    entries = [*session["entries"], {"challengeName": CUSTOM_CHALLENGE, "challengeResult": correct,
                                     "challengeMetadata": session["metadata"]}]
    return _next_round(services, pool, client, user, session["username"], entries, client_metadata)


# -- passwords --------------------------------------------------------------------------


def _user_for_password(services: Services, pool: dict, client: dict, given: str, client_metadata: dict) -> dict:
    """The user a password (plain or SRP) sign-in is for, once every check before the password passed."""
    user = find_user(services, pool, given)
    if user is None:
        if hides_user_existence(client):
            raise errors.NotAuthorizedException(INCORRECT)
        raise errors.UserNotFoundException("User does not exist.")
    # Not confirmed is said even to a wrong password (AWS confirms this is intended).
    _check_user_can_sign_in(user)
    if (user.get("Lockout") or {}).get("until", 0) > services.clock.now():
        raise errors.NotAuthorizedException("Password attempts exceeded")
    _pre_authentication(services, pool, client, user, user["Username"], client_metadata, False)
    return user


def _password_accepted(services: Services, pool: dict, client: dict, user: dict, client_metadata: dict) -> dict:
    """The password was right: clear the lockout, then tokens, or the new-password challenge."""
    user = _fresh(services, pool, user)
    if user.pop("Lockout", None) is not None:
        services.store.replace_user(pool["Id"], user)
    if user["UserStatus"] == FORCE_CHANGE_PASSWORD:
        stored = user["Password"]
        validity_days = pool["Policies"]["PasswordPolicy"].get("TemporaryPasswordValidityDays", 7)
        if stored.get("temporary") and services.clock.now() > stored.get("set_at", 0) + validity_days * 86400:
            raise errors.NotAuthorizedException("Temporary password has expired and must be reset by an administrator.")
        session = _new_session(services, pool, client, user["Username"], {
            "challenge": NEW_PASSWORD_REQUIRED, "entries": [], "private": {}, "metadata": None, "user_key": user["Key"],
        })
        visible = {k: v for k, v in user["Attributes"].items() if k != "sub" and not k.endswith("_verified")}
        return {"ChallengeName": NEW_PASSWORD_REQUIRED, "Session": session,
                "ChallengeParameters": {"USER_ID_FOR_SRP": user["Username"], "requiredAttributes": "[]",
                                        "userAttributes": json.dumps(visible)}}
    return _finish(services, pool, client, user, client_metadata)


def _srp_challenge(services: Services, pool: dict, client: dict, user: dict, srp_a: str, flow: str,
                   entries: list) -> dict:
    """PASSWORD_VERIFIER with the server's SRP values. The SECRET_BLOCK is the key of the stored sign-in
    state, so a client that sends no Session back (pycognito) still finds it."""
    try:
        a_value = int(srp_a, 16)
    except ValueError:
        raise errors.InvalidParameterException("SRP_A is not a hexadecimal number.") from None  # wording unconfirmed
    if a_value % passwords.N == 0:
        raise errors.NotAuthorizedException(INCORRECT)
    stored = user.get("Password")
    if stored is None:
        raise errors.NotAuthorizedException(INCORRECT)
    b_value, b_public = passwords.srp_server_values(passwords.verifier_of(stored))
    secret_block = base64.b64encode(secrets.token_bytes(96)).decode()
    now = services.clock.now()
    services.store.delete_expired_auth_sessions(now)
    services.store.insert_auth_session(secret_block, pool["Id"], client["ClientId"], user["Username"],
                                       now + client.get("AuthSessionValidity", 3) * 60, {
        "challenge": PASSWORD_VERIFIER, "flow": flow, "entries": entries, "private": {}, "metadata": None,
        "user_key": user["Key"], "srp": {"A": srp_a, "B": format(b_public, "x"), "b": format(b_value, "x")},
    })
    response = {"ChallengeName": PASSWORD_VERIFIER, "ChallengeParameters": {
        "SALT": stored["salt"], "SECRET_BLOCK": secret_block, "SRP_B": format(b_public, "x"),
        "USERNAME": user["Username"], "USER_ID_FOR_SRP": user["Username"]}}
    if flow == "CUSTOM_AUTH":
        response["Session"] = secret_block
    return response


def _check_password_claim(services: Services, pool: dict, client: dict, user: dict, session: dict, responses: dict,
                          client_metadata: dict) -> dict:
    signature = _required(responses, "PASSWORD_CLAIM_SIGNATURE")
    timestamp = _required(responses, "TIMESTAMP")
    srp = session["srp"]
    try:
        key = passwords.srp_session_key(int(srp["A"], 16), int(srp["B"], 16), int(srp["b"], 16),
                                        passwords.verifier_of(user["Password"]))
        expected = passwords.password_claim_signature(key, pool["Id"], user["Username"],
                                                      responses["PASSWORD_CLAIM_SECRET_BLOCK"], timestamp)
    except ValueError:  # u = 0, or a secret block that is not base64
        expected = ""
    if not expected or not hmac.compare_digest(expected.encode(), signature.encode()):
        # A wrong password ends the sign-in here, in the custom flow too (unconfirmed whether Cognito
        # instead tells DefineAuthChallenge with challengeResult false).
        _record_failure(services, pool, user, services.clock.now())
        raise errors.NotAuthorizedException(INCORRECT)
    if session.get("flow") == "CUSTOM_AUTH":
        user = _fresh(services, pool, user)
        if user.pop("Lockout", None) is not None:
            services.store.replace_user(pool["Id"], user)
        entries = [*session["entries"], {"challengeName": PASSWORD_VERIFIER, "challengeResult": True,
                                         "challengeMetadata": None}]
        return _next_round(services, pool, client, user, user["Username"], entries, client_metadata)
    return _password_accepted(services, pool, client, user, client_metadata)


def _fresh(services: Services, pool: dict, user: dict) -> dict:
    return services.store.get_user(pool["Id"], user["Key"]) or user


def _record_failure(services: Services, pool: dict, user: dict, now: float) -> None:
    """Cognito's lockout: after 5 wrong passwords, 1 second, doubling with each further one, up to 15 minutes."""
    user = _fresh(services, pool, user)
    failures = (user.get("Lockout") or {}).get("failures", 0) + 1
    lockout = {"failures": failures}
    if failures >= LOCKOUT_AFTER:
        lockout["until"] = now + min(2 ** (failures - LOCKOUT_AFTER), LOCKOUT_MAX_SECONDS)
    user["Lockout"] = lockout
    services.store.replace_user(pool["Id"], user)


def _set_new_password(services: Services, pool: dict, client: dict, user: dict, responses: dict,
                      client_metadata: dict) -> dict:
    password = _required(responses, "NEW_PASSWORD")
    check_password_policy(pool, password, lead="Password does not conform to policy")
    user = _fresh(services, pool, user)
    set_password(pool, user, password, temporary=False, now=services.clock.now())
    for name, value in responses.items():
        if name.startswith("userAttributes."):
            user["Attributes"][name.split(".", 1)[1]] = value
    user["UserStatus"] = CONFIRMED
    user["UserLastModifiedDate"] = services.clock.now()
    services.store.replace_user(pool["Id"], user)
    return _finish(services, pool, client, user, client_metadata, source="TokenGeneration_NewPasswordChallenge")


# -- refresh ----------------------------------------------------------------------------


def _refresh(services: Services, pool: dict, client: dict, params: dict, client_metadata: dict) -> dict:
    token = _required(params, "REFRESH_TOKEN")
    record, user = token_issue.use_refresh_token(services, pool, client, token)
    names = [user["Username"], *(user["Attributes"].get(a) for a in ("phone_number", "email"))]
    check_secret_hash(client, [name for name in names if name], params.get("SECRET_HASH"))
    result = token_issue.issue_tokens(services, pool, client, user, source="TokenGeneration_RefreshTokens",
                                      client_metadata=client_metadata, refresh=record)
    return {"AuthenticationResult": result, "ChallengeParameters": {}}
