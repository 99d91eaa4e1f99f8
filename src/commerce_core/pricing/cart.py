"""What is priced: the cart and its lines, and the customer context around it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import Enum
from typing import Any, TypeVar

from attrs import field, frozen

from commerce_core.kernel.clock import ensure_utc
from commerce_core.kernel.errors import CurrencyMismatch, InputError
from commerce_core.kernel.money import Money, currency
from commerce_core.kernel.validation import check_text

__all__ = ["Cart", "CartLine", "HeldCoupon", "PricingContext"]

TEXT_MAX = 200
Validator = Callable[[Any, Any, Any], None]
E = TypeVar("E", bound=Enum)


def text(path: str) -> Validator:
    """A validator for one short single-line text."""

    def validate(_: Any, __: Any, value: Any) -> None:
        check_text(value, path, max_length=TEXT_MAX)

    return validate


def optional_text(path: str) -> Validator:
    """Like :func:`text`, but ``None`` passes."""

    def validate(_: Any, __: Any, value: Any) -> None:
        if value is not None:
            check_text(value, path, max_length=TEXT_MAX)

    return validate


def texts(path: str) -> Validator:
    """A validator for a tuple of short texts."""

    def validate(_: Any, __: Any, value: Any) -> None:
        if not isinstance(value, tuple):
            raise InputError.for_field(path, "expected a list of texts")
        for i, item in enumerate(value):
            check_text(item, f"{path}[{i}]", max_length=TEXT_MAX)

    return validate


def whole(path: str, minimum: int) -> Validator:
    """A validator for an int of at least ``minimum`` (bools refused)."""

    def validate(_: Any, __: Any, value: Any) -> None:
        if type(value) is not int or value < minimum:
            raise InputError.for_field(path, f"must be a whole number >= {minimum}, got {value!r}")

    return validate


def amount(path: str, *, positive: bool = False) -> Validator:
    """A validator for Money that is not negative (or, with ``positive``, above zero)."""

    def validate(_: Any, __: Any, value: Any) -> None:
        if not isinstance(value, Money):
            raise InputError.for_field(path, "must be Money")
        if value.minor < 0 or (positive and value.minor == 0):
            raise InputError.for_field(path, "must be above zero" if positive else "must be >= 0")

    return validate


def optional_amount(path: str, *, positive: bool = False) -> Validator:
    """Like :func:`amount`, but ``None`` passes."""
    check = amount(path, positive=positive)

    def validate(a: Any, b: Any, value: Any) -> None:
        if value is not None:
            check(a, b, value)

    return validate


def aware(path: str) -> Validator:
    """A validator for an aware datetime (naive times are ambiguous)."""

    def validate(_: Any, __: Any, value: Any) -> None:
        if not isinstance(value, datetime) or value.utcoffset() is None:
            raise InputError.for_field(path, "must be a datetime with a time zone")

    return validate


def optional_aware(path: str) -> Validator:
    """Like :func:`aware`, but ``None`` passes."""
    check = aware(path)

    def validate(a: Any, b: Any, value: Any) -> None:
        if value is not None:
            check(a, b, value)

    return validate


def enum_of(cls: type[E], path: str) -> Callable[[Any], E]:
    """An attrs converter reading an enum member from itself or its value.

    The JSON edge reads a ``StrEnum`` as its plain string; this makes it the member again,
    and a value outside the enum an :class:`InputError` naming the field.
    """

    def convert(value: Any) -> E:
        if isinstance(value, cls):
            return value
        try:
            return cls(value)
        except ValueError:
            raise InputError.for_field(
                path, f"expected one of {[m.value for m in cls]}, got {value!r}"
            ) from None

    return convert


@frozen
class CartLine:
    """One line of a cart: a SKU, how many, at what list price, and what it belongs to.

    ``category_path`` lists the line's category and its ancestors (root first), so a rule
    scoped to a category also covers its subcategories. ``weight_grams`` is per unit and
    feeds weight-based shipping. ``flash_sale`` (秒杀) and ``group_buy`` (拼团) lines are
    kept out of promotions and coupons unless the stacking policy lets them in.
    """

    sku: str = field(validator=text("sku"))
    quantity: int = field(validator=whole("quantity", 1))
    unit_price: Money = field(validator=amount("unit_price"))
    product: str | None = field(default=None, validator=optional_text("product"))
    category_path: tuple[str, ...] = field(default=(), validator=texts("category_path"))
    brand: str | None = field(default=None, validator=optional_text("brand"))
    tags: tuple[str, ...] = field(default=(), validator=texts("tags"))
    weight_grams: int = field(default=0, validator=whole("weight_grams", 0))
    flash_sale: bool = False
    group_buy: bool = False

    @property
    def subtotal(self) -> Money:
        """List price times quantity."""
        return Money(self.unit_price.minor * self.quantity, self.unit_price.currency)


def _lines(_: Any, __: Any, value: Any) -> None:
    if not isinstance(value, tuple) or not value:
        raise InputError.for_field("lines", "a cart needs at least one line")
    seen: set[str] = set()
    for i, line in enumerate(value):
        if not isinstance(line, CartLine):
            raise InputError.for_field(f"lines[{i}]", "expected a CartLine")
        if line.sku in seen:
            raise InputError.for_field(
                f"lines[{i}].sku", f"SKU {line.sku!r} appears twice; merge the lines"
            )
        seen.add(line.sku)


def _currency(_: Any, __: Any, value: Any) -> None:
    currency(value)


@frozen
class Cart:
    """The lines to price, all in one currency (mixing currencies is refused)."""

    lines: tuple[CartLine, ...] = field(validator=_lines)
    currency: str = field(default="CNY", validator=_currency)

    def __attrs_post_init__(self) -> None:
        for line in self.lines:
            if line.unit_price.currency != self.currency:
                raise CurrencyMismatch(self.currency, line.unit_price.currency)


@frozen
class HeldCoupon:
    """A coupon instance the customer holds: its own id, its template rule and issue time.

    ``issued_at`` anchors a validity window relative to issue ("valid 7 days").
    """

    id: str = field(validator=text("id"))
    template: str = field(validator=text("template"))
    issued_at: datetime | None = field(default=None, validator=optional_aware("issued_at"))


def _coupons(_: Any, __: Any, value: Any) -> None:
    seen: set[str] = set()
    for i, held in enumerate(value):
        if held.id in seen:
            raise InputError.for_field(f"coupons[{i}].id", f"coupon {held.id!r} is listed twice")
        seen.add(held.id)


@frozen
class PricingContext:
    """Who buys, when, where and how: everything besides the cart that changes a price.

    ``selected_coupons`` is ``None`` to let the engine choose the best combination of the
    held ``coupons``; a tuple applies exactly those coupon ids (``()`` applies none).
    ``points`` is how many points the customer wants to redeem.
    """

    at: datetime = field(validator=aware("at"), converter=ensure_utc)
    customer_tier: str | None = field(default=None, validator=optional_text("customer_tier"))
    segments: tuple[str, ...] = field(default=(), validator=texts("segments"))
    first_order: bool = False
    channel: str | None = field(default=None, validator=optional_text("channel"))
    region: str | None = field(default=None, validator=optional_text("region"))
    points: int = field(default=0, validator=whole("points", 0))
    coupons: tuple[HeldCoupon, ...] = field(default=(), validator=_coupons)
    selected_coupons: tuple[str, ...] | None = None
