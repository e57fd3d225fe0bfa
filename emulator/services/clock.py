"""The one clock every expiry and timestamp in the emulator reads.

Emulator time is wall-clock time plus an offset. Tests move it forward through
`/_emulator/clock` so that codes, sessions and tokens expire without sleeping.
"""

import threading
import time
from typing import Callable


class Clock:
    def __init__(self, offset: float = 0.0, source: Callable[[], float] = time.time):
        self._offset = float(offset)
        self._source = source
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
            return self._offset

    def reset(self) -> None:
        """Back to wall-clock time (a fresh emulator state, not time running backwards within one)."""
        with self._lock:
            self._offset = 0.0
