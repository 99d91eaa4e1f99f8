"""The rules the engine applies, as data: kinds, scopes, eligibility and the stacking policy.

Every rule has a stable ``id`` (the final tie-break everywhere), a ``priority`` (higher
first), an optional ``stacking_group`` (at most one rule of a group applies — to an order,
or for item prices to a line), an ``exclusive`` flag (it applies alone in its stage) and
``with_promotions`` / ``with_coupons`` flags (lines it touched take no order promotion or
coupon afterwards). A rate is what the customer pays: ``Decimal("0.9")`` is 9折, 10% off.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final, Literal

from attrs import field, frozen

from commerce_core.kernel.errors import InputError
from commerce_core.kernel.money import Money, Rounding, rounding_mode
from commerce_core.pricing.cart import (
    CartLine,
    amount,
    enum_of,
    optional_amount,
    optional_aware,
    optional_text,
    text,
    texts,
    whole,
)

__all__ = [
    "DEFAULT_STAGES",
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
]


class Stage(StrEnum):
    """The stages of pricing; :data:`DEFAULT_STAGES` is their default order."""

    ITEM = "item"  # item prices: flash price, member price, direct discounts
    PROMOTION = "promotion"  # order promotions: 满减, 满折, buy X get Y, N for ¥M
    COUPON = "coupon"  # shop coupons (shipping coupons act in the shipping stage)
    POINTS = "points"  # points redemption
    SHIPPING = "shipping"  # shipping fee, free-shipping thresholds and coupons


DEFAULT_STAGES: Final = (Stage.ITEM, Stage.PROMOTION, Stage.COUPON, Stage.POINTS, Stage.SHIPPING)


def _rate(path: str, *, optional: bool = False) -> Any:
    def validate(_: Any, __: Any, value: Any) -> None:
        if value is None and optional:
            return
        if not isinstance(value, Decimal) or not value.is_finite() or not 0 <= value <= 1:
            raise InputError.for_field(
                path, f"a rate is a Decimal from 0 to 1 (0.9 is 9折), got {value!r}"
            )

    return validate


@frozen
class Scope:
    """Which lines a rule covers: all lines unless something is included; then exclusions.

    A category matches any line whose ``category_path`` contains it (so subcategories too).
    """

    categories: tuple[str, ...] = field(default=(), validator=texts("categories"))
    brands: tuple[str, ...] = field(default=(), validator=texts("brands"))
    products: tuple[str, ...] = field(default=(), validator=texts("products"))
    skus: tuple[str, ...] = field(default=(), validator=texts("skus"))
    tags: tuple[str, ...] = field(default=(), validator=texts("tags"))
    exclude_categories: tuple[str, ...] = field(default=(), validator=texts("exclude_categories"))
    exclude_brands: tuple[str, ...] = field(default=(), validator=texts("exclude_brands"))
    exclude_products: tuple[str, ...] = field(default=(), validator=texts("exclude_products"))
    exclude_skus: tuple[str, ...] = field(default=(), validator=texts("exclude_skus"))
    exclude_tags: tuple[str, ...] = field(default=(), validator=texts("exclude_tags"))

    _include: frozenset[tuple[str, str]] = field(init=False, eq=False, repr=False)
    _exclude: frozenset[tuple[str, str]] = field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        def tagged(*pairs: tuple[str, tuple[str, ...]]) -> frozenset[tuple[str, str]]:
            return frozenset((tag, value) for tag, values in pairs for value in values)

        object.__setattr__(
            self,
            "_include",
            tagged(
                ("category", self.categories),
                ("brand", self.brands),
                ("product", self.products),
                ("sku", self.skus),
                ("tag", self.tags),
            ),
        )
        object.__setattr__(
            self,
            "_exclude",
            tagged(
                ("category", self.exclude_categories),
                ("brand", self.exclude_brands),
                ("product", self.exclude_products),
                ("sku", self.exclude_skus),
                ("tag", self.exclude_tags),
            ),
        )

    def matches(self, line: CartLine) -> bool:
        """Whether ``line`` is in this scope."""
        return self.matches_features(features(line))

    def matches_features(self, feats: frozenset[tuple[str, str]]) -> bool:
        """Like :meth:`matches`, given the line's :func:`features`."""
        if not self._exclude.isdisjoint(feats):
            return False
        return not self._include or not self._include.isdisjoint(feats)


