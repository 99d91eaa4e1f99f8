"""Keyset pagination: a page request, a page, and opaque cursors.

A cursor encodes the sort key of the last item seen, so the next page is a range scan on an
index, not an OFFSET that gets slower and skips rows when data changes underneath.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from attrs import field, frozen

from commerce_core.kernel.errors import InputError

__all__ = ["MAX_PAGE_SIZE", "Cursor", "Page", "PageRequest", "decode_cursor", "encode_cursor"]

T = TypeVar("T")
MAX_PAGE_SIZE = 500

CursorValue = str | int | None
Cursor = tuple[CursorValue, ...]


def encode_cursor(values: Sequence[CursorValue]) -> str:
    """Make an opaque, URL-safe cursor from the sort key of the last row."""
    raw = json.dumps(list(values), separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str, *, arity: int, path: str = "after") -> Cursor:
    """Read back a cursor made by :func:`encode_cursor`; anything else is an InputError."""
    if not isinstance(token, str) or len(token) > 4000:
        raise InputError.for_field(path, "not a cursor this library issued")
    try:
        padded = token + "=" * (-len(token) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InputError.for_field(path, "not a cursor this library issued") from None
    if (
        not isinstance(values, list)
        or len(values) != arity
        or not all(v is None or isinstance(v, str | int) for v in values)
        or any(isinstance(v, bool) for v in values)
        or any(isinstance(v, int) and not -(2**63) <= v < 2**63 for v in values)
        or any(isinstance(v, str) and len(v) > 1000 for v in values)
    ):
        raise InputError.for_field(path, "not a cursor this library issued")
    return tuple(values)


def _check_limit(_: object, __: object, value: Any) -> None:
    if type(value) is not int or not 1 <= value <= MAX_PAGE_SIZE:
        raise InputError.for_field("limit", f"must be an integer from 1 to {MAX_PAGE_SIZE}")


def _check_after(_: object, __: object, value: Any) -> None:
    if value is not None and (not isinstance(value, str) or not value):
        raise InputError.for_field("after", "must be a cursor string from a previous page")


@frozen
class PageRequest:
    """Ask for ``limit`` items after the cursor ``after`` (None: from the start)."""

    limit: int = field(default=50, validator=_check_limit)
    after: str | None = field(default=None, validator=_check_after)


@frozen
class Page(Generic[T]):
    """A page of items and the cursor of the next page (None on the last page)."""

    items: tuple[T, ...]
    next_cursor: str | None = None
