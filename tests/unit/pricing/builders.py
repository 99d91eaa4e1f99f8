"""Short builders for pricing tests: carts, contexts and amounts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from commerce_core.kernel import Money
from commerce_core.pricing import CartLine, HeldCoupon, PricingContext

SHANGHAI = timezone(timedelta(hours=8))
#: 618 shopping festival, 10:00 Beijing time: the moment most examples are priced at.
AT = datetime(2026, 6, 18, 10, 0, tzinfo=SHANGHAI)


def m(amount: str, code: str = "CNY") -> Money:
    """Money from a major-unit string."""
    return Money.of(amount, code)


def line(sku: str, qty: int, unit: str, code: str = "CNY", **kw: Any) -> CartLine:
    """A cart line of ``qty`` × ``unit``."""
    return CartLine(sku, qty, Money.of(unit, code), **kw)


def held(*templates: str, issued_at: datetime | None = None) -> tuple[HeldCoupon, ...]:
    """One held coupon per template, with ids ``c-<template>``."""
    return tuple(HeldCoupon(f"c-{t}", t, issued_at) for t in templates)


def context(**kw: Any) -> PricingContext:
    """A pricing context at :data:`AT` unless told otherwise."""
    kw.setdefault("at", AT)
    return PricingContext(**kw)
