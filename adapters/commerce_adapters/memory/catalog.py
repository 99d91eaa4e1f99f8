"""The catalog's products, brands, tags and reviews in memory.

The committed state lives in :meth:`MemoryStorage.context_state` under ``"catalog"``; a
unit of work stages its writes in a :class:`CatalogParticipant` that joins the unit of work,
so products commit atomically with the category tree, the outbox and the timers. Uniqueness
(product codes, SKU codes, barcodes, brand and tag names, one review per order line) is
checked when a change is staged and again at commit, under the storage lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from commerce_core.catalog.brands import Brand, Tag
from commerce_core.catalog.errors import CategoryNotFound
from commerce_core.catalog.ids import BrandId, CategoryId, ProductId, ReviewId, TagId
from commerce_core.catalog.product_errors import (
    BrandNotFound,
    DuplicateBrandName,
    DuplicateReview,
    DuplicateTagName,
    ProductNotFound,
    ReviewNotFound,
    TagNotFound,
)
from commerce_core.catalog.products import Product
from commerce_core.catalog.reviews import Review
from commerce_core.kernel.errors import ConcurrencyConflict

if TYPE_CHECKING:
    from commerce_adapters.memory.storage import MemoryUnitOfWork
from commerce_adapters.memory.catalog_state import (
    CatalogParticipant,
    CatalogState,
    copy_brand,
    copy_review,
    copy_tag,
)

__all__ = [
    "CatalogParticipant",
    "CatalogState",
    "MemoryBrandRepository",
    "MemoryProductRepository",
    "MemoryReviewRepository",
    "MemoryTagRepository",
    "catalog_repositories",
]


def _same(a: Product, b: Product) -> bool:
    skip = {"version", "events", "price_log"}
    return all(
        getattr(a, f.name) == getattr(b, f.name)
        for f in attrs.fields(Product)
        if f.name not in skip
    )


class _Repo:
    def __init__(self, part: CatalogParticipant) -> None:
        self._part = part


class MemoryProductRepository(_Repo):
    """Products in memory: copies in, copies out, versions checked at save and commit."""

    def _current(self, id: ProductId) -> Product | None:
        part = self._part
        if id in part.products:
            return part.products[id]
        with part.lock:
            return part.state.products.get(id)

    def get(self, id: ProductId) -> Product:
        product = self._current(id)
        if product is None:
            raise ProductNotFound(id)
        self._part.product_base.setdefault(id, product.version)
        return product.copy()

    def find_by_codes(self, codes: Sequence[str]) -> dict[str, Product]:
        part = self._part
        out: dict[str, Product] = {}
        for code in codes:
            with part.lock:
                id = part.product_codes.get(code) or part.state.product_codes.get(code)
            if id is not None:
                out[code] = self.get(id)
        return out

    def add(self, products: Sequence[Product]) -> None:
        part = self._part
        for product in products:
            if self._current(product.id) is not None or product.version != 0:
                raise ConcurrencyConflict("product", f"{product.id} exists already")
            part.product_base[product.id] = 0
            product.version = 1
            part.stage_product(product)

    def save(self, product: Product) -> None:
        part = self._part
        current = self._current(product.id)
        if current is None:
            raise ProductNotFound(product.id)
        part.product_base.setdefault(product.id, current.version)
        if product.version != current.version:
            raise ConcurrencyConflict(
                "product", f"saved v{product.version}, store v{current.version}"
            )
        if _same(product, current) and not product.events:
            return
        product.version += 1
        part.stage_product(product)

    def tagged(self, tag: TagId) -> list[ProductId]:
        part = self._part
        with part.lock:
            ids = {p.id for p in part.state.products.values() if tag in p.tags}
        ids -= {i for i, p in part.products.items() if tag not in p.tags}
        ids |= {i for i, p in part.products.items() if tag in p.tags}
        return sorted(ids)

    def sku_owners(self, codes: Sequence[str]) -> dict[str, ProductId]:
        part = self._part
        with part.lock:
            found = {c: part._sku_owner(c) for c in codes}
        return {c: owner for c, owner in found.items() if owner is not None}

    def barcode_owners(self, barcodes: Sequence[str]) -> dict[str, ProductId]:
        part = self._part
        with part.lock:
            found = {b: part._barcode_owner(b) for b in barcodes}
        return {b: owner[0] for b, owner in found.items() if owner is not None}

    def in_categories(self, ids: Sequence[CategoryId]) -> list[ProductId]:
        part = self._part
        with part.lock:
            found = part.in_categories(set(ids))
            part.emptied |= {c for c in ids if not part.in_categories({c})}
        return found

    def known_categories(self, ids: Sequence[CategoryId]) -> set[CategoryId]:
        queries = self._part.uow.storage.categories
        found: set[CategoryId] = set()
        for id in ids:
            try:
                queries.get(id)
            except CategoryNotFound:
                continue
            found.add(id)
        return found


class MemoryBrandRepository(_Repo):
    """Brands in memory."""

    def get(self, id: str) -> Brand:
        part = self._part
        brand = part.brands.get(BrandId(id))
        if brand is None:
            with part.lock:
                brand = part.state.brands.get(BrandId(id))
        if brand is None:
            raise BrandNotFound(id)
        part.brand_base.setdefault(brand.id, brand.version)
        return copy_brand(brand)

    def find_by_name(self, name: str) -> Brand | None:
        with self._part.lock:
            owner = self._part._name_owner("brand", name, "")
        return self.get(owner) if owner is not None else None

    def add(self, brand: Brand) -> None:
        self._stage(brand, new=True)

    def save(self, brand: Brand) -> None:
        self._stage(brand, new=False)

    def _stage(self, brand: Brand, *, new: bool) -> None:
        part = self._part
        with part.lock:
            owner = part._name_owner("brand", brand.name, brand.id)
        if owner is not None:
            raise DuplicateBrandName(brand.name, owner)
        if new:
            part.brand_base[brand.id] = 0
        brand.version += 1
        part.brands[brand.id] = copy_brand(brand)
        part.uow.seen.add(brand)


class MemoryTagRepository(_Repo):
    """Tags in memory."""

    def get(self, id: str) -> Tag:
        part = self._part
        if TagId(id) in part.tags:
            tag = part.tags[TagId(id)]
        else:
            with part.lock:
                tag = part.state.tags.get(TagId(id))
        if tag is None:
            raise TagNotFound(id)
        part.tag_base.setdefault(tag.id, tag.version)
        return copy_tag(tag)

    def find_by_name(self, name: str) -> Tag | None:
        with self._part.lock:
            owner = self._part._name_owner("tag", name, "")
        return self.get(owner) if owner is not None else None

    def add(self, tag: Tag) -> None:
        self._stage(tag, new=True)

    def save(self, tag: Tag) -> None:
        self._stage(tag, new=False)

    def delete(self, tag: Tag) -> None:
        part = self._part
        part.tag_base.setdefault(tag.id, tag.version)
        part.tags[tag.id] = None
        part.uow.seen.add(tag)

    def _stage(self, tag: Tag, *, new: bool) -> None:
        part = self._part
        with part.lock:
            owner = part._name_owner("tag", tag.name, tag.id)
        if owner is not None:
            raise DuplicateTagName(tag.name, owner)
        if new:
            part.tag_base[tag.id] = 0
        tag.version += 1
        part.tags[tag.id] = copy_tag(tag)
        part.uow.seen.add(tag)


class MemoryReviewRepository(_Repo):
    """Reviews in memory; one per order line."""

    def get(self, id: ReviewId) -> Review:
        part = self._part
        review = part.reviews.get(id)
        if review is None:
            with part.lock:
                review = part.state.reviews.get(id)
        if review is None:
            raise ReviewNotFound(id)
        part.review_base.setdefault(id, review.version)
        return copy_review(review)

    def add(self, review: Review) -> None:
        part = self._part
        with part.lock:
            taken = part.state.review_lines.get(review.order_line)
        if taken is not None or any(
            r.order_line == review.order_line for r in part.reviews.values()
        ):
            raise DuplicateReview(review.order_line)
        part.review_base[review.id] = 0
        self._stage(review)

    def save(self, review: Review) -> None:
        self._stage(review)

    def _stage(self, review: Review) -> None:
        review.version += 1
        self._part.reviews[review.id] = copy_review(review)
        self._part.uow.seen.add(review)


def catalog_repositories(
    uow: MemoryUnitOfWork,
) -> tuple[
    MemoryProductRepository, MemoryBrandRepository, MemoryTagRepository, MemoryReviewRepository
]:
    """The catalog's repositories for a unit of work, joined to its atomic commit."""
    part = CatalogParticipant(uow)
    uow.join(part)
    return (
        MemoryProductRepository(part),
        MemoryBrandRepository(part),
        MemoryTagRepository(part),
        MemoryReviewRepository(part),
    )
