"""CreateUserPoolClient, DescribeUserPoolClient, UpdateUserPoolClient, ListUserPoolClients, DeleteUserPoolClient."""

from __future__ import annotations

from urllib.parse import urlsplit

from emulator import errors
from emulator.operations import pagination
from emulator.operations.registry import operation
from emulator.operations.resource_servers import custom_scopes
from emulator.operations.user_pools import require_pool
from emulator.services import Services, ids

STANDARD_SCOPES = ("phone", "email", "openid", "profile", "aws.cognito.signin.user.admin")
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")  # where a callback URL may be plain http

# A client created without ExplicitAuthFlows allows these (docs/cognito-behaviour.md §2.8).
DEFAULT_AUTH_FLOWS = ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"]
LEGACY_AUTH_FLOWS = {"ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY", "USER_PASSWORD_AUTH"}

UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
# token → (request field, unit when the field is given without one, default validity in seconds,
#          unit the default is shown in, allowed range in seconds)
TOKEN_VALIDITY = {
    "AccessToken": ("AccessTokenValidity", "hours", 3600, "minutes", (300, 86400)),
    "IdToken": ("IdTokenValidity", "hours", 3600, "minutes", (300, 86400)),
    "RefreshToken": ("RefreshTokenValidity", "days", 30 * 86400, "days", (3600, 10 * 365 * 86400)),
}

# Fields CreateUserPoolClient sets that UpdateUserPoolClient keeps.
IMMUTABLE = ("UserPoolId", "ClientName", "ClientId", "ClientSecret", "CreationDate")


def client_not_found(client_id: str) -> errors.CognitoError:
    return errors.ResourceNotFoundException(f"User pool client {client_id} does not exist.")


def require_client(services: Services, pool_id: str, client_id: str) -> dict:
    require_pool(services, pool_id)
    client = services.store.get_client(client_id)
    if client is None or client["UserPoolId"] != pool_id:
        raise client_not_found(client_id)
    return client


def validity_seconds(client: dict, token: str) -> int:
    """How long a token issued to this client lives."""
    field = TOKEN_VALIDITY[token][0]
    return client[field] * UNIT_SECONDS[client["TokenValidityUnits"][token]]


