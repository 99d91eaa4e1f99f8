"""Inventory: warehouses, stock per SKU per warehouse, reservations, the movement ledger,
the WMS message log.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Written out here, not imported: a migration must not change when the code does.
UTC_DATETIME = sa.DateTime(timezone=False).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def _key(length: int) -> sa.types.TypeEngine[str]:
    """Codes, ids and references match exactly on MySQL/MariaDB too (binary collation)."""
    return sa.String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb"
    )


def upgrade() -> None:
    op.create_table(
        "inventory_warehouses",
        sa.Column("code", _key(64), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_inventory_warehouses"),
    )
    op.create_table(
        "inventory_stock",
        sa.Column("sku", _key(64), nullable=False),
        sa.Column("warehouse", _key(64), nullable=False),
        sa.Column("on_hand", sa.BigInteger(), nullable=False),
        sa.Column("reserved", sa.BigInteger(), nullable=False),
        sa.Column("threshold", sa.BigInteger(), nullable=False),
        sa.Column("alert", _key(8), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "reserved >= 0 AND on_hand >= reserved", name="ck_inventory_stock_levels"
        ),
        sa.PrimaryKeyConstraint("sku", "warehouse", name="pk_inventory_stock"),
    )
    op.create_table(
        "inventory_skus",
        sa.Column("sku", _key(64), nullable=False),
        sa.Column("low_stock_threshold", sa.BigInteger(), nullable=True),
        sa.Column("policy", _key(24), nullable=True),
        sa.Column("cost_minor", sa.BigInteger(), nullable=True),
        sa.Column("cost_currency", sa.CHAR(3), nullable=True),
        sa.PrimaryKeyConstraint("sku", name="pk_inventory_skus"),
    )
    op.create_table(
        "inventory_settings",
        sa.Column("id", _key(32), nullable=False),
        sa.Column("low_stock_threshold", sa.BigInteger(), nullable=False),
        sa.Column("policy", _key(24), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_inventory_settings"),
    )
    op.create_table(
        "inventory_reservations",
        sa.Column("id", _key(64), nullable=False),
        sa.Column("order_ref", _key(200), nullable=False),
        sa.Column("status", _key(16), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("expires_at", UTC_DATETIME, nullable=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_inventory_reservations"),
    )
    op.create_index("ix_inventory_reservations_order_ref", "inventory_reservations", ["order_ref"])
    op.create_table(
        "inventory_reservation_lines",
        sa.Column("reservation_id", _key(64), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("sku", _key(64), nullable=False),
        sa.Column("warehouse", _key(64), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("reservation_id", "line_no", name="pk_inventory_reservation_lines"),
    )
    op.create_table(
        "inventory_movements",
        sa.Column("id", _key(64), nullable=False),
        sa.Column("sku", _key(64), nullable=False),
        sa.Column("warehouse", _key(64), nullable=False),
        sa.Column("reason", _key(16), nullable=False),
        sa.Column("on_hand_delta", sa.BigInteger(), nullable=False),
        sa.Column("reserved_delta", sa.BigInteger(), nullable=False),
        sa.Column("on_hand_after", sa.BigInteger(), nullable=False),
        sa.Column("reserved_after", sa.BigInteger(), nullable=False),
        sa.Column("actor", _key(160), nullable=False),
        sa.Column("at", UTC_DATETIME, nullable=False),
        sa.Column("reference", _key(200), nullable=True),
        sa.Column("reason_code", _key(64), nullable=True),
        sa.Column("note", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_inventory_movements"),
    )
    op.create_index("ix_inventory_movements_sku_at_id", "inventory_movements", ["sku", "at", "id"])
    op.create_index("ix_inventory_movements_at_id", "inventory_movements", ["at", "id"])
    op.create_table(
        "inventory_wms_messages",
        sa.Column("message_id", _key(200), nullable=False),
        sa.Column("applied_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("message_id", name="pk_inventory_wms_messages"),
    )


def downgrade() -> None:
    op.drop_table("inventory_wms_messages")
    op.drop_index("ix_inventory_movements_at_id", table_name="inventory_movements")
    op.drop_index("ix_inventory_movements_sku_at_id", table_name="inventory_movements")
    op.drop_table("inventory_movements")
    op.drop_table("inventory_reservation_lines")
    op.drop_index("ix_inventory_reservations_order_ref", table_name="inventory_reservations")
    op.drop_table("inventory_reservations")
    op.drop_table("inventory_settings")
    op.drop_table("inventory_skus")
    op.drop_table("inventory_stock")
    op.drop_table("inventory_warehouses")
