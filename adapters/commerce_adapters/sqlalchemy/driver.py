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

__all__ = ["HOT_DIALECTS", "PENDING", "HotCursor", "flush_pending", "hot_cursor", "sql_for"]

#: The (dialect, driver) pairs whose cursor the hot path uses.
HOT_DIALECTS = {("sqlite", "pysqlite"), ("postgresql", "psycopg")}

#: Where a connection's :class:`HotCursor` with held-back inserts is found by the hook.
PENDING = "commerce_hot_pending"
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

    __slots__ = (
        "_client",
        "_conn",
        "_cursor",
        "_dbapi_error",
        "_dialect",
        "_pending",
        "datetime_param",
        "defers",
    )

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._dialect = conn.dialect
        self._cursor: Any = None
        self._client: Any = None
        self._pending: list[tuple[str, Mapping[str, Any]]] = []
        #: On PostgreSQL appends are held back and sent in one round trip (see defer).
        self.defers = conn.dialect.name == "postgresql"
        self._dbapi_error: type[Exception] = conn.dialect.loaded_dbapi.Error
        self.datetime_param = _datetime_param(conn.dialect)

    def _ready(self) -> Any:
        if not self._conn.in_transaction():
            self._conn.begin()  # fires the engine's begin hook: BEGIN IMMEDIATE on SQLite
        if self._cursor is None:
            self._cursor = self._conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        return self._cursor

    def defer(self, text: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert ``rows`` before the next statement of this transaction or its commit.

        On PostgreSQL the held-back inserts go in one round trip (one query string, its
        values bound by the driver on the client); elsewhere they run at once. Nothing
        reads them in between: every statement, through this cursor or SQLAlchemy
        (``before_cursor_execute``), sends them first, and a rollback drops them with the
        rest of the transaction.
        """
        if not self.defers:
            self.run_many(text, rows)
            return
        self._ready()
        sql = sql_for(self._dialect, text)
        self._pending.extend((sql, row) for row in rows)
        self._conn.info[PENDING] = self

    def flush(self, *, commit: bool = False) -> None:
        """Send the held-back inserts now (before a statement, or the commit).

        With ``commit`` the ``COMMIT`` goes in the same round trip, after them: the row
        locks of the transaction are held no longer than for the bare statement. (If an
        insert fails the server skips the rest, the ``COMMIT`` too, and the unit of work
        rolls back; the driver's own ``commit()`` that follows finds no transaction open
        and sends nothing.)
        """
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        self._conn.info.pop(PENDING, None)
        if self._client is None:
            import psycopg  # the only driver that defers

            self._client = psycopg.ClientCursor(self._conn.connection.driver_connection)  # type: ignore[arg-type]
        client = self._client
        try:
            batch = "; ".join(client.mogrify(sql, row) for sql, row in pending)
            if commit:
                batch += "; COMMIT"
            client.execute(batch)
        except self._dbapi_error as exc:
            raise translate(self._wrap(pending[0][0], pending[0][1], exc)) from exc

    def run(self, text: str, params: Mapping[str, Any]) -> Any:
        """Execute one statement; the cursor, for ``fetchone``/``rowcount``."""
        if self._pending:
            self.flush()
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
        self._pending.clear()
        self._conn.info.pop(PENDING, None)
        if self._client is not None:
            client, self._client = self._client, None
            with contextlib.suppress(self._dbapi_error):
                client.close()
        if self._cursor is not None:
            cursor, self._cursor = self._cursor, None
            # The connection is going back to the pool or away; nothing to keep.
            with contextlib.suppress(self._dbapi_error):
                cursor.close()


def _same(value: datetime | None) -> Any:
    return value


_DATETIME_PARAM: dict[tuple[str, str], Callable[[datetime | None], Any]] = {}


def _datetime_param(dialect: Dialect) -> Callable[[datetime | None], Any]:
    """How ``UtcDateTime`` binds a value on ``dialect`` (looked up once: it is not cheap)."""
    key = (dialect.name, dialect.driver)
    found = _DATETIME_PARAM.get(key)
    if found is None:
        process = UtcDateTime().dialect_impl(dialect).bind_processor(dialect)
        found = process if process is not None else _same
        _DATETIME_PARAM[key] = found
    return found


def flush_pending(conn: Connection) -> None:
    """Send ``conn``'s held-back inserts, if any (an engine ``before_cursor_execute`` hook)."""
    hot = conn.info.get(PENDING)
    if hot is not None:
        hot.flush()


def hot_cursor(conn: Connection) -> HotCursor | None:
    """A :class:`HotCursor` on ``conn`` if its driver takes the hot path, else None."""
    dialect = conn.dialect
    if (dialect.name, dialect.driver) not in HOT_DIALECTS:
        return None
    return HotCursor(conn)
