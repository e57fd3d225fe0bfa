"""Issuing tokens after a successful sign-in or refresh, and checking the tokens clients send back."""

from __future__ import annotations

import hashlib
import secrets
import uuid

from emulator import errors
from emulator.operations.groups import group_claims, group_configuration
from emulator.operations.user_pool_clients import validity_seconds
from emulator.operations.users import username_key
from emulator.services import Services
from emulator.services.tokens import InvalidToken
from emulator.services.triggers.pre_token_generation import ClaimsChange

ADMIN_SCOPE = "aws.cognito.signin.user.admin"
# Claims PreTokenGeneration cannot change (docs/cognito-behaviour.md §8.5).
PROTECTED_CLAIMS = {"acr", "amr", "aud", "at_hash", "auth_time", "azp", "cognito:username", "exp", "iat", "identities",
                    "iss", "jti", "nbf", "nonce", "origin_jti", "sub", "token_use", "client_id", "username", "scope",
                    "event_id"}
# Refresh tokens are opaque to clients; they look like Cognito's JWE, five base64url parts.
REFRESH_HEADER = "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ"


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def readable(client: dict | None, name: str) -> bool:
    """Whether the app client may read an attribute: all of them unless its ReadAttributes says (sub always)."""
    allowed = (client or {}).get("ReadAttributes")
    return allowed is None or name == "sub" or name in allowed


def _attribute_claims(user: dict, client: dict) -> dict:
    claims = {}
    for name, value in user["Attributes"].items():
        if name == "sub" or not readable(client, name):
            continue
        if name in ("email_verified", "phone_number_verified"):
            claims[name] = value == "true"  # booleans in tokens, strings in the API
        elif name == "updated_at" and value.isdigit():
            claims[name] = int(value)
        else:
            claims[name] = value
    return claims


def apply_claims(claims: dict, change: ClaimsChange) -> None:
    for name, value in change.add_or_override.items():
        if name not in PROTECTED_CLAIMS:
            claims[name] = value
    for name in change.suppress:  # suppressing wins over overriding
        if name not in PROTECTED_CLAIMS:
            claims.pop(name, None)


def issue_tokens(services: Services, pool: dict, client: dict, user: dict, *, source: str, client_metadata: dict,
                 refresh: dict | None = None, scopes: list[str] | None = None, nonce: str | None = None,
                 with_refresh: bool = True, auth_time: float | None = None) -> dict:
    """AuthenticationResult for the user. `refresh` is the stored refresh token being used, if any:
    the new tokens keep its sign-in time, origin and scopes. `auth_time`: when the user signed in, if not now (an
    authorization code redeemed after the managed login's sign-in). `scopes` are the OAuth scopes granted by the hosted
    sign-in (the API's sign-ins grant aws.cognito.signin.user.admin); without `openid` there is no ID token."""
    hosted_scopes = (refresh or {}).get("scope")
    hosted = scopes is not None or bool(hosted_scopes)  # from the managed login, whose tokens carry `version`
    if scopes is None:
        scopes = hosted_scopes.split() if hosted_scopes else [ADMIN_SCOPE]
        with_id_token = not hosted_scopes or "openid" in scopes
    else:
        with_id_token = "openid" in scopes
    now = services.clock.now()
    issued = int(now)
    auth_time = int(refresh["auth_time"]) if refresh else int(auth_time) if auth_time is not None else issued
    origin_jti = refresh["origin_jti"] if refresh else str(uuid.uuid4())
    event_id = str(uuid.uuid4())
    issuer = services.tokens.issuer(pool["Id"], pool)
    access_lifetime = validity_seconds(client, "AccessToken")
    sub = user["Attributes"]["sub"]
    id_claims = {"sub": sub, **_attribute_claims(user, client), "iss": issuer, "cognito:username": user["Username"],
                 "origin_jti": origin_jti, "aud": client["ClientId"], "event_id": event_id, "token_use": "id",
                 "auth_time": auth_time, "exp": issued + validity_seconds(client, "IdToken"), "iat": issued,
                 "jti": str(uuid.uuid4())}
    access_claims = {"sub": sub, "iss": issuer, "client_id": client["ClientId"], "origin_jti": origin_jti,
                     "event_id": event_id, "token_use": "access", "scope": " ".join(scopes), "auth_time": auth_time,
                     "exp": issued + access_lifetime, "iat": issued, "jti": str(uuid.uuid4()),
                     "username": user["Username"], **({"version": 2} if hosted else {})}
    if nonce:
        id_claims["nonce"] = nonce  # the authorize request's, for the OIDC client to check
    # PreTokenGeneration changes the claims (V1_0 the ID token's only; V2_0 both tokens' and the scopes).
    changes = services.triggers.pre_token_generation(pool, source=source, user=user, client=client,
                                                     client_metadata=client_metadata,
                                                     scopes=access_claims["scope"].split(),
                                                     group_configuration=group_configuration(services, pool, user))
    # Group claims right after sub, where the Developer Guide's token samples show them (docs/cognito-behaviour.md §13.2).
    id_groups, access_groups = group_claims(changes.groups, changes.access_groups)
    id_claims = {"sub": sub, **id_groups, **id_claims}
    access_claims = {"sub": sub, **access_groups, **access_claims}
    apply_claims(id_claims, changes.id_token)
    apply_claims(access_claims, changes.access_token)
    scopes = [scope for scope in access_claims["scope"].split() if scope not in changes.scopes_to_suppress]
    scopes += [scope for scope in changes.scopes_to_add if scope not in scopes]
    access_claims["scope"] = " ".join(scopes)
    granted = " ".join(scopes)
    if with_id_token:
        access_token, id_token = services.tokens.sign_pair(pool["Id"], access_claims, id_claims)
    else:
        access_token, id_token = services.tokens.sign(pool["Id"], "access", access_claims), None
    result = {"AccessToken": access_token, "ExpiresIn": access_lifetime, "TokenType": "Bearer"}
    if id_token is not None:
        result["IdToken"] = id_token
    rotation = (client.get("RefreshTokenRotation") or {}).get("Feature") == "ENABLED"
    if refresh is None and with_refresh:
        result["RefreshToken"] = new_refresh_token(services, pool, client, user, auth_time, origin_jti, granted)
    elif rotation:
        # The old token works for the grace period, then only the new one does.
        grace = (client.get("RefreshTokenRotation") or {}).get("RetryGracePeriodSeconds", 0)
        services.store.expire_refresh_token(refresh["token_hash"], now + grace)
        result["RefreshToken"] = new_refresh_token(services, pool, client, user, auth_time, str(uuid.uuid4()),
                                                   refresh.get("scope"))
    return result


