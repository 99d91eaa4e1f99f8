"""Item-price rules: fixed and flash prices, member prices and discounts, direct discounts."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from attrs import field, frozen

from commerce_core.kernel.money import Money
from commerce_core.pricing.cart import (
    amount,
    optional_amount,
    text,
)
from commerce_core.pricing.rules.common import (
    ALL,
    ItemRule,
    Scope,
    one_of,
    rate_validator,
)


@frozen
class FixedPrice(ItemRule):
    """A fixed price for one SKU; with ``flash`` it is a flash price (秒杀价) and the line
    counts as a flash-sale line from then on."""

    kind: Literal["fixed_price"] = field(default="fixed_price", kw_only=True)
    sku: str = field(validator=text("sku"), kw_only=True)
    price: Money = field(validator=amount("price"), kw_only=True)
    flash: bool = field(default=False, kw_only=True)


@frozen
class TierPrice:
    """A member price for one tier."""

    tier: str = field(validator=text("tier"))
    price: Money = field(validator=amount("price"))


@frozen
class MemberPrice(ItemRule):
    """Member prices (会员价) of one SKU, per membership tier."""

    kind: Literal["member_price"] = field(default="member_price", kw_only=True)
    sku: str = field(validator=text("sku"), kw_only=True)
    prices: tuple[TierPrice, ...] = field(kw_only=True)


@frozen
class TierRate:
    """A member discount rate for one tier (0.9 is 9折)."""

    tier: str = field(validator=text("tier"))
    rate: Decimal = field(validator=rate_validator("rate"))


@frozen
class MemberDiscount(ItemRule):
    """A member tier discount (会员折扣) on the unit prices of the lines in scope."""

    kind: Literal["member_discount"] = field(default="member_discount", kw_only=True)
    rates: tuple[TierRate, ...] = field(kw_only=True)
    scope: Scope = field(default=ALL, kw_only=True)


@frozen
class ItemDiscount(ItemRule):
    """A direct discount on the unit price of the lines in scope: a ``rate`` (0.8 is 8折) or
    a fixed ``amount_off`` per unit (直降)."""

    kind: Literal["item_discount"] = field(default="item_discount", kw_only=True)
    scope: Scope = field(default=ALL, kw_only=True)
    rate: Decimal | None = field(
        default=None, validator=rate_validator("rate", optional=True), kw_only=True
    )
    amount_off: Money | None = field(
        default=None, validator=optional_amount("amount_off", positive=True), kw_only=True
    )

    def __attrs_post_init__(self) -> None:
        one_of(self, ("rate", "amount_off"))
