"""Behavior tracking and segments through the facade, on every backend; every backend must
give the same members for the same rules (the SQL adapter compiles them to one query)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from commerce_core import Actor, Commerce, InputError, Money
from commerce_core.customers import (
    AdjustPoints,
    AwardOrderPoints,
    BehaviorEvent,
    BehaviorKind,
    Condition,
    CreateSegment,
    FreezeCustomer,
    Gender,
    IngestBehavior,
    Op,
    Profile,
    RegisterCustomer,
    SegmentField,
    SegmentRule,
    SetSegmentMembers,
    TagCustomer,
)
from commerce_core.customers.ids import CustomerId
from commerce_core.testing import FrozenClock

T0 = datetime(2026, 1, 1, tzinfo=UTC)
NOW = T0 + timedelta(days=200)


def event(n: int, customer: str, kind: BehaviorKind, day: int, **more: object) -> BehaviorEvent:
    return BehaviorEvent(
        id=f"e{n}",
        customer=CustomerId(customer),
        kind=kind,
        at=T0 + timedelta(days=day),
        **more,  # type: ignore[arg-type]
    )


def paid(n: int, customer: str, day: int, amount: str) -> BehaviorEvent:
    return event(n, customer, BehaviorKind.PAID, day, order=f"o{n}", amount=Money.of(amount))


@pytest.fixture
def people(shop: Commerce, staff: Actor) -> dict[str, CustomerId]:
    """Four customers with known histories, as of NOW (day 200)."""
    names = {
        "big": Gender.FEMALE,
        "lapsed": Gender.MALE,
        "new": Gender.FEMALE,
        "idle": Gender.OTHER,
    }
    ids = {
        n: shop.execute(RegisterCustomer(profile=Profile(name=n, gender=g)), actor=staff)
        for n, g in names.items()
    }
    b, lapsed, new = ids["big"], ids["lapsed"], ids["new"]
    batch = [
        paid(1, b, 150, "800"),
        paid(2, b, 190, "300"),
        event(3, b, BehaviorKind.VIEWED, 199, product="p1", category="tea"),
        event(4, b, BehaviorKind.VIEWED, 199, product="p2", category="tea"),
        event(5, b, BehaviorKind.FAVORITED, 198, product="p2"),
        event(6, b, BehaviorKind.FAVORITED, 197, product="p3"),
        event(7, b, BehaviorKind.UNFAVORITED, 199, product="p3"),
        paid(8, lapsed, 120, "1200"),
        event(9, lapsed, BehaviorKind.SEARCHED, 121, query="绿茶"),
        paid(10, new, 199, "50"),
        event(11, new, BehaviorKind.VIEWED, 199, product="p1", category="snacks"),
    ]
    assert shop.execute(IngestBehavior(events=tuple(batch)), actor=staff) == len(batch)
    shop.execute(TagCustomer(customer=b, tag="vip"), actor=staff)
    shop.execute(AdjustPoints(customer=new, adjustment="a", points=70, reason="x"), actor=staff)
    shop.execute(FreezeCustomer(customer=ids["idle"], reason="spam"), actor=staff)
    return ids


def test_events_are_kept_once_by_id(
    shop: Commerce, staff: Actor, people: dict[str, CustomerId]
) -> None:
    again = (paid(1, people["big"], 150, "800"), paid(99, people["big"], 195, "1"))
    assert shop.execute(IngestBehavior(events=again), actor=staff) == 1
    purchases = shop.customers.behavior(people["big"], NOW).purchases
    assert [p.order for p in purchases] == ["o99", "o2", "o1"]


def test_the_behavior_profile_adds_up(shop: Commerce, people: dict[str, CustomerId]) -> None:
    got = shop.customers.behavior(people["big"], NOW)
    assert got.favorites == ("p2",)
    assert set(got.recently_viewed) == {"p1", "p2"}
    assert got.top_categories == (("tea", 2),)
    assert got.last_active == T0 + timedelta(days=199)
    # paid 10 days ago (recency 4), 2 payments (frequency 2), ¥1,100 (monetary 3)
    assert got.rfm.code == "423"
    assert shop.customers.behavior(people["idle"], NOW).rfm.code == "000"


RULES = {
    "spent ≥ ¥1,000 in 90 days, inactive 30 days": (
        SegmentRule(
            all_of=(
                Condition.spent_at_least(Money.of("1000"), days=90),
                Condition.inactive_for(30),
            )
        ),
        {"lapsed"},
    ),
    "spent ≥ ¥1,000 in 90 days": (
        SegmentRule(all_of=(Condition.spent_at_least(Money.of("1000"), days=90),)),
        {"big", "lapsed"},
    ),
    # Windows that zero payments can satisfy (left-joined), that they cannot (HAVING, inner
    # join), both on one window, two required windows, and windows only in any_of.
    "spent under ¥100 in 30 days, no payments included": (
        SegmentRule(all_of=(Condition(field=SegmentField.SPENT, op=Op.LT, value=10_000, days=30),)),
        {"lapsed", "new", "idle"},
    ),
    "spent ≥ ¥1,000 in 90 days in at most one order": (
        SegmentRule(
            all_of=(
                Condition.spent_at_least(Money.of("1000"), days=90),
                Condition(field=SegmentField.ORDERS, op=Op.LTE, value=1, days=90),
            )
        ),
        {"lapsed"},
    ),
    "spent ≥ ¥1,000 in 90 days and ordered in 30": (
        SegmentRule(
            all_of=(
                Condition.spent_at_least(Money.of("1000"), days=90),
                Condition(field=SegmentField.ORDERS, op=Op.GTE, value=1, days=30),
            )
        ),
        {"big"},
    ),
    "one order in 60 days or spent ≥ ¥1,000 in 90": (
        SegmentRule(
            any_of=(
                Condition(field=SegmentField.ORDERS, op=Op.EQ, value=1, days=60),
                Condition.spent_at_least(Money.of("1000"), days=90),
            )
        ),
        {"new", "big", "lapsed"},
    ),
    "vip or frozen": (
        SegmentRule(
            any_of=(
                Condition.has_tag("vip"),
                Condition(field=SegmentField.STATUS, op=Op.EQ, value="frozen"),
            )
        ),
        {"big", "idle"},
    ),
    "not vip, female": (
        SegmentRule(
            all_of=(
                Condition(field=SegmentField.TAG, op=Op.LACKS, value="vip"),
                Condition(field=SegmentField.GENDER, op=Op.EQ, value="female"),
            )
        ),
        {"new"},
    ),
    "two or more orders in 30 days": (
        SegmentRule(all_of=(Condition(field=SegmentField.ORDERS, op=Op.GTE, value=2, days=60),)),
        {"big"},
    ),
    "points above 50": (
        SegmentRule(all_of=(Condition(field=SegmentField.POINTS, op=Op.GT, value=50),)),
        {"new"},
    ),
    "recency score 5, monetary at most 1": (
        SegmentRule(
            all_of=(
                Condition(field=SegmentField.RFM_RECENCY, op=Op.EQ, value=5),
                Condition(field=SegmentField.RFM_MONETARY, op=Op.LTE, value=1),
            )
        ),
        {"new"},
    ),
    "never paid": (
        SegmentRule(all_of=(Condition(field=SegmentField.RFM_FREQUENCY, op=Op.EQ, value=0),)),
        {"idle"},
    ),
    "inactive exactly 80 days": (
        SegmentRule(all_of=(Condition(field=SegmentField.INACTIVE_DAYS, op=Op.EQ, value=79),)),
        {"lapsed"},
    ),
    "registered under 10 days, tier regular": (
        SegmentRule(
            all_of=(
                Condition(field=SegmentField.REGISTERED_DAYS, op=Op.LT, value=10),
                Condition(field=SegmentField.TIER, op=Op.NE, value="gold"),
            )
        ),
        {"big", "lapsed", "new", "idle"},
    ),
}


@pytest.mark.parametrize("name", list(RULES))
def test_every_backend_evaluates_rules_alike(
    shop: Commerce, people: dict[str, CustomerId], clock: FrozenClock, name: str
) -> None:
    rule, expected = RULES[name]
    # Registered on day 0 of the clock; evaluate rules about behavior at NOW, and about
    # registration at a time the clock knows.
    at = NOW if "registered" not in name else clock.now() + timedelta(days=3)
    got = set(shop.customers.evaluate(rule, at))
    assert got == {people[n] for n in expected}


def test_segments_store_members_and_refresh_on_timers(
    shop: Commerce, staff: Actor, people: dict[str, CustomerId], clock: FrozenClock
) -> None:
    clock.set(NOW)
    rule = SegmentRule(all_of=(Condition.spent_at_least(Money.of("1000"), days=90),))
    dynamic = shop.execute(
        CreateSegment(name="high spenders 高消费", rule=rule, refresh_days=1), actor=staff
    )
    static = shop.execute(CreateSegment(name="hand picked", members=(people["new"],)), actor=staff)
    assert set(shop.customers.segment_members(dynamic)) == {people["big"], people["lapsed"]}
    assert shop.customers.segments_of(people["new"]) == (static,)
    shop.execute(SetSegmentMembers(segment=static, members=(people["idle"],)), actor=staff)
    assert shop.customers.segment_members(static) == (people["idle"],)
    clock.advance(days=35)  # lapsed's ¥1,200 (day 120) leaves the 90-day window
    shop.run_due()
    assert shop.customers.segment_members(dynamic) == (people["big"],)
    views = {v.id: v for v in shop.customers.segments()}
    assert views[dynamic].members == 1
    assert views[dynamic].rule == rule
    assert views[static].kind == "static"


def test_bad_rules_name_the_field() -> None:
    with pytest.raises(InputError) as info:
        Condition(field=SegmentField.SPENT, op=Op.GTE, value=1)
    assert info.value.field == "days"
    with pytest.raises(InputError) as info:
        Condition(field=SegmentField.TIER, op=Op.GT, value="gold")
    assert info.value.field == "op"
    with pytest.raises(InputError):
        SegmentRule()


def test_order_completion_moves_the_tier_seen_by_rules(
    shop: Commerce, staff: Actor, people: dict[str, CustomerId]
) -> None:
    shop.execute(
        AwardOrderPoints(customer=people["big"], order="o1", paid=Money.of("5000")), actor=staff
    )
    rule = SegmentRule(all_of=(Condition(field=SegmentField.TIER, op=Op.EQ, value="gold"),))
    assert shop.customers.evaluate(rule, NOW) == (people["big"],)
    assert shop.customers.tier(people["big"]).benefits.free_shipping_threshold == Money.of("99")
