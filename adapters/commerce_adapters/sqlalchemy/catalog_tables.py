"""Tables of the catalog's products, SKUs, attributes, tags, brands, price history, reviews.

Attached to the shared ``metadata``. Ids, codes and keys use :func:`key_string` (exact
matching on MySQL/MariaDB); money uses :func:`money_columns`. Business keys have named
unique constraints, which :mod:`commerce_adapters.sqlalchemy.errors` maps to domain errors.
"""

from __future__ import annotations

import sqlalchemy as sa

from commerce_adapters.sqlalchemy.tables import metadata
from commerce_adapters.sqlalchemy.types import UtcDateTime, key_string, money_columns

__all__ = [
    "brands",
    "price_history",
    "product_attributes",
    "product_tags",
    "products",
    "reviews",
    "skus",
    "tags",
]

ID = key_string(64)
#: A surrogate sequence: BIGINT, but SQLite's autoincrementing rowid needs INTEGER.
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

products = sa.Table(
    "catalog_products",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("code", key_string(64), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("subtitle", sa.String(200), nullable=True),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("currency", sa.CHAR(3), nullable=False),
    sa.Column("brand_id", ID, nullable=True),
    sa.Column("category_id", ID, nullable=True),
    sa.Column("status", key_string(16), nullable=False),
    sa.Column("specs", sa.Text, nullable=False),
    sa.Column("media", sa.Text, nullable=False),
    sa.Column("image", sa.String(1000), nullable=True),
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    # Read-model columns kept by the repository, so searches never load SKUs.
    sa.Column("min_price_minor", sa.BigInteger, nullable=True),
    sa.Column("max_price_minor", sa.BigInteger, nullable=True),
    sa.Column("price_sort", sa.BigInteger, nullable=False),
    sa.Column("sku_count", sa.Integer, nullable=False),
    sa.UniqueConstraint("code", name="uq_catalog_products_code"),
    sa.Index(None, "created_at", "id"),
    sa.Index(None, "price_sort", "id"),
    sa.Index(None, "title", "id"),
    sa.Index(None, "status", "created_at", "id"),
    sa.Index(None, "status", "price_sort", "id"),
    sa.Index(None, "category_id", "price_sort", "id"),
    sa.Index(None, "brand_id", "created_at", "id"),
)

skus = sa.Table(
    "catalog_skus",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("product_id", ID, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("code", key_string(64), nullable=False),
    sa.Column("barcode", key_string(64), nullable=True),
    sa.Column("options", sa.Text, nullable=False),
    *money_columns("price", nullable=True),
    *money_columns("list_price", nullable=True),
    *money_columns("cost", nullable=True),
    sa.Column("weight_grams", sa.Integer, nullable=True),
    sa.Column("media", sa.Text, nullable=False),
    sa.Column("enabled", sa.Boolean, nullable=False),
    sa.UniqueConstraint("code", name="uq_catalog_skus_code"),
    sa.UniqueConstraint("barcode", name="uq_catalog_skus_barcode"),
    sa.Index(None, "product_id", "position"),
)

product_attributes = sa.Table(
    "catalog_product_attributes",
    metadata,
    sa.Column("product_id", ID, primary_key=True),
    sa.Column("name", key_string(32), primary_key=True),
    sa.Column("kind", key_string(8), nullable=False),
    # Text and bool ("true"/"false") values, matched exactly.
    sa.Column("text_value", key_string(200), nullable=True),
    # Numbers: the exact decimal as text, and scaled by 10**6 for range filters.
    sa.Column("number_text", sa.String(40), nullable=True),
    sa.Column("number_scaled", sa.BigInteger, nullable=True),
    sa.Index(None, "name", "text_value", "product_id"),
    sa.Index(None, "name", "number_scaled", "product_id"),
)

product_tags = sa.Table(
    "catalog_product_tags",
    metadata,
    sa.Column("product_id", ID, primary_key=True),
    sa.Column("tag_id", ID, primary_key=True),
    sa.Index(None, "tag_id", "product_id"),
)

brands = sa.Table(
    "catalog_brands",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("name_key", key_string(255), nullable=False),
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.UniqueConstraint("name_key", name="uq_catalog_brands_name_key"),
)

tags = sa.Table(
    "catalog_tags",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("name", sa.String(32), nullable=False),
    sa.Column("name_key", key_string(255), nullable=False),
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.UniqueConstraint("name_key", name="uq_catalog_tags_name_key"),
)

price_history = sa.Table(
    "catalog_price_history",
    metadata,
    sa.Column("seq", SEQ, primary_key=True, autoincrement=True),
    sa.Column("product_id", ID, nullable=False),
    sa.Column("sku_id", ID, nullable=False),
    sa.Column("sku_code", key_string(64), nullable=False),
    *money_columns("old_price", nullable=True),
    *money_columns("new_price", nullable=True),
    *money_columns("old_list_price", nullable=True),
    *money_columns("new_list_price", nullable=True),
    sa.Column("changed_by", sa.String(200), nullable=False),
    sa.Column("changed_at", UtcDateTime(), nullable=False),
    sa.Index(None, "product_id", "seq"),
)

reviews = sa.Table(
    "catalog_reviews",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("product_id", ID, nullable=False),
    sa.Column("sku_id", ID, nullable=False),
    sa.Column("sku_code", key_string(64), nullable=False),
    sa.Column("order_line", key_string(64), nullable=False),
    sa.Column("customer", key_string(128), nullable=False),
    sa.Column("rating", sa.SmallInteger, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("images", sa.Text, nullable=False),
    sa.Column("status", key_string(16), nullable=False),
    sa.Column("reason", sa.String(200), nullable=True),
    sa.Column("reply", sa.Text, nullable=True),
    sa.Column("replied_by", sa.String(200), nullable=True),
    sa.Column("replied_at", UtcDateTime(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.UniqueConstraint("order_line", name="uq_catalog_reviews_order_line"),
    sa.Index(None, "product_id", "created_at", "id"),
    sa.Index(None, "product_id", "status", "rating"),
)
