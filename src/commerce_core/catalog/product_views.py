"""Read models of products and the search request: frozen values the queries return."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from attrs import field, frozen

from commerce_core.catalog.ids import BrandId, CategoryId, ProductId, ReviewId, SkuId, TagId
from commerce_core.catalog.media import ATTRIBUTE_NAME_MAX, Attribute, MediaRef, check_number
from commerce_core.catalog.product_values import ProductStatus, Sku, SpecAttribute
from commerce_core.catalog.products import Product
from commerce_core.catalog.reviews import ReviewStatus
from commerce_core.kernel.errors import InputError
from commerce_core.kernel.money import Money
from commerce_core.kernel.pagination import decode_cursor, encode_cursor
from commerce_core.kernel.validation import check_text

__all__ = [
    "AttributeFilter",
    "BrandView",
    "ProductSearch",
    "ProductSort",
    "ProductSummary",
    "ProductView",
    "ReviewView",
    "TagView",
    "decode_search_cursor",
    "search_cursor",
]

KEYWORD_MAX = 64


@frozen
class ProductView:
    """One product as stored: details, specs, SKUs (enabled or not), attributes, media."""

    id: ProductId
    code: str
    title: str
    subtitle: str | None
    description: str
    currency: str
    brand: BrandId | None
    category: CategoryId | None
    tags: tuple[TagId, ...]
    specs: tuple[SpecAttribute, ...]
    skus: tuple[Sku, ...]
    attributes: tuple[Attribute, ...]
    media: tuple[MediaRef, ...]
    status: ProductStatus
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, product: Product) -> ProductView:
        """The read model of an aggregate (the memory backend and tests use it)."""
        return cls(
            id=product.id,
            code=product.code,
            title=product.title,
            subtitle=product.subtitle,
            description=product.description,
            currency=product.currency,
            brand=product.brand,
            category=product.category,
            tags=product.tags,
            specs=product.specs,
            skus=product.skus,
            attributes=product.attributes,
            media=product.media,
            status=product.status,
            version=product.version,
            created_at=product.created_at,
            updated_at=product.updated_at,
        )


@frozen
class ProductSummary:
    """A product in a search result: enough for a list row, without its SKUs."""

    id: ProductId
    code: str
    title: str
    status: ProductStatus
    brand: BrandId | None
    category: CategoryId | None
    min_price: Money | None  # the cheapest enabled SKU's price ("from ¥…")
    max_price: Money | None
    sku_count: int  # enabled SKUs
    image: str | None  # the location of the first product image
    created_at: datetime
    updated_at: datetime


@frozen
class BrandView:
    """A brand in a listing."""

    id: BrandId
    name: str


@frozen
class TagView:
    """A tag in a listing."""

    id: TagId
    name: str


@frozen
class ReviewView:
    """A review as the back office sees it."""

    id: ReviewId
    product: ProductId
    sku: SkuId
    sku_code: str
    order_line: str
    customer: str
    rating: int
    text: str
    images: tuple[MediaRef, ...]
    status: ReviewStatus
    reason: str | None
    reply: str | None
    created_at: datetime


class ProductSort(StrEnum):
    """The fields a product search may sort by (a whitelist: each has an index)."""

    CREATED = "created"
    PRICE = "price"  # the cheapest enabled SKU; products without a price come last
    TITLE = "title"  # in the database's collation


def _optional_text(path: str, max_length: int) -> Any:
    def validate(_: object, __: object, value: object) -> None:
        if value is not None:
            check_text(value, path, max_length=max_length)

    return validate


def _optional_money(path: str) -> Any:
    def validate(_: object, __: object, value: object) -> None:
        if value is not None and not isinstance(value, Money):
            raise InputError.for_field(path, 'must be money, e.g. {"amount": "12.34"}')

    return validate


def _optional_number(path: str) -> Any:
    def validate(_: object, __: object, value: object) -> None:
        if value is not None:
            check_number(value, path)

    return validate


@frozen(kw_only=True)
class AttributeFilter:
    """Match products by a typed attribute: text equality, bool equality or number range."""

    name: str = field(validator=_optional_text("name", ATTRIBUTE_NAME_MAX))
    equals: str | None = field(default=None, validator=_optional_text("equals", 200))
    flag: bool | None = None
    min: Decimal | None = field(default=None, validator=_optional_number("min"))
    max: Decimal | None = field(default=None, validator=_optional_number("max"))

    def __attrs_post_init__(self) -> None:
        if self.flag is not None and not isinstance(self.flag, bool):
            raise InputError.for_field("flag", "must be true or false")
        kinds = sum(
            (self.equals is not None, self.flag is not None, (self.min, self.max) != (None, None))
        )
        if kinds != 1:
            raise InputError.for_field(
                "equals", "give exactly one of: equals (text), flag (bool), min/max (number)"
            )


def _as_tuple(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def _filters(_: object, __: object, value: object) -> None:
    if not isinstance(value, tuple) or not all(isinstance(f, AttributeFilter) for f in value):
        raise InputError.for_field("attributes", "must be a list of attribute filters")
    if len(value) > 10:
        raise InputError.for_field("attributes", "at most 10 attribute filters")


@frozen(kw_only=True)
class ProductSearch:
    """What to look for: every given filter must match (AND).

    ``keyword`` matches a part of the title (case-insensitive for ASCII letters) or, exactly,
    the product code, a SKU code or a barcode. ``category`` includes its descendants.
    ``min_price``/``max_price`` bound the cheapest enabled SKU's price.
    """

    keyword: str | None = field(default=None, validator=_optional_text("keyword", KEYWORD_MAX))
    category: CategoryId | None = field(default=None, validator=_optional_text("category", 64))
    brand: BrandId | None = field(default=None, validator=_optional_text("brand", 64))
    tag: TagId | None = field(default=None, validator=_optional_text("tag", 64))
    status: ProductStatus | None = field(default=None)
    min_price: Money | None = field(default=None, validator=_optional_money("min_price"))
    max_price: Money | None = field(default=None, validator=_optional_money("max_price"))
    attributes: tuple[AttributeFilter, ...] = field(
        default=(), converter=_as_tuple, validator=_filters
    )
    sort: ProductSort = field(default=ProductSort.CREATED)
    descending: bool = False

    def __attrs_post_init__(self) -> None:
        if self.status is not None:
            try:
                object.__setattr__(self, "status", ProductStatus(self.status))
            except ValueError:
                raise InputError.for_field("status", "not a product status") from None
        try:
            object.__setattr__(self, "sort", ProductSort(self.sort))
        except ValueError:
            raise InputError.for_field(
                "sort", f"sort by one of {[s.value for s in ProductSort]}"
            ) from None
        if not isinstance(self.descending, bool):
            raise InputError.for_field("descending", "must be true or false")
        if (
            self.min_price is not None
            and self.max_price is not None
            and self.min_price.currency != self.max_price.currency
        ):
            raise InputError.for_field("max_price", "must be in the currency of min_price")


def sort_value(summary: ProductSummary, sort: ProductSort, price_sort: int) -> str | int:
    """The sort-key value of a row for a cursor."""
    if sort is ProductSort.CREATED:
        return summary.created_at.isoformat()
    if sort is ProductSort.PRICE:
        return price_sort
    return summary.title


def search_cursor(value: str | int, id: str) -> str:
    """The cursor after a row with this sort value and id."""
    return encode_cursor([value, id])


def decode_search_cursor(token: str, sort: ProductSort) -> tuple[str | int, str]:
    """Read back a :func:`search_cursor`; a cursor of another sort is an InputError."""
    value, id = decode_cursor(token, arity=2)
    want_int = sort is ProductSort.PRICE
    if not isinstance(id, str) or value is None or isinstance(value, int) != want_int:
        raise InputError.for_field("after", "not a cursor of this product search")
    if sort is ProductSort.CREATED:
        try:
            datetime.fromisoformat(str(value))
        except ValueError:
            raise InputError.for_field("after", "not a cursor of this product search") from None
    return value, id


#: The price sort key of a product without any priced enabled SKU: after every real price.
NO_PRICE = 2**62


def price_sort_key(min_price: Money | None) -> int:
    """The integer products are sorted by when sorting by price."""
    return NO_PRICE if min_price is None else min_price.minor


def price_range(product: Product) -> tuple[Money | None, Money | None]:
    """The cheapest and dearest prices among the enabled SKUs that have one."""
    prices = [s.price for s in product.skus if s.enabled and s.price is not None]
    if not prices:
        return None, None
    return min(prices), max(prices)
