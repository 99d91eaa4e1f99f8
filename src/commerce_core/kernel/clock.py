"""Time as a port: the domain never reads the system clock itself."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

from commerce_core.kernel.errors import InputError

__all__ = ["Clock", "ensure_utc"]


class Clock(Protocol):
    """Tells the current time as an aware UTC datetime."""

    def now(self) -> datetime: ...


def ensure_utc(value: datetime, field: str = "at") -> datetime:
    """Refuse a naive datetime; return an aware one converted to UTC."""
    if not isinstance(value, datetime):
        raise InputError.for_field(field, f"expected a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InputError.for_field(field, "datetime must carry a time zone (naive given)")
    return value.astimezone(UTC)
