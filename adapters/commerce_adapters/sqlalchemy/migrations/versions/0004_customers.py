"""Customers and membership: profiles, tags, wallet and points ledgers, memberships, the
program, behavior events and aggregates, segments.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Written out here, not imported: a migration must not change when the code does.
UTC_DATETIME = sa.DateTime(timezone=False).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
COLLATION = "utf8mb4_bin"


def _key(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation=COLLATION), "mysql", "mariadb"
    )


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", _key(64), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("birthday", sa.Date(), nullable=True),
        sa.Column("gender", _key(16), nullable=False),
        sa.Column("channel", _key(32), nullable=False),
        sa.Column("status", _key(16), nullable=False),
        sa.Column("registered_at", UTC_DATETIME, nullable=False),
        sa.Column("addresses", sa.Text(), nullable=False),
        sa.Column("default_address", _key(64), nullable=True),
        sa.Column("last_sign_in", sa.Date(), nullable=True),
        sa.Column("sign_in_streak", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_customers"),
    )
    op.create_index("ix_customers_status_id", "customers", ["status", "id"])
    op.create_table(
        "customer_tags",
        sa.Column("customer_id", _key(64), nullable=False),
        sa.Column("tag", _key(32), nullable=False),
        sa.PrimaryKeyConstraint("customer_id", "tag", name="pk_customer_tags"),
    )
    op.create_index("ix_customer_tags_tag_customer_id", "customer_tags", ["tag", "customer_id"])
    op.create_table(
        "customer_wallets",
        sa.Column("customer_id", _key(64), nullable=False),
        sa.Column("balance_minor", sa.BigInteger(), nullable=False),
        sa.Column("balance_currency", sa.CHAR(3), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("customer_id", name="pk_customer_wallets"),
        sa.CheckConstraint("balance_minor >= 0", name="ck_customer_wallets_balance_not_negative"),
    )
    op.create_table(
        "customer_wallet_entries",
        sa.Column("id", _key(64), nullable=False),
        sa.Column("customer_id", _key(64), nullable=False),
        sa.Column("kind", _key(24), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("amount_currency", sa.CHAR(3), nullable=False),
        sa.Column("balance_after_minor", sa.BigInteger(), nullable=False),
        sa.Column("balance_after_currency", sa.CHAR(3), nullable=False),
        sa.Column("cause", _key(16), nullable=False),
        sa.Column("cause_id", _key(160), nullable=False),
        sa.Column("reference", _key(160), nullable=False),
        sa.Column("actor", _key(160), nullable=False),
        sa.Column("reason", sa.String(200), nullable=True),
        sa.Column("at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_customer_wallet_entries"),
        sa.UniqueConstraint(
            "customer_id", "reference", name="uq_customer_wallet_entries_customer_id_reference"
        ),
    )
    op.create_index(
        "ix_customer_wallet_entries_customer_id_at_id",
        "customer_wallet_entries",
        ["customer_id", "at", "id"],
    )
    op.create_table(
        "customer_withdrawals",
        sa.Column("id", _key(64), nullable=False),
        sa.Column("customer_id", _key(64), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("amount_currency", sa.CHAR(3), nullable=False),
        sa.Column("status", _key(16), nullable=False),
        sa.Column("requested_at", UTC_DATETIME, nullable=False),
        sa.Column("decided_at", UTC_DATETIME, nullable=True),
        sa.Column("decided_by", _key(160), nullable=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_customer_withdrawals"),
    )
    op.create_index(
        "ix_customer_withdrawals_status_requested_at",
        "customer_withdrawals",
        ["status", "requested_at"],
    )
    op.create_table(
        "customer_points",
        sa.Column("customer_id", _key(64), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("customer_id", name="pk_customer_points"),
        sa.CheckConstraint("balance >= 0", name="ck_customer_points_balance_not_negative"),
    )
    op.create_table(
        "customer_points_lots",
        sa.Column("id", _key(64), nullable=False),
        sa.Column("customer_id", _key(64), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("remaining", sa.BigInteger(), nullable=False),
        sa.Column("reference", _key(160), nullable=False),
        sa.Column("earned_at", UTC_DATETIME, nullable=False),
        sa.Column("expires_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_customer_points_lots"),
        sa.CheckConstraint("remaining >= 0", name="ck_customer_points_lots_remaining_not_negative"),
    )
    op.create_index(
        "ix_customer_points_lots_customer_id_expires_at",
        "customer_points_lots",
        ["customer_id", "expires_at"],
    )
    op.create_table(
        "customer_points_entries",
        sa.Column("id", _key(64), nullable=False),
        sa.Column("customer_id", _key(64), nullable=False),
        sa.Column("kind", _key(16), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("balance_after", sa.BigInteger(), nullable=False),
        sa.Column("reference", _key(160), nullable=False),
        sa.Column("order_id", _key(160), nullable=True),
        sa.Column("reason", sa.String(200), nullable=True),
        sa.Column("at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_customer_points_entries"),
        sa.UniqueConstraint(
            "customer_id", "reference", name="uq_customer_points_entries_customer_id_reference"
        ),
    )
    op.create_index(
        "ix_customer_points_entries_customer_id_at_id",
        "customer_points_entries",
        ["customer_id", "at", "id"],
    )
    op.create_index(
        "ix_customer_points_entries_customer_id_order_id",
        "customer_points_entries",
        ["customer_id", "order_id"],
    )
    op.create_table(
        "customer_memberships",
        sa.Column("customer_id", _key(64), nullable=False),
        sa.Column("tier", _key(32), nullable=False),
        sa.Column("growth", sa.BigInteger(), nullable=False),
        sa.Column("period_growth", sa.BigInteger(), nullable=False),
        sa.Column("next_review_at", UTC_DATETIME, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("customer_id", name="pk_customer_memberships"),
    )
    op.create_index("ix_customer_memberships_tier", "customer_memberships", ["tier"])
    op.create_table(
        "customer_program",
        sa.Column("id", _key(32), nullable=False),
        sa.Column("settings", sa.Text(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_customer_program"),
    )
    op.create_table(
        "customer_behavior_events",
        sa.Column("id", _key(64), nullable=False),
        sa.Column("customer_id", _key(64), nullable=False),
        sa.Column("kind", _key(16), nullable=False),
        sa.Column("at", UTC_DATETIME, nullable=False),
        sa.Column("product_id", _key(64), nullable=True),
        sa.Column("category_id", _key(64), nullable=True),
        sa.Column("query", sa.String(64), nullable=True),
        sa.Column("order_id", _key(64), nullable=True),
        sa.Column("amount_minor", sa.BigInteger(), nullable=True),
        sa.Column("amount_currency", sa.CHAR(3), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_customer_behavior_events"),
    )
    op.create_index(
        "ix_customer_behavior_events_customer_id_kind_at",
        "customer_behavior_events",
        ["customer_id", "kind", "at"],
    )
    op.create_index(
        "ix_customer_behavior_events_kind_at_customer_id_amount_minor",
        "customer_behavior_events",
        ["kind", "at", "customer_id", "amount_minor"],
    )
    op.create_table(
        "customer_activity",
        sa.Column("customer_id", _key(64), nullable=False),
        sa.Column("last_active", UTC_DATETIME, nullable=False),
        sa.Column("last_paid", UTC_DATETIME, nullable=True),
        sa.PrimaryKeyConstraint("customer_id", name="pk_customer_activity"),
    )
    op.create_table(
        "customer_favorites",
        sa.Column("customer_id", _key(64), nullable=False),
        sa.Column("product_id", _key(64), nullable=False),
        sa.Column("favorited", sa.Boolean(), nullable=False),
        sa.Column("at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("customer_id", "product_id", name="pk_customer_favorites"),
    )
    op.create_table(
        "customer_segments",
        sa.Column("id", _key(64), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("kind", _key(16), nullable=False),
        sa.Column("rule", sa.Text(), nullable=True),
        sa.Column("refresh_days", sa.Integer(), nullable=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_customer_segments"),
    )
    op.create_table(
        "customer_segment_members",
        sa.Column("segment_id", _key(64), nullable=False),
        sa.Column("customer_id", _key(64), nullable=False),
        sa.PrimaryKeyConstraint("segment_id", "customer_id", name="pk_customer_segment_members"),
    )
    op.create_index(
        "ix_customer_segment_members_customer_id", "customer_segment_members", ["customer_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_customer_segment_members_customer_id", table_name="customer_segment_members")
    op.drop_table("customer_segment_members")
    op.drop_table("customer_segments")
    op.drop_table("customer_favorites")
    op.drop_table("customer_activity")
    op.drop_index(
        "ix_customer_behavior_events_customer_id_kind_at", table_name="customer_behavior_events"
    )
    op.drop_index(
        "ix_customer_behavior_events_kind_at_customer_id_amount_minor",
        table_name="customer_behavior_events",
    )
    op.drop_table("customer_behavior_events")
    op.drop_table("customer_program")
    op.drop_index("ix_customer_memberships_tier", table_name="customer_memberships")
    op.drop_table("customer_memberships")
    op.drop_index(
        "ix_customer_points_entries_customer_id_at_id", table_name="customer_points_entries"
    )
    op.drop_index(
        "ix_customer_points_entries_customer_id_order_id", table_name="customer_points_entries"
    )
    op.drop_table("customer_points_entries")
    op.drop_index(
        "ix_customer_points_lots_customer_id_expires_at", table_name="customer_points_lots"
    )
    op.drop_table("customer_points_lots")
    op.drop_table("customer_points")
    op.drop_index("ix_customer_withdrawals_status_requested_at", table_name="customer_withdrawals")
    op.drop_table("customer_withdrawals")
    op.drop_index(
        "ix_customer_wallet_entries_customer_id_at_id", table_name="customer_wallet_entries"
    )
    op.drop_table("customer_wallet_entries")
    op.drop_table("customer_wallets")
    op.drop_index("ix_customer_tags_tag_customer_id", table_name="customer_tags")
    op.drop_table("customer_tags")
    op.drop_index("ix_customers_status_id", table_name="customers")
    op.drop_table("customers")
