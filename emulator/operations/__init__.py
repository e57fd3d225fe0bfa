"""Cognito semantics, one module per area (`auth/` a package of sign-in flows). Importing this package imports
every module in it, so each `@operation` registers itself: a new module needs no list to be added to."""

import importlib
import pkgutil

from emulator.operations.registry import OPERATIONS, operation

for _module in pkgutil.walk_packages(__path__, prefix=f"{__name__}."):
    importlib.import_module(_module.name)

__all__ = ["OPERATIONS", "operation"]
