"""Regressions for the kernel and edge defects found under attack (each failed before its fix)."""

from __future__ import annotations

import time
import unicodedata
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from attrs import frozen
from hypothesis import given
from hypothesis import strategies as st

from commerce_core import ConfigurationError, InputError, Money, MoneyOverflow, Rounding, allocate
from commerce_core import serialization as edge
from commerce_core.app.bus import replayable
from commerce_core.kernel import Command
from commerce_core.kernel.money import MINOR_MAX, MINOR_MIN, round_fraction
from commerce_core.kernel.validation import check_text, match_key

# -- 1. rounding modes given as strings -------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("half_up", 13),
        ("half_even", 12),
        ("half_down", 12),
        ("up", 13),
        ("down", 12),
        ("ceiling", 13),
        ("floor", 12),
    ],
)
def test_a_rounding_mode_given_by_its_value_rounds_as_that_mode(mode: str, expected: int) -> None:
    assert Money.of("0.125", rounding=mode).minor == expected
    assert Money.of("-0.125", rounding=mode) == -Money.of("0.125", rounding=_mirror(mode))
    assert Money.of("1.00").multiply("0.125", rounding=mode).minor == expected
    assert round_fraction(Fraction(25, 2), mode) == expected + 0


def _mirror(mode: str) -> str:
    return {"ceiling": "floor", "floor": "ceiling"}.get(mode, mode)


@pytest.mark.parametrize("mode", ["no-such-mode", "HALF_UP", "Half_Up", " half_up", 1, True, b"up"])
def test_an_unknown_rounding_mode_is_refused_not_guessed(mode: object) -> None:
    with pytest.raises(InputError) as err:
        Money.of("0.125", rounding=mode)  # type: ignore[arg-type]
    assert err.value.field == "rounding"
    with pytest.raises(InputError) as err:
        Money.of("1").multiply("0.125", rounding=mode)  # type: ignore[arg-type]
    assert err.value.field == "rounding"


def test_multiply_without_a_rounding_mode_is_refused() -> None:
    with pytest.raises(InputError) as err:
        Money.of("1").multiply("0.125", rounding=None)  # type: ignore[arg-type]
    assert err.value.field == "rounding"


# -- 9. money is bounded to signed 64 bits ------------------------------------------------------


def test_minor_units_are_bounded_to_signed_64_bits() -> None:
    assert Money(MINOR_MAX).minor == 2**63 - 1
    assert Money(MINOR_MIN).minor == -(2**63)
    for minor in (MINOR_MAX + 1, MINOR_MIN - 1, 10**30):
        with pytest.raises(MoneyOverflow) as err:
            Money(minor)
        assert err.value.code == "money_overflow"
        assert err.value.field == "minor"


def test_arithmetic_that_leaves_the_range_overflows() -> None:
    top = Money(MINOR_MAX, "JPY")
    with pytest.raises(MoneyOverflow):
        _ = top + Money(1, "JPY")
    with pytest.raises(MoneyOverflow):
        _ = Money(MINOR_MIN) - Money(1)
    with pytest.raises(MoneyOverflow):
        _ = -Money(MINOR_MIN)
    with pytest.raises(MoneyOverflow):
        _ = top * 2
    with pytest.raises(MoneyOverflow):
        top.multiply("1.5", rounding=Rounding.HALF_UP)
    with pytest.raises(MoneyOverflow):
        Money.sum([top, Money(1, "JPY")], "JPY")


def test_parsing_an_amount_past_the_range_overflows_and_to_decimal_always_works() -> None:
    with pytest.raises(MoneyOverflow) as err:
        Money.of("1e27")
    assert err.value.field == "amount"
    assert Money(MINOR_MAX, "KWD").to_decimal() == Decimal("9223372036854775.807")
    assert Money(MINOR_MIN).to_decimal() == Decimal("-92233720368547758.08")


@pytest.mark.parametrize("text", ["1e10000000", "-1e10000000", "1e-10000000", "9" * 5000])
def test_absurd_amounts_are_refused_quickly(text: str) -> None:
    started = time.perf_counter()
    with pytest.raises(InputError):
        Money.of(text, rounding=Rounding.HALF_UP)
    with pytest.raises(InputError):
        Money.of("1").multiply(text, rounding=Rounding.HALF_UP)
    assert time.perf_counter() - started < 0.5


