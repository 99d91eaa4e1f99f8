"""The real clock and id generator used when none is given.

They live in the application layer, not the domain: the domain only sees the ports.
"""

from __future__ import annotations

import os
import threading
import time
from datetime import UTC, datetime

__all__ = ["SystemClock", "TimeOrderedIds"]


class SystemClock:
    """The wall clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class TimeOrderedIds:
    """UUIDv7 strings (RFC 9562): a millisecond timestamp, then a counter, then randomness.

    Ids made by one generator are strictly increasing, so they sort by creation and keep
    B-tree inserts at the right edge of the index.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_ms = 0
        self._counter = 0

    def new_id(self) -> str:
        with self._lock:
            ms = time.time_ns() // 1_000_000
            if ms <= self._last_ms:
                ms = self._last_ms
                self._counter += 1
                if self._counter >= 1 << 12:  # counter exhausted: borrow the next millisecond
                    ms += 1
                    self._counter = 0
            else:
                self._counter = 0
            self._last_ms = ms
            counter = self._counter
        rand = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
        value = (ms & ((1 << 48) - 1)) << 80
        value |= 0x7 << 76
        value |= counter << 64
        value |= 0b10 << 62
        value |= rand
        h = f"{value:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
