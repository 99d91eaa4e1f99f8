"""Identifiers: the port that makes them. Typed ids (``CategoryId`` …) live in each context."""

from __future__ import annotations

from typing import Protocol

__all__ = ["IdGenerator"]


class IdGenerator(Protocol):
    """Makes new unique ids as strings.

    The default (``commerce_core.app.TimeOrderedIds``) makes UUIDv7 strings, so ids sort by
    creation time and index well; tests use ``commerce_core.testing.SequentialIds``.
    """

    def new_id(self) -> str: ...