@given(st.integers(min_value=MINOR_MIN, max_value=MINOR_MAX))
def test_every_amount_in_range_round_trips_through_its_decimal(minor: int) -> None:
    money = Money(minor, "CNY")
    assert Money.of(money.to_decimal()) == money


# -- 10. loose amount strings at the edge -----------------------------------------------------


@frozen(kw_only=True)
class PriceSku(Command[None]):
    type_name = "test.regressions.price_sku"
    price: Money
    rate: Decimal = Decimal(1)
    value: int | str = 0
    starts: date | None = None


def _price(**body: object) -> PriceSku:
    command = edge.structure_command({"type": PriceSku.type_name, **body})
    assert isinstance(command, PriceSku)
    return command


@pytest.mark.parametrize(
    "amount", ["١٢", "1_0", " 1 ", "1e3", "+1", ".5", "5.", "１２", "0x10", "1,000", "", "NaN"]
)
def test_the_edge_reads_only_plain_ascii_decimals(amount: str) -> None:
    with pytest.raises(InputError) as err:
        _price(price={"amount": amount})
    assert err.value.field == "price.amount"
    with pytest.raises(InputError) as err:
        _price(price={"amount": "1"}, rate=amount)
    assert err.value.field == "rate"


@given(
    st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
        lambda d: abs(d.adjusted()) <= 15 and len(format(d, "f")) <= 40
    )
)
def test_every_decimal_the_edge_writes_it_reads_back(value: Decimal) -> None:
    text = edge.unstructure(value)
    assert "E" not in text.upper()
    assert edge.structure(text, Decimal) == value


def test_plain_decimals_still_read_exactly() -> None:
    assert _price(price={"amount": "-12.30"}).price == Money(-1230)
    assert _price(price={"amount": 12, "currency": "JPY"}).price == Money(12, "JPY")


def test_an_oversized_amount_at_the_edge_is_an_input_error_before_conversion() -> None:
    started = time.perf_counter()
    for amount in ("1" * 41, "1" * 1_000_000):
        with pytest.raises(InputError) as err:
            _price(price={"amount": amount})
        assert err.value.field == "price.amount"
    with pytest.raises(InputError) as err:
        _price(price={"amount": 2**70})
    assert err.value.field == "price.amount"
    assert time.perf_counter() - started < 0.5


# -- 11. raw exceptions at the edge ------------------------------------------------------------


def test_a_union_field_reads_each_member_and_refuses_others_with_the_field() -> None:
    assert _price(price={"amount": "1"}, value=5).value == 5
    assert _price(price={"amount": "1"}, value="five").value == "five"
    for bad in (1.5, True, None, [1], 2**70):
        with pytest.raises(InputError) as err:
            _price(price={"amount": "1"}, value=bad)
        assert err.value.field == "value"


def test_a_date_field_reads_iso_dates_and_names_the_field_otherwise() -> None:
    assert _price(price={"amount": "1"}, starts="2026-02-28").starts == date(2026, 2, 28)
    for bad in ("2026-02-30", "2026-2-1", "28/02/2026", "2026-02-28T00:00:00+00:00", 20260228):
        with pytest.raises(InputError) as err:
            _price(price={"amount": "1"}, starts=bad)
        assert err.value.field == "starts"
        assert "hook" not in str(err.value)
    assert edge.unstructure(date(2026, 2, 28)) == "2026-02-28"


@pytest.mark.parametrize(
    ("money", "path"),
    [
        ({"amount": "1", "currency": None}, "price.currency"),
        ({"amount": "1", "currency": "XXX"}, "price.currency"),
        ({"currency": "CNY"}, "price.amount"),
        ({"amount": 1.5}, "price.amount"),
        ({"amount": "1", "extra": 1}, "price.extra"),
    ],
)
def test_money_errors_name_the_part_at_fault(money: object, path: str) -> None:
    with pytest.raises(InputError) as err:
        _price(price=money)
    assert [e.path for e in err.value.errors] == [path]


def test_an_unknown_type_is_not_echoed_whole() -> None:
    with pytest.raises(InputError) as err:
        edge.structure_command({"type": "x" * 1_000_000})
    assert err.value.field == "type"
    assert len(str(err.value)) < 300


def test_a_type_the_edge_cannot_read_is_a_configuration_error_not_an_input_error() -> None:
    class Opaque:
        pass

    with pytest.raises(ConfigurationError):
        edge.structure({"x": 1}, Opaque)


