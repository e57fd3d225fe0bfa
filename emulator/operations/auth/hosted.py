"""Sign-in as the managed login does it: the same checks, challenges and triggers as the API's, whatever the
client's ExplicitAuthFlows (the hosted pages are Cognito's own client of the pool), and no tokens at the end:
those come from the token endpoint, for the authorization code (docs/cognito-behaviour.md §16.4)."""

from __future__ import annotations

import base64
import hashlib
import hmac

from emulator.operations.auth import password, user_auth
from emulator.operations.auth.entry_points import respond_step
from emulator.operations.auth.sessions import open_session
from emulator.operations.auth.steps import AuthCall, Challenge, SignedIn, Step, end_first_sign_in

FLOW = "USER_PASSWORD_AUTH"


def secret_hash(client: dict, username: str) -> dict:
    """The SECRET_HASH the hosted pages, holding the client's secret, send for a client that has one."""
    secret = client.get("ClientSecret")
    if secret is None:
        return {}
    digest = hmac.new(secret.encode(), (username + client["ClientId"]).encode(), hashlib.sha256).digest()
    return {"SECRET_HASH": base64.b64encode(digest).decode()}


def with_password(services, pool: dict, client: dict, username: str, given_password: str) -> Step:
    call = AuthCall(services, pool, client,
                    {"USERNAME": username, "PASSWORD": given_password, **secret_hash(client, username)}, {})
    return password.start(call, FLOW)


def with_code(services, pool: dict, client: dict, username: str, challenge: str) -> Step:
    """Passwordless: USER_AUTH with the preferred first factor (SMS_OTP or EMAIL_OTP)."""
    call = AuthCall(services, pool, client,
                    {"USERNAME": username, "PREFERRED_CHALLENGE": challenge, **secret_hash(client, username)}, {})
    return user_auth.start(call, user_auth.USER_AUTH)


def respond(services, pool: dict, client: dict, username: str, session: str, challenge: str,
            responses: dict) -> Step:
    request = {"ChallengeName": challenge, "Session": session,
               "ChallengeResponses": {"USERNAME": username, **responses, **secret_hash(client, username)}}
    return respond_step(services, pool, client, request)[1]


def session_of(services, client: dict, step: Challenge) -> str:
    """The token the next form carries, as the API's Session."""
    return open_session(services, client, step.session)


def signed_in(services, pool: dict, client: dict, step: SignedIn) -> dict:
    """The end of a hosted sign-in: PostAuthentication runs, as after any sign-in; the user is returned for the
    authorization code."""
    call = AuthCall(services, pool, client, {}, {})
    end_first_sign_in(call, step.user)
    services.triggers.post_authentication(pool, user=step.user, client=client, client_metadata={})
    return step.user
