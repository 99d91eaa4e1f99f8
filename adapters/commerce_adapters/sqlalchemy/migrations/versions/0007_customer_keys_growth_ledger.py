"""Customers: unique phone and email per shop, the growth ledger, a covering payments index.

- ``customers.email_key`` (the whole address lower-cased) and unique indexes on it and on
  ``phone``. Existing duplicates are reported, before any change, as a StorageError naming
  them: the shop decides which customer keeps the number or address.
- ``customer_growth_entries``: growth value as an append-only ledger (a refund takes back
  growth in proportion), opened with one ``opening`` entry per member who has growth.
- ``customer_behavior_events (customer_id, kind, at, amount_minor)`` replaces
  ``(customer_id, kind, at)``: a segment's payment window sums from the index alone.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

from commerce_core.kernel.errors import StorageError

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Written out here, not imported: a migration must not change when the code does.
UTC_DATETIME = sa.DateTime(timezone=False).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
COLLATION = "utf8mb4_bin"
EVENTS = "customer_behavior_events"


def _key(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation=COLLATION), "mysql", "mariadb"
    )


def _duplicates(conn: sa.Connection, what: str, key: sa.ColumnElement[str]) -> list[str]:
    query = (
        sa.select(key, sa.func.count())
        .where(key.is_not(None))
        .group_by(key)
        .having(sa.func.count() > 1)
        .order_by(key)
        .limit(5)
    )
    return [f"{what} {row[0]!r} ({row[1]} customers)" for row in conn.execute(query)]


def upgrade() -> None:
    conn = op.get_bind()
    customers = sa.table(
        "customers",
        sa.column("id", sa.String()),
        sa.column("phone", sa.String()),
        sa.column("email", sa.String()),
        sa.column("email_key", sa.String()),
    )
    c = customers.c
    found = _duplicates(conn, "phone", c.phone) + _duplicates(conn, "email", sa.func.lower(c.email))
    if found:
        raise StorageError(
            "migration 0007 makes phone numbers and email addresses unique per shop, but "
            "these are shared: " + "; ".join(found) + ". Change or clear them so each "
            "belongs to one customer (ChangeProfile), then migrate again; nothing was changed."
        )
    op.add_column("customers", sa.Column("email_key", _key(254), nullable=True))
    conn.execute(
        sa.update(customers).where(c.email.is_not(None)).values(email_key=sa.func.lower(c.email))
    )
    op.create_index("uq_customers_phone", "customers", ["phone"], unique=True)
    op.create_index("uq_customers_email_key", "customers", ["email_key"], unique=True)

    op.create_index(
        "ix_customer_behavior_events_customer_id_kind_at_amount_minor",
        EVENTS,
        ["customer_id", "kind", "at", "amount_minor"],
    )
    op.drop_index("ix_customer_behavior_events_customer_id_kind_at", table_name=EVENTS)

    growth = op.create_table(
        "customer_growth_entries",
        sa.Column("id", _key(160), nullable=False),
        sa.Column("customer_id", _key(64), nullable=False),
        sa.Column("kind", _key(16), nullable=False),
        sa.Column("growth", sa.BigInteger(), nullable=False),
        sa.Column("reference", _key(160), nullable=False),
        sa.Column("order_id", _key(160), nullable=True),
        sa.Column("at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_customer_growth_entries"),
        sa.UniqueConstraint(
            "customer_id", "reference", name="uq_customer_growth_entries_customer_id_reference"
        ),
    )
    op.create_index(
        "ix_customer_growth_entries_customer_id_order_id",
        "customer_growth_entries",
        ["customer_id", "order_id"],
    )
    assert growth is not None
    members = sa.table(
        "customer_memberships",
        sa.column("customer_id", sa.String()),
        sa.column("growth", sa.BigInteger()),
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = conn.execute(
        sa.select(members.c.customer_id, members.c.growth).where(members.c.growth > 0)
    ).all()
    for first in range(0, len(rows), 1000):
        op.bulk_insert(
            growth,
            [
                {
                    "id": f"opening:{cid}",
                    "customer_id": cid,
                    "kind": "opening",
                    "growth": int(amount),
                    "reference": "opening",
                    "order_id": None,
                    "at": now,
                }
                for cid, amount in rows[first : first + 1000]
            ],
        )


def downgrade() -> None:
    op.drop_index(
        "ix_customer_growth_entries_customer_id_order_id", table_name="customer_growth_entries"
    )
    op.drop_table("customer_growth_entries")
    op.create_index(
        "ix_customer_behavior_events_customer_id_kind_at", EVENTS, ["customer_id", "kind", "at"]
    )
    op.drop_index("ix_customer_behavior_events_customer_id_kind_at_amount_minor", table_name=EVENTS)
    op.drop_index("uq_customers_email_key", table_name="customers")
    op.drop_index("uq_customers_phone", table_name="customers")
    with op.batch_alter_table("customers") as batch:
        batch.drop_column("email_key")
