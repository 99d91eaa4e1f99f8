"""Hot statements on the driver's own cursor, for the dialects where that pays.

A statement run through SQLAlchemy Core costs a compile-cache lookup, an execution context,
parameter processing and a result object: tens of microseconds each, several times the cost
of the statement itself on SQLite. The few statements every reservation runs (the guarded
UPDATE, the reservation, its line, the ledger entry, the outbox row) are written once here as
SQL text per dialect and run on the DBAPI cursor of the unit of work's connection, inside the
transaction SQLAlchemy began (:meth:`HotCursor.run` makes sure it has begun, so SQLite's
``BEGIN IMMEDIATE`` and every guarantee of the unit of work still hold).

Only SQLite (``sqlite3``) and PostgreSQL (``psycopg``) take this path; on MySQL/MariaDB
:func:`hot_cursor` returns None and the callers keep the SQLAlchemy statements.
Driver errors are translated exactly as SQLAlchemy's would be.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Dialect

from commerce_adapters.sqlalchemy.errors import translate
from commerce_adapters.sqlalchemy.types import UtcDateTime

__all__ = ["HOT_DIALECTS", "HotCursor", "hot_cursor", "sql_for"]

#: The (dialect, driver) pairs whose cursor the hot path uses.
HOT_DIALECTS = {("sqlite", "pysqlite"), ("postgresql", "psycopg")}

_NAMED = re.compile(r"(?<!:):([a-z_][a-z0-9_]*)")
_SQL_CACHE: dict[tuple[str, str], str] = {}


def sql_for(dialect: Dialect, text: str) -> str:
    """``text`` (with ``:name`` parameters) in the driver's own parameter style."""
    key = (dialect.name, text)
    found = _SQL_CACHE.get(key)
    if found is None:
        # sqlite3 takes ``:name`` as it is; psycopg wants ``%(name)s``.
        found = text if dialect.name == "sqlite" else _NAMED.sub(r"%(\1)s", text)
        _SQL_CACHE[key] = found
    return found


class HotCursor:
    """The DBAPI cursor of one unit of work's connection, with SQLAlchemy's error translation."""

    __slots__ = ("_conn", "_cursor", "_dbapi_error", "_dialect", "datetime_param")

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._dialect = conn.dialect
        self._cursor: Any = None
        self._dbapi_error: type[Exception] = conn.dialect.loaded_dbapi.Error
        process = UtcDateTime().dialect_impl(conn.dialect).bind_processor(conn.dialect)
        self.datetime_param: Callable[[datetime | None], Any] = (
            process if process is not None else _same
        )

    def _ready(self) -> Any:
        if not self._conn.in_transaction():
            self._conn.begin()  # fires the engine's begin hook: BEGIN IMMEDIATE on SQLite
        if self._cursor is None:
            self._cursor = self._conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        return self._cursor

    def run(self, text: str, params: Mapping[str, Any]) -> Any:
        """Execute one statement; the cursor, for ``fetchone``/``rowcount``."""
        cursor = self._ready()
        sql = sql_for(self._dialect, text)
        try:
            cursor.execute(sql, params)
        except self._dbapi_error as exc:
            raise translate(self._wrap(sql, params, exc)) from exc
        return cursor

    def run_many(self, text: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """Execute one statement for each of ``rows``."""
        if not rows:
            return
        if len(rows) == 1:
            self.run(text, rows[0])
            return
        cursor = self._ready()
        sql = sql_for(self._dialect, text)
        try:
            cursor.executemany(sql, rows)
        except self._dbapi_error as exc:
            raise translate(self._wrap(sql, rows, exc)) from exc

    def _wrap(self, sql: str, params: Any, exc: Exception) -> sa_exc.SQLAlchemyError:
        return sa_exc.DBAPIError.instance(
            sql, params, exc, self._dbapi_error, dialect=self._dialect
        )

    def close(self) -> None:
        if self._cursor is not None:
            cursor, self._cursor = self._cursor, None
            # The connection is going back to the pool or away; nothing to keep.
            with contextlib.suppress(self._dbapi_error):
                cursor.close()


def _same(value: datetime | None) -> Any:
    return value


def hot_cursor(conn: Connection) -> HotCursor | None:
    """A :class:`HotCursor` on ``conn`` if its driver takes the hot path, else None."""
    dialect = conn.dialect
    if (dialect.name, dialect.driver) not in HOT_DIALECTS:
        return None
    return HotCursor(conn)
