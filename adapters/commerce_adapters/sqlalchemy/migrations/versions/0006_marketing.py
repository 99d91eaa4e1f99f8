"""Marketing: campaigns, coupon templates, issued coupons, per-customer use counters.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0006"
down_revision = "0005"
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
        "marketing_coupon_templates",
        sa.Column("id", _key(64), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("total_limit", sa.Integer(), nullable=True),
        sa.Column("per_customer_limit", sa.Integer(), nullable=True),
        sa.Column("issued", sa.BigInteger(), nullable=False),
        sa.Column("used", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_marketing_coupon_templates"),
    )
    op.create_table(
        "marketing_coupons",
        sa.Column("id", _key(64), nullable=False),
        sa.Column("template_id", _key(64), nullable=False),
        sa.Column("customer_id", _key(64), nullable=False),
        sa.Column("issued_at", UTC_DATETIME, nullable=False),
        sa.Column("status", _key(16), nullable=False),
        sa.Column("order_id", _key(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_marketing_coupons"),
    )
    op.create_index(
        "ix_marketing_coupons_customer_id_id", "marketing_coupons", ["customer_id", "id"]
    )
    op.create_table(
        "marketing_coupon_usage",
        sa.Column("template_id", _key(64), nullable=False),
        sa.Column("customer_id", _key(64), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("template_id", "customer_id", name="pk_marketing_coupon_usage"),
    )

    op.create_table(
        "marketing_campaigns",
        sa.Column("id", _key(64), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("status", _key(16), nullable=False),
        sa.Column("starts_at", UTC_DATETIME, nullable=False),
        sa.Column("ends_at", UTC_DATETIME, nullable=True),
        sa.Column("rules", sa.Text(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_marketing_campaigns"),
    )
    op.create_index("ix_marketing_campaigns_status", "marketing_campaigns", ["status"])
    op.create_table(
        "marketing_campaign_generation",
        sa.Column("id", _key(16), nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_marketing_campaign_generation"),
    )


def downgrade() -> None:
    op.drop_table("marketing_campaign_generation")
    op.drop_index("ix_marketing_campaigns_status", table_name="marketing_campaigns")
    op.drop_table("marketing_campaigns")
    op.drop_table("marketing_coupon_usage")
    op.drop_index("ix_marketing_coupons_customer_id_id", table_name="marketing_coupons")
    op.drop_table("marketing_coupons")
    op.drop_table("marketing_coupon_templates")
