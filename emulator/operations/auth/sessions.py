"""The state a sign-in carries from one call to the next: single-use, expiring, bound to pool, client and user.

The client holds only the session's token (`Session`, or for SRP the `SECRET_BLOCK`); the state stays in the store.
(docs/cognito-behaviour.md §7.3)
"""

from __future__ import annotations

import dataclasses
import secrets
from dataclasses import asdict, dataclass, field

from emulator import errors
from emulator.services import Services


@dataclass
class AuthSession:
    pool_id: str
    client_id: str
    username: str  # the user's username, or the name given for a user that does not exist
    flow: str  # the AuthFlow that began the sign-in
    challenge: str  # the challenge this session is the answer to
    user_key: str | None  # None: a user that does not exist, whose client hides that
    rounds: list[dict] = field(default_factory=list)  # the custom flow's rounds so far, as its triggers see them
    private: dict = field(default_factory=dict)  # CreateAuthChallenge's privateChallengeParameters
    metadata: str | None = None  # CreateAuthChallenge's challengeMetadata
    srp: dict | None = None  # PASSWORD_VERIFIER: the client's A, the server's B and secret b, in hex
    token: str | None = None  # chosen by the flow (SRP's SECRET_BLOCK), else drawn when the session is opened
    expires_at: float | None = None  # set on a session taken from the store: kept if it is put back
    user_sub: str | None = None  # the user's sub: a user deleted and made again under the name is someone else


STATE = ("flow", "challenge", "user_key", "rounds", "private", "metadata", "srp", "user_sub")


def new_session(pool: dict, client: dict, username: str, user: dict | None, flow: str, challenge: str,
                **state) -> AuthSession:
    return AuthSession(pool["Id"], client["ClientId"], username, flow, challenge, user["Key"] if user else None,
                       user_sub=user["Attributes"]["sub"] if user else None, **state)


def open_session(services: Services, client: dict, session: AuthSession) -> str:
    """Store the session for the client's next call; returns its token. It lives AuthSessionValidity minutes."""
    now = services.clock.now()
    services.store.delete_expired_auth_sessions(now)
    token = session.token or secrets.token_urlsafe(192)
    expires_at = session.expires_at or now + client.get("AuthSessionValidity", 3) * 60
    state = {name: value for name, value in asdict(session).items() if name in STATE}
    services.store.insert_auth_session(token, session.pool_id, session.client_id, session.username, expires_at, state)
    return token


def take_session(services: Services, pool: dict | None, client: dict | None, token: str | None) -> AuthSession:
    """The session the token names, which must belong to the pool and client (None: to any, for the operations
    that name neither, such as AssociateSoftwareToken); it is gone afterwards unless `put_back`."""
    if not token:
        # Wording undocumented (docs/cognito-behaviour.md §7.3).
        raise errors.InvalidParameterException("Missing required parameter Session")
    # Authorization codes and the hosted sign-up's pending rows share the table under a "kind:" prefix, which no
    # session token has (they are base64url): such a token names no session, and must not use one of them up.
    stored = None if ":" in token else services.store.take_auth_session(token)
    if (stored is None or (pool is not None and stored["pool_id"] != pool["Id"])
            or (client is not None and stored["client_id"] != client["ClientId"])):
        raise errors.NotAuthorizedException("Invalid session for the user.")
    if stored["expires_at"] <= services.clock.now():
        raise errors.NotAuthorizedException("Invalid session for the user, session is expired.")
    return AuthSession(stored["pool_id"], stored["client_id"], stored["username"], stored.get("flow", ""),
                       stored["challenge"], stored.get("user_key"), stored.get("rounds") or [],
                       stored.get("private") or {}, stored.get("metadata"), stored.get("srp"), token,
                       stored["expires_at"], stored.get("user_sub"))


def put_back(services: Services, session: AuthSession) -> None:
    """Store a taken session again, same token and expiry: a wrong code may be tried again in the same session."""
    client = services.store.get_client(session.client_id) or {}
    open_session(services, client, session)


def follow_on(session: AuthSession, challenge: str | None = None, **state) -> AuthSession:
    """A new session carrying the sign-in on from a taken one: a new token and a new lifetime."""
    return dataclasses.replace(session, challenge=challenge or session.challenge, token=None, expires_at=None,
                               **state)


def is_session_user(session: AuthSession, user: dict | None) -> bool:
    """Whether `user` is the one the session was opened for: same key and same sub (a user deleted and made again
    under the same name does not inherit a sign-in)."""
    return (user is not None and user["Key"] == session.user_key
            and (session.user_sub is None or user["Attributes"].get("sub") == session.user_sub))
