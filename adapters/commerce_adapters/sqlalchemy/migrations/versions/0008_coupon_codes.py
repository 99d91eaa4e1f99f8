"""Marketing: redeem codes, their batches and redemptions, and staff grants.

Code keys (``code_key``) are primary keys in binary-collated columns on MySQL/MariaDB, so two
codes that fold to different keys never match each other there.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0008"
down_revision = "0007"
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
        "marketing_code_batches",
        sa.Column("id", _key(64), nullable=False),
        sa.Column("template_id", _key(64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("prefix", _key(16), nullable=True),
        sa.Column("expires_at", UTC_DATETIME, nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_marketing_code_batches"),
    )
    op.create_table(
        "marketing_coupon_codes",
        sa.Column("code_key", _key(64), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("template_id", _key(64), nullable=False),
        sa.Column("single_use", sa.Boolean(), nullable=False),
        sa.Column("batch_id", _key(64), nullable=True),
        sa.Column("expires_at", UTC_DATETIME, nullable=True),
        sa.Column("redemptions", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("code_key", name="pk_marketing_coupon_codes"),
    )
    op.create_index(
        "ix_marketing_coupon_codes_batch_id_code_key",
        "marketing_coupon_codes",
        ["batch_id", "code_key"],
    )
    op.create_table(
        "marketing_code_redemptions",
        sa.Column("code_key", _key(64), nullable=False),
        sa.Column("customer_id", _key(64), nullable=False),
        sa.Column("coupon_id", _key(64), nullable=False),
        sa.PrimaryKeyConstraint("code_key", "customer_id", name="pk_marketing_code_redemptions"),
    )
    op.create_table(
        "marketing_coupon_grants",
        sa.Column("id", _key(64), nullable=False),
        sa.Column("template_id", _key(64), nullable=False),
        sa.Column("source", sa.String(80), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_marketing_coupon_grants"),
    )
    op.create_table(
        "marketing_granted_coupons",
        sa.Column("grant_id", _key(64), nullable=False),
        sa.Column("customer_id", _key(64), nullable=False),
        sa.Column("coupon_id", _key(64), nullable=False),
        sa.PrimaryKeyConstraint("grant_id", "customer_id", name="pk_marketing_granted_coupons"),
    )


def downgrade() -> None:
    op.drop_table("marketing_granted_coupons")
    op.drop_table("marketing_coupon_grants")
    op.drop_table("marketing_code_redemptions")
    op.drop_index(
        "ix_marketing_coupon_codes_batch_id_code_key", table_name="marketing_coupon_codes"
    )
    op.drop_table("marketing_coupon_codes")
    op.drop_table("marketing_code_batches")
