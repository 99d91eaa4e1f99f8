"""The strict JSON edge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from attrs import frozen
from hypothesis import given

from commerce_core import InputError, Money
from commerce_core.catalog import CategoryCreated, CategoryId, CreateCategory, ReorderCategories
from commerce_core.serialization import (
    structure,
    structure_command,
    structure_event,
    unstructure,
    unstructure_message,
)
from commerce_core.testing import strategies as cs


@frozen
class Line:
    sku: str
    qty: int
    price: Money
    gift: bool = False


@frozen
class Basket:
    lines: tuple[Line, ...]
    at: datetime
    rate: Decimal = Decimal(1)


def good() -> dict[str, Any]:
    return {
        "lines": [{"sku": "A", "qty": 2, "price": {"amount": "12.34", "currency": "CNY"}}],
        "at": "2026-01-01T08:00:00+08:00",
    }


def test_reads_well_formed_input() -> None:
    basket = structure(good(), Basket)
    assert basket.lines[0].price == Money.of("12.34")
    assert basket.at == datetime(2026, 1, 1, tzinfo=UTC)
    assert unstructure(basket)["lines"][0]["price"] == {"amount": "12.34", "currency": "CNY"}


@pytest.mark.parametrize(
    ("patch", "path"),
    [
        (lambda d: d["lines"][0].update(qty=2.0), "lines[0].qty"),
        (lambda d: d["lines"][0].update(qty="2"), "lines[0].qty"),
        (lambda d: d["lines"][0].update(qty=True), "lines[0].qty"),
        (lambda d: d["lines"][0].update(gift="true"), "lines[0].gift"),
        (
            lambda d: d["lines"][0].update(price={"amount": 12.34, "currency": "CNY"}),
            "lines[0].price",
        ),
        (
            lambda d: d["lines"][0].update(price={"amount": "1.234", "currency": "CNY"}),
            "lines[0].price",
        ),
        (
            lambda d: d["lines"][0].update(price={"amount": "1", "currency": "XYZ"}),
            "lines[0].price",
        ),
        (lambda d: d["lines"][0].update(colour="red"), "lines[0].colour"),
        (lambda d: d["lines"][0].pop("sku"), "lines[0].sku"),
        (lambda d: d.update(at="2026-01-01T08:00:00"), "at"),
        (lambda d: d.update(at="yesterday"), "at"),
        (lambda d: d.update(lines="A"), "lines"),
        (lambda d: d.update(rate=0.5), "rate"),
        (lambda d: d.update(rate="NaN"), "rate"),
    ],
)
def test_refuses_loose_input_and_names_the_field(patch: Any, path: str) -> None:
    data = good()
    patch(data)
    with pytest.raises(InputError) as err:
        structure(data, Basket)
    # Money problems may name the part of the money at fault (lines[0].price.amount).
    assert any(e.path == path or e.path.startswith(path + ".") for e in err.value.errors)


def test_reports_every_bad_field_at_once() -> None:
    data = good()
    data["lines"].append({"sku": 1, "qty": "x", "price": {"amount": "1"}})
    data["at"] = "2026-01-01"
    with pytest.raises(InputError) as err:
        structure(data, Basket)
    assert {e.path for e in err.value.errors} == {"lines[1].sku", "lines[1].qty", "at"}


def test_commands_and_events_round_trip_as_tagged_unions() -> None:
    cmd = ReorderCategories(parent=None, order=(CategoryId("b"), CategoryId("a")))
    data = unstructure_message(cmd)
    assert data == {"type": "catalog.reorder_categories", "parent": None, "order": ["b", "a"]}
    assert structure_command(data) == cmd
    event = CategoryCreated(
        category=CategoryId("a"),
        name="n",
        parent=None,
        position=0,
        at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    assert structure_event(unstructure_message(event)) == event


def test_a_command_is_not_an_event_and_vice_versa() -> None:
    with pytest.raises(InputError, match="is not an event"):
        structure_event({"type": "catalog.create_category", "name": "x"})
    with pytest.raises(InputError, match="is not a command"):
        structure_command({"type": "catalog.category_created"})
    with pytest.raises(InputError) as err:
        structure_command(["not", "an", "object"])
    assert err.value.errors[0].message == "expected a JSON object"


@given(at=cs.aware_datetimes())
def test_datetimes_round_trip_as_utc(at: datetime) -> None:
    event = CategoryCreated(category=CategoryId("a"), name="n", parent=None, position=0, at=at)
    back = structure_event(unstructure_message(event))
    assert back == event
    assert back.at.utcoffset() == timedelta(0)
    assert isinstance(back, CategoryCreated)


def test_offsets_are_kept_as_instants() -> None:
    cmd = structure({"lines": [], "at": "2026-01-01T00:00:00-05:00"}, Basket)
    assert cmd.at == datetime(2026, 1, 1, 5, tzinfo=UTC)
    assert cmd.at.tzinfo == UTC
    assert datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=-5))) == cmd.at


@given(m=cs.money())
def test_money_round_trips(m: Money) -> None:
    assert structure(unstructure(m), Money) == m


def test_create_category_from_json_keeps_unicode() -> None:
    assert structure_command(
        {"type": "catalog.create_category", "name": "鞋 Shoes"}
    ) == CreateCategory(name="鞋 Shoes")
