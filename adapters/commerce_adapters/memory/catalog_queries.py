"""Product reads over the memory backend's committed catalog state."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from commerce_adapters.memory.catalog_state import CatalogState
from commerce_core.catalog.ids import CategoryId, ProductId
from commerce_core.catalog.media import AttributeKind, MediaKind
from commerce_core.catalog.product_errors import ProductNotFound
from commerce_core.catalog.product_values import PriceChange
from commerce_core.catalog.product_views import (
    AttributeFilter,
    BrandView,
    ProductSearch,
    ProductSort,
    ProductSummary,
    ProductView,
    ReviewView,
    TagView,
    decode_search_cursor,
    price_range,
    price_sort_key,
    search_cursor,
)
from commerce_core.catalog.products import Product
from commerce_core.catalog.reviews import VISIBLE, RatingSummary, Review, ReviewStatus, summarize
from commerce_core.kernel.pagination import Page, PageRequest, decode_cursor, encode_cursor

if TYPE_CHECKING:
    from commerce_adapters.memory.storage import MemoryStorage

__all__ = ["MemoryProductQueries", "summary_of"]


def summary_of(product: Product) -> ProductSummary:
    """The list row of a product."""
    low, high = price_range(product)
    image = next((m.location for m in product.media if m.kind is MediaKind.IMAGE), None)
    return ProductSummary(
        id=product.id,
        code=product.code,
        title=product.title,
        status=product.status,
        brand=product.brand,
        category=product.category,
        min_price=low,
        max_price=high,
        sku_count=len(product.enabled_skus),
        image=image,
        created_at=product.created_at,
        updated_at=product.updated_at,
    )


def _attribute_matches(product: Product, wanted: AttributeFilter) -> bool:
    for attribute in product.attributes:
        if attribute.name != wanted.name:
            continue
        if wanted.equals is not None:
            return attribute.kind is AttributeKind.TEXT and attribute.text == wanted.equals
        if wanted.flag is not None:
            return attribute.kind is AttributeKind.BOOL and attribute.flag == wanted.flag
        if attribute.kind is not AttributeKind.NUMBER or attribute.number is None:
            return False
        low = wanted.min if wanted.min is not None else Decimal("-Infinity")
        high = wanted.max if wanted.max is not None else Decimal("Infinity")
        return low <= attribute.number <= high
    return False


def _review_view(review: Review) -> ReviewView:
    return ReviewView(
        id=review.id,
        product=review.product,
        sku=review.sku,
        sku_code=review.sku_code,
        order_line=review.order_line,
        customer=review.customer,
        rating=review.rating,
        text=review.text,
        images=review.images,
        status=review.status,
        reason=review.reason,
        reply=review.reply,
        created_at=review.created_at,
    )


class MemoryProductQueries:
    """Product reads over committed state: filters in Python, the same order as SQL."""

    def __init__(self, storage: MemoryStorage) -> None:
        self._storage = storage

    def _state(self) -> CatalogState:
        return self._storage.context_state("catalog", CatalogState)

    def get(self, id: ProductId) -> ProductView:
        with self._storage.lock:
            product = self._state().products.get(id)
        if product is None:
            raise ProductNotFound(id)
        return ProductView.of(product)

    def by_code(self, code: str) -> ProductView:
        with self._storage.lock:
            id = self._state().product_codes.get(code)
        if id is None:
            raise ProductNotFound(code)
        return self.get(id)

    def _descendants(self, category: CategoryId) -> set[CategoryId]:
        out = {category}
        for node in self._storage.categories.tree():
            for _, child in node.walk():
                if child.id == category:
                    out.update(n.id for _, n in child.walk())
        return out

    def search(self, query: ProductSearch, page: PageRequest) -> Page[ProductSummary]:
        with self._storage.lock:
            products = list(self._state().products.values())
        categories = self._descendants(query.category) if query.category is not None else None
        keyword = query.keyword.lower() if query.keyword is not None else None
        hits: list[tuple[datetime | str | int, str, ProductSummary]] = []
        for product in products:
            if query.status is not None and product.status is not query.status:
                continue
            if categories is not None and product.category not in categories:
                continue
            if query.brand is not None and product.brand != query.brand:
                continue
            if query.tag is not None and query.tag not in product.tags:
                continue
            if keyword is not None and not (
                keyword in product.title.lower()
                or query.keyword == product.code
                or any(query.keyword in (s.code, s.barcode) for s in product.skus)
            ):
                continue
            summary = summary_of(product)
            low = summary.min_price
            if query.min_price is not None and (
                low is None
                or low.currency != query.min_price.currency
                or low.minor < query.min_price.minor
            ):
                continue
            if query.max_price is not None and (
                low is None
                or low.currency != query.max_price.currency
                or low.minor > query.max_price.minor
            ):
                continue
            if not all(_attribute_matches(product, f) for f in query.attributes):
                continue
            key: datetime | str | int
            if query.sort is ProductSort.CREATED:
                key = product.created_at
            elif query.sort is ProductSort.PRICE:
                key = price_sort_key(low)
            else:
                key = product.title
            hits.append((key, product.id, summary))
        hits.sort(key=lambda h: (h[0], h[1]), reverse=query.descending)
        if page.after is not None:
            value, last = decode_search_cursor(page.after, query.sort)
            mark: datetime | str | int = (
                datetime.fromisoformat(str(value)) if query.sort is ProductSort.CREATED else value
            )
            if query.descending:
                hits = [h for h in hits if (h[0], h[1]) < (mark, last)]
            else:
                hits = [h for h in hits if (h[0], h[1]) > (mark, last)]
        items = hits[: page.limit]
        more = len(hits) > page.limit
        cursor = None
        if more:
            key_value = items[-1][0]
            shown = key_value.isoformat() if isinstance(key_value, datetime) else key_value
            cursor = search_cursor(shown, items[-1][1])
        return Page(tuple(h[2] for h in items), cursor)

    def price_history(self, id: ProductId) -> tuple[PriceChange, ...]:
        with self._storage.lock:
            state = self._state()
            if id not in state.products:
                raise ProductNotFound(id)
            return tuple(change for pid, change in state.price_history if pid == id)

    def brands(self) -> tuple[BrandView, ...]:
        with self._storage.lock:
            brands = list(self._state().brands.values())
        return tuple(BrandView(b.id, b.name) for b in sorted(brands, key=lambda b: (b.name, b.id)))

    def tags(self) -> tuple[TagView, ...]:
        with self._storage.lock:
            tags = list(self._state().tags.values())
        return tuple(TagView(t.id, t.name) for t in sorted(tags, key=lambda t: (t.name, t.id)))

    def reviews(
        self, id: ProductId, page: PageRequest, *, status: ReviewStatus | None = None
    ) -> Page[ReviewView]:
        with self._storage.lock:
            reviews = [r for r in self._state().reviews.values() if r.product == id]
        if status is not None:
            reviews = [r for r in reviews if r.status is ReviewStatus(status)]
        reviews.sort(key=lambda r: (r.created_at, r.id), reverse=True)
        if page.after is not None:
            at_text, last = decode_cursor(page.after, arity=2)
            mark = (datetime.fromisoformat(str(at_text)), str(last))
            reviews = [r for r in reviews if (r.created_at, r.id) < mark]
        items = reviews[: page.limit]
        more = len(reviews) > page.limit
        cursor = encode_cursor([items[-1].created_at.isoformat(), items[-1].id]) if more else None
        return Page(tuple(_review_view(r) for r in items), cursor)

    def rating_summary(self, id: ProductId) -> RatingSummary:
        with self._storage.lock:
            ratings = [
                r.rating
                for r in self._state().reviews.values()
                if r.product == id and r.status in VISIBLE
            ]
        return summarize(id, ratings)