def new_refresh_token(services: Services, pool: dict, client: dict, user: dict, auth_time: float,
                      origin_jti: str, scope: str | None = None) -> str:
    token = ".".join([REFRESH_HEADER, *(secrets.token_urlsafe(size) for size in (192, 12, 96, 16))])
    services.store.insert_refresh_token({
        "token_hash": hash_refresh_token(token), "origin_jti": origin_jti, "pool_id": pool["Id"],
        "client_id": client["ClientId"], "username": user["Username"], "auth_time": auth_time,
        "expires_at": services.clock.now() + validity_seconds(client, "RefreshToken"),
        "scope": None if scope == ADMIN_SCOPE else scope,  # the scopes of a hosted sign-in, kept for refreshes
    })
    return token


def use_refresh_token(services: Services, pool: dict, client: dict, token: str) -> tuple[dict, dict]:
    """The stored record and user behind a refresh token this client may use."""
    record = services.store.get_refresh_token(hash_refresh_token(token))
    if record is None or record["client_id"] != client["ClientId"] or record["pool_id"] != pool["Id"]:
        raise errors.NotAuthorizedException("Invalid Refresh Token.")
    if record["revoked"]:
        raise errors.NotAuthorizedException("Refresh Token has been revoked")
    if record["expires_at"] <= services.clock.now():
        raise errors.NotAuthorizedException("Refresh Token has expired")
    user = services.store.get_user(pool["Id"], username_key(pool, record["username"]))
    if user is None:
        raise errors.UserNotFoundException("User does not exist.")
    if record["auth_time"] < int(user["UserCreateDate"]):
        # Issued before this user existed: to a deleted user of the same name, who is someone else.
        raise errors.NotAuthorizedException("Invalid Refresh Token.")
    if not user["Enabled"]:
        raise errors.NotAuthorizedException("User is disabled.")
    return record, user


def user_of_access_token(services: Services, token: str, user_gone: bool = False) -> tuple[dict, dict, dict]:
    """(pool, user, claims) for a valid access token: signature, expiry on the emulator clock,
    revocation and scope all checked. A token whose user is gone (deleted, or made again) is UserNotFoundException,
    or, for the operations whose model does not list that error (`user_gone`), NotAuthorizedException as for a
    revoked token (docs/cognito-behaviour.md §8.13)."""
    try:
        claims = services.tokens.verify(token, "access")
    except InvalidToken:
        raise errors.NotAuthorizedException("Invalid Access Token") from None
    if claims.get("token_use") != "access":
        raise errors.NotAuthorizedException("Invalid Access Token")
    if not isinstance(claims.get("exp"), (int, float)) or claims["exp"] <= services.clock.now():
        raise errors.NotAuthorizedException("Access Token has expired")
    if services.store.origin_revoked(str(claims.get("origin_jti"))):
        raise errors.NotAuthorizedException("Access Token has been revoked")
    if ADMIN_SCOPE not in str(claims.get("scope", "")).split():
        raise errors.NotAuthorizedException("Access Token does not have required scopes")
    pool = services.store.get_pool(claims["iss"].rsplit("/", 1)[1])
    user = services.store.get_user(pool["Id"], username_key(pool, claims.get("username", ""))) if pool else None
    if user is None or user["Attributes"]["sub"] != claims.get("sub"):
        # The sub too: a user deleted and made again under the same name is someone else.
        if user_gone:
            raise errors.NotAuthorizedException("Access Token has been revoked")
        raise errors.UserNotFoundException("User does not exist.")
    if not user["Enabled"]:
        raise errors.NotAuthorizedException("User is disabled.")
    return pool, user, claims