def test_allocate_reads_an_iterator_once() -> None:
    assert allocate(100, iter([1, 1])) == [50, 50]
    assert Money(100).allocate(iter([1, 3])) == (Money(25), Money(75))
    with pytest.raises(InputError) as err:
        allocate(100, "11")  # type: ignore[arg-type]
    assert err.value.field == "weights"


@frozen(kw_only=True)
class Measure(Command[float]):
    type_name = "test.regressions.measure"


@frozen(kw_only=True)
class Untyped(Command):  # type: ignore[type-arg]
    type_name = "test.regressions.untyped"


def test_a_result_that_cannot_be_replayed_is_refused_before_commit() -> None:
    with pytest.raises(ConfigurationError):
        replayable(Measure(), 1.5)
    with pytest.raises(ConfigurationError):
        replayable(Untyped(), "an id")
    with pytest.raises(ConfigurationError):
        replayable(PriceSku(price=Money(1)), object())
    assert replayable(PriceSku(price=Money(1)), None) is None


# -- 7. text validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "a\ud800b",  # lone surrogate
        "\udfff",
        "Sho\u200bes",  # zero-width space
        "Sho\u00ades",  # soft hyphen
        "\u200b",
        "\ufeffShoes",  # BOM
        "Shoes\u202e",  # bidi override
        "Sho\u2028es",  # line separator
        "Sho\tes",
    ],
)
def test_single_line_text_refuses_invisible_and_unencodable_characters(text: str) -> None:
    with pytest.raises(InputError) as err:
        check_text(text, "name", max_length=64)
    assert err.value.field == "name"


def test_look_alike_names_share_one_match_key() -> None:
    key = match_key("Café Shoes")
    assert match_key(unicodedata.normalize("NFD", "Café Shoes")) == key
    assert match_key("CAFÉ SHOES") == key
    assert match_key("Ｃａｆé Ｓｈｏｅｓ") == key
    assert match_key("Cafe Shoes") != key
    assert match_key("Straße") == match_key("STRASSE")


# -- the limits exactly, and what their errors say (found by mutation testing) -----------------


def test_overflow_errors_name_the_field_and_show_the_value() -> None:
    with pytest.raises(MoneyOverflow) as err:
        Money(MINOR_MAX + 1)
    assert err.value.field == "minor"
    assert err.value.errors[0].message.startswith("9223372036854775808 is out of range")
    with pytest.raises(MoneyOverflow) as err:
        Money.of("1E+41")
    assert err.value.field == "amount"
    assert err.value.errors[0].message.startswith("1E+41 is out of range")
    with pytest.raises(MoneyOverflow) as err:
        Money.of("92233720368547758.075", rounding="half_up")  # rounds up past the top
    assert err.value.field == "amount"
    assert "9223372036854775808" in err.value.errors[0].message
    with pytest.raises(MoneyOverflow) as err:
        Money.of(1e300, rounding="half_up")
    assert err.value.field == "amount"


def test_exponents_up_to_the_limit_are_read_and_past_it_refused() -> None:
    assert Money.zero().multiply("1E+40", rounding="half_up") == Money.zero()
    assert Money(1).multiply("1E-40", rounding="up") == Money(1)
    assert Money(1).multiply("1E-40", rounding="down") == Money(0)
    with pytest.raises(MoneyOverflow) as err:
        Money.zero().multiply("1E+41", rounding="half_up")
    assert err.value.field == "rate"
    with pytest.raises(InputError) as small:
        Money(1).multiply("1E-41", rounding="up")
    assert small.value.field == "rate"
    assert small.value.errors[0].message == "Decimal('1E-41') is too small to mean anything here"


def test_number_text_up_to_one_hundred_characters_is_read() -> None:
    exactly = "1." + "0" * 97 + "1"
    assert len(exactly) == 100
    assert Money(10**6).multiply(exactly, rounding="up") == Money(10**6 + 1)
    with pytest.raises(InputError) as err:
        Money(1).multiply(exactly + "0", rounding="up")
    assert err.value.field == "rate"
    assert err.value.errors[0].message == "a number of at most 100 characters"


def test_refusals_of_weights_and_modes_say_what_is_expected() -> None:
    with pytest.raises(InputError) as err:
        allocate(10, 5)  # type: ignore[arg-type]
    assert err.value.errors[0].message == "must be a sequence of ints"
    with pytest.raises(InputError) as err:
        Money.of("1", rounding="sideways")
    assert err.value.errors[0].message.startswith("unknown rounding mode 'sideways'; expected")
