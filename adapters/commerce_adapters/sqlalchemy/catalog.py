"""The catalog's products, brands, tags and reviews on SQL.

Business keys are checked before they are written (one indexed ``SELECT ... IN``), and the
named unique constraints are the backstop: a concurrent duplicate that slips between check
and insert is still the domain error (``duplicate_sku_code`` …), mapped by constraint name
in :mod:`commerce_adapters.sqlalchemy.errors`, never a retried conflict.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from commerce_adapters.sqlalchemy import catalog_tables as ct
from commerce_adapters.sqlalchemy.catalog_mapping import (
    brand_from_row,
    brand_to_row,
    review_from_row,
    review_to_row,
    tag_from_row,
    tag_to_row,
)
from commerce_adapters.sqlalchemy.catalog_products import (
    SqlPart,
    SqlProductRepository,
    load_products,
)
from commerce_adapters.sqlalchemy.errors import register_business_key
from commerce_core.catalog.brands import Brand, Tag, name_key
from commerce_core.catalog.ids import ReviewId
from commerce_core.catalog.product_errors import (
    BrandNotFound,
    DuplicateBarcode,
    DuplicateBrandName,
    DuplicateProductCode,
    DuplicateReview,
    DuplicateSkuCode,
    DuplicateTagName,
    ReviewNotFound,
    TagNotFound,
)
from commerce_core.catalog.reviews import Review
from commerce_core.kernel.errors import ConcurrencyConflict

__all__ = [
    "SqlBrandRepository",
    "SqlProductRepository",
    "SqlReviewRepository",
    "SqlTagRepository",
    "load_products",
]

register_business_key("uq_catalog_skus_code", "catalog_skus.code", DuplicateSkuCode)
register_business_key("uq_catalog_skus_barcode", "catalog_skus.barcode", DuplicateBarcode)
register_business_key("uq_catalog_products_code", "catalog_products.code", DuplicateProductCode)
register_business_key(
    "uq_catalog_brands_name_key", "catalog_brands.name_key", lambda v: DuplicateBrandName(v, "")
)
register_business_key(
    "uq_catalog_tags_name_key", "catalog_tags.name_key", lambda v: DuplicateTagName(v, "")
)
register_business_key(
    "uq_catalog_reviews_order_line", "catalog_reviews.order_line", DuplicateReview
)


class _Named(SqlPart):
    """Brands and tags: a row each, names unique by match key, guarded by a version."""

    table: sa.Table
    kind: str

    def _row(self, id: str) -> Any:
        return (
            self._run(sa.select(self.table).where(self.table.c.id == id)).mappings().one_or_none()
        )

    def _owner(self, name: str, id: str) -> str | None:
        c = self.table.c
        owner = self._run(
            sa.select(c.id).where(c.name_key == name_key(name), c.id != id)
        ).scalar_one_or_none()
        return str(owner) if owner is not None else None

    def _write(self, row: dict[str, Any], version: int) -> None:
        c = self.table.c
        if version == 0:
            self._run(sa.insert(self.table).values(row))
            return
        done = self._run(
            sa.update(self.table)
            .where(c.id == row["id"], c.version == version)
            .values({k: v for k, v in row.items() if k != "id"} | {"version": version + 1})
        )
        if done.rowcount != 1:
            raise ConcurrencyConflict(self.kind, f"{row['id']} v{version} is not current")


class SqlBrandRepository(_Named):
    """Brands on SQL."""

    table = ct.brands
    kind = "brand"

    def get(self, id: str) -> Brand:
        row = self._row(id)
        if row is None:
            raise BrandNotFound(id)
        return brand_from_row(row)

    def find_by_name(self, name: str) -> Brand | None:
        owner = self._owner(name, "")
        return self.get(owner) if owner is not None else None

    def add(self, brand: Brand) -> None:
        self._stage(brand)

    def save(self, brand: Brand) -> None:
        self._stage(brand)

    def _stage(self, brand: Brand) -> None:
        owner = self._owner(brand.name, brand.id)
        if owner is not None:
            raise DuplicateBrandName(brand.name, owner)
        row = brand_to_row(brand)
        row["version"] = brand.version + 1
        self._write(row, brand.version)
        brand.version += 1
        self._uow.seen.add(brand)


class SqlTagRepository(_Named):
    """Tags on SQL."""

    table = ct.tags
    kind = "tag"

    def get(self, id: str) -> Tag:
        row = self._row(id)
        if row is None:
            raise TagNotFound(id)
        return tag_from_row(row)

    def find_by_name(self, name: str) -> Tag | None:
        owner = self._owner(name, "")
        return self.get(owner) if owner is not None else None

    def add(self, tag: Tag) -> None:
        self._stage(tag)

    def save(self, tag: Tag) -> None:
        self._stage(tag)

    def delete(self, tag: Tag) -> None:
        done = self._run(
            sa.delete(ct.tags).where(ct.tags.c.id == tag.id, ct.tags.c.version == tag.version)
        )
        if done.rowcount != 1:
            raise ConcurrencyConflict("tag", f"{tag.id} changed or is gone")
        self._run(sa.delete(ct.product_tags).where(ct.product_tags.c.tag_id == tag.id))
        self._uow.seen.add(tag)

    def _stage(self, tag: Tag) -> None:
        owner = self._owner(tag.name, tag.id)
        if owner is not None:
            raise DuplicateTagName(tag.name, owner)
        row = tag_to_row(tag)
        row["version"] = tag.version + 1
        self._write(row, tag.version)
        tag.version += 1
        self._uow.seen.add(tag)


class SqlReviewRepository(SqlPart):
    """Reviews on SQL; one per order line (a named unique constraint backs the check)."""

    def get(self, id: ReviewId) -> Review:
        row = self._run(sa.select(ct.reviews).where(ct.reviews.c.id == id)).mappings().one_or_none()
        if row is None:
            raise ReviewNotFound(id)
        return review_from_row(row)

    def add(self, review: Review) -> None:
        c = ct.reviews.c
        taken = self._run(
            sa.select(c.id).where(c.order_line == review.order_line)
        ).scalar_one_or_none()
        if taken is not None:
            raise DuplicateReview(review.order_line)
        row = review_to_row(review)
        row["version"] = 1
        self._run(sa.insert(ct.reviews).values(row))
        review.version = 1
        self._uow.seen.add(review)

    def save(self, review: Review) -> None:
        c = ct.reviews.c
        row = review_to_row(review)
        row["version"] = review.version + 1
        done = self._run(
            sa.update(ct.reviews)
            .where(c.id == review.id, c.version == review.version)
            .values({k: v for k, v in row.items() if k != "id"})
        )
        if done.rowcount != 1:
            raise ConcurrencyConflict("review", f"{review.id} v{review.version} is not current")
        review.version += 1
        self._uow.seen.add(review)
