"""Alembic environment: always run programmatically with a connection (see migrate.py)."""

from __future__ import annotations

from alembic import context

from commerce_adapters.sqlalchemy.migrate import VERSION_TABLE
from commerce_adapters.sqlalchemy.tables import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=VERSION_TABLE,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
