"""SRP sign-in: USER_SRP_AUTH, and the password round of custom auth started with SRP_A (Amplify's CUSTOM_WITH_SRP).

The client sends SRP_A; the answer is PASSWORD_VERIFIER with the salt, SRP_B and a SECRET_BLOCK; the client proves
it knows the password with PASSWORD_CLAIM_SIGNATURE. The SECRET_BLOCK is the token of the stored session, so a
client that sends no Session back (pycognito) still finds its sign-in. (docs/cognito-behaviour.md §7.6)
"""

from __future__ import annotations

import base64
import hmac
import secrets

from emulator import errors
from emulator.operations.auth import lockout
from emulator.operations.auth.password import password_accepted, user_signing_in
from emulator.operations.auth.sessions import AuthSession, new_session
from emulator.operations.auth.steps import INCORRECT, AuthCall, Challenge, Step
from emulator.services import passwords

PASSWORD_VERIFIER = "PASSWORD_VERIFIER"


def start(call: AuthCall, flow: str) -> Step:
    username = call.username()
    srp_a = call.required("SRP_A")
    # No Session in USER_SRP_AUTH's answer: the SECRET_BLOCK names the sign-in.
    return challenge(call, user_signing_in(call, username), srp_a, flow, session_in_answer=False)


def challenge(call: AuthCall, user: dict, srp_a: str, flow: str, rounds: list | None = None, *,
              session_in_answer: bool = True) -> Challenge:
    """PASSWORD_VERIFIER with the server's SRP values."""
    try:
        a_value = int(srp_a, 16)
    except ValueError:
        # Wording undocumented (docs/cognito-behaviour.md §7.6).
        raise errors.InvalidParameterException("SRP_A is not a hexadecimal number.") from None
    stored = user.get("Password")
    if a_value % passwords.N == 0 or stored is None:
        raise errors.NotAuthorizedException(INCORRECT)
    b_value, b_public = passwords.srp_server_values(passwords.verifier_of(stored))
    secret_block = base64.b64encode(secrets.token_bytes(96)).decode()
    session = new_session(call.pool, call.client, user["Username"], user, flow, PASSWORD_VERIFIER,
                          rounds=list(rounds or []), token=secret_block,
                          srp={"A": srp_a, "B": format(b_public, "x"), "b": format(b_value, "x")})
    parameters = {"SALT": stored["salt"], "SECRET_BLOCK": secret_block, "SRP_B": format(b_public, "x"),
                  "USERNAME": user["Username"], "USER_ID_FOR_SRP": user["Username"]}
    return Challenge(PASSWORD_VERIFIER, parameters, session, session_in_answer=session_in_answer)


def session_token(call: AuthCall, given: str | None) -> str:
    """PASSWORD_VERIFIER's session is its SECRET_BLOCK: pycognito sends no Session, only the block."""
    block = call.required("PASSWORD_CLAIM_SECRET_BLOCK")
    if given and given != block:
        raise errors.NotAuthorizedException("Invalid session for the user.")
    return block


def verify_claim(call: AuthCall, session: AuthSession, user: dict) -> None:
    """The PASSWORD_CLAIM_SIGNATURE must prove the password; a wrong one counts toward the lockout."""
    signature = call.required("PASSWORD_CLAIM_SIGNATURE")
    timestamp = call.required("TIMESTAMP")
    srp = session.srp
    try:
        key = passwords.srp_session_key(int(srp["A"], 16), int(srp["B"], 16), int(srp["b"], 16),
                                        passwords.verifier_of(user["Password"]))
        expected = passwords.password_claim_signature(key, call.pool["Id"], user["Username"],
                                                      call.parameters["PASSWORD_CLAIM_SECRET_BLOCK"], timestamp)
    except ValueError:  # u = 0, or a secret block that is not base64
        expected = ""
    if not expected or not hmac.compare_digest(expected.encode(), signature.encode()):
        lockout.record_failure(call.services, call.pool, user)
        raise errors.NotAuthorizedException(INCORRECT)


def respond(call: AuthCall, session: AuthSession, user: dict | None) -> Step:
    """PASSWORD_VERIFIER answered in USER_SRP_AUTH: tokens, or NEW_PASSWORD_REQUIRED."""
    verify_claim(call, session, user)
    return password_accepted(call, user, session.flow)