def features(line: CartLine) -> frozenset[tuple[str, str]]:
    """What a scope can match on a line: its SKU, product, brand, categories and tags."""
    out = {("sku", line.sku)}
    if line.product is not None:
        out.add(("product", line.product))
    if line.brand is not None:
        out.add(("brand", line.brand))
    out.update(("category", c) for c in line.category_path)
    out.update(("tag", t) for t in line.tags)
    return frozenset(out)


@frozen
class Eligibility:
    """Who and when: tiers, segments, channels, first order only, an absolute window.

    Empty tuples mean anyone; ``valid_until`` is exclusive.
    """

    tiers: tuple[str, ...] = field(default=(), validator=texts("tiers"))
    segments: tuple[str, ...] = field(default=(), validator=texts("segments"))
    channels: tuple[str, ...] = field(default=(), validator=texts("channels"))
    first_order_only: bool = False
    valid_from: datetime | None = field(default=None, validator=optional_aware("valid_from"))
    valid_until: datetime | None = field(default=None, validator=optional_aware("valid_until"))


_ANYONE: Final = Eligibility()
_ALL: Final = Scope()


@frozen
class _Common:
    id: str = field(validator=text("id"), kw_only=True)
    name: str | None = field(default=None, validator=optional_text("name"), kw_only=True)
    priority: int = field(default=0, validator=whole("priority", -(2**31)), kw_only=True)
    stacking_group: str | None = field(
        default=None, validator=optional_text("stacking_group"), kw_only=True
    )
    exclusive: bool = field(default=False, kw_only=True)
    with_promotions: bool = field(default=True, kw_only=True)
    with_coupons: bool = field(default=True, kw_only=True)
    eligibility: Eligibility = field(default=_ANYONE, kw_only=True)


@frozen
class _ItemRule(_Common):
    stacking_group: str | None = field(
        default="item_price", validator=optional_text("stacking_group"), kw_only=True
    )


@frozen
class FixedPrice(_ItemRule):
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
class MemberPrice(_ItemRule):
    """Member prices (会员价) of one SKU, per membership tier."""

    kind: Literal["member_price"] = field(default="member_price", kw_only=True)
    sku: str = field(validator=text("sku"), kw_only=True)
    prices: tuple[TierPrice, ...] = field(kw_only=True)


@frozen
class TierRate:
    """A member discount rate for one tier (0.9 is 9折)."""

    tier: str = field(validator=text("tier"))
    rate: Decimal = field(validator=_rate("rate"))


@frozen
class MemberDiscount(_ItemRule):
    """A member tier discount (会员折扣) on the unit prices of the lines in scope."""

    kind: Literal["member_discount"] = field(default="member_discount", kw_only=True)
    rates: tuple[TierRate, ...] = field(kw_only=True)
    scope: Scope = field(default=_ALL, kw_only=True)


def _one_of(instance: Any, names: tuple[str, str]) -> None:
    given = [n for n in names if getattr(instance, n) is not None]
    if len(given) != 1:
        raise InputError.for_field(names[0], f"give exactly one of {' or '.join(names)}")


@frozen
class ItemDiscount(_ItemRule):
    """A direct discount on the unit price of the lines in scope: a ``rate`` (0.8 is 8折) or
    a fixed ``amount_off`` per unit (直降)."""

    kind: Literal["item_discount"] = field(default="item_discount", kw_only=True)
    scope: Scope = field(default=_ALL, kw_only=True)
    rate: Decimal | None = field(default=None, validator=_rate("rate", optional=True), kw_only=True)
    amount_off: Money | None = field(
        default=None, validator=optional_amount("amount_off", positive=True), kw_only=True
    )

    def __attrs_post_init__(self) -> None:
        _one_of(self, ("rate", "amount_off"))


@frozen
class ReductionTier:
    """One tier of 满减: spend ``threshold``, get ``off`` off."""

    threshold: Money = field(validator=amount("threshold", positive=True))
    off: Money = field(validator=amount("off", positive=True))


