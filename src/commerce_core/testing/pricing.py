"""Hypothesis strategies for pricing: carts, rule sets and contexts that fit together.

Small vocabularies (a handful of SKUs, categories, brands, tiers) so that generated rules
actually hit generated lines.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from commerce_core.kernel.money import Money
from commerce_core.pricing import (
    BundlePrice,
    BuyXGetY,
    Cart,
    CartLine,
    Coupon,
    DiscountTier,
    EveryReduction,
    FixedPrice,
    HeldCoupon,
    ItemDiscount,
    MemberDiscount,
    MemberPrice,
    PointsRedemption,
    PricingContext,
    ReductionTier,
    Rule,
    Scope,
    ShippingBasis,
    ShippingCoupon,
    ShippingTemplate,
    TieredDiscount,
    TieredReduction,
    TierPrice,
    TierRate,
    TierThreshold,
)

__all__ = ["AT", "SKUS", "carts", "contexts", "coupon_rules", "rules"]

SKUS = ("A", "B", "C", "D", "E", "F")
CATEGORIES = ("apparel", "shoes", "food")
BRANDS = ("acme", "zen")
TIERS = ("gold", "silver")
#: The moment generated contexts price at.
AT = datetime(2026, 6, 18, 2, 0, tzinfo=UTC)


def _money(code: str, low: int = 0, high: int = 50_000) -> st.SearchStrategy[Money]:
    return st.integers(low, high).map(lambda n: Money(n, code))


def _rates() -> st.SearchStrategy[Decimal]:
    return st.integers(50, 99).map(lambda n: Decimal(n) / 100)


@st.composite
def _line(draw: st.DrawFn, sku: str, code: str) -> CartLine:
    return CartLine(
        sku,
        draw(st.integers(1, 5)),
        draw(_money(code, 0, 30_000)),
        category_path=draw(st.sampled_from([(), ("apparel",), ("apparel", "shoes"), ("food",)])),
        brand=draw(st.sampled_from([None, *BRANDS])),
        weight_grams=draw(st.integers(0, 3000)),
        flash_sale=draw(st.integers(0, 4)) == 0,
        group_buy=draw(st.integers(0, 6)) == 0,
    )


@st.composite
def carts(draw: st.DrawFn, code: str = "CNY", max_lines: int = 5) -> Cart:
    """A cart of 1..``max_lines`` distinct SKUs in currency ``code``."""
    skus = draw(st.lists(st.sampled_from(SKUS), min_size=1, max_size=max_lines, unique=True))
    return Cart(tuple(draw(_line(sku, code)) for sku in skus), code)


def _scopes() -> st.SearchStrategy[Scope]:
    return st.one_of(
        st.just(Scope()),
        st.builds(Scope, categories=st.tuples(st.sampled_from(CATEGORIES))),
        st.builds(Scope, brands=st.tuples(st.sampled_from(BRANDS))),
        st.builds(
            Scope,
            skus=st.lists(st.sampled_from(SKUS), min_size=1, max_size=3, unique=True).map(tuple),
        ),
        st.builds(Scope, exclude_skus=st.tuples(st.sampled_from(SKUS))),
    )


def _common(draw: st.DrawFn, rid: str) -> dict[str, Any]:
    return {
        "id": rid,
        "priority": draw(st.integers(0, 2)),
        "stacking_group": draw(st.sampled_from([None, None, "g1", "g2"])),
        "exclusive": draw(st.integers(0, 7)) == 0,
        "with_coupons": draw(st.integers(0, 5)) != 0,
    }


@st.composite
def _rule(draw: st.DrawFn, rid: str, code: str) -> Rule:
    kind = draw(
        st.sampled_from(
            ["fixed", "member_price", "member", "item", "mj", "every", "mz", "bxgy", "bundle"]
        )
    )
    c = _common(draw, rid)
    if kind in ("fixed", "member_price", "member", "item"):
        c.pop("stacking_group")
    money = _money(code, 1, 20_000)
    if kind == "fixed":
        return FixedPrice(
            sku=draw(st.sampled_from(SKUS)),
            price=draw(_money(code, 0, 20_000)),
            flash=draw(st.booleans()),
            **c,
        )
    if kind == "member_price":
        prices = (TierPrice(draw(st.sampled_from(TIERS)), draw(money)),)
        return MemberPrice(sku=draw(st.sampled_from(SKUS)), prices=prices, **c)
    if kind == "member":
        rates = (TierRate(draw(st.sampled_from(TIERS)), draw(_rates())),)
        return MemberDiscount(rates=rates, scope=draw(_scopes()), **c)
    if kind == "item":
        if draw(st.booleans()):
            return ItemDiscount(rate=draw(_rates()), scope=draw(_scopes()), **c)
        return ItemDiscount(amount_off=draw(money), scope=draw(_scopes()), **c)
    if kind == "mj":
        tiers = tuple(
            ReductionTier(draw(_money(code, 1, 80_000)), draw(money))
            for _ in range(draw(st.integers(1, 3)))
        )
        return TieredReduction(tiers=tiers, scope=draw(_scopes()), **c)
    if kind == "every":
        cap = draw(st.none() | money)
        return EveryReduction(
            every=draw(_money(code, 1, 20_000)),
            off=draw(money),
            cap=cap,
            scope=draw(_scopes()),
            **c,
        )
    if kind == "mz":
        if draw(st.booleans()):
            tiers_d = tuple(
                DiscountTier(draw(_rates()), min_items=draw(st.integers(1, 6)))
                for _ in range(draw(st.integers(1, 3)))
            )
        else:
            tiers_d = tuple(
                DiscountTier(draw(_rates()), min_amount=draw(_money(code, 1, 80_000)))
                for _ in range(draw(st.integers(1, 3)))
            )
        return TieredDiscount(tiers=tiers_d, scope=draw(_scopes()), **c)
    if kind == "bxgy":
        return BuyXGetY(
            buy=draw(st.integers(1, 3)), free=draw(st.integers(1, 2)), scope=draw(_scopes()), **c
        )
    return BundlePrice(
        count=draw(st.integers(2, 4)),
        price=draw(_money(code, 0, 40_000)),
        scope=draw(_scopes()),
        **c,
    )


@st.composite
def coupon_rules(draw: st.DrawFn, rid: str, code: str = "CNY") -> Coupon | ShippingCoupon:
    """One coupon template: shop (fixed or percentage) or shipping."""
    threshold = draw(st.none() | _money(code, 1, 60_000))
    c = _common(draw, rid)
    if draw(st.integers(0, 4)) == 0:
        off = draw(st.none() | _money(code, 1, 2_000))
        return ShippingCoupon(amount_off=off, threshold=threshold, **c)
    scope = draw(_scopes())
    if draw(st.booleans()):
        return Coupon(
            amount_off=draw(_money(code, 1, 30_000)), threshold=threshold, scope=scope, **c
        )
    return Coupon(
        rate=draw(_rates()),
        cap=draw(st.none() | _money(code, 1, 10_000)),
        threshold=threshold,
        scope=scope,
        **c,
    )


@st.composite
def rules(
    draw: st.DrawFn, code: str = "CNY", max_rules: int = 5, coupons: int = 3
) -> tuple[Rule, ...]:
    """Promotions and item rules, ``coupons`` coupon templates ``k0..``, maybe points and
    shipping."""
    out: list[Rule] = [draw(_rule(f"r{i}", code)) for i in range(draw(st.integers(0, max_rules)))]
    out += [draw(coupon_rules(f"k{i}", code)) for i in range(coupons)]
    if draw(st.booleans()):
        out.append(
            PointsRedemption(
                id="pts",
                points_per_unit=100,
                unit_value=Money(100, code),
                step=draw(st.sampled_from([1, 10, 100])),
                max_share=draw(_rates()),
            )
        )
    if draw(st.booleans()):
        out.append(
            ShippingTemplate(
                id="ship",
                basis=draw(st.sampled_from(list(ShippingBasis))),
                first=1000,
                first_fee=draw(_money(code, 0, 2_000)),
                additional=500,
                additional_fee=draw(_money(code, 0, 500)),
                free_above=draw(st.none() | _money(code, 0, 60_000)),
                tier_free_above=(TierThreshold("gold", draw(_money(code, 0, 30_000))),),
            )
        )
    return tuple(out)


@st.composite
def contexts(draw: st.DrawFn, coupon_templates: tuple[str, ...] = ()) -> PricingContext:
    """A context at :data:`AT` holding one coupon of each of ``coupon_templates``."""
    held = tuple(HeldCoupon(f"h-{t}", t, AT - timedelta(days=1)) for t in coupon_templates)
    return PricingContext(
        at=AT,
        customer_tier=draw(st.sampled_from([None, *TIERS])),
        points=draw(st.integers(0, 5000)),
        coupons=held,
        first_order=draw(st.booleans()),
    )
