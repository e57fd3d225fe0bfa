"""Per-invocation environment variables for functions run in-process.

A Lambda handler reads its configuration from `os.environ`. Several handlers may run at
once on different request threads, so the emulator cannot simply set variables for one of
them. Instead `os.environ` is wrapped once by an overlay: while a function runs, its thread
(strictly, its context) sees the function's variables on top of the process's own, and what
the handler writes stays in that overlay. Other threads see the process environment unchanged.

Limits: a thread the handler starts itself, and a subprocess it spawns, see the process
environment, not the overlay.
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import MutableMapping
from contextlib import contextmanager
from typing import Iterator

_overlay: contextvars.ContextVar[dict | None] = contextvars.ContextVar("lambda_environment", default=None)
_REMOVED = object()


class OverlayEnviron(MutableMapping):
    def __init__(self, base: MutableMapping):
        self.base = base

    def __getitem__(self, key: str) -> str:
        overlay = _overlay.get()
        if overlay is not None and key in overlay:
            value = overlay[key]
            if value is _REMOVED:
                raise KeyError(key)
            return value
        return self.base[key]

    def __setitem__(self, key: str, value: str) -> None:
        overlay = _overlay.get()
        if overlay is None:
            self.base[key] = value
        else:
            overlay[key] = value

    def __delitem__(self, key: str) -> None:
        overlay = _overlay.get()
        if overlay is None:
            del self.base[key]
        elif key not in self:
            raise KeyError(key)
        else:
            overlay[key] = _REMOVED

    def __iter__(self) -> Iterator[str]:
        overlay = _overlay.get()
        if overlay is None:
            yield from self.base
            return
        yield from (key for key in self.base if overlay.get(key, None) is not _REMOVED)
        yield from (key for key, value in overlay.items() if key not in self.base and value is not _REMOVED)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def copy(self) -> dict:
        return dict(self)

    def __repr__(self) -> str:
        return f"OverlayEnviron({dict(self)!r})"


def install() -> None:
    """Wrap os.environ once; later calls do nothing."""
    if not isinstance(os.environ, OverlayEnviron):
        os.environ = OverlayEnviron(os.environ)


@contextmanager
def overlaid(variables: dict[str, str | None]) -> Iterator[None]:
    """Run the block with `variables` set (None = removed) for this context only."""
    install()
    token = _overlay.set({key: (_REMOVED if value is None else value) for key, value in variables.items()})
    try:
        yield
    finally:
        _overlay.reset(token)
