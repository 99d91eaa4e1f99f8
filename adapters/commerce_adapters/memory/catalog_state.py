"""The catalog's committed state in memory, and a unit of work's staged writes to it.

:class:`CatalogParticipant` joins a unit of work (see :class:`MemoryParticipant`): changes
are staged and checked (uniqueness, categories, versions) when staged and again at commit,
under the storage lock, then applied at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from attrs import define, evolve, field

from commerce_core.catalog.brands import Brand, Tag, name_key
from commerce_core.catalog.errors import CategoryHasProducts, CategoryNotFound
from commerce_core.catalog.ids import BrandId, CategoryId, ProductId, ReviewId, TagId
from commerce_core.catalog.product_errors import (
    DuplicateBarcode,
    DuplicateBrandName,
    DuplicateProductCode,
    DuplicateReview,
    DuplicateSkuCode,
    DuplicateTagName,
)
from commerce_core.catalog.product_values import PriceChange
from commerce_core.catalog.products import Product
from commerce_core.catalog.reviews import Review
from commerce_core.kernel.errors import ConcurrencyConflict

if TYPE_CHECKING:
    from commerce_adapters.memory.storage import MemoryUnitOfWork

__all__ = ["CatalogParticipant", "CatalogState", "copy_brand", "copy_review", "copy_tag"]


@define
class CatalogState:
    """What the catalog has committed (read and changed only under the storage lock)."""

    products: dict[ProductId, Product] = field(factory=dict)
    product_codes: dict[str, ProductId] = field(factory=dict)
    sku_codes: dict[str, ProductId] = field(factory=dict)
    barcodes: dict[str, tuple[ProductId, str]] = field(factory=dict)
    brands: dict[BrandId, Brand] = field(factory=dict)
    tags: dict[TagId, Tag] = field(factory=dict)
    reviews: dict[ReviewId, Review] = field(factory=dict)
    review_lines: dict[str, ReviewId] = field(factory=dict)
    #: (product, change), in commit order.
    price_history: list[tuple[ProductId, PriceChange]] = field(factory=list)


def copy_brand(brand: Brand) -> Brand:
    """An independent copy of the brand (what a repository hands out)."""
    return Brand(brand.id, brand.name, brand.version)


def copy_tag(tag: Tag) -> Tag:
    """An independent copy of the tag (what a repository hands out)."""
    return Tag(tag.id, tag.name, tag.version)


def copy_review(review: Review) -> Review:
    """An independent copy of the review (what a repository hands out)."""
    return evolve(review, events=[])


class CatalogParticipant:
    """A unit of work's staged catalog writes; see :class:`MemoryParticipant`."""

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self.uow = uow
        self.state = uow.storage.context_state("catalog", CatalogState)
        self.lock = uow.storage.lock
        self.reset()

    def reset(self) -> None:
        self.products: dict[ProductId, Product] = {}
        self.product_base: dict[ProductId, int] = {}  # version read (0: new)
        self.barcodes: dict[str, tuple[ProductId, str]] = {}
        self.barcodes_of: dict[ProductId, set[str]] = {}
        self.sku_codes: dict[str, ProductId] = {}
        self.product_codes: dict[str, ProductId] = {}
        self.brands: dict[BrandId, Brand] = {}
        self.brand_base: dict[BrandId, int] = {}
        self.tags: dict[TagId, Tag | None] = {}
        self.tag_base: dict[TagId, int] = {}
        self.reviews: dict[ReviewId, Review] = {}
        self.review_base: dict[ReviewId, int] = {}
        self.history: list[tuple[ProductId, PriceChange]] = []
        #: Categories this unit of work found empty (for a delete), checked again at commit.
        self.emptied: set[CategoryId] = set()

    # -- uniqueness --------------------------------------------------------------------
    def _sku_owner(self, code: str) -> ProductId | None:
        if code in self.sku_codes:
            return self.sku_codes[code]
        return self.state.sku_codes.get(code)

    def _barcode_owner(self, barcode: str) -> tuple[ProductId, str] | None:
        if barcode in self.barcodes:
            return self.barcodes[barcode]
        owner = self.state.barcodes.get(barcode)
        if owner is not None and owner[0] in self.products:
            return None  # that product is staged: its staged barcodes decide
        return owner

    def _check_product(self, product: Product, *, committed_only: bool = False) -> None:
        owner = (
            self.state.product_codes.get(product.code)
            if committed_only
            else self.product_codes.get(product.code, self.state.product_codes.get(product.code))
        )
        if owner is not None and owner != product.id:
            raise DuplicateProductCode(product.code)
        for sku in product.skus:
            other = (
                self.state.sku_codes.get(sku.code) if committed_only else self._sku_owner(sku.code)
            )
            if other is not None and other != product.id:
                raise DuplicateSkuCode(sku.code, other)
            if sku.barcode is not None:
                held = (
                    self.state.barcodes.get(sku.barcode)
                    if committed_only
                    else self._barcode_owner(sku.barcode)
                )
                if (
                    held is not None
                    and held[0] != product.id
                    and (not committed_only or held[0] not in self.products)
                ):
                    raise DuplicateBarcode(sku.barcode, held[1])

    def stage_product(self, product: Product) -> None:
        with self.lock:
            self._check_product(product)
        self.products[product.id] = product.copy()
        self.product_codes[product.code] = product.id
        for sku in product.skus:
            self.sku_codes[sku.code] = product.id
        for old in self.barcodes_of.pop(product.id, set()):
            self.barcodes.pop(old, None)
        mine = {s.barcode: s.code for s in product.skus if s.barcode is not None}
        self.barcodes.update({b: (product.id, code) for b, code in mine.items()})
        self.barcodes_of[product.id] = set(mine)
        self.history.extend((product.id, change) for change in product.price_log)
        product.price_log.clear()
        self.uow.seen.add(product)

    def _name_owner(self, kind: str, name: str, id: str) -> str | None:
        key = name_key(name)
        staged: dict[str, Brand] | dict[str, Tag | None] = (
            self.brands if kind == "brand" else self.tags  # type: ignore[assignment]
        )
        committed: dict[str, Brand] | dict[str, Tag] = (
            self.state.brands if kind == "brand" else self.state.tags  # type: ignore[assignment]
        )
        for other_id, other in staged.items():
            if other is not None and other_id != id and name_key(other.name) == key:
                return other_id
        for other_id, other in committed.items():
            if other_id != id and other_id not in staged and name_key(other.name) == key:
                return other_id
        return None

    def in_categories(self, ids: set[CategoryId]) -> list[ProductId]:
        """Products in these categories: committed ones (unless staged) and staged ones."""
        found = {
            p.id
            for p in self.state.products.values()
            if p.category in ids and p.id not in self.products
        }
        found |= {p.id for p in self.products.values() if p.category in ids}
        return sorted(found)

    def _check_categories(self) -> None:
        """At commit (decision 0013): a staged product's category still exists, and a
        category found empty for a delete still is. Commits are serial, so this is exact."""
        # Called under the storage lock; the tree this unit of work staged (if any) is what
        # its commit will write.
        staged = self.uow._tree
        categories = staged[0] if staged is not None else self.uow.storage._state.categories
        for product in self.products.values():
            if product.category is not None and product.category not in categories:
                raise CategoryNotFound(product.category)
        # Products others committed since this unit of work found the categories empty
        # (its own staged products are its own doing, as under a row lock).
        for category in sorted(self.emptied):
            held = [
                p
                for p in self.state.products.values()
                if p.category == category and p.id not in self.products
            ]
            if held:
                raise CategoryHasProducts(category, len(held))

    # -- MemoryParticipant -------------------------------------------------------------
    def check(self) -> None:
        self._check_categories()
        state = self.state
        for id, base in self.product_base.items():
            current = state.products.get(id)
            if (current.version if current is not None else 0) != base:
                raise ConcurrencyConflict("product", f"{id} changed since it was read")
        for product in self.products.values():
            self._check_product(product, committed_only=True)
        for bid, base in self.brand_base.items():
            stored = state.brands.get(bid)
            if (stored.version if stored is not None else 0) != base:
                raise ConcurrencyConflict("brand", bid)
        for tid, base in self.tag_base.items():
            tag = state.tags.get(tid)
            if (tag.version if tag is not None else 0) != base:
                raise ConcurrencyConflict("tag", tid)
        for brand in self.brands.values():
            owner = self._name_owner("brand", brand.name, brand.id)
            if owner is not None:
                raise DuplicateBrandName(brand.name, owner)
        for tag_or_none in self.tags.values():
            if tag_or_none is not None:
                owner = self._name_owner("tag", tag_or_none.name, tag_or_none.id)
                if owner is not None:
                    raise DuplicateTagName(tag_or_none.name, owner)
        for rid, base in self.review_base.items():
            stored_review = state.reviews.get(rid)
            if (stored_review.version if stored_review is not None else 0) != base:
                raise ConcurrencyConflict("review", rid)
        for review in self.reviews.values():
            line_owner = state.review_lines.get(review.order_line)
            if line_owner is not None and line_owner != review.id:
                raise DuplicateReview(review.order_line)

    def apply(self) -> None:
        state = self.state
        for product in self.products.values():
            old = state.products.get(product.id)
            if old is not None:
                for sku in old.skus:
                    if sku.barcode is not None:
                        state.barcodes.pop(sku.barcode, None)
            state.products[product.id] = product
            state.product_codes[product.code] = product.id
            for sku in product.skus:
                state.sku_codes[sku.code] = product.id
                if sku.barcode is not None:
                    state.barcodes[sku.barcode] = (product.id, sku.code)
        state.price_history.extend(self.history)
        state.brands.update(self.brands)
        for tid, tag in self.tags.items():
            if tag is None:
                state.tags.pop(tid, None)
            else:
                state.tags[tid] = tag
        for review in self.reviews.values():
            state.reviews[review.id] = review
            state.review_lines[review.order_line] = review.id
