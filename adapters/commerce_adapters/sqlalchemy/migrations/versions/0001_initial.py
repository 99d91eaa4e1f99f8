"""Initial schema: category tree, outbox, idempotency keys, timers.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Written out here, not imported: a migration must not change when the code does.
UTC_DATETIME = sa.DateTime(timezone=False).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade() -> None:
    op.create_table(
        "catalog_category_tree",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_catalog_category_tree"),
    )
    op.create_table(
        "catalog_categories",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("parent_id", sa.String(64), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_catalog_categories"),
    )
    op.create_index(
        "ix_catalog_categories_parent_id_position_id",
        "catalog_categories",
        ["parent_id", "position", "id"],
    )
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("type", sa.String(100), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("actor_kind", sa.String(16), nullable=False),
        sa.Column("actor_id", sa.String(128), nullable=False),
        sa.Column("occurred_at", UTC_DATETIME, nullable=False),
        sa.Column("published_at", UTC_DATETIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox_messages"),
    )
    op.create_index(
        "ix_outbox_messages_published_at_occurred_at_id",
        "outbox_messages",
        ["published_at", "occurred_at", "id"],
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("actor_kind", sa.String(16), nullable=False),
        sa.Column("actor_id", sa.String(128), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_idempotency_keys"),
    )
    op.create_table(
        "timers",
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("due_at", UTC_DATETIME, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("command", sa.Text(), nullable=False),
        sa.Column("actor_kind", sa.String(16), nullable=False),
        sa.Column("actor_id", sa.String(128), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("key", name="pk_timers"),
    )
    op.create_index("ix_timers_status_due_at", "timers", ["status", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_timers_status_due_at", table_name="timers")
    op.drop_table("timers")
    op.drop_table("idempotency_keys")
    op.drop_index("ix_outbox_messages_published_at_occurred_at_id", table_name="outbox_messages")
    op.drop_table("outbox_messages")
    op.drop_index("ix_catalog_categories_parent_id_position_id", table_name="catalog_categories")
    op.drop_table("catalog_categories")
    op.drop_table("catalog_category_tree")
