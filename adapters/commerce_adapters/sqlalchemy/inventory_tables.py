"""The inventory's tables, on the adapter's shared metadata (migrations 0003 and 0009).

The tables a reservation appends to (reservations, their lines, the ledger) are clustered
on their primary key on SQLite (``WITHOUT ROWID``): one B-tree per table instead of a rowid
table plus a key index, so each commit writes fewer pages (decision 0015). Their keys are
time-ordered ids, so appends land on the rightmost page.
"""

from __future__ import annotations

import sqlalchemy as sa

from commerce_adapters.sqlalchemy.tables import ID, KEY, metadata
from commerce_adapters.sqlalchemy.types import UtcDateTime, key_string, money_columns

__all__ = [
    "movements",
    "reservation_lines",
    "reservations",
    "settings",
    "skus",
    "stock",
    "warehouses",
    "wms_messages",
]

CODE = key_string(64)

warehouses = sa.Table(
    "inventory_warehouses",
    metadata,
    sa.Column("code", CODE, primary_key=True),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("priority", sa.Integer, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
)

#: One row per SKU per warehouse. The CHECK is a second line of defence: the guarded
#: statements already never break it.
stock = sa.Table(
    "inventory_stock",
    metadata,
    sa.Column("sku", CODE, primary_key=True),
    sa.Column("warehouse", CODE, primary_key=True),
    sa.Column("on_hand", sa.BigInteger, nullable=False),
    sa.Column("reserved", sa.BigInteger, nullable=False),
    sa.Column("threshold", sa.BigInteger, nullable=False),
    sa.Column("alert", key_string(8), nullable=False),
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.CheckConstraint("reserved >= 0 AND on_hand >= reserved", name="levels"),
)

skus = sa.Table(
    "inventory_skus",
    metadata,
    sa.Column("sku", CODE, primary_key=True),
    sa.Column("low_stock_threshold", sa.BigInteger, nullable=True),
    sa.Column("policy", key_string(24), nullable=True),
    *money_columns("cost", nullable=True),
)

settings = sa.Table(
    "inventory_settings",
    metadata,
    sa.Column("id", key_string(32), primary_key=True),
    sa.Column("low_stock_threshold", sa.BigInteger, nullable=False),
    sa.Column("policy", key_string(24), nullable=False),
)

reservations = sa.Table(
    "inventory_reservations",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("order_ref", KEY, nullable=False),
    sa.Column("status", key_string(16), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=True),
    sa.Column("version", sa.BigInteger, nullable=False),
    sqlite_with_rowid=False,
)

reservation_lines = sa.Table(
    "inventory_reservation_lines",
    metadata,
    sa.Column("reservation_id", ID, primary_key=True),
    sa.Column("line_no", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("sku", CODE, nullable=False),
    sa.Column("warehouse", CODE, nullable=False),
    sa.Column("quantity", sa.BigInteger, nullable=False),
    sqlite_with_rowid=False,
)

#: The append-only ledger; levels always equal the sums of its deltas.
movements = sa.Table(
    "inventory_movements",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("sku", CODE, nullable=False),
    sa.Column("warehouse", CODE, nullable=False),
    sa.Column("reason", key_string(16), nullable=False),
    sa.Column("on_hand_delta", sa.BigInteger, nullable=False),
    sa.Column("reserved_delta", sa.BigInteger, nullable=False),
    sa.Column("on_hand_after", sa.BigInteger, nullable=False),
    sa.Column("reserved_after", sa.BigInteger, nullable=False),
    sa.Column("actor", key_string(160), nullable=False),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("reference", KEY, nullable=True),
    sa.Column("reason_code", key_string(64), nullable=True),
    sa.Column("note", sa.String(200), nullable=True),
    sa.Index(None, "sku", "at", "id"),
    sa.Index(None, "at", "id"),
    sqlite_with_rowid=False,
)

#: The WMS messages applied, by id: each is applied once.
wms_messages = sa.Table(
    "inventory_wms_messages",
    metadata,
    sa.Column("message_id", KEY, primary_key=True),
    sa.Column("applied_at", UtcDateTime(), nullable=False),
)
