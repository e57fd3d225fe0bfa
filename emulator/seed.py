"""Declarative seed configuration, applied at every start.

A configuration file is JSON:

    {"user_pools": [{<CreateUserPool request>, "Id": "...", "Clients": [{<CreateUserPoolClient request>, "ClientId": "..."}]}]}

Pools and clients are written in the API's own request shapes and validated
against the same model. `Id` / `ClientId` pin identifiers so a front end's
configuration survives restarts. `{region}` and `{account_id}` anywhere are replaced by
the emulator's region and account id. Without a pinned id, a pool is matched by `PoolName` and a
client by `ClientName`.

Applying is idempotent: a missing pool or client is created; an existing one has
the configured settings applied as UpdateUserPool(Client) would, and only when they
differ, so restarting with the same file changes nothing. Users and other state are
never touched.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from importlib import resources

from emulator.operations.registry import Services
from emulator.operations.user_pool_clients import apply_client_update, new_user_pool_client, updated_client
from emulator.operations.user_pools import apply_pool_update, new_user_pool, updated_pool
from emulator.protocol import errors
from emulator.protocol.model import operation_model
from emulator.protocol.validation import validate_input

log = logging.getLogger("emulator.seed")


class SeedError(Exception):
    pass


@dataclass
class SeededPool:
    pool: dict
    clients: list[dict] = field(default_factory=list)


def load(path: str | None) -> dict:
    """The configuration at `path`, or the shipped default."""
    try:
        if path is None:
            text = resources.files("emulator").joinpath("default_config.json").read_text()
        else:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        config = json.loads(text)
    except (OSError, ValueError) as error:
        raise SeedError(f"cannot read configuration {path}: {error}") from None
    if (not isinstance(config, dict) or not isinstance(config.get("user_pools", []), list)
            or not isinstance(config.get("functions", {}), dict)):
        raise SeedError(f'{path}: expected {{"functions": {{...}}, "user_pools": [...]}}')
    return config


def with_placeholders(config, region: str, account_id: str):
    """The configuration with `{region}` and `{account_id}` filled in, in every string."""
    if isinstance(config, str):
        return config.replace("{region}", region).replace("{account_id}", account_id)
    if isinstance(config, list):
        return [with_placeholders(item, region, account_id) for item in config]
    if isinstance(config, dict):
        return {key: with_placeholders(value, region, account_id) for key, value in config.items()}
    return config


def _validated(operation: str, request: dict, where: str) -> dict:
    try:
        return validate_input(operation_model(operation).input_shape, request)
    except errors.CognitoError as error:
        raise SeedError(f"{where}: {error.message}") from None


def apply(services: Services, config: dict) -> list[SeededPool]:
    seeded = []
    for index, entry in enumerate(config.get("user_pools", [])):
        if not isinstance(entry, dict):
            raise SeedError(f"user_pools[{index}] must be an object")
        where = f"user_pools[{index}] ({entry.get('PoolName', '?')})"
        pool_id = entry.get("Id")
        if pool_id is not None:
            _validated("DescribeUserPool", {"UserPoolId": pool_id}, where)
        request = _validated("CreateUserPool", {k: v for k, v in entry.items() if k not in ("Id", "Clients")}, where)
        pool = _apply_pool(services, request, pool_id, where)
        result = SeededPool(pool)
        for client_index, client_entry in enumerate(entry.get("Clients", [])):
            client_where = f"{where}.Clients[{client_index}]"
            if not isinstance(client_entry, dict):
                raise SeedError(f"{client_where} must be an object")
            client_id = client_entry.get("ClientId")
            if client_id is not None:
                _validated("DescribeUserPoolClient", {"UserPoolId": pool["Id"], "ClientId": client_id}, client_where)
            client_request = _validated(
                "CreateUserPoolClient",
                {**{k: v for k, v in client_entry.items() if k != "ClientId"}, "UserPoolId": pool["Id"]},
                client_where,
            )
            result.clients.append(_apply_client(services, pool, client_request, client_id, client_where))
        seeded.append(result)
    return seeded


def _differs(updated: dict, existing: dict) -> bool:
    def settings(document: dict) -> dict:
        return {key: value for key, value in document.items() if key != "LastModifiedDate"}

    return settings(updated) != settings(existing)


def _apply_pool(services: Services, request: dict, pool_id: str | None, where: str) -> dict:
    store = services.store
    existing = store.get_pool(pool_id) if pool_id else store.find_pool_by_name(request["PoolName"])
    try:
        if existing is None:
            return new_user_pool(services, request, pool_id)
        for immutable in ("UsernameAttributes", "AliasAttributes"):
            if request.get(immutable) != existing.get(immutable):
                log.warning("%s: %s can't change on an existing pool; keeping %s", where, immutable,
                            existing.get(immutable))
        if _differs(updated_pool(existing, request, 0), existing):
            return apply_pool_update(services, existing, request)
        return existing
    except errors.CognitoError as error:
        raise SeedError(f"{where}: {error.message}") from None


def _apply_client(services: Services, pool: dict, request: dict, client_id: str | None, where: str) -> dict:
    store = services.store
    if client_id:
        existing = store.get_client(client_id)
        if existing is not None and existing["UserPoolId"] != pool["Id"]:
            raise SeedError(f"{where}: client {client_id} already belongs to pool {existing['UserPoolId']}")
    else:
        existing = store.find_client_by_name(pool["Id"], request["ClientName"])
    try:
        if existing is None:
            return new_user_pool_client(services, pool["Id"], request, client_id)
        if request.get("GenerateSecret", False) != ("ClientSecret" in existing):
            log.warning("%s: GenerateSecret can't change on an existing client", where)
        if _differs(updated_client(existing, request, 0), existing):
            return apply_client_update(services, existing, request)
        return existing
    except errors.CognitoError as error:
        raise SeedError(f"{where}: {error.message}") from None
