"""Field validators the catalog's commands share: each refusal names its field."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from commerce_core.catalog.errors import CategoryNotFound
from commerce_core.catalog.ids import BrandId, CategoryId, TagId
from commerce_core.catalog.ports import ProductsContext
from commerce_core.catalog.product_values import check_code, check_money
from commerce_core.kernel.clock import ensure_utc
from commerce_core.kernel.errors import InputError
from commerce_core.kernel.validation import check_text

__all__ = [
    "BULK_MAX",
    "ID_MAX",
    "as_tuple",
    "bool_field",
    "check_references",
    "code_field",
    "ids_field",
    "money_field",
    "optional_text_field",
    "optional_time_field",
    "text_field",
    "tuple_of",
]

ID_MAX = 64
#: The most products or tags one bulk command may name.
BULK_MAX = 1000


def text_field(path: str, max_length: int = ID_MAX) -> Any:
    """A validator: required single-line text."""
    return lambda _, __, v: check_text(v, path, max_length=max_length)


def optional_text_field(path: str, max_length: int = ID_MAX) -> Any:
    """A validator: single-line text or None."""
    return lambda _, __, v: v is None or check_text(v, path, max_length=max_length)


def code_field(path: str) -> Any:
    """A validator: a code without spaces."""
    return lambda _, __, v: check_code(v, path)


def as_tuple(value: object) -> object:
    """Accept a list where a tuple is declared (JSON gives lists)."""
    return tuple(value) if isinstance(value, list) else value


def ids_field(path: str, *, at_least: int = 0) -> Any:
    """A validator: a list of ids, bounded in count."""

    def validate(_: object, __: object, value: object) -> None:
        if not isinstance(value, tuple):
            raise InputError.for_field(path, "must be a list of ids")
        if not at_least <= len(value) <= BULK_MAX:
            raise InputError.for_field(path, f"must list {at_least} to {BULK_MAX} ids")
        for i, item in enumerate(value):
            check_text(item, f"{path}[{i}]", max_length=ID_MAX)

    return validate


def tuple_of(path: str, kind: type) -> Any:
    """A validator: a tuple of instances of ``kind``."""

    def validate(_: object, __: object, value: object) -> None:
        if not isinstance(value, tuple) or not all(isinstance(v, kind) for v in value):
            raise InputError.for_field(path, f"must be a list of {kind.__name__}")

    return validate


def money_field(path: str, *, optional: bool = True) -> Any:
    """A validator: non-negative money (or None if optional)."""
    return lambda _, __, v: check_money(v, path, optional=optional)


def bool_field(path: str) -> Any:
    """A validator: a real bool."""

    def validate(_: object, __: object, value: object) -> None:
        if not isinstance(value, bool):
            raise InputError.for_field(path, "must be true or false")

    return validate


def optional_time_field(path: str) -> Any:
    """A validator: an aware datetime or None."""
    return lambda _, __, v: v is None or ensure_utc(v, path)


def check_references(
    ctx: ProductsContext,
    *,
    brand: BrandId | None = None,
    category: CategoryId | None = None,
    tags: Iterable[TagId] = (),
) -> None:
    """Refuse a brand, category or tag that does not exist (NotFound of each kind)."""
    uow = ctx.uow
    if brand is not None:
        uow.brands.get(brand)
    if category is not None and not uow.products.known_categories([category]):
        raise CategoryNotFound(category)
    for tag in dict.fromkeys(tags):
        uow.tags.get(tag)
