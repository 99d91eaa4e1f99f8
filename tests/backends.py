"""Test backends: which ones run (COMMERCE_TEST_BACKENDS) and how each gets a clean store.

Server databases are created per test session with a unique name, migrated once, emptied
before each test, and dropped at the end. A selected backend that cannot be reached fails
the run; it is never skipped.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from commerce_adapters.memory import MemoryStorage
from commerce_adapters.sqlalchemy import SqlStorage, create_engine, metadata, upgrade
from commerce_core.app.ports import Storage

ALL_BACKENDS = ("memory", "sqlite", "postgresql", "mariadb")
DEFAULT_BACKENDS = "memory,sqlite"

POSTGRES_ADMIN_URL = os.environ.get(
    "COMMERCE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
MARIADB_ADMIN_URL = os.environ.get(
    "COMMERCE_TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/mysql"
)


def selected_backends() -> list[str]:
    raw = os.environ.get("COMMERCE_TEST_BACKENDS", DEFAULT_BACKENDS)
    names = [n.strip().lower() for n in raw.split(",") if n.strip()]
    unknown = [n for n in names if n not in ALL_BACKENDS]
    if unknown:
        raise ValueError(
            f"unknown backends in COMMERCE_TEST_BACKENDS: {unknown}; use {ALL_BACKENDS}"
        )
    return names


class Backend:
    """One backend for the session: makes clean storages and knows its URL."""

    name: str
    url: str
    supports_row_locks = False
    supports_overlapping_units = True
    is_server = False

    def storage(self) -> Storage:
        raise NotImplementedError

    def close(self) -> None:
        return None


class MemoryBackend(Backend):
    name = "memory"
    url = "memory://"

    def storage(self) -> Storage:
        return MemoryStorage()


class SqlBackend(Backend):
    """A migrated SQL database whose tables are emptied before each storage is handed out."""

    def __init__(self, name: str, url: str, drop: Callable[[], None] | None = None) -> None:
        self.name = name
        self.url = url
        self._drop = drop
        self.engine: Engine = create_engine(url)
        upgrade(self.engine)

    def clean(self) -> None:
        with self.engine.begin() as conn:
            for table in reversed(metadata.sorted_tables):
                conn.execute(table.delete())

    def storage(self) -> Storage:
        self.clean()
        return SqlStorage(create_engine(self.url))

    def close(self) -> None:
        self.engine.dispose()
        if self._drop is not None:
            self._drop()


class SqliteBackend(SqlBackend):
    supports_overlapping_units = False

    def __init__(self, directory: Path) -> None:
        super().__init__("sqlite", f"sqlite:///{directory / 'commerce-test.db'}")


def _unique_name() -> str:
    return f"cc_test_{os.getpid()}_{secrets.token_hex(4)}"


class PostgresBackend(SqlBackend):
    supports_row_locks = True
    is_server = True

    def __init__(self) -> None:
        admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        name = _unique_name()
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        except sa.exc.OperationalError as exc:
            admin.dispose()
            raise RuntimeError(
                f"PostgreSQL was selected but cannot be reached at {POSTGRES_ADMIN_URL}: {exc}"
            ) from exc

        def drop() -> None:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.dispose()

        url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
        super().__init__("postgresql", url, drop)


class MariadbBackend(SqlBackend):
    supports_row_locks = True
    is_server = True

    def __init__(self) -> None:
        admin = create_engine(MARIADB_ADMIN_URL, isolation_level="AUTOCOMMIT")
        name = _unique_name()
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(
                    f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
                )
        except sa.exc.OperationalError as exc:
            admin.dispose()
            raise RuntimeError(
                f"MariaDB was selected but cannot be reached at {MARIADB_ADMIN_URL}: {exc}"
            ) from exc

        def drop() -> None:
            with admin.connect() as conn:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{name}`")
            admin.dispose()

        url = make_url(MARIADB_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
        super().__init__("mariadb", url, drop)


def open_backend(name: str, tmp: Path) -> Backend:
    if name == "memory":
        return MemoryBackend()
    if name == "sqlite":
        return SqliteBackend(tmp)
    if name == "postgresql":
        return PostgresBackend()
    if name == "mariadb":
        return MariadbBackend()
    raise ValueError(name)
