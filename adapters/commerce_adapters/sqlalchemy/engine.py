"""Engines configured the way the adapter relies on, per dialect."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.pool import StaticPool

from commerce_core.kernel.errors import ConfigurationError

__all__ = ["create_engine", "normalize_url"]

SQLITE_BEGIN = "commerce_sqlite_begin"

_DEFAULT_DRIVERS = {
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mariadb": "mariadb+pymysql",
    "sqlite": "sqlite",
}


def normalize_url(url: str | URL) -> URL:
    """Pick the supported driver when the URL names none (psycopg 3, PyMySQL)."""
    try:
        parsed = make_url(url)
    except sa.exc.ArgumentError as exc:
        raise ConfigurationError(f"not a database URL: {url!r}") from exc
    backend = parsed.get_backend_name()
    if parsed.drivername in _DEFAULT_DRIVERS:
        parsed = parsed.set(drivername=_DEFAULT_DRIVERS[parsed.drivername])
    elif backend not in ("postgresql", "mysql", "mariadb", "sqlite"):
        raise ConfigurationError(f"unsupported database {backend!r}")
    if backend in ("mysql", "mariadb") and "charset" not in parsed.query:
        parsed = parsed.update_query_dict({"charset": "utf8mb4"})
    return parsed


def create_engine(url: str | URL, **options: Any) -> Engine:
    """Create an engine with the settings the adapter needs.

    - SQLite: the driver's own transaction handling is switched off; write transactions
      start with ``BEGIN IMMEDIATE`` (so two writers never deadlock on lock upgrade), reads
      with a plain ``BEGIN``; WAL, a busy timeout and foreign keys are on.
    - PostgreSQL and MySQL/MariaDB: READ COMMITTED; guarded updates and version checks
      give the consistency, row locks the exclusivity (decision 0003).
    """
    parsed = normalize_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        memory = parsed.database in (None, "", ":memory:")
        kwargs: dict[str, Any] = {
            "connect_args": {"check_same_thread": False, "timeout": 30},
            **options,
        }
        if memory:
            kwargs["poolclass"] = StaticPool
        engine = sa.create_engine(parsed, **kwargs)
        _sqlite_hooks(engine, wal=not memory)
        return engine
    kwargs = {"pool_pre_ping": True, "isolation_level": "READ COMMITTED", **options}
    if backend in ("mysql", "mariadb"):
        kwargs.setdefault("pool_recycle", 3600)
    return sa.create_engine(parsed, **kwargs)


def _sqlite_hooks(engine: Engine, *, wal: bool) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(SQLITE_BEGIN, "IMMEDIATE")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if mode == "IMMEDIATE" else "BEGIN")
