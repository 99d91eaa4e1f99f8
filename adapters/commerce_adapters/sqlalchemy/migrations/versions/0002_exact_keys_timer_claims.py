"""Exact key matching on MySQL/MariaDB, and timer instances and claims.

- Keys, ids and codes get a binary collation on MySQL/MariaDB, so "K1" is not "k1" and
  "cafe" is not "café" (the default ``utf8mb4_general_ci`` matched them). Other backends
  already compare text exactly.
- Timers gain ``token`` (which instance of the key), ``claim`` and ``lease_until`` (the
  worker running it), so a worker completes or fails only the instance it claimed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Written out here, not imported: a migration must not change when the code does.
UTC_DATETIME = sa.DateTime(timezone=False).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
COLLATION = "utf8mb4_bin"

#: (table, column, length, nullable) of every key, id and code column so far.
KEY_COLUMNS = [
    ("catalog_category_tree", "id", 32, False),
    ("catalog_categories", "id", 64, False),
    ("catalog_categories", "parent_id", 64, True),
    ("outbox_messages", "id", 64, False),
    ("outbox_messages", "type", 100, False),
    ("outbox_messages", "actor_kind", 16, False),
    ("outbox_messages", "actor_id", 128, False),
    ("idempotency_keys", "key", 200, False),
    ("idempotency_keys", "fingerprint", 64, False),
    ("idempotency_keys", "actor_kind", 16, False),
    ("idempotency_keys", "actor_id", 128, False),
    ("timers", "key", 200, False),
    ("timers", "status", 16, False),
    ("timers", "actor_kind", 16, False),
    ("timers", "actor_id", 128, False),
]


def _is_mysql() -> bool:
    return op.get_bind().dialect.name in ("mysql", "mariadb")


def _key(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation=COLLATION), "mysql", "mariadb"
    )


def upgrade() -> None:
    if _is_mysql():
        for table, column, length, nullable in KEY_COLUMNS:
            op.alter_column(
                table,
                column,
                type_=mysql.VARCHAR(length, charset="utf8mb4", collation=COLLATION),
                existing_type=sa.String(length),
                existing_nullable=nullable,
            )
    with op.batch_alter_table("timers") as batch:
        batch.add_column(sa.Column("token", _key(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("claim", _key(64), nullable=True))
        batch.add_column(sa.Column("lease_until", UTC_DATETIME, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("timers") as batch:
        batch.drop_column("lease_until")
        batch.drop_column("claim")
        batch.drop_column("token")
    if _is_mysql():
        for table, column, length, nullable in KEY_COLUMNS:
            op.alter_column(
                table,
                column,
                type_=sa.String(length),
                existing_type=mysql.VARCHAR(length, charset="utf8mb4", collation=COLLATION),
                existing_nullable=nullable,
            )
