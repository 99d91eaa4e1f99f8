"""Worked examples, written from the rules' definitions with each total computed by hand.

Each row: the cart, the rules, the context and the total the customer pays. The comment
above a row is the hand computation. Amounts are CNY unless a row says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from tests.unit.pricing.builders import AT, context, held, line, m

from commerce_core.kernel import Money
from commerce_core.pricing import (
    BundlePrice,
    BuyXGetY,
    CartLine,
    Coupon,
    DiscountTier,
    Eligibility,
    EveryReduction,
    FixedPrice,
    ItemDiscount,
    MemberDiscount,
    MemberPrice,
    PointsRedemption,
    PricingPolicy,
    ReductionTier,
    Rule,
    RuleSet,
    Scope,
    ShippingBasis,
    ShippingCoupon,
    ShippingTemplate,
    Stage,
    TieredDiscount,
    TieredReduction,
    TierPrice,
    TierRate,
    TierThreshold,
    price,
)
from commerce_core.pricing.cart import Cart


@dataclass(frozen=True)
class Example:
    name: str
    lines: tuple[CartLine, ...]
    rules: tuple[Rule, ...]
    total: str
    ctx: dict[str, Any] = field(default_factory=dict)
    policy: PricingPolicy = field(default_factory=PricingPolicy)
    currency: str = "CNY"


D = Decimal
GOLD = {"customer_tier": "gold"}


def mj(threshold: str, off: str, id: str = "mj", **kw: Any) -> TieredReduction:
    """满<threshold>减<off>."""
    return TieredReduction(id=id, tiers=(ReductionTier(m(threshold), m(off)),), **kw)


def coupon(id: str, off: str | None = None, **kw: Any) -> Coupon:
    return Coupon(id=id, amount_off=None if off is None else m(off), **kw)


def flat_shipping(fee: str = "10", free_above: str | None = "99", **kw: Any) -> ShippingTemplate:
    """¥<fee> per order (first piece pays the fee, more pieces pay nothing)."""
    return ShippingTemplate(
        id="ship",
        basis=ShippingBasis.PIECE,
        first=1,
        first_fee=m(fee),
        additional=1,
        additional_fee=m("0"),
        free_above=None if free_above is None else m(free_above),
        **kw,
    )


POINTS = PointsRedemption(
    id="pts", points_per_unit=100, unit_value=m("1"), step=100, max_share=D("0.5")
)
FLASH_A = FixedPrice(id="flash-a", sku="A", price=m("50"), flash=True)


EXAMPLES = [
    # No rules: 2 × 50 = 100.
    Example("no rules", (line("A", 2, "50"),), (), "100"),
    # 150 + 60 = 210 ≥ 200 → −20 = 190.
    Example("满200减20 met", (line("A", 1, "150"), line("B", 1, "60")), (mj("200", "20"),), "190"),
    # 180 < 200 → nothing off = 180.
    Example("满200减20 not met", (line("A", 1, "180"),), (mj("200", "20"),), "180"),
    # Tiers 200−20 / 300−40; 320 reaches 300 → −40 = 280.
    Example(
        "满减 tiers highest met",
        (line("A", 1, "320"),),
        (
            TieredReduction(
                id="mj",
                tiers=(ReductionTier(m("200"), m("20")), ReductionTier(m("300"), m("40"))),
            ),
        ),
        "280",
    ),
    # Exactly at the 300 threshold: 300 − 40 = 260.
    Example(
        "满减 tier exactly at threshold",
        (line("A", 3, "100"),),
        (
            TieredReduction(
                id="mj",
                tiers=(ReductionTier(m("200"), m("20")), ReductionTier(m("300"), m("40"))),
            ),
        ),
        "260",
    ),
    # Every 100 off 10, cap 30: 250 → 2 × 10 = 20 off → 230.
    Example(
        "every ¥100 off ¥10 below cap",
        (line("A", 1, "250"),),
        (EveryReduction(id="every", every=m("100"), off=m("10"), cap=m("30")),),
        "230",
    ),
    # Every 100 off 10, cap 30: 480 → 4 × 10 = 40, capped at 30 → 450.
    Example(
        "every ¥100 off ¥10 capped",
        (line("A", 1, "480"),),
        (EveryReduction(id="every", every=m("100"), off=m("10"), cap=m("30")),),
        "450",
    ),
    # 9折 member price: A 90 × 2 = 180, B 135 → 315 ≥ 300 → 满300减50 → 265 → ¥20 coupon → 245.
    Example(
        "满300减50 with 9折 member price and ¥20 coupon",
        (line("A", 2, "100"), line("B", 1, "150")),
        (
            MemberDiscount(id="vip", rates=(TierRate("gold", D("0.9")),)),
            mj("300", "50"),
            coupon("c20", "20"),
        ),
        "245",
        ctx={**GOLD, "coupons": held("c20")},
    ),
    # Member price first: 180 + 117 = 297 < 300, so no 满减; coupon −20 → 277.
    Example(
        "9折 member price drops the cart below 满300",
        (line("A", 2, "100"), line("B", 1, "130")),
        (
            MemberDiscount(id="vip", rates=(TierRate("gold", D("0.9")),)),
            mj("300", "50"),
            coupon("c20", "20"),
        ),
        "277",
        ctx={**GOLD, "coupons": held("c20")},
    ),
    # Flash price 50 for A (no coupons); coupon ¥30 over ¥100 sees only B = 100 → B 70 → 120.
    Example(
        "flash-sale goods excluded from coupons",
        (line("A", 1, "80"), line("B", 1, "100")),
        (FLASH_A, coupon("c30", "30", threshold=m("100"))),
        "120",
        ctx={"coupons": held("c30")},
    ),
    # Same, threshold 120: eligible B = 100 < 120 → no coupon: 50 + 100 = 150.
    Example(
        "flash goods do not count towards a coupon threshold",
        (line("A", 1, "80"), line("B", 1, "100")),
        (FLASH_A, coupon("c30", "30", threshold=m("120"))),
        "150",
        ctx={"coupons": held("c30")},
    ),
    # A flagged flash sale in the cart: 满200减20 sees only B = 100 → not met: 300.
    Example(
        "flash lines excluded from 满减",
        (line("A", 1, "200", flash_sale=True), line("B", 1, "100")),
        (mj("200", "20"),),
        "300",
    ),
    # Policy lets flash lines into promotions: 300 ≥ 200 → 280.
    Example(
        "policy lets flash lines into 满减",
        (line("A", 1, "200", flash_sale=True), line("B", 1, "100")),
        (mj("200", "20"),),
        "280",
        policy=PricingPolicy(flash_sale_with_promotions=True),
    ),
    # JPY: 999 × 0.9 = 899.1 → 899 a unit × 3 = JP¥2,697.
    Example(
        "JPY member 9折 rounds per unit to whole yen",
        (line("A", 3, "999", "JPY"),),
        (MemberDiscount(id="vip", rates=(TierRate("gold", D("0.9")),)),),
        "2697",
        ctx=GOLD,
        currency="JPY",
    ),
    # JPY: 15% off 4,000 = 600, capped at 500 → 3,500.
    Example(
        "JPY percentage coupon capped",
        (line("A", 1, "4000", "JPY"),),
        (Coupon(id="p15", rate=D("0.85"), cap=m("500", "JPY")),),
        "3500",
        ctx={"coupons": held("p15")},
        currency="JPY",
    ),
    # KWD (3 decimals): 1.005 × 0.9 = 0.9045 → 0.905 (half up) × 3 = 2.715.
    Example(
        "KWD three decimals",
        (line("A", 3, "1.005", "KWD"),),
        (MemberDiscount(id="vip", rates=(TierRate("gold", D("0.9")),)),),
        "2.715",
        ctx=GOLD,
        currency="KWD",
    ),
    # 8折 coupon cap 30 on 200: 40 off capped at 30 → 170.
    Example(
        "percentage coupon hits its cap",
        (line("A", 1, "200"),),
        (Coupon(id="p20", rate=D("0.8"), cap=m("30")),),
        "170",
        ctx={"coupons": held("p20")},
    ),
    # 9折 coupon cap 30 on 200: 20 off → 180.
    Example(
        "percentage coupon under its cap",
        (line("A", 1, "200"),),
        (Coupon(id="p10", rate=D("0.9"), cap=m("30")),),
        "180",
        ctx={"coupons": held("p10")},
    ),
    # ¥50 coupon on socks only; socks cost 30 → capped at 30 → 0 + 100 = 100.
    Example(
        "coupon worth more than its scope is capped",
        (line("S", 1, "30", category_path=("socks",)), line("T", 1, "100")),
        (coupon("c50", "50", scope=Scope(categories=("socks",))),),
        "100",
        ctx={"coupons": held("c50")},
    ),
    # Brand Acme 9折, SKU B excluded: only A (100) → −10 → 90 + 100 + 100 = 290.
    Example(
        "brand scope with an excluded SKU",
        (
            line("A", 1, "100", brand="Acme"),
            line("B", 1, "100", brand="Acme"),
            line("C", 1, "100", brand="Other"),
        ),
        (Coupon(id="acme", rate=D("0.9"), scope=Scope(brands=("Acme",), exclude_skus=("B",))),),
        "290",
        ctx={"coupons": held("acme")},
    ),
    # Category apparel covers apparel/shoes: 60 ≥ 50 → −10 → 50.
    Example(
        "category scope covers subcategories",
        (line("A", 1, "60", category_path=("apparel", "shoes")),),
        (coupon("app", "10", threshold=m("50"), scope=Scope(categories=("apparel",))),),
        "50",
        ctx={"coupons": held("app")},
    ),
    # Coupon expired the day before 618: nothing off → 100.
    Example(
        "expired coupon",
        (line("A", 1, "100"),),
        (coupon("old", "10", valid_until=AT - timedelta(days=1)),),
        "100",
        ctx={"coupons": held("old")},
    ),
    # Valid 7 days from issue on 06-01: over by 06-18 → 100.
    Example(
        "coupon valid 7 days after issue, expired",
        (line("A", 1, "100"),),
        (coupon("wk", "10", valid_days=7),),
        "100",
        ctx={"coupons": held("wk", issued_at=AT - timedelta(days=17))},
    ),
    # Valid 7 days from issue on 06-15: still valid → 100 − 10 = 90.
    Example(
        "coupon valid 7 days after issue, still valid",
        (line("A", 1, "100"),),
        (coupon("wk", "10", valid_days=7),),
        "90",
        ctx={"coupons": held("wk", issued_at=AT - timedelta(days=3))},
    ),
    # 280: ¥50 needs 300 (no); 8折 cap 40 → 56 capped 40; ¥20 → 20. Best: 40 → 240.
    Example(
        "best of three coupons",
        (line("A", 1, "280"),),
        (
            coupon("c20", "20"),
            coupon("c50", "50", threshold=m("300")),
            Coupon(id="p20", rate=D("0.8"), cap=m("40")),
        ),
        "240",
        ctx={"coupons": held("c20", "c50", "p20")},
    ),
    # 90 + ¥10 shipping; a ¥5 shop coupon and a free-shipping coupon both apply: 85 + 0 = 85.
    Example(
        "shop coupon and shipping coupon stack",
        (line("A", 1, "90"),),
        (flat_shipping(), coupon("c5", "5"), ShippingCoupon(id="free")),
        "85",
        ctx={"coupons": held("c5", "free")},
    ),
    # 105 − 10 (满100减10) = 95 < 99 free-shipping → +10 → 105.
    Example(
        "free shipping measured after discounts, not met",
        (line("A", 1, "105"),),
        (mj("100", "10"), flat_shipping()),
        "105",
    ),
    # 120 − 10 = 110 ≥ 99 → free shipping → 110.
    Example(
        "free shipping measured after discounts, met",
        (line("A", 1, "120"),),
        (mj("100", "10"), flat_shipping()),
        "110",
    ),
    # 2 × 700 g = 1400 g: 8 first kg + 1 × 3 for the next 400 g = 11 → 40 + 11 = 51.
    Example(
        "weight shipping, one additional step",
        (line("A", 2, "20", weight_grams=700),),
        (
            ShippingTemplate(
                id="w",
                first=1000,
                first_fee=m("8"),
                additional=500,
                additional_fee=m("3"),
            ),
        ),
        "51",
    ),
    # 3 × 700 g = 2100 g: extra 1100 g = 3 started steps of 500 g → 8 + 9 = 17 → 60 + 17 = 77.
    Example(
        "weight shipping, partial steps round up",
        (line("A", 3, "20", weight_grams=700),),
        (
            ShippingTemplate(
                id="w",
                first=1000,
                first_fee=m("8"),
                additional=500,
                additional_fee=m("3"),
            ),
        ),
        "77",
    ),
    # Xinjiang has its own template: 20 first kg; 500 g → 20 → 50 + 20 = 70.
    Example(
        "regional shipping template",
        (line("A", 1, "50", weight_grams=500),),
        (
            ShippingTemplate(
                id="default", first=1000, first_fee=m("8"), additional=1000, additional_fee=m("4")
            ),
            ShippingTemplate(
                id="xj",
                regions=("CN-65",),
                first=1000,
                first_fee=m("20"),
                additional=1000,
                additional_fee=m("10"),
            ),
        ),
        "70",
        ctx={"region": "CN-65"},
    ),
    # Gold members ship free from 99; goods 120 → free → 120.
    Example(
        "tier free-shipping threshold, gold",
        (line("A", 1, "120"),),
        (flat_shipping(free_above="199", tier_free_above=(TierThreshold("gold", m("99")),)),),
        "120",
        ctx=GOLD,
    ),
    # Not gold: 120 < 199 → +10 → 130.
    Example(
        "tier free-shipping threshold, no tier",
        (line("A", 1, "120"),),
        (flat_shipping(free_above="199", tier_free_above=(TierThreshold("gold", m("99")),)),),
        "130",
    ),
    # 5000 points wanted, at most 50% of 80 = 40 → 4000 points = ¥40 → 40.
    Example(
        "points capped by share of order",
        (line("A", 1, "80"),),
        (POINTS,),
        "40",
        ctx={"points": 5000},
    ),
    # 250 points in steps of 100 → 200 points = ¥2 → 98.
    Example(
        "points redeemed in whole steps",
        (line("A", 1, "100"),),
        (POINTS,),
        "98",
        ctx={"points": 250},
    ),
    # 50 points < one step of 100 → none → 100.
    Example(
        "points below the minimum step",
        (line("A", 1, "100"),),
        (POINTS,),
        "100",
        ctx={"points": 50},
    ),
    # 100 − ¥20 coupon = 80; points at most 10% = ¥8 = 800 points (1000 wanted) → 72.
    Example(
        "points measured after coupons",
        (line("A", 1, "100"),),
        (
            coupon("c20", "20"),
            PointsRedemption(
                id="pts", points_per_unit=100, unit_value=m("1"), step=100, max_share=D("0.1")
            ),
        ),
        "72",
        ctx={"coupons": held("c20"), "points": 1000},
    ),
    # 满3件8折: 3 × 10 = 30 × 0.8 = 24.
    Example(
        "满折 by item count, 3 items 8折",
        (line("A", 3, "10"),),
        (
            TieredDiscount(
                id="mz",
                tiers=(DiscountTier(D("0.9"), min_items=2), DiscountTier(D("0.8"), min_items=3)),
            ),
        ),
        "24",
    ),
    # 2 items 9折: 10 + 15 = 25 × 0.9 = 22.50.
    Example(
        "满折 by item count, 2 items 9折",
        (line("A", 1, "10"), line("B", 1, "15")),
        (
            TieredDiscount(
                id="mz",
                tiers=(DiscountTier(D("0.9"), min_items=2), DiscountTier(D("0.8"), min_items=3)),
            ),
        ),
        "22.50",
    ),
    # 满100 9.5折: 99.99 < 100 → 99.99.
    Example(
        "满折 by amount, one cent short",
        (line("A", 1, "99.99"),),
        (TieredDiscount(id="mz", tiers=(DiscountTier(D("0.95"), min_amount=m("100")),)),),
        "99.99",
    ),
    # 满100 9.5折: 100 × 0.95 = 95.
    Example(
        "满折 by amount, met",
        (line("A", 1, "100"),),
        (TieredDiscount(id="mz", tiers=(DiscountTier(D("0.95"), min_amount=m("100")),)),),
        "95",
    ),
    # Buy 2 get 1: units 30, 30, 20 → cheapest (20) free → 60.
    Example(
        "buy 2 get 1, cheapest free",
        (line("A", 2, "30"), line("B", 1, "20")),
        (BuyXGetY(id="b2g1", buy=2, free=1),),
        "60",
    ),
    # Buy 2 get 1 with 5 units of 10: one group of 3 → 1 free → 40.
    Example(
        "buy 2 get 1, leftovers pay",
        (line("A", 5, "10"),),
        (BuyXGetY(id="b2g1", buy=2, free=1),),
        "40",
    ),
    # 3 for 100: units 50, 50, 40, 40 → dearest three 140 → 100 (−40); 180 − 40 = 140.
    Example(
        "3 for ¥100 bundles the dearest units",
        (line("A", 2, "50"), line("B", 2, "40")),
        (BundlePrice(id="n4m", count=3, price=m("100")),),
        "140",
    ),
    # ¥5 off each shoe: 3 × (20 − 5) = 45; B not in scope 10 → 55.
    Example(
        "fixed amount off per unit on a category",
        (line("A", 3, "20", category_path=("shoes",)), line("B", 1, "10")),
        (ItemDiscount(id="z5", amount_off=m("5"), scope=Scope(categories=("shoes",))),),
        "55",
    ),
    # Gold member price 88 × 2 = 176.
    Example(
        "member price for gold",
        (line("A", 2, "100"),),
        (MemberPrice(id="mp", sku="A", prices=(TierPrice("gold", m("88")),)),),
        "176",
        ctx=GOLD,
    ),
    # Silver has no member price: 200.
    Example(
        "member price not for silver",
        (line("A", 2, "100"),),
        (MemberPrice(id="mp", sku="A", prices=(TierPrice("gold", m("88")),)),),
        "200",
        ctx={"customer_tier": "silver"},
    ),
    # Same stacking group: priority 10 (满100减10) beats priority 5 (满100减30) → 90.
    Example(
        "stacking group: higher priority wins",
        (line("A", 1, "100"),),
        (
            mj("100", "10", id="mj-a", priority=10, stacking_group="full"),
            mj("100", "30", id="mj-b", priority=5, stacking_group="full"),
        ),
        "90",
    ),
    # Different groups stack: 100 − 10 − 30 = 60.
    Example(
        "no stacking group: both apply",
        (line("A", 1, "100"),),
        (mj("100", "10", id="mj-a"), mj("100", "30", id="mj-b")),
        "60",
    ),
    # The exclusive 满100减5 applies alone; the 9折 满折 is excluded → 95.
    Example(
        "exclusive promotion applies alone",
        (line("A", 1, "100"),),
        (
            mj("100", "5", id="only", exclusive=True),
            TieredDiscount(id="mz", tiers=(DiscountTier(D("0.9"), min_amount=m("100")),)),
        ),
        "95",
    ),
    # 满100减10 "not with coupons": its lines take no coupon → 90.
    Example(
        "promotion not with coupons",
        (line("A", 1, "100"),),
        (mj("100", "10", with_coupons=False), coupon("c5", "5")),
        "90",
        ctx={"coupons": held("c5")},
    ),
    # ¥0.10 coupon over 3 × ¥1.00 → 4 + 3 + 3 cents → 2.90 exactly.
    Example(
        "one cent never drifts",
        (line("A", 1, "1"), line("B", 1, "1"), line("C", 1, "1")),
        (coupon("dime", "0.10"),),
        "2.90",
        ctx={"coupons": held("dime")},
    ),
    # ¥500 coupon on 100 → capped at 100 → 0, never negative.
    Example(
        "coupon larger than the order gives zero",
        (line("A", 1, "100"),),
        (coupon("big", "500"),),
        "0",
        ctx={"coupons": held("big")},
    ),
    # Group-buy line takes no coupon: ¥10 off B only → 50 + 40 = 90.
    Example(
        "group-buy line excluded from coupons",
        (line("A", 1, "50", group_buy=True), line("B", 1, "50")),
        (coupon("c10", "10"),),
        "90",
        ctx={"coupons": held("c10")},
    ),
    # New-customer 满减 only for a first order; not first → 100.
    Example(
        "first-order promotion, returning customer",
        (line("A", 1, "100"),),
        (mj("50", "15", eligibility=Eligibility(first_order_only=True)),),
        "100",
    ),
    # First order: 100 − 15 = 85.
    Example(
        "first-order promotion, first order",
        (line("A", 1, "100"),),
        (mj("50", "15", eligibility=Eligibility(first_order_only=True)),),
        "85",
        ctx={"first_order": True},
    ),
    # Coupons before promotions (configured order): 200 − 50 coupon = 150 < 满200 → 150.
    Example(
        "configured order: coupons before promotions",
        (line("A", 1, "200"),),
        (mj("200", "20"), coupon("c50", "50")),
        "150",
        ctx={"coupons": held("c50")},
        policy=PricingPolicy(
            stages=(Stage.ITEM, Stage.COUPON, Stage.PROMOTION, Stage.POINTS, Stage.SHIPPING)
        ),
    ),
]


@pytest.mark.parametrize("ex", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_worked_example(ex: Example) -> None:
    cart = Cart(ex.lines, ex.currency)
    breakdown = price(cart, context(**ex.ctx), RuleSet(ex.rules, ex.policy))
    assert breakdown.total == Money.of(ex.total, ex.currency)
    lines_total = sum(pl.total.minor for pl in breakdown.lines)
    assert lines_total + breakdown.shipping.total.minor == breakdown.total.minor
    assert all(pl.total.minor >= 0 for pl in breakdown.lines)


def test_there_are_at_least_forty_examples() -> None:
    assert len(EXAMPLES) >= 40
    assert len({e.name for e in EXAMPLES}) == len(EXAMPLES)
