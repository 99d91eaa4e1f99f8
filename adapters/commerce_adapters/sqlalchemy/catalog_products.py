"""Products on SQL: a row per product, SKU, attribute and tag, guarded by a version.

Reads load products in four queries per chunk of ids; writes go through
:func:`~commerce_adapters.sqlalchemy.bulk.insert_rows`. Business keys are checked before
they are written (the named unique constraints registered in
:mod:`commerce_adapters.sqlalchemy.catalog` are the backstop).
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
    price_change_to_row,
    product_from_rows,
    product_to_row,
    sku_to_row,
)
from commerce_adapters.sqlalchemy.errors import translating
from commerce_core.catalog.ids import CategoryId, ProductId, TagId
from commerce_core.catalog.product_errors import (
    DuplicateBarcode,
    DuplicateProductCode,
    DuplicateSkuCode,
    ProductNotFound,
)
from commerce_core.catalog.products import Product
from commerce_core.kernel.errors import ConcurrencyConflict

if TYPE_CHECKING:
    from commerce_adapters.sqlalchemy.storage import SqlUnitOfWork

__all__ = ["CHUNK", "SqlPart", "SqlProductRepository", "chunks", "load_products"]


#: Rows per ``IN (...)`` list and per ``executemany`` batch.
CHUNK = 500


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    """``items`` in slices of at most ``size``."""
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
    for chunk in chunks(list(ids)):
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


class SqlPart:
    """A repository of a SQL unit of work; statements run with errors translated."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    def _run(self, statement: Any, parameters: Any = None) -> CursorResult[Any]:
        with translating():
            return self._uow.connection.execute(statement, parameters)


class SqlProductRepository(SqlPart):
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
        for chunk in chunks(list(codes)):
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
        for chunk in chunks(list(dict.fromkeys(keys))):
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
        for chunk in chunks(sorted(set(ids))):
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
        for chunk in chunks(wanted):
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
        for chunk in chunks(new_products):
            taken = self._run(
                sa.select(ct.products.c.code).where(ct.products.c.code.in_(chunk)).limit(1)
            ).scalar_one_or_none()
            if taken is not None:
                raise DuplicateProductCode(taken)
        codes = [sku.code for _, sku in new_skus]
        for chunk in chunks(codes):
            rows = self._run(
                sa.select(ct.skus.c.code, ct.skus.c.product_id).where(ct.skus.c.code.in_(chunk))
            ).mappings()
            for row in rows:
                if row["product_id"] not in mine:
                    raise DuplicateSkuCode(row["code"], row["product_id"])
        barcodes = [sku.barcode for _, sku in new_skus if sku.barcode is not None]
        for chunk in chunks(barcodes):
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
