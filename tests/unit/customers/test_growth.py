"""Membership growth: removing growth never changes the tier; the 64-bit ceiling holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commerce_core import InputError
from commerce_core.customers import COUNT_MAX, CustomerProgram, Membership, Tier, TierView
from commerce_core.customers.events import TierChanged
from commerce_core.customers.ids import CustomerId

T0 = datetime(2026, 1, 1, tzinfo=UTC)
PROGRAM = CustomerProgram(
    tiers=(
        Tier(code="v0", name="V0", threshold=0),
        Tier(code="v1", name="V1", threshold=100),
        Tier(code="v2", name="V2", threshold=1000),
    )
)


@given(st.lists(st.tuples(st.booleans(), st.integers(0, 2_000)), max_size=30))
def test_growth_moves_by_exactly_what_is_added_and_removed(steps: list[tuple[bool, int]]) -> None:
    m = Membership.start(CustomerId("c"), PROGRAM, at=T0)
    expected = 0
    for add, n in steps:
        tier = m.tier
        if add:
            m.add_growth(n, PROGRAM, at=T0)
            expected += n
        else:
            taken = min(n, m.growth)
            m.remove_growth(taken)
            expected -= taken
            assert m.tier == tier  # a removal never downgrades at once
        assert m.growth == expected >= 0
        assert 0 <= m.period_growth <= m.growth


def test_removing_more_than_held_or_adding_past_64_bits_is_refused() -> None:
    m = Membership.start(CustomerId("c"), PROGRAM, at=T0)
    m.add_growth(10, PROGRAM, at=T0)
    with pytest.raises(InputError) as caught:
        m.remove_growth(11)
    assert caught.value.field == "growth"
    with pytest.raises(InputError):
        m.remove_growth(-1)
    with pytest.raises(InputError) as caught:
        m.add_growth(COUNT_MAX - 9, PROGRAM, at=T0)
    assert caught.value.field == "growth"
    assert m.growth == 10
    m.add_growth(COUNT_MAX - 10, PROGRAM, at=T0)
    assert m.growth == COUNT_MAX


def test_a_new_member_starts_in_the_lowest_tier_with_a_review_one_period_ahead() -> None:
    m = Membership.start(CustomerId("c1"), PROGRAM, at=T0)
    assert (m.customer, m.tier, m.growth, m.period_growth) == ("c1", "v0", 0, 0)
    assert m.next_review_at == T0 + timedelta(days=PROGRAM.tier_review_days)
    assert m.events == []


@pytest.mark.parametrize("bad", [-1, True, 1.0, "5"])
def test_growth_that_is_not_a_whole_number_at_least_zero_is_refused(bad: object) -> None:
    m = Membership.start(CustomerId("c"), PROGRAM, at=T0)
    with pytest.raises(InputError) as caught:
        m.add_growth(bad, PROGRAM, at=T0)  # type: ignore[arg-type]
    assert caught.value.field == "growth"
    assert str(caught.value) == "invalid input: growth: must be an integer >= 0"
    assert (m.growth, m.period_growth, m.events) == (0, 0, [])


def test_refusals_say_the_limits() -> None:
    m = Membership.start(CustomerId("c"), PROGRAM, at=T0)
    m.add_growth(10, PROGRAM, at=T0)
    with pytest.raises(InputError, match="from 0 to 10"):
        m.remove_growth(11)
    with pytest.raises(InputError, match=r"past 2\*\*63-1"):
        m.add_growth(COUNT_MAX, PROGRAM, at=T0)


def test_growth_within_the_tier_neither_upgrades_nor_raises_events() -> None:
    m = Membership.start(CustomerId("c"), PROGRAM, at=T0)
    assert m.add_growth(30, PROGRAM, at=T0) is False
    assert m.add_growth(30, PROGRAM, at=T0) is False
    assert (m.growth, m.period_growth, m.tier, m.events) == (60, 60, "v0", [])


def test_an_upgrade_happens_at_once_and_says_who_from_what_to_what_and_when() -> None:
    m = Membership.start(CustomerId("c7"), PROGRAM, at=T0)
    m.add_growth(60, PROGRAM, at=T0)
    later = T0 + timedelta(days=3)
    assert m.add_growth(40, PROGRAM, at=later) is True  # the period's 100 reach v1
    assert m.tier == "v1"
    [event] = m.events
    assert isinstance(event, TierChanged)
    assert (event.customer, event.old_tier, event.new_tier, event.at) == ("c7", "v0", "v1", later)


def test_a_review_downgrades_from_the_period_growth_and_stamps_the_review_time() -> None:
    m = Membership.start(CustomerId("c8"), PROGRAM, at=T0)
    m.add_growth(150, PROGRAM, at=T0)
    m.events.clear()
    review_at = m.next_review_at + timedelta(days=1)
    assert m.review(PROGRAM, at=review_at) is False  # the period earned v1: it stays
    assert m.period_growth == 0
    assert m.review(PROGRAM, at=m.next_review_at) is True  # a period with nothing earned
    [event] = m.events
    assert isinstance(event, TierChanged)
    assert (event.customer, event.old_tier, event.new_tier) == ("c8", "v1", "v0")
    assert event.at is not None
    assert m.tier == "v0"


def test_the_view_shows_the_tier_with_its_name_benefits_growth_and_next_review() -> None:
    program = CustomerProgram()
    m = Membership.start(CustomerId("c9"), program, at=T0)
    second = program.tiers[1]
    m.add_growth(second.threshold + 5, program, at=T0)
    m.remove_growth(3)
    view = m.view(program)
    assert view == TierView(
        customer=CustomerId("c9"),
        tier=second.code,
        name=second.name,
        benefits=second.benefits,
        growth=second.threshold + 2,
        period_growth=second.threshold + 2,
        next_review_at=T0 + timedelta(days=program.tier_review_days),
    )
