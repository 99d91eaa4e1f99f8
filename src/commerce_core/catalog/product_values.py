"""Value objects of a product: its lifecycle table, spec attributes, SKUs, price changes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Final

from attrs import field, frozen

from commerce_core.catalog.ids import SkuId
from commerce_core.catalog.media import MediaKind, MediaRef
from commerce_core.kernel.errors import InputError
from commerce_core.kernel.money import Money
from commerce_core.kernel.validation import check_text

__all__ = [
    "CODE_MAX",
    "DESCRIPTION_MAX",
    "PRODUCT_TRANSITIONS",
    "SKUS_PER_PRODUCT_MAX",
    "SPECS_PER_PRODUCT_MAX",
    "SPEC_NAME_MAX",
    "SPEC_VALUE_MAX",
    "TITLE_MAX",
    "PriceChange",
    "ProductStatus",
    "Sku",
    "SkuInput",
    "SpecAttribute",
    "check_code",
    "check_description",
    "check_money",
    "check_weight",
    "optional_code",
]

_SPACE = re.compile(r"\s")

TITLE_MAX = 200
DESCRIPTION_MAX = 20_000
CODE_MAX = 64
SPEC_NAME_MAX = 32
SPEC_VALUE_MAX = 64
SPECS_PER_PRODUCT_MAX = 5
#: The most SKUs one product's spec matrix may make (颜色 × 尺码 × … multiplies fast).
SKUS_PER_PRODUCT_MAX = 1000


class ProductStatus(StrEnum):
    """Where a product is in its lifecycle."""

    DRAFT = "draft"  # 草稿: being prepared, not for sale
    ON_SHELF = "on_shelf"  # 上架: for sale
    OFF_SHELF = "off_shelf"  # 下架: withdrawn, may return
    ARCHIVED = "archived"  # 归档: retired for good; kept because orders point at it


#: The lifecycle as data: a move not listed here is an ``InvalidTransition``.
PRODUCT_TRANSITIONS: Final[Mapping[ProductStatus, frozenset[ProductStatus]]] = MappingProxyType(
    {
        ProductStatus.DRAFT: frozenset({ProductStatus.ON_SHELF, ProductStatus.ARCHIVED}),
        ProductStatus.ON_SHELF: frozenset({ProductStatus.OFF_SHELF}),
        ProductStatus.OFF_SHELF: frozenset({ProductStatus.ON_SHELF, ProductStatus.ARCHIVED}),
        ProductStatus.ARCHIVED: frozenset(),
    }
)


def check_code(value: object, path: str) -> str:
    """A product or SKU code, or a barcode: visible text without spaces, at most 64 long."""
    text = check_text(value, path, max_length=CODE_MAX)
    if _SPACE.search(text):
        raise InputError.for_field(path, "must not contain spaces")
    return text


def check_description(value: object, path: str = "description") -> str:
    """A description is stored as given (several lines, markup …); only size and NUL are refused."""
    if not isinstance(value, str):
        raise InputError.for_field(path, f"expected text, got {type(value).__name__}")
    if len(value) > DESCRIPTION_MAX:
        raise InputError.for_field(path, f"must be at most {DESCRIPTION_MAX} characters")
    if "\x00" in value:
        raise InputError.for_field(path, "must not contain NUL characters")
    return value


def check_money(value: object, path: str, *, optional: bool = True) -> Money | None:
    """A price, list price or cost: a non-negative :class:`Money` (or None when optional)."""
    if value is None:
        if optional:
            return None
        raise InputError.for_field(path, "required")
    if not isinstance(value, Money):
        raise InputError.for_field(path, 'must be money, e.g. {"amount": "12.34"}')
    if value.is_negative():
        raise InputError.for_field(path, "must not be negative")
    return value


def check_weight(value: Any, path: str = "weight_grams") -> int | None:
    """A weight in whole grams, or None."""
    if value is not None and (type(value) is not int or not 0 <= value <= 10**9):
        raise InputError.for_field(path, "must be whole grams from 0 to 1,000,000,000")
    return value


def _opt_code(path: str) -> Any:
    def validate(_: object, __: object, value: Any) -> None:
        if value is not None:
            check_code(value, path)

    return validate


optional_code = _opt_code


def _text_tuple(path: str, max_length: int) -> Any:
    def validate(_: object, __: object, value: object) -> None:
        if not isinstance(value, tuple):
            raise InputError.for_field(path, "must be a list of texts")
        for i, item in enumerate(value):
            check_text(item, f"{path}[{i}]", max_length=max_length)

    return validate


def _as_tuple(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


@frozen
class SpecAttribute:
    """A spec attribute (规格) and its values in display order: 颜色 → (红, 蓝)."""

    name: str = field(validator=lambda _, __, v: check_text(v, "name", max_length=SPEC_NAME_MAX))
    values: tuple[str, ...] = field(
        converter=_as_tuple, validator=_text_tuple("values", SPEC_VALUE_MAX)
    )


def _media(path: str) -> Any:
    def validate(_: object, __: object, value: object) -> None:
        if not isinstance(value, tuple) or not all(isinstance(m, MediaRef) for m in value):
            raise InputError.for_field(path, "must be a list of media references")

    return validate


@frozen(kw_only=True)
class SkuInput:
    """What a caller says about one SKU: its spec options and, optionally, everything else.

    ``options`` holds one value per spec attribute, in the product's spec order.
    """

    options: tuple[str, ...] = field(
        converter=_as_tuple, validator=_text_tuple("options", SPEC_VALUE_MAX)
    )
    code: str | None = field(default=None, validator=_opt_code("code"))
    price: Money | None = field(default=None, validator=lambda _, __, v: check_money(v, "price"))
    list_price: Money | None = field(
        default=None, validator=lambda _, __, v: check_money(v, "list_price")
    )
    cost: Money | None = field(default=None, validator=lambda _, __, v: check_money(v, "cost"))
    weight_grams: int | None = field(default=None, validator=lambda _, __, v: check_weight(v))
    barcode: str | None = field(default=None, validator=_opt_code("barcode"))
    media: tuple[MediaRef, ...] = field(default=(), converter=_as_tuple, validator=_media("media"))
    enabled: bool = field(default=True)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.enabled, bool):
            raise InputError.for_field("enabled", "must be true or false")


@frozen
class Sku:
    """One sellable variant (库存单位): a combination of spec values with its own code and price.

    SKUs are never deleted (orders point at them); a SKU that should not be sold is disabled.
    """

    id: SkuId
    code: str
    options: tuple[str, ...]
    price: Money | None = None
    list_price: Money | None = None
    cost: Money | None = None
    weight_grams: int | None = None
    barcode: str | None = None
    media: tuple[MediaRef, ...] = ()
    enabled: bool = True

    @property
    def image(self) -> MediaRef | None:
        """The SKU's first image, if it has one."""
        return next((m for m in self.media if m.kind is MediaKind.IMAGE), None)


@frozen
class PriceChange:
    """One entry of the price history (价格历史): who changed which SKU's price, when, from what."""

    sku: SkuId
    code: str
    old_price: Money | None
    new_price: Money | None
    old_list_price: Money | None
    new_list_price: Money | None
    by: str
    at: datetime