def _tiers(_: Any, __: Any, value: Any) -> None:
    if not isinstance(value, tuple) or not value:
        raise InputError.for_field("tiers", "need at least one tier")


@frozen
class TieredReduction(_Common):
    """Tiered full reduction (满减): the highest tier whose threshold the lines in scope
    reach (measured after item prices) takes its amount off."""

    kind: Literal["tiered_reduction"] = field(default="tiered_reduction", kw_only=True)
    tiers: tuple[ReductionTier, ...] = field(kw_only=True, validator=_tiers)
    scope: Scope = field(default=_ALL, kw_only=True)


@frozen
class EveryReduction(_Common):
    """ "Every ¥X off ¥Y" (每满减), at most ``cap`` in all."""

    kind: Literal["every_reduction"] = field(default="every_reduction", kw_only=True)
    every: Money = field(validator=amount("every", positive=True), kw_only=True)
    off: Money = field(validator=amount("off", positive=True), kw_only=True)
    cap: Money | None = field(
        default=None, validator=optional_amount("cap", positive=True), kw_only=True
    )
    scope: Scope = field(default=_ALL, kw_only=True)


@frozen
class DiscountTier:
    """One tier of 满折: reach ``min_amount`` or ``min_items``, pay ``rate``."""

    rate: Decimal = field(validator=_rate("rate"))
    min_amount: Money | None = field(
        default=None, validator=optional_amount("min_amount", positive=True)
    )
    min_items: int | None = None

    def __attrs_post_init__(self) -> None:
        _one_of(self, ("min_amount", "min_items"))
        if self.min_items is not None:
            whole("min_items", 1)(self, None, self.min_items)


@frozen
class TieredDiscount(_Common):
    """Tiered discount (满折) by amount or by item count: 2 items 9折, 3 items 8折."""

    kind: Literal["tiered_discount"] = field(default="tiered_discount", kw_only=True)
    tiers: tuple[DiscountTier, ...] = field(kw_only=True, validator=_tiers)
    scope: Scope = field(default=_ALL, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if len({t.min_items is None for t in self.tiers}) != 1:
            raise InputError.for_field("tiers", "all tiers count amounts, or all count items")


@frozen
class BuyXGetY(_Common):
    """Buy ``buy`` get ``free`` (买X送Y): in every ``buy + free`` units in scope the cheapest
    ``free`` are free."""

    kind: Literal["buy_x_get_y"] = field(default="buy_x_get_y", kw_only=True)
    buy: int = field(validator=whole("buy", 1), kw_only=True)
    free: int = field(validator=whole("free", 1), kw_only=True)
    scope: Scope = field(default=_ALL, kw_only=True)


@frozen
class BundlePrice(_Common):
    """N for ¥M (任选N件M元): every ``count`` units in scope, dearest first, cost ``price``."""

    kind: Literal["bundle_price"] = field(default="bundle_price", kw_only=True)
    count: int = field(validator=whole("count", 2), kw_only=True)
    price: Money = field(validator=amount("price"), kw_only=True)
    scope: Scope = field(default=_ALL, kw_only=True)


@frozen
class _CouponCommon(_Common):
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
    rate: Decimal | None = field(default=None, validator=_rate("rate", optional=True), kw_only=True)
    cap: Money | None = field(
        default=None, validator=optional_amount("cap", positive=True), kw_only=True
    )
    scope: Scope = field(default=_ALL, kw_only=True)

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        _one_of(self, ("amount_off", "rate"))
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
class PointsRedemption(_Common):
    """Points redemption (积分抵扣): ``points_per_unit`` points are worth ``unit_value``
    (100 points = ¥1), redeemed in multiples of ``step``, for at most ``max_share`` of the
    goods after coupons."""

    kind: Literal["points"] = field(default="points", kw_only=True)
    points_per_unit: int = field(validator=whole("points_per_unit", 1), kw_only=True)
    unit_value: Money = field(validator=amount("unit_value", positive=True), kw_only=True)
    step: int = field(validator=whole("step", 1), kw_only=True)
    max_share: Decimal = field(validator=_rate("max_share"), kw_only=True)

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
class ShippingTemplate(_Common):
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
