"""Membership growth: removing growth never changes the tier; the 64-bit ceiling holds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commerce_core import InputError
from commerce_core.customers import COUNT_MAX, CustomerProgram, Membership, Tier
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
