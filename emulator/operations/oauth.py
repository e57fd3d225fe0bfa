"""The OAuth 2.0 grants of Cognito's managed login: which client and scopes, authorization codes (with PKCE),
the token endpoint's three grants, userInfo and revocation (docs/cognito-behaviour.md §16).

The HTTP ends live in emulator/oauth_api.py (machine endpoints) and emulator/hosted_login.py (browser pages);
this module holds what they mean, and raises errors.OAuthError with the OAuth error code Cognito answers.
"""

from __future__ import annotations

import hmac
import secrets
import uuid
from dataclasses import dataclass


from emulator import errors
from emulator.operations import token_issue
from emulator.operations.resource_servers import custom_scopes
from emulator.operations.user_pool_clients import STANDARD_SCOPES, validity_seconds
from emulator.operations.users import username_key
from emulator.services import Services
from emulator.services.tokens import InvalidToken

CODE_SECONDS = 300  # an authorization code is good for 5 minutes, once
CODE_PREFIX = "oauth-code:"  # codes share the sign-in sessions' table, under a prefix no Session has
OIDC_SCOPES = ("email", "phone", "profile")  # granted only with openid


@dataclass
class OAuthClient:
    pool: dict
    client: dict

    @property
    def id(self) -> str:
        return self.client["ClientId"]


def oauth_client(services: Services, client_id: str | None) -> OAuthClient | None:
    """The app client, if it exists and its OAuth settings are on (AllowedOAuthFlowsUserPoolClient)."""
    client = services.store.get_client(client_id) if client_id else None
    if client is None or not client.get("AllowedOAuthFlowsUserPoolClient"):
        return None
    pool = services.store.get_pool(client["UserPoolId"])
    return OAuthClient(pool, client) if pool else None


def authenticated_client(services: Services, client_id: str | None, secret: str | None) -> OAuthClient:
    """The token and revocation endpoints' client: a client with a secret must give it (Basic or form)."""
    found = oauth_client(services, client_id)
    if found is None:
        raise errors.OAuthError("invalid_client")
    expected = found.client.get("ClientSecret")
    if expected is None:
        if secret:  # a public client has no secret to give (chosen: docs/cognito-behaviour.md §16.5)
            raise errors.OAuthError("invalid_client")
    elif not hmac.compare_digest((secret or "").encode(), expected.encode()):
        raise errors.OAuthError("invalid_client")
    return found


def redirect_allowed(found: OAuthClient, redirect_uri: str | None) -> bool:
    """An exact match with a registered callback URL (a trailing slash counts)."""
    return bool(redirect_uri) and redirect_uri in (found.client.get("CallbackURLs") or [])


def granted_scopes(services: Services, found: OAuthClient, requested: str | None) -> list[str]:
    """What /oauth2/authorize grants: the requested scopes the client may have (unknown ones dropped), or all of
    its scopes when none are asked for; email, phone and profile only beside openid."""
    allowed = found.client.get("AllowedOAuthScopes") or []
    known = set(STANDARD_SCOPES) | custom_scopes(services, found.pool["Id"])
    asked = requested.split() if requested and requested.strip() else allowed
    scopes = [scope for scope in dict.fromkeys(asked) if scope in allowed and scope in known]
    if "openid" not in scopes:
        scopes = [scope for scope in scopes if scope not in OIDC_SCOPES]
    if not scopes:
        raise errors.OAuthError("invalid_scope")
    return scopes


# -- authorization codes ---------------------------------------------------------------------------------------

def new_code(services: Services, found: OAuthClient, user: dict, *, redirect_uri: str, scopes: list[str],
             auth_time: float, code_challenge: str | None, nonce: str | None) -> str:
    code = str(uuid.uuid4())
    services.store.insert_auth_session(
        CODE_PREFIX + code, found.pool["Id"], found.id, user["Username"], services.clock.now() + CODE_SECONDS,
        {"redirect_uri": redirect_uri, "scopes": scopes, "auth_time": auth_time, "code_challenge": code_challenge,
         "nonce": nonce, "sub": user["Attributes"]["sub"]})
    return code


