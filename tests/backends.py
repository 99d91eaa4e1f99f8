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


class ServerBackend(SqlBackend):
    """A database made for this session on a server, dropped when the session ends."""

    supports_row_locks = True

    def __init__(self, name: str, admin_url: str, create: str, drop: str) -> None:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        database = _unique_name()
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(create.format(database))
        except sa.exc.OperationalError as exc:
            admin.dispose()
            raise RuntimeError(
                f"{name} was selected but cannot be reached at {admin_url}: {exc}"
            ) from exc

        def drop_database() -> None:
            with admin.connect() as conn:
                conn.exec_driver_sql(drop.format(database))
            admin.dispose()

        url = make_url(admin_url).set(database=database).render_as_string(hide_password=False)
        super().__init__(name, url, drop_database)


def postgres_backend() -> ServerBackend:
    return ServerBackend(
        "postgresql",
        POSTGRES_ADMIN_URL,
        create='CREATE DATABASE "{}"',
        drop='DROP DATABASE IF EXISTS "{}" WITH (FORCE)',
    )


def mariadb_backend() -> ServerBackend:
    return ServerBackend(
        "mariadb",
        MARIADB_ADMIN_URL,
        create="CREATE DATABASE `{}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
        drop="DROP DATABASE IF EXISTS `{}`",
    )


def open_backend(name: str, tmp: Path) -> Backend:
    if name == "memory":
        return MemoryBackend()
    if name == "sqlite":
        return SqliteBackend(tmp)
    if name == "postgresql":
        return postgres_backend()
    if name == "mariadb":
        return mariadb_backend()
    raise ValueError(name)
