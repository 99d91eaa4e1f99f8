"""The rules the engine applies, as data: kinds, scopes, eligibility and the stacking policy.

Every rule has a stable ``id`` (the final tie-break everywhere), a ``priority`` (higher
first), an optional ``stacking_group`` (at most one rule of a group applies — to an order,
or for item prices to a line), an ``exclusive`` flag (it applies alone in its stage) and
``with_promotions`` / ``with_coupons`` flags (lines it touched take no order promotion or
coupon afterwards). A rate is what the customer pays: ``Decimal("0.9")`` is 9折, 10% off.
"""

from __future__ import annotations

from typing import Any, Final

from attrs import field, frozen

from commerce_core.kernel.errors import InputError
from commerce_core.kernel.money import Rounding, rounding_mode
from commerce_core.pricing.cart import enum_of, text, whole
from commerce_core.pricing.rules.checkout import (
    Coupon,
    PointsRedemption,
    ShippingBasis,
    ShippingCoupon,
    ShippingTemplate,
    TierThreshold,
)
from commerce_core.pricing.rules.common import (
    DEFAULT_STAGES,
    Eligibility,
    Scope,
    Stage,
    features,
)
from commerce_core.pricing.rules.items import (
    FixedPrice,
    ItemDiscount,
    MemberDiscount,
    MemberPrice,
    TierPrice,
    TierRate,
)
from commerce_core.pricing.rules.promotions import (
    BundlePrice,
    BuyXGetY,
    DiscountTier,
    EveryReduction,
    ReductionTier,
    TieredDiscount,
    TieredReduction,
)

__all__ = [
    "DEFAULT_STAGES",
    "STAGE_OF",
    "BundlePrice",
    "BuyXGetY",
    "Coupon",
    "CouponLimit",
    "DiscountTier",
    "Eligibility",
    "EveryReduction",
    "FixedPrice",
    "ItemDiscount",
    "MemberDiscount",
    "MemberPrice",
    "PointsRedemption",
    "PricingPolicy",
    "ReductionTier",
    "Rule",
    "Scope",
    "ShippingBasis",
    "ShippingCoupon",
    "ShippingTemplate",
    "Stage",
    "TierPrice",
    "TierRate",
    "TierThreshold",
    "TieredDiscount",
    "TieredReduction",
    "features",
]


#: Any rule; JSON picks the class by its ``kind``.
Rule = (
    FixedPrice
    | MemberPrice
    | MemberDiscount
    | ItemDiscount
    | TieredReduction
    | EveryReduction
    | TieredDiscount
    | BuyXGetY
    | BundlePrice
    | Coupon
    | ShippingCoupon
    | PointsRedemption
    | ShippingTemplate
)

STAGE_OF: Final[dict[str, Stage]] = {
    "fixed_price": Stage.ITEM,
    "member_price": Stage.ITEM,
    "member_discount": Stage.ITEM,
    "item_discount": Stage.ITEM,
    "tiered_reduction": Stage.PROMOTION,
    "every_reduction": Stage.PROMOTION,
    "tiered_discount": Stage.PROMOTION,
    "buy_x_get_y": Stage.PROMOTION,
    "bundle_price": Stage.PROMOTION,
    "coupon": Stage.COUPON,
    "shipping_coupon": Stage.SHIPPING,
    "points": Stage.POINTS,
    "shipping_template": Stage.SHIPPING,
}


@frozen
class CouponLimit:
    """At most ``max`` coupons of ``kind`` on one order."""

    kind: str = field(validator=text("kind"))
    max: int = field(validator=whole("max", 0))


def _stage_tuple(value: Any) -> tuple[Stage, ...]:
    if not isinstance(value, tuple | list):
        raise InputError.for_field("stages", "expected a list of stages")
    read = enum_of(Stage, "stages")
    return tuple(read(v) for v in value)


def _stages(_: Any, __: Any, value: Any) -> None:
    if sorted(value) != sorted(DEFAULT_STAGES) or value[-1] is not Stage.SHIPPING:
        raise InputError.for_field(
            "stages", "list each stage once, with shipping last (it measures the final goods)"
        )


@frozen
class PricingPolicy:
    """The stacking policy and order of application, as data.

    ``coupon_limits``: per coupon kind, how many coupons one order may use (a kind not
    listed: one). Flash-sale (秒杀) and group-buy (拼团) lines take no order promotion and no
    coupon unless the matching flag says so. ``rounding`` rounds every rate once.
    """

    stages: tuple[Stage, ...] = field(
        default=DEFAULT_STAGES, converter=_stage_tuple, validator=_stages
    )
    coupon_limits: tuple[CouponLimit, ...] = (CouponLimit("shop", 1), CouponLimit("shipping", 1))
    flash_sale_with_promotions: bool = False
    flash_sale_with_coupons: bool = False
    group_buy_with_promotions: bool = False
    group_buy_with_coupons: bool = False
    rounding: Rounding = field(default=Rounding.HALF_UP, converter=rounding_mode)

    def coupon_limit(self, kind: str) -> int:
        """How many coupons of ``kind`` one order may use."""
        for limit in self.coupon_limits:
            if limit.kind == kind:
                return limit.max
        return 1