def _token_validities(request: dict) -> dict:
    units_given = request.get("TokenValidityUnits") or {}
    values, units = {}, {}
    for token, (field, given_unit, default_seconds, default_unit, (low, high)) in TOKEN_VALIDITY.items():
        value = request.get(field)
        if token == "RefreshToken" and value == 0:
            value = None  # 0 means the default (30 days)
        if value is None:
            unit = units_given.get(token, default_unit)
            value = max(1, default_seconds // UNIT_SECONDS[unit])
        else:
            unit = units_given.get(token, given_unit)
        seconds = value * UNIT_SECONDS[unit]
        if not low <= seconds <= high:
            # Wording undocumented; the ranges are documented (docs/cognito-behaviour.md §2.9).
            raise errors.InvalidParameterException(
                f"Invalid range for token validity: {field} must be between {low} and {high} seconds."
            )
        values[field] = value
        units[token] = unit
    return {**values, "TokenValidityUnits": units}


def _auth_flows(requested: list[str] | None) -> list[str]:
    if requested is None:
        return list(DEFAULT_AUTH_FLOWS)
    flows = list(dict.fromkeys(requested))
    legacy = [flow for flow in flows if flow in LEGACY_AUTH_FLOWS]
    if legacy and len(legacy) != len(flows):
        # Wording undocumented (docs/cognito-behaviour.md §2.8): the documented rule is that legacy values and ALLOW_ values can't be mixed.
        raise errors.InvalidParameterException("ExplicitAuthFlows can not have both legacy and new values.")
    if not legacy and "ALLOW_REFRESH_TOKEN_AUTH" not in flows:
        raise errors.InvalidParameterException("REFRESH_TOKEN_AUTH should always be allowed.")
    return flows


def client_settings(request: dict) -> dict:
    """The settable part of an app client; what the request leaves out gets Cognito's default.

    UpdateUserPoolClient documents the same reset-to-default rule, so both operations share this.
    """
    settings = {
        **_token_validities(request),
        "ExplicitAuthFlows": _auth_flows(request.get("ExplicitAuthFlows")),
        "AllowedOAuthFlowsUserPoolClient": request.get("AllowedOAuthFlowsUserPoolClient", False),
        "PreventUserExistenceErrors": request.get("PreventUserExistenceErrors", "LEGACY"),
        "EnableTokenRevocation": request.get("EnableTokenRevocation", True),
        "EnablePropagateAdditionalUserContextData": request.get("EnablePropagateAdditionalUserContextData", False),
        "AuthSessionValidity": request.get("AuthSessionValidity", 3),
    }
    for optional in ("ReadAttributes", "WriteAttributes", "SupportedIdentityProviders", "CallbackURLs", "LogoutURLs",
                     "DefaultRedirectURI", "AllowedOAuthFlows", "AllowedOAuthScopes", "AnalyticsConfiguration",
                     "RefreshTokenRotation"):
        if optional in request:
            settings[optional] = request[optional]
    return settings


def check_oauth_settings(services: Services, client: dict) -> None:
    """Cognito's rules for an app client's OAuth settings (docs/cognito-behaviour.md §16.3)."""
    flows = client.get("AllowedOAuthFlows") or []
    if "client_credentials" in flows:
        if len(flows) > 1:
            raise errors.InvalidOAuthFlowException(
                "client_credentials flow can not be selected along with code flow or implicit flow.")
        if not client.get("ClientSecret"):
            raise errors.InvalidOAuthFlowException(
                "client_credentials flow can not be selected if client does not have a client secret.")
    known = set(STANDARD_SCOPES) | custom_scopes(services, client["UserPoolId"])
    for scope in client.get("AllowedOAuthScopes") or []:
        if scope not in known:
            raise errors.ScopeDoesNotExistException(f"Invalid scope requested: {scope}")
    for field in ("CallbackURLs", "LogoutURLs"):
        for url in client.get(field) or []:
            _check_redirect_url(field, url)
    default = client.get("DefaultRedirectURI")
    if default is not None:
        _check_redirect_url("DefaultRedirectURI", default)
        if default not in (client.get("CallbackURLs") or []):
            # Wording undocumented (docs/cognito-behaviour.md §16.3).
            raise errors.InvalidParameterException("DefaultRedirectURI must be one of the CallbackURLs.")


def _check_redirect_url(field: str, url: str) -> None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (a port that is not a number, or out of range, raises here)
    except ValueError:
        raise errors.InvalidParameterException(f"{field}: {url} is not a valid URL.") from None
    if not parts.scheme or parts.fragment or (parts.scheme in ("http", "https") and not parts.hostname):
        raise errors.InvalidParameterException(f"{field}: {url} is not an absolute URL without a fragment.")
    if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        # Wording undocumented; the rule is documented (docs/cognito-behaviour.md §16.3).
        raise errors.InvalidParameterException(
            f"{field}: {url} must use HTTPS (plain HTTP is allowed only for localhost, 127.0.0.1 and [::1]).")


def new_user_pool_client(services: Services, pool_id: str, request: dict, client_id: str | None = None) -> dict:
    """Build and store an app client; `client_id` pins the id (seed configuration)."""
    require_pool(services, pool_id)
    now = services.clock.now()
    client = {
        "UserPoolId": pool_id,
        "ClientName": request["ClientName"],
        "ClientId": client_id or ids.client_id(),
        **client_settings(request),
        "LastModifiedDate": now,
        "CreationDate": now,
    }
    if request.get("GenerateSecret"):
        client["ClientSecret"] = ids.client_secret()
    check_oauth_settings(services, client)
    services.store.insert_client(client)
    return client


def updated_client(client: dict, request: dict, now: float) -> dict:
    """The client as UpdateUserPoolClient(request) would leave it."""
    updated = {field: client[field] for field in IMMUTABLE if field in client}
    updated.update(client_settings(request))
    if "ClientName" in request:
        updated["ClientName"] = request["ClientName"]
    updated["LastModifiedDate"] = now
    return updated


def apply_client_update(services: Services, client: dict, request: dict) -> dict:
    updated = updated_client(client, request, services.clock.now())
    check_oauth_settings(services, updated)
    services.store.replace_client(updated)
    return updated


@operation("CreateUserPoolClient")
def create_user_pool_client(services: Services, request: dict) -> dict:
    return {"UserPoolClient": new_user_pool_client(services, request["UserPoolId"], request)}


@operation("DescribeUserPoolClient")
def describe_user_pool_client(services: Services, request: dict) -> dict:
    return {"UserPoolClient": require_client(services, request["UserPoolId"], request["ClientId"])}


@operation("UpdateUserPoolClient")
def update_user_pool_client(services: Services, request: dict) -> dict:
    client = require_client(services, request["UserPoolId"], request["ClientId"])
    return {"UserPoolClient": apply_client_update(services, client, request)}


@operation("ListUserPoolClients")
def list_user_pool_clients(services: Services, request: dict) -> dict:
    pool = require_pool(services, request["UserPoolId"])
    clients, cursor = services.store.list_clients(
        pool["Id"], request.get("MaxResults", 60), pagination.decode("clients", request.get("NextToken"))
    )
    return pagination.listing("UserPoolClients", [
        {"ClientId": client["ClientId"], "UserPoolId": client["UserPoolId"], "ClientName": client["ClientName"]}
        for client in clients
    ], "clients", cursor)


@operation("DeleteUserPoolClient")
def delete_user_pool_client(services: Services, request: dict) -> dict:
    client = require_client(services, request["UserPoolId"], request["ClientId"])
    services.store.delete_client(client["ClientId"])
    return {}
