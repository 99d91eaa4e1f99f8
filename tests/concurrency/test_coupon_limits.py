"""Real threads on real servers: a coupon's use limits are never exceeded."""

from __future__ import annotations

import pytest
from tests.backends import Backend
from tests.concurrency.test_real_threads import make_shop, run_threads

from commerce_core import Actor
from commerce_core.kernel import Money
from commerce_core.marketing import (
    CouponCodeUsed,
    CouponLimitReached,
    CouponTemplate,
    CreateCouponTemplate,
    CreateSharedCouponCode,
    GenerateCouponCodes,
    IssueCoupons,
    RedeemCouponCode,
    UseCoupon,
)
from commerce_core.pricing import Coupon

BACKENDS = ("postgresql", "mariadb", "sqlite", "memory")
pytestmark = pytest.mark.concurrency

STAFF = Actor.staff("load")


def test_fifty_workers_claim_and_use_a_coupon_limited_to_ten_uses(backend: Backend) -> None:
    shop = make_shop(backend)
    rule = Coupon(id="flash-10", amount_off=Money.of("10"))
    shop.execute(CreateCouponTemplate(template=CouponTemplate(rule, total_limit=10)), actor=STAFF)
    used: list[int] = []
    refused: list[int] = []

    def claim_and_use(i: int) -> None:
        customer = f"c{i}"
        (coupon,) = shop.execute(
            IssueCoupons(template="flash-10", customers=(customer,)), actor=STAFF
        )
        try:
            shop.execute(UseCoupon(coupon=coupon, customer=customer, order=f"o{i}"), actor=STAFF)
        except CouponLimitReached:
            refused.append(i)
        else:
            used.append(i)

    assert run_threads(50, claim_and_use) == []
    assert (len(used), len(refused)) == (10, 40)
    usage = shop.marketing.usage("flash-10")
    assert (usage.issued, usage.used) == (50, 10)
    shop.close()


def test_one_customer_racing_with_many_coupons_stops_at_the_per_customer_limit(
    backend: Backend,
) -> None:
    shop = make_shop(backend)
    rule = Coupon(id="once-3", amount_off=Money.of("5"))
    template = CouponTemplate(rule, per_customer_limit=3)
    shop.execute(CreateCouponTemplate(template=template), actor=STAFF)
    coupons = [
        shop.execute(IssueCoupons(template="once-3", customers=("ann",)), actor=STAFF)[0]
        for _ in range(20)
    ]
    used: list[int] = []

    def use(i: int) -> None:
        try:
            shop.execute(UseCoupon(coupon=coupons[i], customer="ann", order=f"o{i}"), actor=STAFF)
        except CouponLimitReached:
            return
        used.append(i)

    assert run_threads(20, use) == []
    assert len(used) == 3
    assert shop.marketing.usage("once-3").used == 3
    shop.close()


def test_twenty_customers_racing_for_a_single_use_code_have_one_winner(
    backend: Backend,
) -> None:
    shop = make_shop(backend)
    rule = Coupon(id="gift", amount_off=Money.of("50"))
    shop.execute(CreateCouponTemplate(template=CouponTemplate(rule)), actor=STAFF)
    (code,) = shop.execute(GenerateCouponCodes(batch="b1", template="gift", count=1), actor=STAFF)
    won: list[int] = []
    lost: list[int] = []

    def redeem(i: int) -> None:
        try:
            shop.execute(RedeemCouponCode(code=code, customer=f"c{i}"), actor=STAFF)
        except CouponCodeUsed:
            lost.append(i)
        else:
            won.append(i)

    assert run_threads(20, redeem) == []
    assert (len(won), len(lost)) == (1, 19)
    assert shop.marketing.code(code).redemptions == 1
    assert shop.marketing.usage("gift").issued == 1
    assert len(shop.marketing.coupons_of(f"c{won[0]}")) == 1
    shop.close()


def test_thirty_customers_racing_for_a_shared_code_stop_at_the_total_limit(
    backend: Backend,
) -> None:
    shop = make_shop(backend)
    rule = Coupon(id="shared-10", amount_off=Money.of("5"))
    shop.execute(CreateCouponTemplate(template=CouponTemplate(rule, total_limit=10)), actor=STAFF)
    shop.execute(CreateSharedCouponCode(template="shared-10", code="SHARE-10"), actor=STAFF)
    won: list[int] = []

    def redeem(i: int) -> None:
        try:
            shop.execute(RedeemCouponCode(code="share10", customer=f"c{i}"), actor=STAFF)
        except CouponLimitReached:
            return
        won.append(i)

    assert run_threads(30, redeem) == []
    assert len(won) == 10
    assert shop.marketing.code("SHARE-10").redemptions == 10
    assert shop.marketing.usage("shared-10").issued == 10
    shop.close()


def test_one_customer_redeeming_a_single_use_code_twice_at_once_gets_one_coupon(
    backend: Backend,
) -> None:
    shop = make_shop(backend)
    rule = Coupon(id="gift", amount_off=Money.of("50"))
    shop.execute(CreateCouponTemplate(template=CouponTemplate(rule)), actor=STAFF)
    (code,) = shop.execute(GenerateCouponCodes(batch="b1", template="gift", count=1), actor=STAFF)
    got: list[str] = []

    def redeem(_: int) -> None:
        got.append(shop.execute(RedeemCouponCode(code=code, customer="ann"), actor=STAFF))

    assert run_threads(8, redeem) == []
    assert len(got) == 8
    assert len(set(got)) == 1
    assert [c.id for c in shop.marketing.coupons_of("ann")] == got[:1]
    shop.close()
