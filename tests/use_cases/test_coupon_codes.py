"""Redeem codes, staff grants and validity at use, through the Commerce facade, on every
backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tests.backends import Backend

from commerce_core import Actor, Commerce, InputError
from commerce_core.customers import CreateSegment, Profile, RegisterCustomer
from commerce_core.customers.errors import SegmentNotFound
from commerce_core.kernel import Money
from commerce_core.marketing import (
    ALPHABET,
    CouponBatchClash,
    CouponBatchNotFound,
    CouponCodeClash,
    CouponCodeExpired,
    CouponCodeNotFound,
    CouponCodeUsed,
    CouponExpired,
    CouponGrantClash,
    CouponLimitReached,
    CouponNotFound,
    CouponNotYetValid,
    CouponTemplate,
    CouponTemplateNotFound,
    CouponUnavailable,
    CreateCouponTemplate,
    CreateSharedCouponCode,
    GenerateCouponCodes,
    GrantCoupons,
    GrantCouponsToSegment,
    GrantSkip,
    IssueCoupons,
    RedeemCouponCode,
    UseCoupon,
    code_key,
)
from commerce_core.pricing import Coupon
from commerce_core.testing import FrozenClock, SequentialIds

STAFF = Actor.staff("ops")
T0 = datetime(2026, 6, 18, 2, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def shop(backend: Backend, clock: FrozenClock) -> Commerce:
    shop = Commerce(backend.storage(), clock=clock, ids=SequentialIds("id"))
    rule = Coupon(id="c20", amount_off=Money.of("20"), threshold=Money.of("100"))
    template = CouponTemplate(rule, total_limit=3, per_customer_limit=1)
    shop.execute(CreateCouponTemplate(template=template), actor=STAFF)
    return shop


# -- generated batches --------------------------------------------------------------------
def test_a_batch_generates_distinct_codes_from_the_unambiguous_alphabet(shop: Commerce) -> None:
    codes = shop.execute(
        GenerateCouponCodes(batch="b1", template="c20", count=200, prefix="VIP"), actor=STAFF
    )
    assert len(codes) == 200
    assert len({code_key(c) for c in codes}) == 200
    for code in codes:
        prefix, *groups = code.split("-")
        assert prefix == "VIP"
        assert [len(g) for g in groups] == [4, 4, 4]
        assert set("".join(groups)) <= set(ALPHABET)
    stored = shop.marketing.batch_codes("b1")
    assert sorted(c.code for c in stored) == sorted(codes)
    assert all(c.single_use and c.batch == "b1" and c.redemptions == 0 for c in stored)


def test_generating_a_batch_again_returns_the_same_codes(shop: Commerce) -> None:
    first = shop.execute(GenerateCouponCodes(batch="b1", template="c20", count=5), actor=STAFF)
    again = shop.execute(GenerateCouponCodes(batch="b1", template="c20", count=5), actor=STAFF)
    assert sorted(again) == sorted(first)
    assert len(shop.marketing.batch_codes("b1")) == 5


def test_a_batch_id_reused_with_other_parameters_clashes(shop: Commerce) -> None:
    shop.execute(GenerateCouponCodes(batch="b1", template="c20", count=5), actor=STAFF)
    with pytest.raises(CouponBatchClash) as err:
        shop.execute(GenerateCouponCodes(batch="b1", template="c20", count=6), actor=STAFF)
    assert err.value.code == "coupon_batch_clash"
    assert len(shop.marketing.batch_codes("b1")) == 5


def test_a_batch_needs_a_known_template_and_a_sane_count(shop: Commerce) -> None:
    with pytest.raises(CouponTemplateNotFound):
        shop.execute(GenerateCouponCodes(batch="b1", template="nope", count=5), actor=STAFF)
    with pytest.raises(CouponBatchNotFound):
        shop.marketing.batch_codes("b1")
    for bad in (0, 10_001, True):
        with pytest.raises(InputError) as err:
            GenerateCouponCodes(batch="b1", template="c20", count=bad)
        assert err.value.errors[0].path == "count"
    with pytest.raises(InputError) as err:
        GenerateCouponCodes(batch="b1", template="c20", count=1, prefix="VIP-")
    assert err.value.errors[0].path == "prefix"


# -- redeeming ----------------------------------------------------------------------------
def test_a_single_use_code_gives_one_coupon_to_one_customer(shop: Commerce) -> None:
    (code,) = shop.execute(GenerateCouponCodes(batch="b1", template="c20", count=1), actor=STAFF)
    typed = code.lower().replace("-", " ")
    coupon = shop.execute(RedeemCouponCode(code=typed, customer="ann"), actor=STAFF)
    (held,) = shop.marketing.coupons_of("ann")
    assert (held.id, held.template, held.issued_at) == (coupon, "c20", T0)
    # Redeeming again (a double click) returns the same coupon, and issues nothing.
    assert shop.execute(RedeemCouponCode(code=code, customer="ann"), actor=STAFF) == coupon
    with pytest.raises(CouponCodeUsed) as err:
        shop.execute(RedeemCouponCode(code=code, customer="bob"), actor=STAFF)
    assert err.value.code == "coupon_code_used"
    assert shop.marketing.coupons_of("bob") == ()
    assert shop.marketing.code(code).redemptions == 1
    assert shop.marketing.usage("c20").issued == 1


def test_a_code_typed_with_look_alikes_still_matches(shop: Commerce) -> None:
    shop.execute(CreateSharedCouponCode(template="c20", code="SUMMER-2026"), actor=STAFF)
    for typed in ("summer2026", "ＳＵＭＭＥＲ－２０２６", "ЅUММЕR 2O26", "sumMER—2o26"):
        assert shop.marketing.code(typed).code == "SUMMER-2026"
    coupon = shop.execute(RedeemCouponCode(code="ЅUММЕR 2O26", customer="ann"), actor=STAFF)
    assert [c.id for c in shop.marketing.coupons_of("ann")] == [coupon]


def test_an_unknown_code_is_not_found(shop: Commerce) -> None:
    with pytest.raises(CouponCodeNotFound) as err:
        shop.execute(RedeemCouponCode(code="NOPE-1234", customer="ann"), actor=STAFF)
    assert err.value.code == "coupon_code_not_found"
    with pytest.raises(CouponCodeNotFound):
        shop.marketing.code("NOPE-1234")


def test_a_shared_code_serves_many_customers_up_to_the_total_limit(shop: Commerce) -> None:
    key = shop.execute(CreateSharedCouponCode(template="c20", code="WELCOME-88"), actor=STAFF)
    assert key == "we1c0me88"
    ids = [
        shop.execute(RedeemCouponCode(code="welcome88", customer=who), actor=STAFF)
        for who in ("ann", "bob", "cat")
    ]
    assert len(set(ids)) == 3
    assert shop.execute(RedeemCouponCode(code="WELCOME-88", customer="bob"), actor=STAFF) == ids[1]
    with pytest.raises(CouponLimitReached) as err:
        shop.execute(RedeemCouponCode(code="WELCOME-88", customer="dan"), actor=STAFF)
    assert (err.value.limit, err.value.template) == ("total", "c20")
    assert shop.marketing.code("WELCOME-88").redemptions == 3


def test_codes_that_read_the_same_cannot_both_exist(shop: Commerce) -> None:
    shop.execute(CreateSharedCouponCode(template="c20", code="GOLD-10"), actor=STAFF)
    # The same code again is idempotent.
    shop.execute(CreateSharedCouponCode(template="c20", code="GOLD-10"), actor=STAFF)
    for other in ("gold 1O", "G0LD-IO", "ＧＯＬＤ１０"):
        with pytest.raises(CouponCodeClash) as err:
            shop.execute(CreateSharedCouponCode(template="c20", code=other), actor=STAFF)
        assert (err.value.code, err.value.key) == ("coupon_code_clash", "g01d10")


def test_a_shared_code_must_be_letters_and_digits(shop: Commerce) -> None:
    for bad in ("ab", "SALE!2026", "", " SALE2026", "折扣2026"):
        with pytest.raises(InputError) as err:
            CreateSharedCouponCode(template="c20", code=bad)
        assert err.value.errors[0].path == "code"


def test_an_expired_code_is_refused(shop: Commerce, clock: FrozenClock) -> None:
    ends = T0 + timedelta(days=1)
    shop.execute(
        CreateSharedCouponCode(template="c20", code="FLASH-1", expires_at=ends), actor=STAFF
    )
    shop.execute(RedeemCouponCode(code="FLASH-1", customer="ann"), actor=STAFF)
    clock.set(ends)
    with pytest.raises(CouponCodeExpired) as err:
        shop.execute(RedeemCouponCode(code="FLASH-1", customer="bob"), actor=STAFF)
    assert err.value.code == "coupon_code_expired"
    assert shop.marketing.coupons_of("bob") == ()


# -- grants -------------------------------------------------------------------------------
def test_a_grant_is_idempotent_per_customer(shop: Commerce) -> None:
    first = shop.execute(
        GrantCoupons(grant="g1", template="c20", customers=("ann", "bob")), actor=STAFF
    )
    assert [c for c, _ in first.granted] == ["ann", "bob"]
    assert first.skipped == ()
    again = shop.execute(
        GrantCoupons(grant="g1", template="c20", customers=("bob", "cat")), actor=STAFF
    )
    assert dict(again.granted)["bob"] == dict(first.granted)["bob"]
    assert [c for c, _ in again.granted] == ["bob", "cat"]
    assert shop.marketing.usage("c20").issued == 3
    assert len(shop.marketing.coupons_of("bob")) == 1


def test_a_grant_id_reused_with_another_template_clashes(shop: Commerce) -> None:
    other = CouponTemplate(Coupon(id="c5", amount_off=Money.of("5")))
    shop.execute(CreateCouponTemplate(template=other), actor=STAFF)
    shop.execute(GrantCoupons(grant="g1", template="c20", customers=("ann",)), actor=STAFF)
    with pytest.raises(CouponGrantClash) as err:
        shop.execute(GrantCoupons(grant="g1", template="c5", customers=("bob",)), actor=STAFF)
    assert err.value.code == "coupon_grant_clash"
    assert shop.marketing.coupons_of("bob") == ()


def test_a_grant_skips_customers_past_the_limits(shop: Commerce) -> None:
    (a,) = shop.execute(IssueCoupons(template="c20", customers=("ann",)), actor=STAFF)
    shop.execute(UseCoupon(coupon=a, customer="ann", order="o1"), actor=STAFF)
    report = shop.execute(
        GrantCoupons(grant="g1", template="c20", customers=("ann", "bob")), actor=STAFF
    )
    assert report.skipped == (GrantSkip("ann", "per_customer"),)
    assert [c for c, _ in report.granted] == ["bob"]
    for i, who in enumerate(("bob", "cat")):
        (coupon,) = shop.execute(IssueCoupons(template="c20", customers=(who,)), actor=STAFF)
        shop.execute(UseCoupon(coupon=coupon, customer=who, order=f"p{i}"), actor=STAFF)
    late = shop.execute(GrantCoupons(grant="g2", template="c20", customers=("dan",)), actor=STAFF)
    assert (late.granted, late.skipped) == ((), (GrantSkip("dan", "total"),))


def test_a_grant_to_a_segment_reaches_its_stored_members(shop: Commerce) -> None:
    people = [
        shop.execute(RegisterCustomer(profile=Profile(name=n)), actor=STAFF) for n in ("Ann", "Bob")
    ]
    segment = shop.execute(CreateSegment(name="vip", members=tuple(people)), actor=STAFF)
    report = shop.execute(
        GrantCouponsToSegment(grant="g1", template="c20", segment=segment), actor=STAFF
    )
    assert sorted(c for c, _ in report.granted) == sorted(people)
    assert all(len(shop.marketing.coupons_of(p)) == 1 for p in people)
    with pytest.raises(CouponGrantClash):
        shop.execute(GrantCoupons(grant="g1", template="c20", customers=("x",)), actor=STAFF)
    with pytest.raises(SegmentNotFound):
        shop.execute(GrantCouponsToSegment(grant="g2", template="c20", segment="nope"), actor=STAFF)
    assert shop.marketing.usage("c20").issued == 2


# -- validity at use ----------------------------------------------------------------------
def _windowed(shop: Commerce, **window: object) -> str:
    rule = Coupon(id="w", amount_off=Money.of("5"), **window)  # type: ignore[arg-type]
    shop.execute(CreateCouponTemplate(template=CouponTemplate(rule)), actor=STAFF)
    (coupon,) = shop.execute(IssueCoupons(template="w", customers=("ann",)), actor=STAFF)
    return coupon


def test_a_coupon_is_refused_before_its_window(shop: Commerce, clock: FrozenClock) -> None:
    coupon = _windowed(shop, valid_from=T0 + timedelta(hours=1))
    with pytest.raises(CouponNotYetValid) as err:
        shop.execute(UseCoupon(coupon=coupon, customer="ann", order="o1"), actor=STAFF)
    assert err.value.code == "coupon_not_yet_valid"
    clock.advance(hours=1)
    shop.execute(UseCoupon(coupon=coupon, customer="ann", order="o1"), actor=STAFF)


def test_a_coupon_is_refused_after_its_window(shop: Commerce, clock: FrozenClock) -> None:
    coupon = _windowed(shop, valid_until=T0 + timedelta(days=1))
    clock.advance(days=1)
    with pytest.raises(CouponExpired) as err:
        shop.execute(UseCoupon(coupon=coupon, customer="ann", order="o1"), actor=STAFF)
    assert err.value.code == "coupon_expired"
    assert shop.marketing.usage("w").used == 0


def test_a_coupon_valid_for_days_expires_that_long_after_issue(
    shop: Commerce, clock: FrozenClock
) -> None:
    coupon = _windowed(shop, valid_days=7)
    clock.advance(days=7, seconds=-1)
    shop.execute(UseCoupon(coupon=coupon, customer="ann", order="o1"), actor=STAFF)
    (other,) = shop.execute(IssueCoupons(template="w", customers=("ann",)), actor=STAFF)
    clock.advance(days=7)
    with pytest.raises(CouponExpired):
        shop.execute(UseCoupon(coupon=other, customer="ann", order="o2"), actor=STAFF)


def test_use_checks_owner_then_status_then_window(shop: Commerce, clock: FrozenClock) -> None:
    coupon = _windowed(shop, valid_until=T0 + timedelta(days=1))
    shop.execute(UseCoupon(coupon=coupon, customer="ann", order="o1"), actor=STAFF)
    clock.advance(days=2)
    with pytest.raises(CouponNotFound):  # not bob's
        shop.execute(UseCoupon(coupon=coupon, customer="bob", order="o2"), actor=STAFF)
    with pytest.raises(CouponUnavailable):  # locked by o1: unavailable before expired
        shop.execute(UseCoupon(coupon=coupon, customer="ann", order="o2"), actor=STAFF)
    # The order that locked it placing again changes nothing, even after the window.
    shop.execute(UseCoupon(coupon=coupon, customer="ann", order="o1"), actor=STAFF)
