"""Driver errors become the project's errors here; nothing else leaks a driver exception."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import exc as sa_exc

from commerce_core.kernel.errors import (
    CommerceError,
    ConcurrencyConflict,
    StorageError,
    StorageUnavailable,
)

__all__ = ["register_business_key", "translate", "translating"]

_PG_CONFLICT = {"40001", "40P01", "55P03", "23505"}
_MYSQL_CONFLICT = {1213, 1205, 1062, 1020}
_MYSQL_DOWN = {2002, 2003, 2005, 2006, 2013, 1045, 1049}
#: Words of connection failures whose driver gives no code (DNS, refused, reset).
_DOWN_WORDS = (
    "unable to open database",
    "connection refused",
    "could not connect",
    "failed to resolve host",
    "could not translate host name",
    "name or service not known",
    "temporary failure in name resolution",
    "nodename nor servname",
    "server closed the connection",
    "connection timed out",
    "no route to host",
)


#: Unique constraints on business keys (a SKU code, a barcode …), by constraint name: a
#: violation of one is the domain error it names, never a retried conflict. Every other
#: unique violation (a primary key two writers raced for) stays a ConcurrencyConflict.
_BUSINESS_KEYS: dict[str, Callable[[str], CommerceError]] = {}
#: SQLite names the columns, not the constraint: "table.column" → constraint name.
_SQLITE_KEYS: dict[str, str] = {}
_MYSQL_DUPLICATE = re.compile(r"Duplicate entry '(.*)' for key '(?:[^'.]*\.)?([^'.]+)'", re.S)
_PG_DETAIL = re.compile(r"Key \(.*?\)=\((.*)\) already exists", re.S)


def register_business_key(
    constraint: str, columns: str, error: Callable[[str], CommerceError]
) -> None:
    """Map violations of unique ``constraint`` (on ``table.column``) to ``error(value)``."""
    _BUSINESS_KEYS[constraint] = error
    _SQLITE_KEYS[columns] = constraint


def _business_key_error(orig: object, message: str) -> CommerceError | None:
    """The domain error of a unique violation on a registered business key, if it is one."""
    diag = getattr(orig, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name in _BUSINESS_KEYS:
        found = _PG_DETAIL.search(getattr(diag, "message_detail", None) or "")
        return _BUSINESS_KEYS[name](found.group(1) if found else "")
    mysql = _MYSQL_DUPLICATE.search(message)
    if mysql is not None and mysql.group(2) in _BUSINESS_KEYS:
        return _BUSINESS_KEYS[mysql.group(2)](mysql.group(1))
    if "unique constraint failed:" in message.lower():
        columns = message.split(":", 1)[1].strip().split(",")[0].strip()
        if columns in _SQLITE_KEYS:
            return _BUSINESS_KEYS[_SQLITE_KEYS[columns]]("")
    return None


def _short(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.splitlines()[0][:300] if text else type(exc).__name__


def translate(exc: sa_exc.SQLAlchemyError) -> CommerceError:
    """Classify a SQLAlchemy/driver error: conflict (retry is safe), unavailable, or other."""
    orig = getattr(exc, "orig", None)
    sqlstate = getattr(orig, "sqlstate", None)
    mysql_code = (
        orig.args[0] if orig is not None and orig.args and isinstance(orig.args[0], int) else None
    )
    message = _short(exc)
    if sqlstate == "23505" or mysql_code == 1062 or "unique constraint failed" in message.lower():
        business = _business_key_error(orig, message)
        if business is not None:
            return business
    if sqlstate in _PG_CONFLICT or mysql_code in _MYSQL_CONFLICT:
        return ConcurrencyConflict("row", message)
    lowered = message.lower()
    if "database is locked" in lowered or "unique constraint failed" in lowered:
        return ConcurrencyConflict("row", message)
    if (
        (isinstance(sqlstate, str) and sqlstate.startswith("08"))
        or mysql_code in _MYSQL_DOWN
        or getattr(exc, "connection_invalidated", False)
        or any(words in lowered for words in _DOWN_WORDS)
        or (
            # psycopg reports every failure that no server answered without a SQLSTATE.
            isinstance(exc, sa_exc.OperationalError)
            and type(orig).__module__.startswith("psycopg")
            and sqlstate is None
        )
        or (
            isinstance(exc, sa_exc.OperationalError)
            and "connection" in lowered
            and sqlstate is None
            and mysql_code is None
        )
    ):
        return StorageUnavailable(f"the database cannot be reached: {message}")
    return StorageError(f"the database refused the operation: {message}")


@contextmanager
def translating() -> Iterator[None]:
    """Run a block, turning any SQLAlchemy/driver error into the project's error."""
    try:
        yield
    except sa_exc.SQLAlchemyError as exc:
        raise translate(exc) from exc
