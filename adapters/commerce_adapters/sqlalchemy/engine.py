"""Engines configured the way the adapter relies on, per dialect.

Every way a URL or an option can be wrong ends here as a :class:`ConfigurationError` that
says what to do: a missing driver names the extra to install, an unknown driver or option
names itself. No SQLAlchemy or driver exception reaches the caller.
"""

from __future__ import annotations

import re
import threading
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.pool import StaticPool

from commerce_adapters.sqlalchemy.driver import flush_pending
from commerce_core.kernel.errors import ConfigurationError

__all__ = ["WriterGate", "create_engine", "extra_for", "normalize_url"]

SQLITE_BEGIN = "commerce_sqlite_begin"

#: WAL pages between automatic checkpoints on SQLite (SQLite's default is 1,000). A
#: checkpoint syncs the WAL and copies it into the database file; with ten or so pages per
#: business transaction the default ran one every hundred commits. A larger WAL (up to about
#: 16 MB) in exchange; see "Durability on SQLite" in docs/inventory.md (decision 0015).
WAL_AUTOCHECKPOINT_PAGES = 4000

_DEFAULT_DRIVERS = {
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mariadb": "mariadb+pymysql",
    "sqlite": "sqlite",
}


#: The package extra that brings each backend's default driver.
_EXTRAS = {"postgresql": "postgresql", "mysql": "mysql", "mariadb": "mysql", "sqlite": "sqlalchemy"}


def extra_for(backend: str) -> str:
    """The ``commerce-core`` extra to install for a backend name (``postgresql``, ``mysql`` ...)."""
    return _EXTRAS.get(backend, "sqlalchemy")


def _shown(url: str | URL) -> str:
    """The URL fit for an error message: any password masked."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    return re.sub(r"(://[^/:@]*):[^/@]*@", r"\1:***@", url)


def normalize_url(url: str | URL) -> URL:
    """Pick the supported driver when the URL names none (psycopg 3, PyMySQL).

    Refuses, with :class:`ConfigurationError`, a string that is not a URL (a port that is
    not a number, say), a database other than SQLite, PostgreSQL or MySQL/MariaDB, a driver
    SQLAlchemy does not know, and an asyncio driver (this adapter is synchronous).
    """
    try:
        parsed = make_url(url)
    except (sa.exc.ArgumentError, ValueError) as exc:
        raise ConfigurationError(f"not a database URL: {_shown(url)!r} ({exc})") from None
    backend = parsed.get_backend_name()
    if parsed.drivername in _DEFAULT_DRIVERS:
        parsed = parsed.set(drivername=_DEFAULT_DRIVERS[parsed.drivername])
    elif backend not in ("postgresql", "mysql", "mariadb", "sqlite"):
        raise ConfigurationError(
            f"unsupported database {backend!r}; use sqlite://, postgresql:// or mysql://"
        )
    try:
        dialect = parsed.get_dialect()
    except sa.exc.NoSuchModuleError:
        raise ConfigurationError(
            f"unknown driver {parsed.get_driver_name()!r} for {backend} in {_shown(url)!r}; "
            f"leave it out ({backend}://...) to use the supported one"
        ) from None
    if dialect.is_async:
        raise ConfigurationError(
            f"the asyncio driver {parsed.get_driver_name()!r} is not supported (the adapter is "
            f"synchronous); use {backend}://... for the supported driver"
        )
    if backend in ("mysql", "mariadb") and "charset" not in parsed.query:
        parsed = parsed.update_query_dict({"charset": "utf8mb4"})
    return parsed


def _engine(url: URL, **kwargs: Any) -> Engine:
    """``sqlalchemy.create_engine`` with its refusals turned into ConfigurationError."""
    backend = url.get_backend_name()
    try:
        return sa.create_engine(url, **kwargs)
    except ImportError as exc:
        missing = exc.name or str(exc)
        raise ConfigurationError(
            f"the {backend} driver {missing!r} is not installed; "
            f"install the extra: pip install 'commerce-core[{extra_for(backend)}]'",
            missing=missing,
        ) from None
    except (TypeError, sa.exc.ArgumentError) as exc:
        raise ConfigurationError(f"bad engine option for {backend}: {exc}") from None


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
        engine = _engine(parsed, **kwargs)
        _sqlite_hooks(engine, wal=not memory)
        return engine
    kwargs = {"pool_pre_ping": True, "isolation_level": "READ COMMITTED", **options}
    if backend in ("mysql", "mariadb"):
        kwargs.setdefault("pool_recycle", 3600)
    engine = _engine(parsed, **kwargs)
    if backend == "postgresql":
        # Inserts a unit of work held back (driver.py) go out before any other statement.
        event.listen(engine, "before_cursor_execute", _flush_held_back)
    return engine


def _flush_held_back(conn: Connection, *_: Any) -> None:
    flush_pending(conn)


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
            cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(SQLITE_BEGIN, "IMMEDIATE")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if mode == "IMMEDIATE" else "BEGIN")


class WriterGate:
    """One SQLite writer at a time within this process, queued on a lock.

    SQLite allows one write transaction per database; a second ``BEGIN IMMEDIATE`` waits in
    SQLite's busy handler, which polls with sleeps of 1, 2, 5, 10 ... ms. Writers of one
    process queue here instead and start the moment the previous one ends. Other processes
    still meet the busy timeout. A thread that already holds the gate (a unit of work opened
    inside another) passes through, and a wait longer than ``timeout`` falls back to SQLite's
    own locking, so the gate can delay a writer but never deadlock one.
    """

    __slots__ = ("_lock", "_owner", "timeout")

    def __init__(self, timeout: float = 30.0) -> None:
        self._lock = threading.Lock()
        self._owner: int | None = None
        self.timeout = timeout

    def enter(self) -> bool:
        """Wait for the gate; True if this call took it (and must :meth:`leave` it)."""
        me = threading.get_ident()
        if self._owner == me:
            return False
        if not self._lock.acquire(timeout=self.timeout):
            return False
        self._owner = me
        return True

    def leave(self) -> None:
        self._owner = None
        self._lock.release()
