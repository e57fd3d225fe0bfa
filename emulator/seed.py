"""Declarative seed configuration, applied at every start.

A configuration file is JSON:

    {"user_pools": [{<CreateUserPool request>, "Id": "...", "MfaConfig": {<SetUserPoolMfaConfig request>},
                     "Clients": [{<CreateUserPoolClient request>, "ClientId": "..."}]}]}

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

import difflib
import json
import logging
from dataclasses import dataclass, field
from importlib import resources

from emulator import errors
from emulator.operations.user_pool_clients import updated_client
from emulator.operations.user_pools import updated_pool
from emulator.protocol.dispatch import Dispatcher
from emulator.protocol.model import operation_model
from emulator.protocol.validation import unknown_members
from emulator.services import ids
from emulator.services.functions import DECLARATION_KEYS, function_name

log = logging.getLogger("emulator.seed")

TOP_LEVEL_KEYS = ("functions", "user_pools")
POOL_KEYS = ("Id", "Clients", "MfaConfig", "Domain", "ResourceServers")  # beside CreateUserPool's members
CLIENT_KEYS = ("ClientId",)  # beside CreateUserPoolClient's members


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


def check_keys(config: dict) -> None:
    """Every key must mean something: a misspelt one (`UsernameAtributes`) stops the start, naming its path and the
    nearest valid name, instead of being dropped as AWS drops unknown request members."""
    problems = [(name, list(TOP_LEVEL_KEYS)) for name in config if name not in TOP_LEVEL_KEYS]
    for name, declaration in (config.get("functions") or {}).items():
        if isinstance(declaration, dict):
            problems += [(f"functions.{name}.{key}", list(DECLARATION_KEYS)) for key in declaration
                         if key not in DECLARATION_KEYS]
    pool_shape = operation_model("CreateUserPool").input_shape
    client_shape = operation_model("CreateUserPoolClient").input_shape
    for index, pool in enumerate(config.get("user_pools") or []):
        if not isinstance(pool, dict):
            continue
        problems += unknown_members(pool_shape, pool, f"user_pools[{index}]", POOL_KEYS)
        for server_index, server in enumerate(pool.get("ResourceServers") or []):
            problems += unknown_members(operation_model("CreateResourceServer").input_shape, server,
                                        f"user_pools[{index}].ResourceServers[{server_index}]")
        if isinstance(pool.get("MfaConfig"), dict):
            problems += unknown_members(operation_model("SetUserPoolMfaConfig").input_shape, pool["MfaConfig"],
                                        f"user_pools[{index}].MfaConfig")
        for client_index, client in enumerate(pool.get("Clients") or []):
            problems += unknown_members(client_shape, client, f"user_pools[{index}].Clients[{client_index}]",
                                        CLIENT_KEYS)
    if problems:
        raise SeedError("\n".join(_unknown_key(path, known) for path, known in problems))


def _unknown_key(path: str, known: list[str]) -> str:
    name = path.rpartition(".")[2]
    nearest = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f"did you mean {nearest[0]}?" if nearest else f"known here: {', '.join(sorted(known))}"
    return f"unknown key {path}: {hint}"


def with_placeholders(config, region: str, account_id: str):
    """The configuration with `{region}` and `{account_id}` filled in, in every string."""
    if isinstance(config, str):
        return config.replace("{region}", region).replace("{account_id}", account_id)
    if isinstance(config, list):
        return [with_placeholders(item, region, account_id) for item in config]
    if isinstance(config, dict):
        return {key: with_placeholders(value, region, account_id) for key, value in config.items()}
    return config


def _validated(dispatcher: Dispatcher, operation: str, request: dict, where: str) -> dict:
    try:
        return dispatcher.validated(operation, request)
    except errors.CognitoError as error:
        raise SeedError(f"{where}: {error.message}") from None


def _call(dispatcher: Dispatcher, operation: str, request: dict, where: str) -> dict:
    try:
        return dispatcher.call(operation, request)
    except errors.CognitoError as error:
        raise SeedError(f"{where}: {error.message}") from None


def apply(dispatcher: Dispatcher, config: dict) -> list[SeededPool]:
    """Create or update the configured pools and clients, through the same operations (and validation) clients
    call: CreateUserPool(Client) with the pinned ids, UpdateUserPool(Client) where the settings differ."""
    seeded = []
    for index, entry in enumerate(config.get("user_pools", [])):
        if not isinstance(entry, dict):
            raise SeedError(f"user_pools[{index}] must be an object")
        where = f"user_pools[{index}] ({entry.get('PoolName', '?')})"
        pool_id = entry.get("Id")
        if pool_id is not None:
            _validated(dispatcher, "DescribeUserPool", {"UserPoolId": pool_id}, where)
        request = _validated(dispatcher, "CreateUserPool",
                             {k: v for k, v in entry.items() if k not in POOL_KEYS}, where)
        _check_triggers(request.get("LambdaConfig") or {}, set(dispatcher.services.functions.names()), where)
        mfa = entry.get("MfaConfig")
        pool = _apply_pool(dispatcher, request, pool_id, where, mfa=mfa)
        if mfa is not None:
            pool = _apply_mfa(dispatcher, pool, mfa, f"{where}.MfaConfig")
        _apply_resource_servers(dispatcher, pool, entry.get("ResourceServers") or [], f"{where}.ResourceServers")
        if entry.get("Domain") is not None:
            pool = _apply_domain(dispatcher, pool, entry["Domain"], f"{where}.Domain")
        result = SeededPool(pool)
        for client_index, client_entry in enumerate(entry.get("Clients", [])):
            client_where = f"{where}.Clients[{client_index}]"
            if not isinstance(client_entry, dict):
                raise SeedError(f"{client_where} must be an object")
            client_id = client_entry.get("ClientId")
            if client_id is not None:
                _validated(dispatcher, "DescribeUserPoolClient", {"UserPoolId": pool["Id"], "ClientId": client_id},
                           client_where)
            client_request = _validated(
                dispatcher, "CreateUserPoolClient",
                {**{k: v for k, v in client_entry.items() if k != "ClientId"}, "UserPoolId": pool["Id"]},
                client_where,
            )
            result.clients.append(_apply_client(dispatcher, pool, client_request, client_id, client_where))
        seeded.append(result)
    return seeded


def _apply_resource_servers(dispatcher: Dispatcher, pool: dict, servers: list, where: str) -> None:
    """CreateResourceServer for each configured one, or UpdateResourceServer where it differs."""
    if not isinstance(servers, list):
        raise SeedError(f"{where} must be a list")
    for index, server in enumerate(servers):
        request = _validated(dispatcher, "CreateResourceServer",
                             {**(server if isinstance(server, dict) else {}), "UserPoolId": pool["Id"]},
                             f"{where}[{index}]")
        existing = dispatcher.services.store.get_resource_server(pool["Id"], request["Identifier"])
        if existing is None:
            _call(dispatcher, "CreateResourceServer", request, f"{where}[{index}]")
        elif (existing["Name"], existing["Scopes"]) != (request["Name"], request.get("Scopes") or []):
            _call(dispatcher, "UpdateResourceServer", request, f"{where}[{index}]")


def _apply_domain(dispatcher: Dispatcher, pool: dict, domain, where: str) -> dict:
    """CreateUserPoolDomain with the configured prefix, replacing another prefix the pool had."""
    if not isinstance(domain, str):
        raise SeedError(f"{where} must be a domain prefix, such as \"myapp\"")
    if pool.get("Domain") == domain:
        return pool
    if pool.get("Domain"):
        _call(dispatcher, "DeleteUserPoolDomain", {"UserPoolId": pool["Id"], "Domain": pool["Domain"]}, where)
    _call(dispatcher, "CreateUserPoolDomain",
          _validated(dispatcher, "CreateUserPoolDomain", {"UserPoolId": pool["Id"], "Domain": domain}, where), where)
    return dispatcher.services.store.get_pool(pool["Id"])


def _check_triggers(lambda_config: dict, declared: set[str], where: str) -> None:
    """Every function a seeded pool's LambdaConfig names must be declared under "functions": found at start, not
    when a client first trips on it."""
    for trigger, value in lambda_config.items():
        reference = value.get("LambdaArn") if isinstance(value, dict) else value
        if trigger == "KMSKeyID" or not isinstance(reference, str):
            continue
        name = function_name(reference)
        if name not in declared:
            raise SeedError(f'{where}: LambdaConfig.{trigger} names function "{name}", which "functions" does not '
                            f"declare (declared: {', '.join(sorted(declared)) or 'none'})")


def _differs(updated: dict, existing: dict, ignore: tuple[str, ...] = ()) -> bool:
    def settings(document: dict) -> dict:
        return {key: value for key, value in document.items() if key != "LastModifiedDate" and key not in ignore}

    return settings(updated) != settings(existing)


def _apply_mfa(dispatcher: Dispatcher, pool: dict, mfa: dict, where: str) -> dict:
    """SetUserPoolMfaConfig with the configured MfaConfig, when the pool's differs."""
    request = _validated(dispatcher, "SetUserPoolMfaConfig", {**mfa, "UserPoolId": pool["Id"]}, where)
    current = _call(dispatcher, "GetUserPoolMfaConfig", {"UserPoolId": pool["Id"]}, where)
    if not _mfa_differs(request, current):
        return pool
    _call(dispatcher, "SetUserPoolMfaConfig", request, where)
    return dispatcher.services.store.get_pool(pool["Id"])


