"""Operation name → function. Each operation module registers its functions with `@operation`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from emulator.services.clock import Clock
from emulator.services.functions import FunctionRegistry
from emulator.services.messages import Outbox
from emulator.services.store import Store
from emulator.services.tokens import TokenSigner
from emulator.services.triggers import TriggerRunner
from emulator.settings import Settings


@dataclass
class Services:
    """What operations may use. Each operation takes only what it reads from here."""

    store: Store
    clock: Clock
    settings: Settings
    functions: FunctionRegistry
    triggers: TriggerRunner
    outbox: Outbox
    tokens: TokenSigner


Operation = Callable[[Services, dict], dict]
OPERATIONS: dict[str, Operation] = {}


def operation(name: str) -> Callable[[Operation], Operation]:
    def register(function: Operation) -> Operation:
        if name in OPERATIONS:
            raise RuntimeError(f"{name} registered twice")
        OPERATIONS[name] = function
        return function

    return register
