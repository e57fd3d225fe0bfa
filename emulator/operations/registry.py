"""Operation name → function. Each operation module registers its functions with `@operation("Name")`."""

from __future__ import annotations

from typing import Callable

from emulator.services import Services

Operation = Callable[[Services, dict], dict]
OPERATIONS: dict[str, Operation] = {}


def operation(name: str) -> Callable[[Operation], Operation]:
    def register(function: Operation) -> Operation:
        if name in OPERATIONS:
            raise RuntimeError(f"{name} registered twice")
        OPERATIONS[name] = function
        return function

    return register
