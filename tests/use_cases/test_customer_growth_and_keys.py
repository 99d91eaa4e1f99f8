"""Growth taken back on refunds through its ledger, contacts unique per shop, and 64-bit
limits, on every backend."""

from __future__ import annotations

import pytest

from commerce_core import Actor, Commerce, InputError, Money, PageRequest
from commerce_core.customers import (
    AdjustPoints,
    AwardOrderPoints,
    AwardReviewPoints,
    ChangeProfile,
    Condition,
    ConfigureCustomerProgram,
    CustomerEmailTaken,
    CustomerPhoneTaken,
    CustomerProgram,
    GrowthEntryKind,
    Op,
    Profile,
    RedeemPoints,
    RegisterCustomer,
    ReversePointsForRefund,
    SegmentField,
    Tier,
)
from commerce_core.customers.ids import CustomerId
from commerce_core.testing import FrozenClock

PROGRAM = CustomerProgram(
    tiers=(Tier(code="v0", name="V0", threshold=0), Tier(code="v1", name="V1", threshold=100)),
    tier_review_days=30,
    first_order_points=0,
)


def register(
    shop: Commerce, staff: Actor, *, phone: str | None = None, email: str | None = None
) -> CustomerId:
    profile = Profile(name="韩梅梅", phone=phone, email=email)
    return shop.execute(RegisterCustomer(profile=profile), actor=staff)


def refund(shop: Commerce, staff: Actor, cid: CustomerId, n: int, total: str, *, paid: str) -> None:
    shop.execute(
        ReversePointsForRefund(
            customer=cid,
            order="o1",
            refund=f"r{n}",
            refunded_total=Money.of(total),
            order_paid=Money.of(paid),
        ),
        actor=staff,
    )


# -- growth ---------------------------------------------------------------------------------
def test_growth_equals_its_ledger(shop: Commerce, staff: Actor) -> None:
    shop.execute(ConfigureCustomerProgram(program=PROGRAM), actor=staff)
    cid = register(shop, staff)
    shop.execute(AwardOrderPoints(customer=cid, order="o1", paid=Money.of("88.80")), actor=staff)
    shop.execute(AwardReviewPoints(customer=cid, review="rv"), actor=staff)
    # Posting again changes nothing: one entry per reference.
    shop.execute(AwardOrderPoints(customer=cid, order="o1", paid=Money.of("88.80")), actor=staff)
    statement = shop.customers.growth(cid)
    assert statement.growth == 88 + 5 == shop.customers.tier(cid).growth
    assert [(e.kind, e.growth, e.reference, e.order) for e in statement.entries] == [
        (GrowthEntryKind.EARN, 88, "earn:o1", "o1"),
        (GrowthEntryKind.EARN, 5, "review:rv", None),
    ]


def test_refunds_take_back_growth_in_exact_proportion(shop: Commerce, staff: Actor) -> None:
    shop.execute(ConfigureCustomerProgram(program=PROGRAM), actor=staff)
    cid = register(shop, staff)
    shop.execute(AwardOrderPoints(customer=cid, order="o1", paid=Money.of("99.99")), actor=staff)
    assert shop.customers.growth(cid).growth == 99
    refund(shop, staff, cid, 0, "33.33", paid="99.99")
    assert shop.customers.growth(cid).growth == 99 - 33
    refund(shop, staff, cid, 0, "33.33", paid="99.99")  # the same refund again: no change
    assert shop.customers.growth(cid).growth == 66
    refund(shop, staff, cid, 1, "66.66", paid="99.99")
    refund(shop, staff, cid, 2, "99.99", paid="99.99")
    statement = shop.customers.growth(cid)
    reversed_ = [e.growth for e in statement.entries if e.kind is GrowthEntryKind.REVERSE]
    assert reversed_ == [-33, -33, -33]
    assert statement.growth == 0 == sum(e.growth for e in statement.entries)
    assert shop.customers.tier(cid).period_growth == 0


def test_a_refund_never_downgrades_at_once_the_review_does(
    shop: Commerce, staff: Actor, clock: FrozenClock
) -> None:
    shop.execute(ConfigureCustomerProgram(program=PROGRAM), actor=staff)
    cid = register(shop, staff)
    shop.execute(AwardOrderPoints(customer=cid, order="o1", paid=Money.of("150")), actor=staff)
    assert shop.customers.tier(cid).tier == "v1"
    refund(shop, staff, cid, 0, "150", paid="150")
    view = shop.customers.tier(cid)
    assert (view.tier, view.growth, view.period_growth) == ("v1", 0, 0)
    clock.advance(days=30)
    shop.run_due()
    assert shop.customers.tier(cid).tier == "v0"


