"""Properties of the engine over generated carts, rules and contexts."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from commerce_core.pricing import Cart, Coupon, PricingContext, Rule, RuleSet, ShippingCoupon, price
from commerce_core.testing.pricing import carts, contexts, rules

TEMPLATES = ("k0", "k1", "k2")


@settings(max_examples=150)
@given(carts(), rules(), st.data())
def test_totals_are_never_negative_and_allocations_sum_exactly(
    cart: Cart, rs: tuple[Rule, ...], data: st.DataObject
) -> None:
    ctx = data.draw(contexts(TEMPLATES))
    b = price(cart, ctx, RuleSet(rs))
    assert b.total.minor >= 0
    assert b.shipping.total.minor >= 0
    per_rule: Counter[str] = Counter()
    for pl in b.lines:
        assert pl.total.minor >= 0
        assert pl.subtotal.minor - sum(d.amount.minor for d in pl.discounts) == pl.total.minor
        assert pl.discount.minor == pl.subtotal.minor - pl.total.minor
        assert sum(u.minor for u in pl.unit_totals()) == pl.total.minor
        for d in pl.discounts:
            assert d.amount.minor > 0
            per_rule[d.rule] += d.amount.minor
    goods_applied: Counter[str] = Counter()
    for a in b.applied:
        assert a.amount.minor > 0
        if a.lines:
            assert sum(s.amount.minor for s in a.lines) == a.amount.minor
            goods_applied[a.rule] += a.amount.minor
    assert per_rule == goods_applied
    assert sum(pl.total.minor for pl in b.lines) == b.goods_total.minor
    assert b.goods_total.minor + b.shipping.total.minor == b.total.minor
    assert b.subtotal.minor - b.discount.minor == b.goods_total.minor


@settings(max_examples=100)
@given(carts(), rules(), st.data())
def test_order_of_lines_rules_and_held_coupons_changes_nothing(
    cart: Cart, rs: tuple[Rule, ...], data: st.DataObject
) -> None:
    ctx = data.draw(contexts(TEMPLATES))
    lines = data.draw(st.permutations(cart.lines))
    shuffled_rules = data.draw(st.permutations(rs))
    held = data.draw(st.permutations(ctx.coupons))
    other = PricingContext(
        at=ctx.at,
        customer_tier=ctx.customer_tier,
        points=ctx.points,
        first_order=ctx.first_order,
        coupons=tuple(held),
    )
    expected = price(cart, ctx, RuleSet(rs))
    assert price(Cart(tuple(lines), cart.currency), other, RuleSet(tuple(shuffled_rules))) == (
        expected
    )


def _with_coupons(ctx: PricingContext, n: int) -> PricingContext:
    return PricingContext(
        at=ctx.at,
        customer_tier=ctx.customer_tier,
        points=ctx.points,
        first_order=ctx.first_order,
        coupons=ctx.coupons[:n],
    )


@settings(max_examples=100)
@given(carts(), rules(coupons=4), st.data())
def test_holding_one_more_coupon_never_makes_the_best_choice_worse(
    cart: Cart, rs: tuple[Rule, ...], data: st.DataObject
) -> None:
    ctx = data.draw(contexts((*TEMPLATES, "k3")))
    ruleset = RuleSet(rs)
    fewer = price(cart, _with_coupons(ctx, 3), ruleset)
    more = price(cart, ctx, ruleset)
    assert more.total <= fewer.total


@settings(max_examples=60)
@given(carts(max_lines=3), rules(max_rules=3), st.data())
def test_best_choice_equals_brute_force(
    cart: Cart, rs: tuple[Rule, ...], data: st.DataObject
) -> None:
    ctx = data.draw(contexts(TEMPLATES))
    ruleset = RuleSet(rs)
    best = price(cart, ctx, ruleset)
    kinds = {r.id: r.coupon_kind for r in rs if isinstance(r, Coupon | ShippingCoupon)}
    template = {h.id: h.template for h in ctx.coupons}
    totals = []
    ids = [h.id for h in ctx.coupons]
    for n in range(len(ids) + 1):
        for combo in combinations(ids, n):
            used = Counter(kinds[template[c]] for c in combo)
            if any(count > ruleset.policy.coupon_limit(k) for k, count in used.items()):
                continue
            chosen = PricingContext(
                at=ctx.at,
                customer_tier=ctx.customer_tier,
                points=ctx.points,
                first_order=ctx.first_order,
                coupons=ctx.coupons,
                selected_coupons=combo,
            )
            totals.append((price(cart, chosen, ruleset).total.minor, n, sorted(combo)))
    assert best.total.minor == min(totals)[0]
    assert sorted(best.coupons.chosen) == min(totals)[2]
