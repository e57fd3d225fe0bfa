"""Cognito semantics, one module per area. Importing this package registers every operation."""

from emulator.operations import admin_users, signup, user_pool_clients, user_pools  # noqa: F401  (registration)
from emulator.operations.registry import OPERATIONS, Services, operation

__all__ = ["OPERATIONS", "Services", "operation"]
