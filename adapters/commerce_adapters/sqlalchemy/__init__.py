"""The SQL backend (SQLAlchemy 2 Core): SQLite, PostgreSQL (psycopg 3), MySQL/MariaDB (PyMySQL).

``Commerce.from_url("sqlite:///shop.db")`` reaches :func:`open_backend` through the
``commerce_core.backends`` entry points.
"""

from __future__ import annotations

from typing import Any

from commerce_adapters.sqlalchemy.engine import create_engine, normalize_url
from commerce_adapters.sqlalchemy.migrate import (
    VERSION_TABLE,
    current_revision,
    head_revision,
    is_current,
    upgrade,
)
from commerce_adapters.sqlalchemy.storage import SqlCategoryQueries, SqlStorage, SqlUnitOfWork
from commerce_adapters.sqlalchemy.tables import metadata
from commerce_adapters.sqlalchemy.types import (
    UtcDateTime,
    money_columns,
    money_from_row,
    money_to_row,
)
from commerce_core.kernel.errors import SchemaOutdated

__all__ = [
    "VERSION_TABLE",
    "SqlCategoryQueries",
    "SqlStorage",
    "SqlUnitOfWork",
    "UtcDateTime",
    "create_engine",
    "current_revision",
    "head_revision",
    "is_current",
    "metadata",
    "money_columns",
    "money_from_row",
    "money_to_row",
    "normalize_url",
    "open_backend",
    "upgrade",
]


def open_backend(url: str, *, migrate: bool | None = None, **options: Any) -> SqlStorage:
    """Open a SQL store. SQLite migrates itself unless ``migrate=False``; a server database
    must already be at the newest schema unless ``migrate=True``."""
    engine = create_engine(url, **options)
    if migrate is None:
        migrate = engine.dialect.name == "sqlite"
    try:
        if migrate:
            upgrade(engine)
        else:
            current = current_revision(engine)
            if current != head_revision():
                where = (
                    "the database is not migrated yet"
                    if current is None
                    else f"the database schema is at {current}"
                )
                raise SchemaOutdated(
                    f"{where}, this library needs {head_revision()}; "
                    "run: commerce db upgrade --url <url>",
                    current=current,
                    required=head_revision(),
                )
    except BaseException:
        engine.dispose()
        raise
    return SqlStorage(engine)
