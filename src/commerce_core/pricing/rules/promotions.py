"""Order promotions: 满减, 每满减, 满折, buy X get Y, N for ¥M."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from attrs import field, frozen

from commerce_core.kernel.errors import InputError
from commerce_core.kernel.money import Money
from commerce_core.pricing.cart import (
    amount,
    optional_amount,
    whole,
)
from commerce_core.pricing.rules.common import (
    ALL,
    Common,
    Scope,
    one_of,
    rate_validator,
    tiers_given,
)


@frozen
class ReductionTier:
    """One tier of 满减: spend ``threshold``, get ``off`` off."""

    threshold: Money = field(validator=amount("threshold", positive=True))
    off: Money = field(validator=amount("off", positive=True))


@frozen
class TieredReduction(Common):
    """Tiered full reduction (满减): the highest tier whose threshold the lines in scope
    reach (measured after item prices) takes its amount off."""

    kind: Literal["tiered_reduction"] = field(default="tiered_reduction", kw_only=True)
    tiers: tuple[ReductionTier, ...] = field(kw_only=True, validator=tiers_given)
    scope: Scope = field(default=ALL, kw_only=True)


@frozen
class EveryReduction(Common):
    """ "Every ¥X off ¥Y" (每满减), at most ``cap`` in all."""

    kind: Literal["every_reduction"] = field(default="every_reduction", kw_only=True)
    every: Money = field(validator=amount("every", positive=True), kw_only=True)
    off: Money = field(validator=amount("off", positive=True), kw_only=True)
    cap: Money | None = field(
        default=None, validator=optional_amount("cap", positive=True), kw_only=True
    )
    scope: Scope = field(default=ALL, kw_only=True)


@frozen
class DiscountTier:
    """One tier of 满折: reach ``min_amount`` or ``min_items``, pay ``rate``."""

    rate: Decimal = field(validator=rate_validator("rate"))
    min_amount: Money | None = field(
        default=None, validator=optional_amount("min_amount", positive=True)
    )
    min_items: int | None = None

    def __attrs_post_init__(self) -> None:
        one_of(self, ("min_amount", "min_items"))
        if self.min_items is not None:
            whole("min_items", 1)(self, None, self.min_items)


@frozen
class TieredDiscount(Common):
    """Tiered discount (满折) by amount or by item count: 2 items 9折, 3 items 8折."""

    kind: Literal["tiered_discount"] = field(default="tiered_discount", kw_only=True)
    tiers: tuple[DiscountTier, ...] = field(kw_only=True, validator=tiers_given)
    scope: Scope = field(default=ALL, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if len({t.min_items is None for t in self.tiers}) != 1:
            raise InputError.for_field("tiers", "all tiers count amounts, or all count items")


@frozen
class BuyXGetY(Common):
    """Buy ``buy`` get ``free`` (买X送Y): in every ``buy + free`` units in scope the cheapest
    ``free`` are free."""

    kind: Literal["buy_x_get_y"] = field(default="buy_x_get_y", kw_only=True)
    buy: int = field(validator=whole("buy", 1), kw_only=True)
    free: int = field(validator=whole("free", 1), kw_only=True)
    scope: Scope = field(default=ALL, kw_only=True)


@frozen
class BundlePrice(Common):
    """N for ¥M (任选N件M元): every ``count`` units in scope, dearest first, cost ``price``."""

    kind: Literal["bundle_price"] = field(default="bundle_price", kw_only=True)
    count: int = field(validator=whole("count", 2), kw_only=True)
    price: Money = field(validator=amount("price"), kw_only=True)
    scope: Scope = field(default=ALL, kw_only=True)
