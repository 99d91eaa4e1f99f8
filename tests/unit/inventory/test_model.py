"""The pure rules of the inventory: the guard, the alert states, allocation, the lifecycle."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commerce_core.inventory import (
    RESERVATION_TRANSITIONS,
    AlertState,
    Allocation,
    Candidate,
    PriorityFewestSplits,
    Reservation,
    ReservationStatus,
    StockLevel,
    alert_for,
    apply_delta,
)
from commerce_core.inventory.model import check_quantity
from commerce_core.kernel.errors import InputError, InvalidTransition

T0 = datetime(2026, 1, 1, tzinfo=UTC)
levels = st.integers(0, 50).flatmap(lambda r: st.tuples(st.integers(r, 100), st.just(r)))


@given(levels, st.integers(-60, 60), st.integers(-60, 60))
def test_the_guard_admits_exactly_the_changes_that_keep_reserved_within_on_hand(
    level: tuple[int, int], d_on_hand: int, d_reserved: int
) -> None:
    on_hand, reserved = level
    after = apply_delta(StockLevel("A", "SH", on_hand, reserved), d_on_hand, d_reserved)
    ok = 0 <= reserved + d_reserved <= on_hand + d_on_hand
    assert (after is not None) == ok
    if after is not None:
        assert (after.on_hand, after.reserved) == (on_hand + d_on_hand, reserved + d_reserved)
        assert after.available >= 0


def test_reserving_is_exactly_available_at_least_the_quantity() -> None:
    level = StockLevel("A", "SH", 10, 7)
    assert apply_delta(level, 0, 3) is not None
    assert apply_delta(level, 0, 4) is None


@pytest.mark.parametrize(
    ("available", "threshold", "state"),
    [(0, 0, AlertState.OUT), (0, 5, AlertState.OUT), (4, 5, AlertState.LOW), (5, 5, AlertState.OK)],
)
def test_alert_states(available: int, threshold: int, state: AlertState) -> None:
    assert alert_for(available, threshold) == state


@given(st.lists(st.integers(0, 20), min_size=1, max_size=5), st.integers(1, 60))
def test_the_default_allocation_uses_as_few_warehouses_as_possible(
    stocks: list[int], quantity: int
) -> None:
    candidates = [Candidate(f"W{i}", i, n) for i, n in enumerate(stocks)]
    parts = PriorityFewestSplits().allocate(quantity, candidates)
    if sum(stocks) < quantity:
        assert parts is None
        return
    assert parts is not None
    assert sum(q for _, q in parts) == quantity
    have = {c.warehouse: c.available for c in candidates}
    assert all(0 < q <= have[w] for w, q in parts)
    fewest = min(
        k
        for k in range(1, len(stocks) + 1)
        if any(sum(c) >= quantity for c in combinations(stocks, k))
    )
    assert len(parts) == fewest
    assert [w for w, _ in parts] == sorted((w for w, _ in parts), key=lambda w: int(w[1:]))
    if fewest == 1:
        # The whole line from the first warehouse, by priority, that can hold it.
        assert parts[0][0] == next(c.warehouse for c in candidates if c.available >= quantity)


def test_the_reservation_lifecycle_is_its_table() -> None:
    for start, allowed in RESERVATION_TRANSITIONS.items():
        for target in ReservationStatus:
            r = Reservation("r", "o", (Allocation("A", "SH", 1),), T0, status=start)
            move = {
                ReservationStatus.COMMITTED: lambda r=r: r.commit(at=T0),
                ReservationStatus.RELEASED: lambda r=r: r.release(at=T0),
                ReservationStatus.EXPIRED: lambda r=r: r.release(at=T0, expired=True),
                ReservationStatus.ACTIVE: None,
            }[target]
            if move is None:
                continue
            if target in allowed:
                move()
                assert r.status == target
                assert len(r.events) == 1
            else:
                with pytest.raises(InvalidTransition):
                    move()
                assert r.status == start
                assert r.events == []


@pytest.mark.parametrize("bad", [True, 0, -1, 2**63, 1.0, "3", None])
def test_quantities_are_positive_64_bit_integers(bad: object) -> None:
    with pytest.raises(InputError) as refused:
        check_quantity(bad, "lines[0].quantity")
    assert refused.value.field == "lines[0].quantity"


def test_the_largest_quantity_is_accepted() -> None:
    assert check_quantity(2**63 - 1, "quantity") == 2**63 - 1
