"""A clock that only moves when told to."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from commerce_core.kernel.clock import ensure_utc

__all__ = ["FrozenClock"]


class FrozenClock:
    """A test :class:`~commerce_core.kernel.Clock`: still until :meth:`advance` or :meth:`set`."""

    def __init__(self, at: datetime | None = None) -> None:
        self._now = ensure_utc(at) if at is not None else datetime(2026, 1, 1, tzinfo=UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        """Move forward by ``delta`` or by ``timedelta(**kwargs)``; returns the new time."""
        step = delta if delta is not None else timedelta(**kwargs)
        if step < timedelta(0):
            raise ValueError("a clock does not go backwards")
        with self._lock:
            self._now += step
            return self._now

    def set(self, at: datetime) -> None:
        with self._lock:
            self._now = ensure_utc(at)
