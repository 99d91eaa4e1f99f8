"""Trusted constructors for the values the engine builds itself.

The engine's amounts are ints it computed between 0 and the cart's subtotal (plus the
shipping fee), in the cart's validated currency, checked once against the 64-bit bound
(:func:`check_bounds`); its reasons and stages are enum members already. Re-running every
validator and converter on the ~200 objects of a breakdown would cost more than pricing
the cart, so these build the very same frozen attrs instances (equal, hashable, of the same
class) by setting their slots directly. Internal: never hand them values from outside.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from types import MemberDescriptorType
from typing import Any, Final, TypeVar

import attrs

from commerce_core.kernel.errors import MoneyOverflow
from commerce_core.kernel.money import MINOR_MAX, Money
from commerce_core.pricing.breakdown import (
    Applied,
    CouponChoice,
    Hint,
    LineDiscount,
    LineShare,
    PriceBreakdown,
    PricedLine,
    Rejected,
    ShippingCharge,
)

__all__ = [
    "applied",
    "breakdown",
    "check_bounds",
    "coupon_choice",
    "hint",
    "line_discount",
    "line_share",
    "money_maker",
    "priced_line",
    "rejected",
    "shipping_charge",
]

T = TypeVar("T")


def trusted(cls: type[T]) -> Callable[..., T]:
    """A positional constructor of ``cls`` (an attrs slotted class) that skips validators
    and converters: ``trusted(LineShare)(sku, amount)``."""
    names = [a.name for a in attrs.fields(cls)]  # type: ignore[arg-type]
    params = ", ".join(names)
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls}
    body = ""
    for n in names:
        slot = inspect.getattr_static(cls, n)
        if not isinstance(slot, MemberDescriptorType):  # pragma: no cover - attrs slots
            raise TypeError(f"{cls.__name__}.{n} is not a slot")
        scope[f"set_{n}"] = slot.__set__  # a slot's own setter skips the frozen __setattr__
        body += f"    set_{n}(o, {n})\n"
    source = f"def make({params}):\n    o = new(cls)\n{body}    return o\n"
    exec(source, scope)
    make: Callable[..., T] = scope["make"]
    make.__doc__ = f"Build a {cls.__name__} without validation (trusted engine values)."
    return make


line_share: Final = trusted(LineShare)
line_discount: Final = trusted(LineDiscount)
priced_line: Final = trusted(PricedLine)
applied: Final = trusted(Applied)
rejected: Final = trusted(Rejected)
hint: Final = trusted(Hint)
shipping_charge: Final = trusted(ShippingCharge)
coupon_choice: Final = trusted(CouponChoice)
breakdown: Final = trusted(PriceBreakdown)
_money: Final = trusted(Money)


class _Amounts(dict[int, Money]):
    """minor → Money in one currency, built on first use (``__missing__``)."""

    __slots__ = ("code",)

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code

    def __missing__(self, minor: int) -> Money:
        value = self[minor] = _money(minor, self.code)
        return value


def money_maker(code: str) -> Callable[[int], Money]:
    """Money in ``code`` from trusted minor units, one shared instance per amount (Money
    is immutable, so a breakdown may hold the same ¥5.00 in many places)."""
    return _Amounts(code).__getitem__


def check_bounds(subtotal: int, fee: int) -> None:
    """Refuse a cart whose amounts a ``Money`` cannot hold, before any is built.

    Every amount of a breakdown lies between 0 and the subtotal plus the shipping fee
    (thresholds and rule amounts come from valid Money), so checking those bounds the rest.
    """
    if subtotal > MINOR_MAX:
        raise MoneyOverflow("cart.lines", subtotal)
    if fee > MINOR_MAX:
        raise MoneyOverflow("shipping.fee", fee)
    if subtotal + fee > MINOR_MAX:
        raise MoneyOverflow("total", subtotal + fee)