def redeem_code(services: Services, found: OAuthClient, code: str | None, redirect_uri: str | None,
                verifier: str | None) -> dict:
    """The tokens for an authorization code: once, within 5 minutes, for the client and redirect URI it was
    issued to, and with the verifier of its PKCE challenge."""
    if not code:
        raise errors.OAuthError("invalid_request")
    grant = services.store.take_auth_session(CODE_PREFIX + code)  # taken: a second try finds nothing
    if grant is None or grant["expires_at"] <= services.clock.now() or grant["client_id"] != found.id:
        raise errors.OAuthError("invalid_grant")
    if redirect_uri != grant["redirect_uri"]:
        raise errors.OAuthError("invalid_grant")
    if grant["code_challenge"] is not None:
        # Imported here: authlib's OAuth 2.0 package is a twentieth of the emulator's start, and few runs use PKCE.
        from authlib.oauth2.rfc7636 import create_s256_code_challenge

        if not verifier or not hmac.compare_digest(create_s256_code_challenge(verifier), grant["code_challenge"]):
            raise errors.OAuthError("invalid_grant")
    user = services.store.get_user(found.pool["Id"], username_key(found.pool, grant["username"]))
    if user is None or user["Attributes"]["sub"] != grant["sub"] or not user["Enabled"]:
        raise errors.OAuthError("invalid_grant")
    # auth_time is when the user signed in at the managed login, not when the code was redeemed (§16).
    return user_tokens(services, found, user, grant["scopes"], source="TokenGeneration_HostedAuth",
                       nonce=grant["nonce"], auth_time=grant["auth_time"])


def user_tokens(services: Services, found: OAuthClient, user: dict, scopes: list[str], *, source: str,
                nonce: str | None = None, refresh: dict | None = None, auth_time: float | None = None) -> dict:
    result = token_issue.issue_tokens(services, found.pool, found.client, user, source=source, client_metadata={},
                                      refresh=refresh, scopes=None if refresh else scopes, nonce=nonce,
                                      auth_time=auth_time)
    return oauth_shape(result)


def implicit_tokens(services: Services, found: OAuthClient, user: dict, scopes: list[str],
                    nonce: str | None = None, auth_time: float | None = None) -> dict:
    """The implicit grant's fragment: no refresh token, and `bearer` in lower case, as Cognito writes it there."""
    result = token_issue.issue_tokens(services, found.pool, found.client, user, source="TokenGeneration_HostedAuth",
                                      client_metadata={}, scopes=scopes, nonce=nonce, with_refresh=False,
                                      auth_time=auth_time)
    shaped = {"access_token": result["AccessToken"], **({"id_token": result["IdToken"]} if "IdToken" in result else {})}
    return {**shaped, "token_type": "bearer", "expires_in": result["ExpiresIn"]}


def oauth_shape(result: dict) -> dict:
    """An AuthenticationResult as the token endpoint writes it."""
    shaped = {"access_token": result["AccessToken"]}
    if "IdToken" in result:
        shaped["id_token"] = result["IdToken"]
    if "RefreshToken" in result:
        shaped["refresh_token"] = result["RefreshToken"]
    return {**shaped, "token_type": "Bearer", "expires_in": result["ExpiresIn"]}


def refresh_grant(services: Services, found: OAuthClient, token: str | None) -> dict:
    if not token:
        raise errors.OAuthError("invalid_request")
    try:
        record, user = token_issue.use_refresh_token(services, found.pool, found.client, token)
    except errors.CognitoError:
        raise errors.OAuthError("invalid_grant") from None
    return user_tokens(services, found, user, [], source="TokenGeneration_RefreshTokens", refresh=record)


# -- client credentials ------------------------------------------------------------------------------------------

