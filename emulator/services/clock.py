"""The one clock every expiry and timestamp in the emulator reads.

Emulator time is wall-clock time plus an offset. Tests move it forward through
`/_emulator/clock` so that codes, sessions and tokens expire without sleeping, and reset it to wall-clock time
with `DELETE /_emulator/clock`. The offset is kept with the data directory (`on_change`), so a restart keeps it.
"""

from __future__ import annotations

import threading
import time
from typing import Callable


class Clock:
    def __init__(self, offset: float = 0.0, source: Callable[[], float] = time.time,
                 on_change: Callable[[float], None] | None = None):
        self._offset = float(offset)
        self._source = source
        self._on_change = on_change or (lambda offset: None)
        self._lock = threading.Lock()

    def now(self) -> float:
        """Epoch seconds on the emulator clock."""
        return self._source() + self._offset

    @property
    def offset(self) -> float:
        return self._offset

    def advance(self, seconds: float) -> float:
        """Move emulator time forward; returns the new offset. Time never runs backwards."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds
            self._on_change(self._offset)
            return self._offset

    def freeze(self) -> None:
        """Stop wall-clock time at the current whole second: from now on the clock moves only by `advance`, so a
        test (in process, through `EmbeddedEmulator.services.clock`) can land exactly on an expiry's last second."""
        frozen = float(int(self._source()))
        self._source = lambda: frozen

    def reset(self) -> None:
        """Back to wall-clock time: time runs backwards by the offset, so codes, sessions and tokens made since
        may not yet be valid (their `iat` is in the future)."""
        with self._lock:
            self._offset = 0.0
            self._on_change(self._offset)
