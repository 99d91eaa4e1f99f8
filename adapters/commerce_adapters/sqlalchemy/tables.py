"""The tables of the SQL adapter: its own schema, mapped explicitly to domain objects."""

from __future__ import annotations

import sqlalchemy as sa

from commerce_adapters.sqlalchemy.types import UtcDateTime, key_string

__all__ = [
    "categories",
    "category_tree",
    "idempotency_keys",
    "metadata",
    "outbox_messages",
    "timers",
]

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = key_string(64)
KEY = key_string(200)

#: One row per store: the version of the category tree aggregate.
category_tree = sa.Table(
    "catalog_category_tree",
    metadata,
    sa.Column("id", key_string(32), primary_key=True),
    sa.Column("version", sa.BigInteger, nullable=False),
)

categories = sa.Table(
    "catalog_categories",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("parent_id", ID, nullable=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Index(None, "parent_id", "position", "id"),
)

outbox_messages = sa.Table(
    "outbox_messages",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("type", key_string(100), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("actor_kind", key_string(16), nullable=False),
    sa.Column("actor_id", key_string(128), nullable=False),
    sa.Column("occurred_at", UtcDateTime(), nullable=False),
    sa.Column("published_at", UtcDateTime(), nullable=True),
    sa.Index(None, "published_at", "occurred_at", "id"),
    sqlite_with_rowid=False,  # one B-tree, not a rowid table and a key index (decision 0015)
)

idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    sa.Column("key", KEY, primary_key=True),
    sa.Column("fingerprint", key_string(64), nullable=False),
    sa.Column("result", sa.Text, nullable=False),
    sa.Column("actor_kind", key_string(16), nullable=False),
    sa.Column("actor_id", key_string(128), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

timers = sa.Table(
    "timers",
    metadata,
    sa.Column("key", KEY, primary_key=True),
    sa.Column("due_at", UtcDateTime(), nullable=False),
    sa.Column("status", key_string(16), nullable=False),
    sa.Column("command", sa.Text, nullable=False),
    sa.Column("actor_kind", key_string(16), nullable=False),
    sa.Column("actor_id", key_string(128), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("last_error", sa.Text, nullable=True),
    # The instance of the key, and the worker's claim on it while it runs (see TimerStore).
    sa.Column("token", key_string(64), nullable=False, server_default=""),
    sa.Column("claim", key_string(64), nullable=True),
    sa.Column("lease_until", UtcDateTime(), nullable=True),
    sa.Index(None, "status", "due_at"),
)
