"""Catalog products: products, SKUs, attributes, tags, brands, price history, reviews.

Business keys (product code, SKU code, barcode, brand and tag name keys, the reviewed order
line) carry named unique constraints: the adapter maps a violation of one to its domain
error by name.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Written out here, not imported: a migration must not change when the code does.
UTC_DATETIME = sa.DateTime(timezone=False).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
COLLATION = "utf8mb4_bin"
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _key(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation=COLLATION), "mysql", "mariadb"
    )


def _money(prefix: str) -> list[sa.Column[object]]:
    return [
        sa.Column(f"{prefix}_minor", sa.BigInteger(), nullable=True),
        sa.Column(f"{prefix}_currency", sa.CHAR(3), nullable=True),
    ]


INDEXES = [
    ("catalog_products", ["created_at", "id"]),
    ("catalog_products", ["price_sort", "id"]),
    ("catalog_products", ["title", "id"]),
    ("catalog_products", ["status", "created_at", "id"]),
    ("catalog_products", ["status", "price_sort", "id"]),
    ("catalog_products", ["category_id", "price_sort", "id"]),
    ("catalog_products", ["brand_id", "created_at", "id"]),
    ("catalog_skus", ["product_id", "position"]),
    ("catalog_product_attributes", ["name", "text_value", "product_id"]),
    ("catalog_product_attributes", ["name", "number_scaled", "product_id"]),
    ("catalog_product_tags", ["tag_id", "product_id"]),
    ("catalog_price_history", ["product_id", "seq"]),
    ("catalog_reviews", ["product_id", "created_at", "id"]),
    ("catalog_reviews", ["product_id", "status", "rating"]),
]


def _index_name(table: str, columns: list[str]) -> str:
    return f"ix_{table}_{'_'.join(columns)}"


def upgrade() -> None:
    op.create_table(
        "catalog_products",
        sa.Column("id", _key(64), nullable=False),
        sa.Column("code", _key(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("subtitle", sa.String(200), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("currency", sa.CHAR(3), nullable=False),
        sa.Column("brand_id", _key(64), nullable=True),
        sa.Column("category_id", _key(64), nullable=True),
        sa.Column("status", _key(16), nullable=False),
        sa.Column("specs", sa.Text(), nullable=False),
        sa.Column("media", sa.Text(), nullable=False),
        sa.Column("image", sa.String(1000), nullable=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.Column("min_price_minor", sa.BigInteger(), nullable=True),
        sa.Column("max_price_minor", sa.BigInteger(), nullable=True),
        sa.Column("price_sort", sa.BigInteger(), nullable=False),
        sa.Column("sku_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_catalog_products"),
        sa.UniqueConstraint("code", name="uq_catalog_products_code"),
    )
    op.create_table(
        "catalog_skus",
        sa.Column("id", _key(64), nullable=False),
        sa.Column("product_id", _key(64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", _key(64), nullable=False),
        sa.Column("barcode", _key(64), nullable=True),
        sa.Column("options", sa.Text(), nullable=False),
        *_money("price"),
        *_money("list_price"),
        *_money("cost"),
        sa.Column("weight_grams", sa.Integer(), nullable=True),
        sa.Column("media", sa.Text(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_catalog_skus"),
        sa.UniqueConstraint("code", name="uq_catalog_skus_code"),
        sa.UniqueConstraint("barcode", name="uq_catalog_skus_barcode"),
    )
    op.create_table(
        "catalog_product_attributes",
        sa.Column("product_id", _key(64), nullable=False),
        sa.Column("name", _key(32), nullable=False),
        sa.Column("kind", _key(8), nullable=False),
        sa.Column("text_value", _key(200), nullable=True),
        sa.Column("number_text", sa.String(40), nullable=True),
        sa.Column("number_scaled", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("product_id", "name", name="pk_catalog_product_attributes"),
    )
    op.create_table(
        "catalog_product_tags",
        sa.Column("product_id", _key(64), nullable=False),
        sa.Column("tag_id", _key(64), nullable=False),
        sa.PrimaryKeyConstraint("product_id", "tag_id", name="pk_catalog_product_tags"),
    )
    for table, length in (("catalog_brands", 64), ("catalog_tags", 32)):
        op.create_table(
            table,
            sa.Column("id", _key(64), nullable=False),
            sa.Column("name", sa.String(length), nullable=False),
            sa.Column("name_key", _key(255), nullable=False),
            sa.Column("version", sa.BigInteger(), nullable=False),
            sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
            sa.UniqueConstraint("name_key", name=f"uq_{table}_name_key"),
        )
    op.create_table(
        "catalog_price_history",
        sa.Column("seq", SEQ, autoincrement=True, nullable=False),
        sa.Column("product_id", _key(64), nullable=False),
        sa.Column("sku_id", _key(64), nullable=False),
        sa.Column("sku_code", _key(64), nullable=False),
        *_money("old_price"),
        *_money("new_price"),
        *_money("old_list_price"),
        *_money("new_list_price"),
        sa.Column("changed_by", sa.String(200), nullable=False),
        sa.Column("changed_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_catalog_price_history"),
    )
    op.create_table(
        "catalog_reviews",
        sa.Column("id", _key(64), nullable=False),
        sa.Column("product_id", _key(64), nullable=False),
        sa.Column("sku_id", _key(64), nullable=False),
        sa.Column("sku_code", _key(64), nullable=False),
        sa.Column("order_line", _key(64), nullable=False),
        sa.Column("customer", _key(128), nullable=False),
        sa.Column("rating", sa.SmallInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("images", sa.Text(), nullable=False),
        sa.Column("status", _key(16), nullable=False),
        sa.Column("reason", sa.String(200), nullable=True),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("replied_by", sa.String(200), nullable=True),
        sa.Column("replied_at", UTC_DATETIME, nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_catalog_reviews"),
        sa.UniqueConstraint("order_line", name="uq_catalog_reviews_order_line"),
    )
    for table, columns in INDEXES:
        op.create_index(_index_name(table, columns), table, columns)


def downgrade() -> None:
    for table, columns in reversed(INDEXES):
        op.drop_index(_index_name(table, columns), table_name=table)
    for table in (
        "catalog_reviews",
        "catalog_price_history",
        "catalog_tags",
        "catalog_brands",
        "catalog_product_tags",
        "catalog_product_attributes",
        "catalog_skus",
        "catalog_products",
    ):
        op.drop_table(table)