def _mfa_differs(request: dict, current: dict) -> bool:
    names = ("MfaConfiguration", "SmsMfaConfiguration", "SoftwareTokenMfaConfiguration", "EmailMfaConfiguration",
             "WebAuthnConfiguration")
    wanted = {name: request.get(name) for name in names}
    wanted["SoftwareTokenMfaConfiguration"] = wanted["SoftwareTokenMfaConfiguration"] or {"Enabled": False}
    wanted["MfaConfiguration"] = wanted["MfaConfiguration"] or current.get("MfaConfiguration")
    have = {name: current.get(name) for name in names}
    if wanted["SmsMfaConfiguration"] is not None and have["SmsMfaConfiguration"] is not None:
        # The SMS block comes back filled in from the pool's SmsConfiguration.
        wanted["SmsMfaConfiguration"] = {**have["SmsMfaConfiguration"], **wanted["SmsMfaConfiguration"]}
    return wanted != have


def _apply_pool(dispatcher: Dispatcher, request: dict, pool_id: str | None, where: str,
                mfa: dict | None = None) -> dict:
    """`mfa`: the pool's MfaConfig, which sets MFA after the pool is applied."""
    keep_mfa = mfa is not None
    sms = (mfa or {}).get("SmsMfaConfiguration") or {}
    if sms.get("SmsConfiguration") and "SmsConfiguration" not in request:
        request = {**request, "SmsConfiguration": sms["SmsConfiguration"]}  # as SetUserPoolMfaConfig leaves the pool
    if sms.get("SmsAuthenticationMessage") and "SmsAuthenticationMessage" not in request:
        request = {**request, "SmsAuthenticationMessage": sms["SmsAuthenticationMessage"]}
    store = dispatcher.services.store
    existing = store.get_pool(pool_id) if pool_id else store.find_pool_by_name(request["PoolName"])
    if existing is not None and keep_mfa:
        # MFA comes from MfaConfig, applied right after: the pool is compared without it and updated with MFA off,
        # since a pool changing its first factors or SMS settings may not keep MFA on in between.
        request = {**request, "MfaConfiguration": "OFF"}
    if existing is None:
        with ids.pinned(user_pool_id=pool_id):
            created = _call(dispatcher, "CreateUserPool", request, where)["UserPool"]
        return store.get_pool(created["Id"])
    for immutable in ("UsernameAttributes", "AliasAttributes"):
        if request.get(immutable) != existing.get(immutable):
            log.warning("%s: %s can't change on an existing pool; keeping %s", where, immutable,
                        existing.get(immutable))
    try:
        differs = _differs(updated_pool(existing, request, 0), existing,
                           ignore=("MfaConfiguration",) if keep_mfa else ())
    except errors.CognitoError as error:
        raise SeedError(f"{where}: {error.message}") from None
    if differs:
        _call(dispatcher, "UpdateUserPool", {**request, "UserPoolId": existing["Id"]}, where)
        return store.get_pool(existing["Id"])
    return existing


def _apply_client(dispatcher: Dispatcher, pool: dict, request: dict, client_id: str | None, where: str) -> dict:
    store = dispatcher.services.store
    if client_id:
        existing = store.get_client(client_id)
        if existing is not None and existing["UserPoolId"] != pool["Id"]:
            raise SeedError(f"{where}: client {client_id} already belongs to pool {existing['UserPoolId']}")
    else:
        existing = store.find_client_by_name(pool["Id"], request["ClientName"])
    if existing is None:
        with ids.pinned(client_id=client_id):
            return _call(dispatcher, "CreateUserPoolClient", request, where)["UserPoolClient"]
    if request.get("GenerateSecret", False) != ("ClientSecret" in existing):
        log.warning("%s: GenerateSecret can't change on an existing client", where)
    try:
        differs = _differs(updated_client(existing, request, 0), existing)
    except errors.CognitoError as error:
        raise SeedError(f"{where}: {error.message}") from None
    if differs:
        return _call(dispatcher, "UpdateUserPoolClient", {**request, "ClientId": existing["ClientId"]},
                     where)["UserPoolClient"]
    return existing
