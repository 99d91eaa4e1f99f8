"""Column types shared by every table: aware UTC datetimes and money as two columns."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy.engine import Dialect

from commerce_core.kernel.clock import ensure_utc
from commerce_core.kernel.money import Money

__all__ = [
    "KEY_COLLATION",
    "UtcDateTime",
    "key_string",
    "money_columns",
    "money_from_row",
    "money_to_row",
]

#: MySQL/MariaDB compare text with the column's collation; their default (``_general_ci``)
#: would match "K1" to "k1" and "cafe" to "café". Keys, ids and codes must match exactly.
KEY_COLLATION = "utf8mb4_bin"


def key_string(length: int) -> sa.types.TypeEngine[str]:
    """A key, id or code column: matched byte for byte on every backend."""
    return sa.String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation=KEY_COLLATION), "mysql", "mariadb"
    )


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """An aware UTC datetime stored as a naive UTC timestamp with microseconds.

    Naive datetimes are refused on the way in; values come back aware (UTC). MySQL and
    MariaDB get ``DATETIME(6)``, since plain ``DATETIME`` drops the microseconds.
    """

    impl = sa.DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name in ("mysql", "mariadb"):
            return dialect.type_descriptor(mysql.DATETIME(fsp=6))
        return dialect.type_descriptor(sa.DateTime(timezone=False))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return ensure_utc(value).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def money_columns(prefix: str, *, nullable: bool = False) -> tuple[sa.Column[int], sa.Column[str]]:
    """A money value as ``<prefix>_minor`` BIGINT and ``<prefix>_currency`` CHAR(3)."""
    return (
        sa.Column(f"{prefix}_minor", sa.BigInteger, nullable=nullable),
        sa.Column(f"{prefix}_currency", sa.CHAR(3), nullable=nullable),
    )


def money_to_row(prefix: str, value: Money | None) -> dict[str, object]:
    """Column values for a money field."""
    if value is None:
        return {f"{prefix}_minor": None, f"{prefix}_currency": None}
    return {f"{prefix}_minor": value.minor, f"{prefix}_currency": value.currency}


def money_from_row(prefix: str, row: Any) -> Money | None:
    """Read a money field back from a row mapping."""
    minor = row[f"{prefix}_minor"]
    if minor is None:
        return None
    return Money(int(minor), str(row[f"{prefix}_currency"]).strip())
