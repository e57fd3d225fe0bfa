"""A pool's domain, where its managed login and OAuth 2.0 endpoints live: CreateUserPoolDomain,
DescribeUserPoolDomain, UpdateUserPoolDomain, DeleteUserPoolDomain (docs/cognito-behaviour.md §16.1).

The emulator serves every pool's endpoints at its own address, finding the pool from the client; a domain is kept
so DescribeUserPool and the discovery document show it, and so an app's configuration can name it."""

from __future__ import annotations

import hashlib

from emulator import errors
from emulator.operations.registry import operation
from emulator.operations.user_pools import require_pool
from emulator.services import Services
from emulator.services.store import DomainTaken

RESERVED = ("aws", "amazon", "cognito")  # a prefix may not contain these (Cognito's documented rule)


def _cloudfront(domain: str) -> str:
    return f"d{hashlib.sha256(domain.encode()).hexdigest()[:13]}.cloudfront.net"


def _pool_fields(services: Services, pool: dict) -> dict:
    """The pool's `Domain` (a prefix) and `CustomDomain` (a full name), as DescribeUserPool shows them."""
    shown = {}
    for entry in services.store.domains_of_pool(pool["Id"]):
        shown["CustomDomain" if entry.get("CustomDomainConfig") else "Domain"] = entry["Domain"]
    return shown


def _save_pool_fields(services: Services, pool: dict) -> None:
    for field in ("Domain", "CustomDomain"):
        pool.pop(field, None)
    pool.update(_pool_fields(services, pool))
    services.store.replace_pool(pool)


@operation("CreateUserPoolDomain")
def create_user_pool_domain(services: Services, request: dict) -> dict:
    pool = require_pool(services, request["UserPoolId"])
    domain, custom = request["Domain"], request.get("CustomDomainConfig")
    if not custom and "." in domain:
        # A prefix is one label; a full name needs CustomDomainConfig. Wording undocumented (§16.1).
        raise errors.InvalidParameterException(
            f"Domain {domain} is not a valid prefix: a domain with dots needs CustomDomainConfig.")
    if not custom and any(word in domain for word in RESERVED):
        # Wording undocumented (docs/cognito-behaviour.md §16.1).
        raise errors.InvalidParameterException(f"Domain {domain} contains a reserved word: aws, amazon or cognito.")
    kinds = {bool(entry.get("CustomDomainConfig")) for entry in services.store.domains_of_pool(pool["Id"])}
    if bool(custom) in kinds:
        raise errors.InvalidParameterException(
            f"User pool {pool['Id']} already has a {'custom' if custom else 'prefix'} domain configured.")
    version = request.get("ManagedLoginVersion", 1)
    data = {"ManagedLoginVersion": version, **({"CustomDomainConfig": custom} if custom else {})}
    try:
        services.store.insert_domain(domain, pool["Id"], data)
    except DomainTaken:
        raise errors.InvalidParameterException("Domain already associated with another user pool.") from None
    _save_pool_fields(services, pool)
    return {"ManagedLoginVersion": version, **({"CloudFrontDomain": _cloudfront(domain)} if custom else {})}


@operation("DescribeUserPoolDomain")
def describe_user_pool_domain(services: Services, request: dict) -> dict:
    entry = services.store.get_domain(request["Domain"])
    if entry is None:
        return {"DomainDescription": {}}  # as Cognito is reported to answer an unknown domain
    description = {"UserPoolId": entry["pool_id"], "AWSAccountId": services.settings.account_id,
                   "Domain": request["Domain"], "CloudFrontDistribution": _cloudfront(request["Domain"]),
                   "Version": "1", "Status": "ACTIVE", "ManagedLoginVersion": entry["ManagedLoginVersion"]}
    if entry.get("CustomDomainConfig"):
        description["CustomDomainConfig"] = entry["CustomDomainConfig"]
    return {"DomainDescription": description}


def _require_domain_of(services: Services, pool: dict, domain: str) -> dict:
    entry = services.store.get_domain(domain)
    if entry is None or entry["pool_id"] != pool["Id"]:
        raise errors.ResourceNotFoundException(f"Domain {domain} does not exist in user pool {pool['Id']}.")
    return entry


@operation("UpdateUserPoolDomain")
def update_user_pool_domain(services: Services, request: dict) -> dict:
    pool = require_pool(services, request["UserPoolId"])
    entry = _require_domain_of(services, pool, request["Domain"])
    data = {"ManagedLoginVersion": request.get("ManagedLoginVersion", entry["ManagedLoginVersion"])}
    custom = request.get("CustomDomainConfig", entry.get("CustomDomainConfig"))
    if custom:
        data["CustomDomainConfig"] = custom
    services.store.replace_domain(request["Domain"], data)
    return {"ManagedLoginVersion": data["ManagedLoginVersion"],
            **({"CloudFrontDomain": _cloudfront(request["Domain"])} if custom else {})}


@operation("DeleteUserPoolDomain")
def delete_user_pool_domain(services: Services, request: dict) -> dict:
    pool = require_pool(services, request["UserPoolId"])
    _require_domain_of(services, pool, request["Domain"])
    services.store.delete_domain(request["Domain"])
    _save_pool_fields(services, pool)
    return {}
