"""What pricing a realistic cart costs, beside raw integer arithmetic of the same cart.

    python benchmarks/pricing.py --quick

Figures (one ``BENCH {json}`` line each):
- ``pricing_carts`` (CPU time of this process) and ``pricing_carts_wall`` (wall time): carts
  priced per second by ``price()`` — a 10-line cart, 20 active rules (item prices, 满减,
  每满减, 满折, buy X get Y, N for ¥M, coupons, points, shipping) and 3 held coupons, with
  the full breakdown, explanations, hints and the coupon choice, every amount and
  explanation read back; ours and the baseline alternate in short rounds (medians);
  baseline: the same cart's discounts computed with plain integers in one function (no
  explanations, no allocation, no validation), in the same run. Target ≥ 10,000 carts/s.
- ``best_coupon_ms``: median milliseconds to price the same cart holding 10 coupons (the
  choice among them included); baseline: the same with no coupon held. Target < 2 ms.

``--url`` is accepted for symmetry with the other benchmarks; pricing does no I/O.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from commerce_core.kernel import Money
from commerce_core.pricing import (
    BundlePrice,
    BuyXGetY,
    Cart,
    CartLine,
    Coupon,
    DiscountTier,
    Eligibility,
    EveryReduction,
    FixedPrice,
    HeldCoupon,
    ItemDiscount,
    MemberDiscount,
    PointsRedemption,
    PriceBreakdown,
    PricingContext,
    ReductionTier,
    Rule,
    RuleSet,
    Scope,
    ShippingCoupon,
    ShippingTemplate,
    TieredDiscount,
    TieredReduction,
    TierRate,
    price,
)

AT = datetime(2026, 6, 18, 2, 0, tzinfo=UTC)


def m(amount: str) -> Money:
    return Money.of(amount)


def cart() -> Cart:
    """Ten lines across apparel, shoes, socks and food."""
    rows = [
        ("TEE-01", 2, "79", ("apparel",), "acme"),
        ("TEE-02", 1, "99", ("apparel",), "zen"),
        ("JKT-01", 1, "399", ("apparel",), "acme"),
        ("SHOE-01", 1, "459", ("apparel", "shoes"), "acme"),
        ("SHOE-02", 1, "299", ("apparel", "shoes"), "zen"),
        ("SOCK-01", 3, "19.9", ("apparel", "socks"), "acme"),
        ("SOCK-02", 2, "15", ("apparel", "socks"), "zen"),
        ("TEA-01", 2, "48", ("food",), "leaf"),
        ("NUT-01", 1, "36.5", ("food",), "leaf"),
        ("CUP-01", 1, "129", ("home",), "zen"),
    ]
    return Cart(
        tuple(
            CartLine(sku, qty, m(unit), category_path=path, brand=brand, weight_grams=400)
            for sku, qty, unit, path, brand in rows
        )
    )


def rules(*, extra_coupons: int = 0) -> RuleSet:
    """Twenty active rules, some of which do not apply (and must say why), plus
    ``extra_coupons`` more coupon templates for the choice among ten held coupons."""
    past = AT - timedelta(days=30)
    out: list[Rule] = [
        MemberDiscount(id="vip", rates=(TierRate("gold", Decimal("0.95")),)),
        FixedPrice(id="flash-cup", sku="CUP-01", price=m("99"), flash=True),
        ItemDiscount(id="shoe-5", amount_off=m("5"), scope=Scope(categories=("shoes",))),
        TieredReduction(
            id="618",
            tiers=(
                ReductionTier(m("300"), m("30")),
                ReductionTier(m("600"), m("70")),
                ReductionTier(m("1000"), m("150")),
                ReductionTier(m("2000"), m("300")),
            ),
            stacking_group="full",
            priority=2,
        ),
        TieredReduction(
            id="apparel-mj",
            tiers=(ReductionTier(m("500"), m("40")),),
            scope=Scope(categories=("apparel",)),
            stacking_group="full",
        ),
        EveryReduction(
            id="food-every",
            every=m("50"),
            off=m("5"),
            cap=m("20"),
            scope=Scope(categories=("food",)),
        ),
        TieredDiscount(
            id="tee-mz",
            tiers=(
                DiscountTier(Decimal("0.9"), min_items=2),
                DiscountTier(Decimal("0.8"), min_items=4),
            ),
            scope=Scope(skus=("TEE-01", "TEE-02")),
        ),
        BuyXGetY(id="socks-b2g1", buy=2, free=1, scope=Scope(categories=("socks",))),
        BundlePrice(id="food-3for", count=3, price=m("99"), scope=Scope(categories=("food",))),
        TieredReduction(
            id="silver-only",
            tiers=(ReductionTier(m("100"), m("10")),),
            eligibility=Eligibility(tiers=("silver",)),
        ),
        TieredReduction(
            id="newcomer",
            tiers=(ReductionTier(m("99"), m("20")),),
            eligibility=Eligibility(first_order_only=True),
        ),
        TieredReduction(
            id="last-month",
            tiers=(ReductionTier(m("100"), m("15")),),
            eligibility=Eligibility(valid_until=past),
        ),
        TieredReduction(
            id="app-only",
            tiers=(ReductionTier(m("100"), m("8")),),
            eligibility=Eligibility(channels=("app",)),
        ),
        Coupon(id="c-50-over-800", amount_off=m("50"), threshold=m("800")),
        Coupon(id="c-9z-cap-60", rate=Decimal("0.9"), cap=m("60"), threshold=m("300")),
        Coupon(id="c-shoes-30", amount_off=m("30"), scope=Scope(categories=("shoes",))),
        ShippingCoupon(id="c-free-ship"),
        PointsRedemption(
            id="points", points_per_unit=100, unit_value=m("1"), step=100, max_share=Decimal("0.2")
        ),
        ShippingTemplate(
            id="ship-default",
            first=1000,
            first_fee=m("8"),
            additional=1000,
            additional_fee=m("2"),
            free_above=m("2999"),
        ),
        ShippingTemplate(
            id="ship-remote",
            regions=("CN-65", "CN-54"),
            first=1000,
            first_fee=m("20"),
            additional=1000,
            additional_fee=m("10"),
        ),
    ]
    extra: list[Rule] = [
        Coupon(id=f"c-extra-{i}", amount_off=m(str(5 + i)), threshold=m(str(100 * i)))
        for i in range(1, extra_coupons + 1)
    ]
    return RuleSet(tuple(out + extra))


def context(coupons: tuple[str, ...]) -> PricingContext:
    return PricingContext(
        at=AT,
        customer_tier="gold",
        channel="web",
        region="CN-31",
        points=3000,
        coupons=tuple(HeldCoupon(f"h-{t}", t) for t in coupons),
    )


THREE = ("c-50-over-800", "c-9z-cap-60", "c-free-ship")
TEN = (*THREE, "c-shoes-30", *(f"c-extra-{i}" for i in range(1, 7)))


def raw(lines: list[tuple[int, int, int]]) -> int:
    """The same cart in plain integers: (unit minor, qty, flags) → total minor.

    A hand-written pass doing the arithmetic the engine decides on for this cart
    (member 95折 per unit, a 满减 tier, a coupon, points, shipping) with no objects, no
    explanations and a simple proportional split — the floor of what any engine costs.
    """
    units = [unit * 95 // 100 + (1 if (unit * 95) % 100 >= 50 else 0) for unit, _, _ in lines]
    amounts = [u * q for u, (_, q, _) in zip(units, lines, strict=True)]
    goods = sum(amounts)
    off = 15000 if goods >= 100000 else 7000 if goods >= 60000 else 3000 if goods >= 30000 else 0
    shares = [a * off // goods for a in amounts]
    shares[0] += off - sum(shares)
    amounts = [a - s for a, s in zip(amounts, shares, strict=True)]
    goods = sum(amounts)
    coupon = min(6000, goods - goods * 9 // 10) if goods >= 30000 else 0
    shares = [a * coupon // goods for a in amounts]
    shares[0] += coupon - sum(shares)
    amounts = [a - s for a, s in zip(amounts, shares, strict=True)]
    goods = sum(amounts)
    points = min(3000, goods * 2 // 10 // 100 * 100)
    shares = [a * points // goods for a in amounts]
    shares[0] += points - sum(shares)
    amounts = [a - s for a, s in zip(amounts, shares, strict=True)]
    return sum(amounts) + (0 if goods >= 299900 else 800 + 2 * 200)


def rate(fn: Callable[[], object], seconds: float, clock: Callable[[], float]) -> float:
    """Calls per second over about ``seconds`` of ``clock``."""
    n, start = 0, clock()
    while (elapsed := clock() - start) < seconds:
        for _ in range(50):
            fn()
        n += 50
    return n / elapsed


def rates(
    ours: Callable[[], object], raw: Callable[[], object], seconds: float, rounds: int
) -> dict[str, tuple[float, float, float]]:
    """Median, min and max calls/s of ``ours`` and ``raw``, alternated in ``rounds`` short
    runs (the machine is shared: alternating spreads the load over both), by CPU time of
    this process and by wall time."""
    got: dict[str, list[float]] = {"ours_cpu": [], "raw_cpu": [], "ours_wall": [], "raw_wall": []}
    for _ in range(rounds):
        for name, fn in (("ours", ours), ("raw", raw)):
            got[f"{name}_cpu"].append(rate(fn, seconds / rounds, time.process_time))
            got[f"{name}_wall"].append(rate(fn, seconds / rounds, time.perf_counter))
    return {k: (statistics.median(v), min(v), max(v)) for k, v in got.items()}


def check(breakdown: PriceBreakdown) -> int:
    """Read back every amount and explanation of ``breakdown`` (so that nothing lazy is
    left unbuilt by the engine without the benchmark paying for it)."""
    n = breakdown.total.minor + breakdown.subtotal.minor + breakdown.discount.minor
    for pl in breakdown.lines:
        n += pl.total.minor + pl.discount.minor + pl.item_unit_price.minor + pl.subtotal.minor
        for d in pl.discounts:
            n += d.amount.minor + len(d.rule)
    for a in breakdown.applied:
        n += a.amount.minor + len(a.detail) + len(a.rule) + len(a.stage)
        for share in a.lines:
            n += share.amount.minor + len(share.sku)
    for r in breakdown.rejected:
        n += len(r.reason) + len(r.detail) + (r.needs.minor if r.needs else 0)
        n += r.has.minor if r.has else 0
    for h in breakdown.hints:
        n += h.gain.minor + len(h.detail) + (h.missing.minor if h.missing else 0)
    s = breakdown.shipping
    n += s.fee.minor + s.discount.minor + s.total.minor
    c = breakdown.coupons
    return n + len(c.detail) + len(c.chosen) + c.total_without_coupons.minor


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        fn()
        samples.append((time.perf_counter_ns() - start) / 1e6)
    return statistics.median(samples)


def report(name: str, value: float, unit: str, baseline: float, target: float) -> None:
    line = {
        "name": name,
        "value": round(value, 3),
        "unit": unit,
        "baseline": round(baseline, 3),
        "ratio": round(value / baseline, 3) if baseline else None,
        "target": target,
    }
    print("BENCH " + json.dumps(line))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs")
    parser.add_argument("--url", default=None, help="accepted and unused: pricing does no I/O")
    args = parser.parse_args()
    seconds = 0.5 if args.quick else 3.0
    repeat = 200 if args.quick else 2000

    the_cart, the_rules, more_rules = cart(), rules(), rules(extra_coupons=6)
    three, ten, none = context(THREE), context(TEN), context(())
    breakdown = price(the_cart, three, the_rules)
    if len(the_rules.rules) != 20 or len(the_cart.lines) != 10 or not breakdown.rejected:
        raise SystemExit("the benchmark cart or rules are not what the figures claim")
    plain = [(line.unit_price.minor, line.quantity, 0) for line in the_cart.lines]

    expected = check(breakdown)

    def ours() -> None:
        if check(price(the_cart, three, the_rules)) != expected:
            raise SystemExit("the breakdown changed between runs")

    got = rates(ours, lambda: raw(plain), seconds, 5 if args.quick else 10)
    for clock in ("cpu", "wall"):
        med, low, high = got[f"ours_{clock}"]
        base, base_low, base_high = got[f"raw_{clock}"]
        print(
            f"# {clock}: ours {med:,.0f} carts/s (range {low:,.0f}-{high:,.0f}); "
            f"raw {base:,.0f} (range {base_low:,.0f}-{base_high:,.0f})"
        )
    report("pricing_carts", got["ours_cpu"][0], "carts/s", got["raw_cpu"][0], 10_000)
    report("pricing_carts_wall", got["ours_wall"][0], "carts/s", got["raw_wall"][0], 10_000)

    best = median_ms(lambda: price(the_cart, ten, more_rules), repeat)
    bare = median_ms(lambda: price(the_cart, none, more_rules), repeat)
    report("best_coupon_ms", best, "ms", bare, 2)


if __name__ == "__main__":
    main()
