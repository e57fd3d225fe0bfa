"""Cognito semantics, one module per area. Importing this package registers every operation."""

from emulator.operations import (  # noqa: F401  (registration)
    admin_users, auth, signup, user_pool_clients, user_pools, user_tokens,
)
from emulator.operations.registry import OPERATIONS, Services, operation

__all__ = ["OPERATIONS", "Services", "operation"]