# -- contacts unique per shop ---------------------------------------------------------------
def test_a_phone_belongs_to_one_customer(shop: Commerce, staff: Actor) -> None:
    register(shop, staff, phone="138 0013 8000")
    with pytest.raises(CustomerPhoneTaken) as caught:
        register(shop, staff, phone="+8613800138000")
    assert caught.value.code == "customer_phone_taken"
    assert caught.value.field == "phone"
    assert "138" not in caught.value.message  # personal data stays out of the error
    other = register(shop, staff, phone="+8613900139000")
    with pytest.raises(CustomerPhoneTaken):
        shop.execute(
            ChangeProfile(customer=other, profile=Profile(name="x", phone="13800138000")),
            actor=staff,
        )
    assert shop.customers.get(other).profile.phone == "+8613900139000"


def test_an_email_belongs_to_one_customer_whatever_its_case(shop: Commerce, staff: Actor) -> None:
    first = register(shop, staff, email="Li.Lei@Example.com")
    with pytest.raises(CustomerEmailTaken) as caught:
        register(shop, staff, email="li.lei@EXAMPLE.COM")
    assert caught.value.field == "email"
    # Changing one's own profile keeps one's own address; no one else holds it.
    shop.execute(
        ChangeProfile(customer=first, profile=Profile(name="李雷", email="LI.LEI@example.com")),
        actor=staff,
    )
    assert shop.customers.get(first).profile.email == "LI.LEI@example.com"
    register(shop, staff, email="han.meimei@example.com")
    assert len(shop.customers.list(PageRequest()).items) == 2


def test_customers_without_contacts_do_not_collide(shop: Commerce, staff: Actor) -> None:
    register(shop, staff)
    register(shop, staff)


# -- 64-bit limits --------------------------------------------------------------------------
@pytest.mark.parametrize("points", [2**63, -(2**63)])
def test_points_past_64_bits_are_refused(shop: Commerce, staff: Actor, points: int) -> None:
    cid = register(shop, staff)
    with pytest.raises(InputError) as caught:
        shop.execute(
            AdjustPoints(customer=cid, adjustment="a", points=points, reason="x"), actor=staff
        )
    assert caught.value.field == "points"
    with pytest.raises(InputError) as caught:
        RedeemPoints(customer=cid, order="o", points=2**63)
    assert caught.value.field == "points"


def test_a_balance_pushed_past_64_bits_is_refused_and_nothing_moves(
    shop: Commerce, staff: Actor
) -> None:
    cid = register(shop, staff)
    top = 2**63 - 1
    shop.execute(AdjustPoints(customer=cid, adjustment="a", points=top, reason="x"), actor=staff)
    with pytest.raises(InputError) as caught:
        shop.execute(AdjustPoints(customer=cid, adjustment="b", points=1, reason="x"), actor=staff)
    assert caught.value.field == "points"
    assert shop.customers.points(cid).balance == top


def test_growth_past_64_bits_is_refused_and_nothing_moves(shop: Commerce, staff: Actor) -> None:
    program = CustomerProgram(first_order_points=0, growth_per_yuan=1_000_000, points_per_yuan=0)
    shop.execute(ConfigureCustomerProgram(program=program), actor=staff)
    cid = register(shop, staff)
    huge = Money.from_minor(2**63 - 1)
    with pytest.raises(InputError) as caught:
        shop.execute(AwardOrderPoints(customer=cid, order="o", paid=huge), actor=staff)
    assert caught.value.field == "growth"
    assert shop.customers.growth(cid).growth == 0
    assert shop.customers.growth(cid).entries == ()
    assert shop.customers.points(cid).entries == ()


@pytest.mark.parametrize("value", [2**63, -(2**63) - 1])
def test_segment_values_past_64_bits_are_refused(value: int) -> None:
    with pytest.raises(InputError) as caught:
        Condition(field=SegmentField.POINTS, op=Op.GTE, value=value)
    assert caught.value.field == "value"
    with pytest.raises(InputError):
        Condition(field=SegmentField.SPENT, op=Op.GTE, value=value, days=30)
    assert Condition(field=SegmentField.GROWTH, op=Op.LT, value=2**63 - 1).value == 2**63 - 1
