"""Coupons, points redemption and shipping templates."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

from attrs import field, frozen

from commerce_core.kernel.errors import InputError
from commerce_core.kernel.money import Money
from commerce_core.pricing.cart import (
    amount,
    enum_of,
    optional_amount,
    optional_aware,
    text,
    texts,
    whole,
)
from commerce_core.pricing.rules.common import (
    ALL,
    Common,
    Scope,
    one_of,
    rate_validator,
)


@frozen
class _CouponCommon(Common):
    threshold: Money | None = field(
        default=None, validator=optional_amount("threshold", positive=True), kw_only=True
    )
    valid_from: datetime | None = field(
        default=None, validator=optional_aware("valid_from"), kw_only=True
    )
    valid_until: datetime | None = field(
        default=None, validator=optional_aware("valid_until"), kw_only=True
    )
    valid_days: int | None = field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.valid_days is not None:
            whole("valid_days", 1)(self, None, self.valid_days)


@frozen
class Coupon(_CouponCommon):
    """A coupon template (优惠券): ``amount_off``, or a ``rate`` with an optional ``cap``;
    an optional ``threshold`` on the lines in scope (after promotions); valid between
    ``valid_from`` and ``valid_until``, or for ``valid_days`` after issue.

    ``coupon_kind`` counts against the policy's per-kind limit (default one ``shop``).
    """

    kind: Literal["coupon"] = field(default="coupon", kw_only=True)
    coupon_kind: str = field(default="shop", validator=text("coupon_kind"), kw_only=True)
    amount_off: Money | None = field(
        default=None, validator=optional_amount("amount_off", positive=True), kw_only=True
    )
    rate: Decimal | None = field(
        default=None, validator=rate_validator("rate", optional=True), kw_only=True
    )
    cap: Money | None = field(
        default=None, validator=optional_amount("cap", positive=True), kw_only=True
    )
    scope: Scope = field(default=ALL, kw_only=True)

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        one_of(self, ("amount_off", "rate"))
        if self.cap is not None and self.rate is None:
            raise InputError.for_field("cap", "a cap bounds a percentage coupon only")


@frozen
class ShippingCoupon(_CouponCommon):
    """A shipping coupon (运费券): free shipping, or ``amount_off`` the fee, when the goods
    (after all discounts) reach the optional ``threshold``."""

    kind: Literal["shipping_coupon"] = field(default="shipping_coupon", kw_only=True)
    coupon_kind: str = field(default="shipping", validator=text("coupon_kind"), kw_only=True)
    amount_off: Money | None = field(
        default=None, validator=optional_amount("amount_off", positive=True), kw_only=True
    )


@frozen
class PointsRedemption(Common):
    """Points redemption (积分抵扣): ``points_per_unit`` points are worth ``unit_value``
    (100 points = ¥1), redeemed in multiples of ``step``, for at most ``max_share`` of the
    goods after coupons."""

    kind: Literal["points"] = field(default="points", kw_only=True)
    points_per_unit: int = field(validator=whole("points_per_unit", 1), kw_only=True)
    unit_value: Money = field(validator=amount("unit_value", positive=True), kw_only=True)
    step: int = field(validator=whole("step", 1), kw_only=True)
    max_share: Decimal = field(validator=rate_validator("max_share"), kw_only=True)

    def __attrs_post_init__(self) -> None:
        if (self.step * self.unit_value.minor) % self.points_per_unit:
            raise InputError.for_field(
                "step", "a step of points must be worth a whole number of minor units"
            )


class ShippingBasis(StrEnum):
    """What a shipping template charges by."""

    WEIGHT = "weight"  # first weight + each additional weight, in grams
    PIECE = "piece"  # first pieces + each additional pieces


def _to_basis(value: Any) -> ShippingBasis:
    return enum_of(ShippingBasis, "basis")(value)


@frozen
class TierThreshold:
    """A free-shipping threshold for one membership tier."""

    tier: str = field(validator=text("tier"))
    threshold: Money = field(validator=amount("threshold"))


@frozen
class ShippingTemplate(Common):
    """A shipping template (运费模板) for some destination ``regions`` (none: everywhere).

    Fee: ``first_fee`` covers the first ``first`` grams or pieces, then ``additional_fee`` for
    each started ``additional`` more. Free when the goods after all discounts reach
    ``free_above`` or the customer tier's threshold in ``tier_free_above``.
    """

    kind: Literal["shipping_template"] = field(default="shipping_template", kw_only=True)
    regions: tuple[str, ...] = field(default=(), validator=texts("regions"), kw_only=True)
    basis: ShippingBasis = field(default=ShippingBasis.WEIGHT, converter=_to_basis, kw_only=True)
    first: int = field(validator=whole("first", 1), kw_only=True)
    first_fee: Money = field(validator=amount("first_fee"), kw_only=True)
    additional: int = field(validator=whole("additional", 1), kw_only=True)
    additional_fee: Money = field(validator=amount("additional_fee"), kw_only=True)
    free_above: Money | None = field(
        default=None, validator=optional_amount("free_above"), kw_only=True
    )
    tier_free_above: tuple[TierThreshold, ...] = field(default=(), kw_only=True)
