"""Cognito's lockout after wrong passwords: after 5, a lockout of 1 second, doubling with each further one, up to
15 minutes; a right password clears the count. (docs/cognito-behaviour.md §7.8)"""

from __future__ import annotations

from emulator import errors
from emulator.operations.auth.steps import fresh
from emulator.services import Services

LOCKOUT_AFTER = 5
LOCKOUT_MAX_SECONDS = 900


def check_not_locked_out(services: Services, user: dict) -> None:
    if (user.get("Lockout") or {}).get("until", 0) > services.clock.now():
        raise errors.NotAuthorizedException("Password attempts exceeded")


def record_failure(services: Services, pool: dict, user: dict) -> None:
    now = services.clock.now()
    user = fresh(services, pool, user)
    failures = (user.get("Lockout") or {}).get("failures", 0) + 1
    lockout = {"failures": failures}
    if failures >= LOCKOUT_AFTER:
        lockout["until"] = now + min(2 ** (failures - LOCKOUT_AFTER), LOCKOUT_MAX_SECONDS)
    user["Lockout"] = lockout
    services.store.replace_user(pool["Id"], user)


def clear_failures(services: Services, pool: dict, user: dict) -> dict:
    """The user, stored without its failure count; returns it as stored now."""
    user = fresh(services, pool, user)
    if user.pop("Lockout", None) is not None:
        services.store.replace_user(pool["Id"], user)
    return user
