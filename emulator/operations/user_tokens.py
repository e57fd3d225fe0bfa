"""Operations authorised by a token: GetUser, GlobalSignOut, RevokeToken, GetTokensFromRefreshToken,
and the administrator's AdminUserGlobalSignOut."""

from __future__ import annotations

import hmac

from emulator.operations import token_issue
from emulator.operations.mfa_settings import mfa_view
from emulator.operations.registry import operation
from emulator.services import Services
from emulator.operations.user_pools import require_pool
from emulator.operations.users import attribute_list, require_app_client, require_user
from emulator import errors


@operation("GetUser")
def get_user(services: Services, request: dict) -> dict:
    _, user, claims = token_issue.user_of_access_token(services, request["AccessToken"])
    client = services.store.get_client(str(claims.get("client_id")))
    shown = [name for name in user["Attributes"] if token_issue.readable(client, name)]
    return {"Username": user["Username"], "UserAttributes": attribute_list(user, shown), **mfa_view(user)}


@operation("GlobalSignOut")
def global_sign_out(services: Services, request: dict) -> dict:
    """Revokes every refresh token of the user, and with them every access and ID token they issued."""
    pool, user, _ = token_issue.user_of_access_token(services, request["AccessToken"], user_gone=True)
    services.store.revoke_user_tokens(pool["Id"], user["Username"])
    return {}


@operation("AdminUserGlobalSignOut")
def admin_user_global_sign_out(services: Services, request: dict) -> dict:
    pool = require_pool(services, request["UserPoolId"])
    user = require_user(services, pool, request["Username"])
    services.store.revoke_user_tokens(pool["Id"], user["Username"])
    return {}


def _check_client_secret(client: dict, given: str | None, failure=errors.NotAuthorizedException) -> None:
    secret = client.get("ClientSecret")
    if secret is not None and not hmac.compare_digest(secret, given or ""):
        # Wording undocumented (docs/cognito-behaviour.md §8.10).
        raise failure(f"Unable to verify secret for client {client['ClientId']}")


@operation("RevokeToken")
def revoke_token(services: Services, request: dict) -> dict:
    """Revokes a refresh token and the tokens it issued. As OAuth token revocation (RFC 7009) asks, a token
    that is unknown, or another client's, is answered with success and left alone."""
    # RevokeToken's model lists neither ResourceNotFound nor NotAuthorized: an unknown client or a wrong
    # secret is UnauthorizedException, OAuth's invalid_client (wording undocumented: docs/cognito-behaviour.md §8.8).
    client = services.store.get_client(request["ClientId"])
    if client is None:
        raise errors.UnauthorizedException(f"Client {request['ClientId']} does not exist.")
    _check_client_secret(client, request.get("ClientSecret"), failure=errors.UnauthorizedException)
    if not client.get("EnableTokenRevocation", True):
        raise errors.UnsupportedOperationException("Token revocation is not enabled for this app client.")
    record = services.store.get_refresh_token(token_issue.hash_refresh_token(request["Token"]))
    if record is not None and record["client_id"] == client["ClientId"]:
        services.store.revoke_refresh_token(record["token_hash"])
    return {}


@operation("GetTokensFromRefreshToken")
def get_tokens_from_refresh_token(services: Services, request: dict) -> dict:
    client, pool = require_app_client(services, request["ClientId"])
    _check_client_secret(client, request.get("ClientSecret"))
    record, user = token_issue.use_refresh_token(services, pool, client, request["RefreshToken"])
    result = token_issue.issue_tokens(services, pool, client, user, source="TokenGeneration_RefreshTokens",
                                      client_metadata=request.get("ClientMetadata") or {}, refresh=record)
    return {"AuthenticationResult": result}