def client_credentials_grant(services: Services, found: OAuthClient, requested: str | None) -> dict:
    """An access token for the client itself: custom scopes only, no user, no ID or refresh token."""
    if "client_credentials" not in (found.client.get("AllowedOAuthFlows") or []):
        raise errors.OAuthError("unauthorized_client")
    allowed = [scope for scope in found.client.get("AllowedOAuthScopes") or []
               if scope in custom_scopes(services, found.pool["Id"])]
    scopes = allowed if not requested else requested.split()
    if not scopes or any(scope not in allowed for scope in scopes):
        raise errors.OAuthError("invalid_scope")
    now = int(services.clock.now())
    lifetime = validity_seconds(found.client, "AccessToken")
    claims = {"sub": found.id, "token_use": "access", "scope": " ".join(dict.fromkeys(scopes)), "auth_time": now,
              "iss": services.tokens.issuer(found.pool["Id"], found.pool), "exp": now + lifetime, "iat": now,
              "version": 2, "jti": str(uuid.uuid4()), "client_id": found.id}
    changes = services.triggers.pre_token_generation_for_client(found.pool, client=found.client,
                                                                scopes=claims["scope"].split())
    token_issue.apply_claims(claims, changes.access_token)
    granted = [scope for scope in claims["scope"].split() if scope not in changes.scopes_to_suppress]
    claims["scope"] = " ".join(granted + [scope for scope in changes.scopes_to_add if scope not in granted])
    return {"access_token": services.tokens.sign(found.pool["Id"], "access", claims), "token_type": "Bearer",
            "expires_in": lifetime}


# -- userInfo and revocation -----------------------------------------------------------------------------------

ATTRIBUTES_BY_SCOPE = {
    "email": ("email", "email_verified"),
    "phone": ("phone_number", "phone_number_verified"),
}


def user_info(services: Services, access_token: str) -> dict:
    """`sub`, `username` and the attributes the token's scopes allow, booleans as strings (as Cognito sends
    them). A token without `openid` is refused."""
    try:
        claims = services.tokens.verify(access_token, "access")
    except InvalidToken:
        raise errors.OAuthError("invalid_token", 401) from None
    if claims.get("token_use") != "access" or not isinstance(claims.get("exp"), (int, float)) \
            or claims["exp"] <= services.clock.now() or services.store.origin_revoked(str(claims.get("origin_jti"))):
        raise errors.OAuthError("invalid_token", 401)
    scopes = str(claims.get("scope", "")).split()
    if "openid" not in scopes:
        raise errors.OAuthError("invalid_token", 401, "Access token does not contain openid scope")
    pool = services.store.get_pool(str(claims.get("iss", "")).rsplit("/", 1)[-1])
    user = services.store.get_user(pool["Id"], username_key(pool, claims.get("username", ""))) if pool else None
    if user is None or user["Attributes"]["sub"] != claims.get("sub") or not user["Enabled"]:
        raise errors.OAuthError("invalid_token", 401)
    client = services.store.get_client(str(claims.get("client_id")))
    shown = {"sub": user["Attributes"]["sub"]}
    for name, value in user["Attributes"].items():
        if name == "sub" or not token_issue.readable(client, name):
            continue
        by_scope = next((scope for scope, names in ATTRIBUTES_BY_SCOPE.items() if name in names), "profile")
        if by_scope in scopes:
            shown[name] = value
    shown["username"] = user["Username"]
    return shown


def revoke(services: Services, found: OAuthClient, token: str | None) -> None:
    """Revoke a refresh token and what it issued; an unknown or already revoked one is fine, as in Cognito."""
    if not token:
        raise errors.OAuthError("invalid_request")
    if not found.client.get("EnableTokenRevocation", True):
        raise errors.OAuthError("invalid_request")
    if token.count(".") == 2:  # a JWT: an access or ID token, which cannot be revoked here
        raise errors.OAuthError("unsupported_token_type")
    record = services.store.get_refresh_token(token_issue.hash_refresh_token(token))
    if record is not None and record["client_id"] == found.id:
        services.store.revoke_refresh_token(record["token_hash"])


def session_token() -> str:
    return secrets.token_urlsafe(32)
