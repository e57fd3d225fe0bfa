"""The services the operations stand on: the store, the clock, functions and triggers, the outbox, token signing.

`Services` bundles them for the operations; the application factory makes one.
"""

from __future__ import annotations

from dataclasses import dataclass

from emulator.services.clock import Clock
from emulator.services.functions import FunctionRegistry
from emulator.services.messages import Outbox
from emulator.services.store import Store
from emulator.services.tokens import TokenSigner
from emulator.services.triggers import Triggers
from emulator.settings import Settings


@dataclass
class Services:
    """What operations may use. Each operation takes only what it reads from here."""

    store: Store
    clock: Clock
    settings: Settings
    functions: FunctionRegistry
    triggers: Triggers
    outbox: Outbox
    tokens: TokenSigner
