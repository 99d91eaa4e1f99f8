"""The reservation hot path: append-only tables clustered on their key on SQLite, one index
nothing reads dropped (decision 0015).

- SQLite: ``inventory_reservations``, ``inventory_reservation_lines``, ``inventory_movements``
  and ``outbox_messages`` are rebuilt ``WITHOUT ROWID``: one B-tree each instead of a rowid
  table plus a primary-key index, so a reservation's commit writes fewer pages. The other
  dialects already cluster on the primary key (MariaDB) or keep a heap (PostgreSQL); nothing
  changes there.
- Every dialect: ``ix_inventory_reservations_order_ref`` is dropped; no query reads
  reservations by order, and every reservation paid for keeping it up to date.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

CLUSTERED = (
    "inventory_reservations",
    "inventory_reservation_lines",
    "inventory_movements",
    "outbox_messages",
)


def _rebuild(with_rowid: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in CLUSTERED:
        # SQLite cannot change this in place: batch mode copies the table into a new one.
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_with_rowid": with_rowid}
        ):
            pass


def upgrade() -> None:
    op.drop_index("ix_inventory_reservations_order_ref", table_name="inventory_reservations")
    _rebuild(with_rowid=False)


def downgrade() -> None:
    _rebuild(with_rowid=True)
    op.create_index("ix_inventory_reservations_order_ref", "inventory_reservations", ["order_ref"])
