"""Coupon templates, issuing and using coupons, through the Commerce facade."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commerce_core import Actor, Commerce
from commerce_core.kernel import Money
from commerce_core.marketing import (
    CouponLimitReached,
    CouponNotFound,
    CouponStatus,
    CouponTemplate,
    CouponTemplateNotFound,
    CouponUnavailable,
    CreateCouponTemplate,
    GiveBackCoupon,
    IssueCoupons,
    UseCoupon,
)
from commerce_core.pricing import Cart, CartLine, Coupon, PricingContext, price

STAFF = Actor.staff("ops")


@pytest.fixture
def shop() -> Commerce:
    shop = Commerce.from_url("memory://")
    rule = Coupon(id="c20", amount_off=Money.of("20"), threshold=Money.of("100"))
    template = CouponTemplate(rule, total_limit=2, per_customer_limit=1)
    assert shop.execute(CreateCouponTemplate(template=template), actor=STAFF) == "c20"
    return shop


def test_a_staff_grant_issues_one_coupon_per_customer(shop: Commerce) -> None:
    ids = shop.execute(IssueCoupons(template="c20", customers=("ann", "bob")), actor=STAFF)
    assert len(set(ids)) == 2
    assert [c.id for c in shop.marketing.coupons_of("ann")] == [ids[0]]
    assert shop.marketing.usage("c20").issued == 2


def test_issuing_from_an_unknown_template_is_refused(shop: Commerce) -> None:
    with pytest.raises(CouponTemplateNotFound) as err:
        shop.execute(IssueCoupons(template="nope", customers=("ann",)), actor=STAFF)
    assert err.value.code == "coupon_template_not_found"


def test_a_held_coupon_prices_a_cart(shop: Commerce) -> None:
    shop.execute(IssueCoupons(template="c20", customers=("ann",)), actor=STAFF)
    held = tuple(c.held() for c in shop.marketing.coupons_of("ann"))
    rules = [shop.marketing.usage("c20").template.rule]
    ctx = PricingContext(at=datetime(2026, 6, 18, tzinfo=UTC), coupons=held)
    b = price(Cart((CartLine("A", 1, Money.of("120")),)), ctx, rules)
    assert b.total == Money.of("100")


def test_using_counts_once_per_order_and_refuses_past_the_limits(shop: Commerce) -> None:
    a1, a2, b1, c1 = (
        shop.execute(IssueCoupons(template="c20", customers=(who,)), actor=STAFF)[0]
        for who in ("ann", "ann", "bob", "cat")
    )
    shop.execute(UseCoupon(coupon=a1, customer="ann", order="o1"), actor=STAFF)
    shop.execute(UseCoupon(coupon=a1, customer="ann", order="o1"), actor=STAFF)  # same order
    with pytest.raises(CouponUnavailable):
        shop.execute(UseCoupon(coupon=a1, customer="ann", order="o2"), actor=STAFF)
    with pytest.raises(CouponLimitReached) as err:
        shop.execute(UseCoupon(coupon=a2, customer="ann", order="o3"), actor=STAFF)
    assert (err.value.code, err.value.limit) == ("coupon_limit_reached", "per_customer")
    shop.execute(UseCoupon(coupon=b1, customer="bob", order="o4"), actor=STAFF)
    with pytest.raises(CouponLimitReached) as err:
        shop.execute(UseCoupon(coupon=c1, customer="cat", order="o5"), actor=STAFF)
    assert err.value.limit == "total"
    assert shop.marketing.usage("c20").used == 2


def test_a_cancelled_order_gives_the_use_back(shop: Commerce) -> None:
    a, c = (
        shop.execute(IssueCoupons(template="c20", customers=(who,)), actor=STAFF)[0]
        for who in ("ann", "cat")
    )
    shop.execute(UseCoupon(coupon=a, customer="ann", order="o1"), actor=STAFF)
    with pytest.raises(CouponUnavailable):
        shop.execute(GiveBackCoupon(coupon=a, order="someone-else"), actor=STAFF)
    shop.execute(GiveBackCoupon(coupon=a, order="o1"), actor=STAFF)
    shop.execute(GiveBackCoupon(coupon=a, order="o1"), actor=STAFF)  # twice: nothing more
    assert shop.marketing.usage("c20").used == 0
    (back,) = shop.marketing.coupons_of("ann")
    assert (back.status, back.order) == (CouponStatus.AVAILABLE, None)
    shop.execute(UseCoupon(coupon=c, customer="cat", order="o2"), actor=STAFF)


def test_someone_elses_coupon_is_not_found(shop: Commerce) -> None:
    (a,) = shop.execute(IssueCoupons(template="c20", customers=("ann",)), actor=STAFF)
    with pytest.raises(CouponNotFound):
        shop.execute(UseCoupon(coupon=a, customer="bob", order="o1"), actor=STAFF)


def test_commands_travel_as_json(shop: Commerce) -> None:
    ids = shop.execute_json(
        {"type": "marketing.issue_coupons", "template": "c20", "customers": ["ann"]},
        actor=STAFF,
    )
    assert len(ids) == 1
