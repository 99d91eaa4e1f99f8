"""The catalog's products, brands, tags and reviews on SQL.

Business keys are checked before they are written (one indexed ``SELECT ... IN``), and the
named unique constraints are the backstop: a concurrent duplicate that slips between check
and insert is still the domain error (``duplicate_sku_code`` …), mapped by constraint name
in :mod:`commerce_adapters.sqlalchemy.errors`, never a retried conflict.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection, CursorResult

from commerce_adapters.sqlalchemy import catalog_tables as ct
from commerce_adapters.sqlalchemy import tables as t
from commerce_adapters.sqlalchemy.bulk import insert_rows
from commerce_adapters.sqlalchemy.catalog_mapping import (
    attribute_rows,
    brand_from_row,
    brand_to_row,
    price_change_to_row,
    product_from_rows,
    product_to_row,
    review_from_row,
    review_to_row,
    sku_to_row,
    tag_from_row,
    tag_to_row,
)
from commerce_adapters.sqlalchemy.errors import register_business_key, translating
from commerce_core.catalog.brands import Brand, Tag, name_key
from commerce_core.catalog.ids import CategoryId, ProductId, ReviewId, TagId
from commerce_core.catalog.product_errors import (
    BrandNotFound,
    DuplicateBarcode,
    DuplicateBrandName,
    DuplicateProductCode,
    DuplicateReview,
    DuplicateSkuCode,
    DuplicateTagName,
    ProductNotFound,
    ReviewNotFound,
    TagNotFound,
)
from commerce_core.catalog.products import Product
from commerce_core.catalog.reviews import Review
from commerce_core.kernel.errors import ConcurrencyConflict

if TYPE_CHECKING:
    from commerce_adapters.sqlalchemy.storage import SqlUnitOfWork

__all__ = [
    "SqlBrandRepository",
    "SqlProductRepository",
    "SqlReviewRepository",
    "SqlTagRepository",
    "catalog_repositories",
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

#: Rows per ``IN (...)`` list and per ``executemany`` batch.
CHUNK = 500


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _same(a: Product, b: Product) -> bool:
    skip = {"version", "events", "price_log"}
    return all(
        getattr(a, f.name) == getattr(b, f.name)
        for f in attrs.fields(Product)
        if f.name not in skip
    )


def load_products(conn: Connection, ids: Sequence[str], *, lock: bool = False) -> list[Product]:
    """Products with their SKUs, attributes and tags, in four queries per chunk of ids."""
    out: dict[str, Product] = {}
    for chunk in _chunks(list(ids)):
        query = sa.select(ct.products).where(ct.products.c.id.in_(chunk))
        if lock:
            query = query.with_for_update()
        rows = conn.execute(query).mappings().all()
        if not rows:
            continue
        sku_rows = conn.execute(
            sa.select(ct.skus)
            .where(ct.skus.c.product_id.in_(chunk))
            .order_by(ct.skus.c.product_id, ct.skus.c.position)
        ).mappings()
        skus: dict[str, list[Any]] = {}
        for r in sku_rows:
            skus.setdefault(r["product_id"], []).append(r)
        attributes: dict[str, list[Any]] = {}
        for r in conn.execute(
            sa.select(ct.product_attributes).where(ct.product_attributes.c.product_id.in_(chunk))
        ).mappings():
            attributes.setdefault(r["product_id"], []).append(r)
        tags: dict[str, list[str]] = {}
        for pid, tid in conn.execute(
            sa.select(ct.product_tags.c.product_id, ct.product_tags.c.tag_id).where(
                ct.product_tags.c.product_id.in_(chunk)
            )
        ):
            tags.setdefault(pid, []).append(tid)
        for row in rows:
            pid = row["id"]
            out[pid] = product_from_rows(
                row, skus.get(pid, []), attributes.get(pid, []), tags.get(pid, [])
            )
    return [out[i] for i in ids if i in out]


class _Part:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    def _run(self, statement: Any, parameters: Any = None) -> CursorResult[Any]:
        with translating():
            return self._uow.connection.execute(statement, parameters)


class SqlProductRepository(_Part):
    """Products on SQL: a row per product, SKU, attribute and tag; guarded by a version."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        super().__init__(uow)
        self._snapshots: dict[str, Product] = {}

    def _load(self, ids: Sequence[str]) -> list[Product]:
        with translating():
            found = load_products(self._uow.connection, ids, lock=self._uow.supports_row_locks)
        for product in found:
            self._snapshots[product.id] = product.copy()
        return found

    def get(self, id: ProductId) -> Product:
        found = self._load([id])
        if not found:
            raise ProductNotFound(id)
        return found[0]

    def find_by_codes(self, codes: Sequence[str]) -> dict[str, Product]:
        ids: list[str] = []
        for chunk in _chunks(list(codes)):
            ids.extend(
                self._run(
                    sa.select(ct.products.c.id).where(ct.products.c.code.in_(chunk))
                ).scalars()
            )
        return {p.code: p for p in self._load(ids)}

    def tagged(self, tag: TagId) -> list[ProductId]:
        c = ct.product_tags.c
        rows = self._run(sa.select(c.product_id).where(c.tag_id == tag).order_by(c.product_id))
        return [ProductId(r) for r in rows.scalars()]

    def sku_owners(self, codes: Sequence[str]) -> dict[str, ProductId]:
        return self._owners(ct.skus.c.code, codes)

    def barcode_owners(self, barcodes: Sequence[str]) -> dict[str, ProductId]:
        return self._owners(ct.skus.c.barcode, barcodes)

    def _owners(self, column: sa.Column[Any], keys: Sequence[str]) -> dict[str, ProductId]:
        out: dict[str, ProductId] = {}
        for chunk in _chunks(list(dict.fromkeys(keys))):
            rows = self._run(
                sa.select(column.label("key"), ct.skus.c.product_id).where(column.in_(chunk))
            ).mappings()
            out.update({str(r["key"]): ProductId(r["product_id"]) for r in rows})
        return out

    def known_categories(self, ids: Sequence[CategoryId]) -> set[CategoryId]:
        # A shared lock on each category found (FOR KEY SHARE on PostgreSQL, which renames
        # and moves do not wait for; LOCK IN SHARE MODE on MariaDB): a concurrent delete
        # waits until this product is committed, then sees it (decision 0013).
        c = t.categories.c
        found: set[CategoryId] = set()
        for chunk in _chunks(sorted(set(ids))):
            query = sa.select(c.id).where(c.id.in_(chunk))
            if self._uow.supports_row_locks:
                query = query.with_for_update(read=True, key_share=True)
            found.update(CategoryId(r) for r in self._run(query).scalars())
        return found

    def in_categories(self, ids: Sequence[CategoryId]) -> list[ProductId]:
        # Lock the categories first, then read their products: a product that holds a shared
        # lock on one is committed (and seen here) before this returns; one that asks later
        # waits for this unit of work and finds the category gone.
        wanted = sorted(set(ids))
        if not wanted:
            return []
        c = t.categories.c
        p = ct.products.c
        out: list[ProductId] = []
        for chunk in _chunks(wanted):
            if self._uow.supports_row_locks:
                self._run(sa.select(c.id).where(c.id.in_(chunk)).with_for_update()).all()
            rows = self._run(sa.select(p.id).where(p.category_id.in_(chunk)))
            out.extend(ProductId(r) for r in rows.scalars())
        return sorted(out)

    # -- uniqueness --------------------------------------------------------------------
    def _check_unique(
        self, products: Sequence[Product], new_skus: Sequence[tuple[str, Any]]
    ) -> None:
        """Refuse business keys another product holds (the constraints back this up)."""
        mine = {p.id for p in products}
        new_products = [p.code for p in products if p.version == 0]
        for chunk in _chunks(new_products):
            taken = self._run(
                sa.select(ct.products.c.code).where(ct.products.c.code.in_(chunk)).limit(1)
            ).scalar_one_or_none()
            if taken is not None:
                raise DuplicateProductCode(taken)
        codes = [sku.code for _, sku in new_skus]
        for chunk in _chunks(codes):
            rows = self._run(
                sa.select(ct.skus.c.code, ct.skus.c.product_id).where(ct.skus.c.code.in_(chunk))
            ).mappings()
            for row in rows:
                if row["product_id"] not in mine:
                    raise DuplicateSkuCode(row["code"], row["product_id"])
        barcodes = [sku.barcode for _, sku in new_skus if sku.barcode is not None]
        for chunk in _chunks(barcodes):
            held = self._run(
                sa.select(ct.skus.c.barcode, ct.skus.c.code, ct.skus.c.product_id).where(
                    ct.skus.c.barcode.in_(chunk)
                )
            ).mappings()
            for row in held:
                if row["product_id"] not in mine:
                    raise DuplicateBarcode(row["barcode"], row["code"])

    # -- writing -----------------------------------------------------------------------
    def add(self, products: Sequence[Product]) -> None:
        if not products:
            return
        for product in products:
            if product.version != 0:
                raise ConcurrencyConflict("product", f"{product.id} exists already")
        self._check_unique(products, [(p.id, s) for p in products for s in p.skus])
        for product in products:
            product.version = 1
        self._insert_many(ct.products, [product_to_row(p) for p in products])
        self._insert_many(
            ct.skus, [sku_to_row(p.id, i, s) for p in products for i, s in enumerate(p.skus)]
        )
        self._insert_many(ct.product_attributes, [r for p in products for r in attribute_rows(p)])
        self._insert_many(
            ct.product_tags,
            [{"product_id": p.id, "tag_id": tag} for p in products for tag in p.tags],
        )
        self._write_history(products)
        for product in products:
            self._snapshots[product.id] = product.copy()
            self._uow.seen.add(product)

    def _insert_many(self, table: sa.Table, rows: list[dict[str, Any]]) -> None:
        with translating():
            insert_rows(self._uow.connection, table, rows)

    def _write_history(self, products: Sequence[Product]) -> None:
        rows = [price_change_to_row(p.id, c) for p in products for c in p.price_log]
        self._insert_many(ct.price_history, rows)
        for product in products:
            product.price_log.clear()

    def save(self, product: Product) -> None:
        before = self._snapshots.get(product.id)
        if before is None:
            before = self.get(product.id)
        if _same(product, before) and not product.events:
            return
        old_skus = {s.id: s for s in before.skus}
        new_skus = [s for s in product.skus if s.id not in old_skus]
        changed = [s for s in product.skus if s.id in old_skus and old_skus[s.id] != s]
        rebadged = [s for s in changed if s.barcode != old_skus[s.id].barcode]
        self._check_unique(
            [product], [(product.id, s) for s in new_skus] + [(product.id, s) for s in rebadged]
        )
        row = product_to_row(product)
        row["version"] = product.version + 1
        done = self._run(
            sa.update(ct.products)
            .where(ct.products.c.id == product.id, ct.products.c.version == product.version)
            .values({k: v for k, v in row.items() if k != "id"})
        )
        if done.rowcount != 1:
            raise ConcurrencyConflict("product", f"{product.id} v{product.version} is not current")
        positions = {s.id: i for i, s in enumerate(product.skus)}
        # Barcodes moving between this product's own SKUs: free them first.
        for sku in rebadged:
            self._run(sa.update(ct.skus).where(ct.skus.c.id == sku.id).values(barcode=None))
        for sku in changed:
            values = sku_to_row(product.id, positions[sku.id], sku)
            del values["id"]
            self._run(sa.update(ct.skus).where(ct.skus.c.id == sku.id).values(values))
        self._insert_many(ct.skus, [sku_to_row(product.id, positions[s.id], s) for s in new_skus])
        if product.attributes != before.attributes:
            self._run(
                sa.delete(ct.product_attributes).where(
                    ct.product_attributes.c.product_id == product.id
                )
            )
            self._insert_many(ct.product_attributes, attribute_rows(product))
        gone = set(before.tags) - set(product.tags)
        added = set(product.tags) - set(before.tags)
        if gone:
            self._run(
                sa.delete(ct.product_tags).where(
                    ct.product_tags.c.product_id == product.id,
                    ct.product_tags.c.tag_id.in_(sorted(gone)),
                )
            )
        self._insert_many(
            ct.product_tags, [{"product_id": product.id, "tag_id": tag} for tag in sorted(added)]
        )
        self._write_history([product])
        product.version += 1
        self._snapshots[product.id] = product.copy()
        self._uow.seen.add(product)


class _Named(_Part):
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


class SqlReviewRepository(_Part):
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


def catalog_repositories(
    uow: SqlUnitOfWork,
) -> tuple[SqlProductRepository, SqlBrandRepository, SqlTagRepository, SqlReviewRepository]:
    """The catalog's repositories for a SQL unit of work."""
    return (
        SqlProductRepository(uow),
        SqlBrandRepository(uow),
        SqlTagRepository(uow),
        SqlReviewRepository(uow),
    )
