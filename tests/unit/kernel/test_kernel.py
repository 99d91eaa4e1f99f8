from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commerce_core import Actor, InputError, NotFound
from commerce_core.app import TimeOrderedIds
from commerce_core.kernel import (
    PageRequest,
    decode_cursor,
    encode_cursor,
    ensure_utc,
)
from commerce_core.kernel.errors import CommerceError, InvalidTransition
from commerce_core.testing import FrozenClock, SequentialIds


def test_errors_carry_stable_codes_and_subclass_builtins() -> None:
    err = NotFound("category", "c1")
    assert isinstance(err, LookupError)
    assert err.code == "not_found"
    assert err.to_dict() == {
        "code": "not_found",
        "message": "category 'c1' does not exist",
        "kind": "category",
        "id": "c1",
    }
    bad = InputError.for_field("name", "must not be empty")
    assert isinstance(bad, ValueError)
    assert bad.field == "name"
    assert bad.to_dict()["errors"] == [{"path": "name", "message": "must not be empty"}]
    move = InvalidTransition("paid", "pending_payment", kind="order")
    assert (move.current, move.requested, move.code) == (
        "paid",
        "pending_payment",
        "invalid_transition",
    )
    assert isinstance(move, CommerceError)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(InputError) as err:
        ensure_utc(datetime(2026, 1, 1), "due_at")
    assert err.value.field == "due_at"
    shanghai = timezone(timedelta(hours=8))
    assert ensure_utc(datetime(2026, 1, 1, 8, tzinfo=shanghai)) == datetime(2026, 1, 1, tzinfo=UTC)


def test_time_ordered_ids_are_unique_and_increasing() -> None:
    ids = TimeOrderedIds()
    made = [ids.new_id() for _ in range(5000)]
    assert len(set(made)) == len(made)
    assert made == sorted(made)
    assert all(len(i) == 36 and i[14] == "7" for i in made)  # UUID version 7


def test_sequential_ids_and_frozen_clock() -> None:
    ids = SequentialIds("o")
    assert [ids.new_id(), ids.new_id()] == ["o-000001", "o-000002"]
    clock = FrozenClock(datetime(2026, 5, 1, tzinfo=UTC))
    assert clock.advance(minutes=30) == datetime(2026, 5, 1, 0, 30, tzinfo=UTC)
    with pytest.raises(ValueError, match="backwards"):
        clock.advance(timedelta(seconds=-1))


def test_actor_needs_an_id() -> None:
    assert str(Actor.staff("alice")) == "staff:alice"
    with pytest.raises(InputError) as err:
        Actor.customer("")
    assert err.value.field == "actor.id"
    with pytest.raises(ValueError, match="robot"):
        Actor("robot", "x")


INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)


@given(st.lists(st.one_of(st.none(), INT64, st.text(max_size=200)), max_size=4))
def test_cursors_round_trip(values: list[str | int | None]) -> None:
    assert decode_cursor(encode_cursor(values), arity=len(values)) == tuple(values)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "!!",
        "bm90IGpzb24",
        encode_cursor([1]),
        encode_cursor([True, 1]),
        encode_cursor([2**63, "x"]),
        encode_cursor([-(2**63) - 1, "x"]),
        encode_cursor([2**70, "x"]),
    ],
)
def test_foreign_cursors_are_input_errors(token: str) -> None:
    with pytest.raises(InputError) as err:
        decode_cursor(token, arity=2)
    assert err.value.field == "after"


@pytest.mark.parametrize(("limit", "after"), [(0, None), (501, None), (True, None), (10, "")])
def test_page_requests_are_bounded(limit: int, after: str | None) -> None:
    with pytest.raises(InputError):
        PageRequest(limit=limit, after=after)
