"""Explanations, hints, the coupon choice and refusals, checked with their numbers."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from tests.unit.pricing.builders import AT, context, held, line, m

from commerce_core import serialization
from commerce_core.kernel import CurrencyMismatch, InputError, Money
from commerce_core.pricing import (
    Cart,
    Coupon,
    CouponLimit,
    CouponNotHeld,
    EveryReduction,
    MemberDiscount,
    PriceBreakdown,
    PricingCase,
    PricingPolicy,
    Reason,
    ReductionTier,
    RuleSet,
    ShippingBasis,
    ShippingTemplate,
    TieredReduction,
    TierRate,
    price,
)

MJ = TieredReduction(
    id="mj", tiers=(ReductionTier(m("200"), m("20")), ReductionTier(m("300"), m("40")))
)


def test_a_threshold_not_met_says_what_it_needs_and_has() -> None:
    b = price(Cart((line("A", 1, "180"),)), context(), [MJ])
    (rejected,) = b.rejected
    assert rejected.rule == "mj"
    assert rejected.reason is Reason.THRESHOLD_NOT_MET
    assert (rejected.needs, rejected.has) == (m("200"), m("180"))


def test_upsell_hint_names_the_smallest_amount_to_the_next_tier() -> None:
    b = price(Cart((line("A", 1, "180"),)), context(), [MJ])
    (hint,) = b.hints
    assert (hint.rule, hint.missing, hint.gain) == ("mj", m("20"), m("20"))
    b = price(Cart((line("A", 1, "250"),)), context(), [MJ])
    (hint,) = b.hints
    # At 250 the 200 tier applies (−20); 50 more unlocks −40, i.e. 20 more off.
    assert (hint.missing, hint.gain) == (m("50"), m("20"))
    assert "¥50.00" in hint.detail


def test_every_reduction_hint_stops_at_the_cap() -> None:
    rule = EveryReduction(id="e", every=m("100"), off=m("10"), cap=m("30"))
    assert price(Cart((line("A", 1, "350"),)), context(), [rule]).hints == ()
    (hint,) = price(Cart((line("A", 1, "250"),)), context(), [rule]).hints
    assert (hint.missing, hint.gain) == (m("50"), m("10"))


def test_applied_rules_list_the_lines_they_touched_and_sum_exactly() -> None:
    cart = Cart((line("A", 1, "100"), line("B", 1, "100"), line("C", 1, "100")))
    b = price(cart, context(), [MJ])
    (applied,) = b.applied
    assert applied.amount == m("40")
    assert [s.sku for s in applied.lines] == ["A", "B", "C"]
    assert sum(s.amount.minor for s in applied.lines) == 4000
    assert sorted(s.amount.minor for s in applied.lines) == [1333, 1333, 1334]


def test_a_capped_coupon_says_so() -> None:
    rules = [Coupon(id="big", amount_off=m("500"))]
    b = price(Cart((line("A", 1, "100"),)), context(coupons=held("big")), rules)
    (applied,) = b.applied
    assert applied.capped
    assert applied.amount == m("100")
    assert b.total == m("0")


def test_unit_totals_split_a_line_for_refunds_and_sum_to_the_line() -> None:
    rules = [Coupon(id="c", amount_off=m("1"))]
    b = price(Cart((line("A", 3, "10"),)), context(coupons=held("c")), rules)
    units = b.line("A").unit_totals()
    assert [u.minor for u in units] == [967, 967, 966]
    assert sum(u.minor for u in units) == b.line("A").total.minor


def test_the_coupon_choice_is_explained() -> None:
    rules = [
        Coupon(id="c20", amount_off=m("20")),
        Coupon(id="c50", amount_off=m("50"), threshold=m("300")),
    ]
    b = price(Cart((line("A", 1, "280"),)), context(coupons=held("c20", "c50")), rules)
    assert b.coupons.chosen == ("c-c20",)
    assert b.coupons.automatic
    assert b.coupons.total_without_coupons == m("280")
    assert "c-c20" in b.coupons.detail
    (why,) = [r for r in b.rejected if r.coupon == "c-c50"]
    assert why.reason is Reason.THRESHOLD_NOT_MET
    assert (why.needs, why.has) == (m("300"), m("280"))
    assert any(h.rule == "c50" and h.missing == m("20") for h in b.hints)


def test_a_worse_coupon_is_explained_as_not_chosen() -> None:
    rules = [Coupon(id="c20", amount_off=m("20")), Coupon(id="c10", amount_off=m("10"))]
    b = price(Cart((line("A", 1, "100"),)), context(coupons=held("c20", "c10")), rules)
    assert b.coupons.chosen == ("c-c20",)
    (why,) = [r for r in b.rejected if r.coupon == "c-c10"]
    assert why.reason is Reason.COUPON_NOT_CHOSEN


def test_selected_coupons_apply_as_selected_even_when_worse() -> None:
    rules = [Coupon(id="c20", amount_off=m("20")), Coupon(id="c10", amount_off=m("10"))]
    ctx = context(coupons=held("c20", "c10"), selected_coupons=("c-c10",))
    b = price(Cart((line("A", 1, "100"),)), ctx, rules)
    assert b.total == m("90")
    assert not b.coupons.automatic


def test_selecting_more_coupons_than_the_limit_keeps_the_first_by_priority() -> None:
    rules = [
        Coupon(id="c20", amount_off=m("20"), priority=1),
        Coupon(id="c10", amount_off=m("10")),
    ]
    ctx = context(coupons=held("c20", "c10"), selected_coupons=("c-c10", "c-c20"))
    b = price(Cart((line("A", 1, "100"),)), ctx, rules)
    assert b.total == m("80")
    assert [r.reason for r in b.rejected] == [Reason.COUPON_LIMIT_REACHED]


def test_a_limit_of_two_shop_coupons_lets_two_stack() -> None:
    rules = RuleSet(
        (Coupon(id="c20", amount_off=m("20")), Coupon(id="c10", amount_off=m("10"))),
        PricingPolicy(coupon_limits=(CouponLimit("shop", 2),)),
    )
    b = price(Cart((line("A", 1, "100"),)), context(coupons=held("c20", "c10")), rules)
    assert b.total == m("70")
    assert b.coupons.chosen == ("c-c10", "c-c20")


def test_selecting_a_coupon_not_held_is_refused() -> None:
    ctx = context(selected_coupons=("nope",))
    with pytest.raises(CouponNotHeld) as err:
        price(Cart((line("A", 1, "100"),)), ctx, [])
    assert err.value.code == "coupon_not_held"
    assert err.value.coupon == "nope"


def test_a_held_coupon_without_a_rule_is_explained() -> None:
    b = price(Cart((line("A", 1, "100"),)), context(coupons=held("ghost")), [])
    (why,) = b.rejected
    assert (why.rule, why.reason, why.coupon) == ("ghost", Reason.UNKNOWN_COUPON, "c-ghost")


def test_an_expired_coupon_is_explained() -> None:
    rules = [Coupon(id="old", amount_off=m("5"), valid_until=AT - timedelta(hours=1))]
    b = price(Cart((line("A", 1, "100"),)), context(coupons=held("old")), rules)
    assert [r.reason for r in b.rejected] == [Reason.EXPIRED]


def test_a_tier_discount_for_another_tier_is_explained() -> None:
    rule = MemberDiscount(id="vip", rates=(TierRate("gold", Decimal("0.9")),))
    b = price(Cart((line("A", 1, "100"),)), context(customer_tier="silver"), [rule])
    assert [r.reason for r in b.rejected] == [Reason.NO_ELIGIBLE_LINES]
    assert b.total == m("100")


def test_free_shipping_hint() -> None:
    ship = ShippingTemplate(
        id="ship",
        basis=ShippingBasis.PIECE,
        first=1,
        first_fee=m("8"),
        additional=1,
        additional_fee=m("0"),
        free_above=m("99"),
    )
    b = price(Cart((line("A", 1, "90"),)), context(), [ship])
    (hint,) = b.hints
    assert (hint.rule, hint.missing, hint.gain) == ("ship", m("9"), m("8"))
    assert b.shipping.total == m("8")


def test_mixing_currencies_is_refused() -> None:
    with pytest.raises(CurrencyMismatch):
        Cart((line("A", 1, "100"), line("B", 1, "100", "USD")))
    with pytest.raises(CurrencyMismatch):
        price(Cart((line("A", 1, "100"),)), context(), [Coupon(id="u", amount_off=m("1", "USD"))])
    with pytest.raises(CurrencyMismatch):
        RuleSet((Coupon(id="u", amount_off=m("1", "USD")), Coupon(id="c", amount_off=m("1"))))


def test_bad_rules_name_the_field() -> None:
    with pytest.raises(InputError) as err:
        Coupon(id="x", amount_off=m("1"), rate=Decimal("0.9"))
    assert err.value.field == "amount_off"
    with pytest.raises(InputError) as err:
        RuleSet((Coupon(id="x", amount_off=m("1")), Coupon(id="x", amount_off=m("2"))))
    assert err.value.field == "rules[1].id"
    with pytest.raises(InputError) as err:
        Cart((line("A", 1, "1"), line("A", 2, "1")))
    assert err.value.field == "lines[1].sku"


def test_a_case_round_trips_through_json() -> None:
    case = PricingCase(
        Cart((line("A", 1, "100", category_path=("shoes",)),)),
        context(coupons=held("c20"), points=100),
        RuleSet((MJ, Coupon(id="c20", amount_off=m("20")))),
    )
    data = serialization.unstructure(case)
    assert serialization.structure(data, PricingCase) == case
    b = price(case.cart, case.context, case.rules)
    assert serialization.structure(serialization.unstructure(b), PriceBreakdown) == b


def test_json_refuses_an_unknown_rule_kind_by_field() -> None:
    data = {
        "cart": {"lines": [{"sku": "A", "quantity": 1, "unit_price": {"amount": "1"}}]},
        "context": {"at": "2026-06-18T10:00:00+08:00"},
        "rules": {"rules": [{"kind": "coupn", "id": "x"}]},
    }
    with pytest.raises(InputError) as err:
        serialization.structure(data, PricingCase)
    assert err.value.field == "rules.rules[0].kind"


def test_json_refuses_a_float_amount_in_a_rule() -> None:
    data = {
        "cart": {"lines": [{"sku": "A", "quantity": 1, "unit_price": {"amount": "1"}}]},
        "context": {"at": "2026-06-18T10:00:00+08:00"},
        "rules": {"rules": [{"kind": "coupon", "id": "x", "amount_off": {"amount": 1.5}}]},
    }
    with pytest.raises(InputError) as err:
        serialization.structure(data, PricingCase)
    assert err.value.field.startswith("rules.rules[0].amount_off")


def test_money_helper_is_exact() -> None:
    assert Money.of("0.10") == m("0.10")
