"""Ports the catalog's products need: repositories, queries, purchases, media storage."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from commerce_core.catalog.brands import Brand, Tag
from commerce_core.catalog.ids import CategoryId, ProductId, ReviewId, SkuId, TagId
from commerce_core.catalog.product_values import PriceChange
from commerce_core.catalog.product_views import (
    BrandView,
    ProductSearch,
    ProductSummary,
    ProductView,
    ReviewView,
    TagView,
)
from commerce_core.catalog.products import Product
from commerce_core.catalog.reviews import RatingSummary, Review, ReviewStatus
from commerce_core.kernel.pagination import Page, PageRequest

__all__ = [
    "BrandRepository",
    "MediaStore",
    "ProductQueries",
    "ProductRepository",
    "PurchaseVerifier",
    "ReviewRepository",
    "TagRepository",
]


class ProductRepository(Protocol):
    """Products with their SKUs, one aggregate each, saved with an optimistic version check.

    Product codes, SKU codes and barcodes are unique in the shop: ``add`` and ``save`` refuse
    a duplicate with :class:`DuplicateProductCode`, :class:`DuplicateSkuCode` or
    :class:`DuplicateBarcode` (domain errors, never a retried conflict). Price changes
    recorded on the product (``price_log``) are appended to the price history.
    """

    def get(self, id: ProductId) -> Product:
        """A copy of the product, or :class:`ProductNotFound`."""
        ...

    def find_by_codes(self, codes: Sequence[str]) -> dict[str, Product]:
        """Copies of the products with these product codes, by code (absent codes left out)."""
        ...

    def add(self, products: Sequence[Product]) -> None:
        """Store new products (version 0 → 1)."""
        ...

    def save(self, product: Product) -> None:
        """Store a changed product; :class:`ConcurrencyConflict` if it changed since read."""
        ...

    def tagged(self, tag: TagId) -> list[ProductId]:
        """Ids of the products carrying ``tag``."""
        ...

    def sku_owners(self, codes: Sequence[str]) -> dict[str, ProductId]:
        """The product holding each of these SKU codes (codes nobody holds left out)."""
        ...

    def barcode_owners(self, barcodes: Sequence[str]) -> dict[str, ProductId]:
        """The product holding each of these barcodes (free barcodes left out)."""
        ...

    def known_categories(self, ids: Sequence[CategoryId]) -> set[CategoryId]:
        """Which of these category ids exist.

        Read without locking the category tree; the categories found are share-locked until
        the unit of work ends (where the backend has row locks), so a concurrent delete of
        one waits for this unit of work, then sees its products (decision 0013).
        """
        ...

    def in_categories(self, ids: Sequence[CategoryId]) -> list[ProductId]:
        """Ids of the products in these categories, in id order.

        The categories are locked for update first (where the backend has row locks), so no
        product can be put in them until the unit of work ends: what a delete checks holds
        until it commits (decision 0013).
        """
        ...


class BrandRepository(Protocol):
    """Brands; names unique by their match key (``DuplicateBrandName``)."""

    def get(self, id: str) -> Brand: ...

    def find_by_name(self, name: str) -> Brand | None: ...

    def add(self, brand: Brand) -> None: ...

    def save(self, brand: Brand) -> None: ...


class TagRepository(Protocol):
    """Tags; names unique by their match key (``DuplicateTagName``)."""

    def get(self, id: str) -> Tag: ...

    def find_by_name(self, name: str) -> Tag | None: ...

    def add(self, tag: Tag) -> None: ...

    def save(self, tag: Tag) -> None: ...

    def delete(self, tag: Tag) -> None:
        """Remove a tag (its recorded events are still published)."""
        ...


class ReviewRepository(Protocol):
    """Reviews; one per order line (``DuplicateReview``)."""

    def get(self, id: ReviewId) -> Review: ...

    def add(self, review: Review) -> None: ...

    def save(self, review: Review) -> None: ...


class PurchaseVerifier(Protocol):
    """Tells whether a customer bought a SKU on an order line (owned by the catalog).

    The ordering context fills this port; until it exists, a shop passes its own (see
    ``docs/catalog/reviews.md``) and tests use a fake.
    """

    def purchased(self, *, customer: str, order_line: str, sku: SkuId) -> bool: ...


class MediaStore(Protocol):
    """Where media bytes live (the shop's object storage); products keep only references."""

    def put(self, key: str, data: bytes, *, mime: str) -> str:
        """Store bytes under ``key``; return the location to put in a :class:`MediaRef`."""
        ...

    def get(self, key: str) -> bytes:
        """The bytes under ``key``; :class:`NotFound` if there are none."""
        ...

    def delete(self, key: str) -> bool:
        """Remove ``key``; False if it was not there."""
        ...

    def url(self, key: str) -> str:
        """A URL a browser can load the media from."""
        ...


class ProductQueries(Protocol):
    """Reads of products, brands, tags, price history and reviews, without loading aggregates."""

    def get(self, id: ProductId) -> ProductView:
        """One product with its SKUs; :class:`ProductNotFound` if none."""
        ...

    def by_code(self, code: str) -> ProductView:
        """One product by its product code; :class:`ProductNotFound` if none."""
        ...

    def search(self, query: ProductSearch, page: PageRequest) -> Page[ProductSummary]:
        """Products matching every filter of ``query``, sorted, a keyset page at a time."""
        ...

    def price_history(self, id: ProductId) -> tuple[PriceChange, ...]:
        """Every price change of the product's SKUs, oldest first."""
        ...

    def brands(self) -> tuple[BrandView, ...]:
        """Every brand, by name."""
        ...

    def tags(self) -> tuple[TagView, ...]:
        """Every tag, by name."""
        ...

    def reviews(
        self, id: ProductId, page: PageRequest, *, status: ReviewStatus | None = None
    ) -> Page[ReviewView]:
        """The product's reviews, newest first (featured ones are not reordered here)."""
        ...

    def rating_summary(self, id: ProductId) -> RatingSummary:
        """Count, average and distribution of the product's approved and featured reviews."""
        ...
