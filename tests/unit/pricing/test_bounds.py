"""Amounts past what Money holds, and item prices that run after promotions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.pricing.builders import context, held, line, m

from commerce_core.kernel import Money, MoneyOverflow
from commerce_core.kernel.money import MINOR_MAX
from commerce_core.pricing import (
    Cart,
    CartLine,
    Coupon,
    FixedPrice,
    ItemDiscount,
    PricingPolicy,
    ReductionTier,
    Rule,
    RuleSet,
    ShippingTemplate,
    Stage,
    TieredReduction,
    price,
)
from commerce_core.testing.pricing import carts, contexts, rules

PROMOTIONS_FIRST = PricingPolicy(
    stages=(Stage.PROMOTION, Stage.ITEM, Stage.COUPON, Stage.POINTS, Stage.SHIPPING)
)


def _field(error: MoneyOverflow) -> str:
    """The field the overflow names; its message shows the out-of-range amount too."""
    assert "is out of range" in str(error)
    assert not str(error).split(": ", 2)[-1].startswith("None")
    return str(error.context["field"])


def test_a_subtotal_past_64_bits_is_a_money_overflow_naming_the_lines() -> None:
    cart = Cart((CartLine("A", 3, Money(2**62, "CNY")),))
    with pytest.raises(MoneyOverflow) as caught:
        price(cart, context(), [])
    assert _field(caught.value) == "cart.lines"
    assert str(3 * 2**62)[:20] in str(caught.value)


def test_a_subtotal_exactly_at_the_bound_prices() -> None:
    cart = Cart((CartLine("A", 1, Money(MINOR_MAX - 1, "CNY")), CartLine("B", 1, m("0.01"))))
    assert price(cart, context(), []).total.minor == MINOR_MAX


def test_a_shipping_fee_past_64_bits_is_a_money_overflow_naming_the_fee() -> None:
    ship = ShippingTemplate(
        id="s", first=1, first_fee=m("1"), additional=1, additional_fee=Money(2**62, "CNY")
    )
    cart = Cart((line("A", 3, "1", weight_grams=10),))
    with pytest.raises(MoneyOverflow) as caught:
        price(cart, context(), [ship])
    assert _field(caught.value) == "shipping.fee"


def test_goods_plus_shipping_past_64_bits_is_a_money_overflow_naming_the_total() -> None:
    ship = ShippingTemplate(
        id="s", first=1, first_fee=Money(2**62, "CNY"), additional=1, additional_fee=m("0")
    )
    cart = Cart((CartLine("A", 1, Money(2**62, "CNY")),))
    with pytest.raises(MoneyOverflow) as caught:
        price(cart, context(), [ship])
    assert _field(caught.value) == "total"


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 2**20), st.integers(2**40, 2**62), st.booleans())
def test_overflow_is_always_typed_never_a_raw_error(qty: int, unit: int, coupon: bool) -> None:
    rules = [Coupon(id="k", amount_off=m("5"))] if coupon else []
    cart = Cart((CartLine("A", qty, Money(unit, "CNY")), line("B", 1, "1")))
    ctx = context(coupons=held("k")) if coupon else context()
    if qty * unit + 100 > MINOR_MAX:
        with pytest.raises(MoneyOverflow):
            price(cart, ctx, rules)
    else:
        assert price(cart, ctx, rules).subtotal.minor == qty * unit + 100


def test_an_item_price_after_promotions_saves_at_most_what_the_line_still_pays() -> None:
    # 满100减90 first: the line pays 10; then a flash price of 5 (95 off the list) may take
    # only the 10 left, not push the line to −85.
    rules = RuleSet(
        (
            TieredReduction(id="mj", tiers=(ReductionTier(m("100"), m("90")),)),
            FixedPrice(id="f", sku="A", price=m("5")),
        ),
        PROMOTIONS_FIRST,
    )
    b = price(Cart((line("A", 1, "100"),)), context(), rules)
    assert b.total == m("0")
    (pl,) = b.lines
    assert [(d.rule, d.amount) for d in pl.discounts] == [("mj", m("90")), ("f", m("10"))]
    assert pl.item_unit_price == m("5")
    item = next(a for a in b.applied if a.rule == "f")
    assert (item.amount, item.capped) == (m("10"), True)


def test_an_item_price_on_a_line_already_free_is_no_saving() -> None:
    rules = RuleSet(
        (
            TieredReduction(id="mj", tiers=(ReductionTier(m("100"), m("100")),)),
            ItemDiscount(id="d", amount_off=m("1")),
        ),
        PROMOTIONS_FIRST,
    )
    b = price(Cart((line("A", 1, "100"),)), context(), rules)
    assert b.total == m("0")
    assert [(r.rule, r.reason.value) for r in b.rejected] == [("d", "no_saving")]


def test_an_item_price_after_promotions_below_what_is_left_is_not_capped() -> None:
    rules = RuleSet(
        (
            TieredReduction(id="mj", tiers=(ReductionTier(m("100"), m("10")),)),
            FixedPrice(id="f", sku="A", price=m("80")),
        ),
        PROMOTIONS_FIRST,
    )
    b = price(Cart((line("A", 1, "100"),)), context(), rules)
    assert b.total == m("70")
    item = next(a for a in b.applied if a.rule == "f")
    assert (item.amount, item.capped) == (m("20"), False)


@settings(max_examples=80, deadline=None)
@given(
    carts(),
    rules(),
    st.permutations([Stage.ITEM, Stage.PROMOTION, Stage.COUPON, Stage.POINTS]),
    st.data(),
)
def test_no_line_goes_below_zero_whatever_the_order_of_application(
    cart: Cart, rs: tuple[Rule, ...], order: list[Stage], data: st.DataObject
) -> None:
    policy = PricingPolicy(stages=(*order, Stage.SHIPPING))
    b = price(cart, data.draw(contexts(("k0", "k1", "k2"))), RuleSet(rs, policy))
    assert all(pl.total.minor >= 0 for pl in b.lines)
    for pl in b.lines:
        assert pl.subtotal.minor - sum(d.amount.minor for d in pl.discounts) == pl.total.minor
    assert b.total.minor >= 0


def _ship(first_fee: Money) -> ShippingTemplate:
    return ShippingTemplate(
        id="s", first=1, first_fee=first_fee, additional=1, additional_fee=m("0")
    )


def test_goods_plus_shipping_exactly_at_the_bound_prices() -> None:
    cart = Cart((CartLine("A", 1, Money(MINOR_MAX - 500, "CNY")),))
    b = price(cart, context(), [_ship(m("5"))])
    assert (b.total.minor, b.shipping.fee.minor) == (MINOR_MAX, 500)
    with pytest.raises(MoneyOverflow) as caught:
        price(cart, context(), [_ship(m("5.01"))])
    assert _field(caught.value) == "total"


def test_a_fee_exactly_at_the_bound_prices_on_a_free_cart() -> None:
    cart = Cart((line("A", 1, "0"),))
    b = price(cart, context(), [_ship(Money(MINOR_MAX, "CNY"))])
    assert b.total.minor == MINOR_MAX


def test_trusted_values_equal_validated_ones() -> None:
    # The breakdown built without validation equals one read back through the JSON edge
    # (which runs every validator and converter).
    from commerce_core import serialization
    from commerce_core.pricing import PriceBreakdown

    rules: list[Rule] = [
        TieredReduction(id="mj", tiers=(ReductionTier(m("100"), m("10")),)),
        Coupon(id="k", amount_off=m("5")),
    ]
    b = price(Cart((line("A", 2, "60"), line("B", 1, "0.5"))), context(coupons=held("k")), rules)
    again = serialization.structure(serialization.unstructure(b), PriceBreakdown)
    assert again == b
    assert hash(again) == hash(b)
    assert type(again.applied[0].stage) is type(b.applied[0].stage)
    assert [type(x) for x in (b.total, b.applied[0], b.lines[0])] == [
        type(x) for x in (again.total, again.applied[0], again.lines[0])
    ]
