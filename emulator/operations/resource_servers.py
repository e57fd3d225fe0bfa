"""Resource servers, the owners of custom OAuth 2.0 scopes: CreateResourceServer, DescribeResourceServer,
UpdateResourceServer, DeleteResourceServer, ListResourceServers (docs/cognito-behaviour.md §16.2)."""

from __future__ import annotations

from emulator import errors
from emulator.operations import pagination
from emulator.operations.registry import operation
from emulator.operations.user_pools import require_pool
from emulator.services import Services
from emulator.services.store import ResourceServerTaken

MAX_RESOURCE_SERVERS = 25  # per pool, Cognito's documented quota
MAX_SCOPES = 100  # per resource server


def _server(pool_id: str, request: dict) -> dict:
    scopes = request.get("Scopes") or []
    if len(scopes) > MAX_SCOPES:
        raise errors.LimitExceededException(f"A resource server can have at most {MAX_SCOPES} scopes.")
    names = [scope["ScopeName"] for scope in scopes]
    if len(set(names)) != len(names):
        raise errors.InvalidParameterException("Scope names of a resource server must be unique.")
    return {"UserPoolId": pool_id, "Identifier": request["Identifier"], "Name": request["Name"], "Scopes": scopes}


def require_resource_server(services: Services, pool_id: str, identifier: str) -> dict:
    server = services.store.get_resource_server(pool_id, identifier)
    if server is None:
        raise errors.ResourceNotFoundException(f"Resource server {identifier} does not exist.")
    return server


def custom_scopes(services: Services, pool_id: str) -> set[str]:
    """Every `<identifier>/<scope name>` the pool's resource servers define."""
    return {f"{server['Identifier']}/{scope['ScopeName']}"
            for server in services.store.list_resource_servers(pool_id)[0] for scope in server["Scopes"]}


@operation("CreateResourceServer")
def create_resource_server(services: Services, request: dict) -> dict:
    pool = require_pool(services, request["UserPoolId"])
    if len(services.store.list_resource_servers(pool["Id"])[0]) >= MAX_RESOURCE_SERVERS:
        raise errors.LimitExceededException(f"A user pool can have at most {MAX_RESOURCE_SERVERS} resource servers.")
    server = _server(pool["Id"], request)
    try:
        services.store.insert_resource_server(pool["Id"], server)
    except ResourceServerTaken:
        # Wording undocumented (docs/cognito-behaviour.md §16.2).
        raise errors.InvalidParameterException(
            f"{request['Identifier']} already exists in user pool {pool['Id']}.") from None
    return {"ResourceServer": server}


@operation("DescribeResourceServer")
def describe_resource_server(services: Services, request: dict) -> dict:
    pool = require_pool(services, request["UserPoolId"])
    return {"ResourceServer": require_resource_server(services, pool["Id"], request["Identifier"])}


@operation("UpdateResourceServer")
def update_resource_server(services: Services, request: dict) -> dict:
    """Name and Scopes are replaced, as the request has them."""
    pool = require_pool(services, request["UserPoolId"])
    require_resource_server(services, pool["Id"], request["Identifier"])
    server = _server(pool["Id"], request)
    services.store.replace_resource_server(pool["Id"], server)
    return {"ResourceServer": server}


@operation("DeleteResourceServer")
def delete_resource_server(services: Services, request: dict) -> dict:
    pool = require_pool(services, request["UserPoolId"])
    require_resource_server(services, pool["Id"], request["Identifier"])
    services.store.delete_resource_server(pool["Id"], request["Identifier"])
    return {}


MAX_PAGE = 50  # ListResourceServers' MaxResults range is 1–50 (model)


@operation("ListResourceServers")
def list_resource_servers(services: Services, request: dict) -> dict:
    pool = require_pool(services, request["UserPoolId"])
    servers, cursor = services.store.list_resource_servers(
        # MaxResults is optional; without it, a page of the most it may ask for (docs/cognito-behaviour.md §16.2).
        pool["Id"], request.get("MaxResults", MAX_PAGE), pagination.decode("resource-servers", request.get("NextToken")))
    return pagination.listing("ResourceServers", servers, "resource-servers", cursor)
