"""Predictable ids for tests."""

from __future__ import annotations

import itertools
import threading

__all__ = ["SequentialIds"]


class SequentialIds:
    """An :class:`~commerce_core.kernel.IdGenerator` giving ``prefix-000001``, ``prefix-000002`` …

    Zero-padded, so they sort in the order they were made, like the default ids.
    """

    def __init__(self, prefix: str = "id", start: int = 1) -> None:
        self.prefix = prefix
        self._counter = itertools.count(start)
        self._lock = threading.Lock()

    def new_id(self) -> str:
        with self._lock:
            return f"{self.prefix}-{next(self._counter):06d}"
