"""Money at its edges: every currency, sub-unit rounding, zero, comparisons and error details.

Each test here kills mutants that survived the first suite (docs/testing/mutation.md): a
wrong program that passed because every example used CNY, magnitudes of 2 or more, or only
checked that *an* error was raised.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from commerce_core import CurrencyMismatch, InputError, Money, Rounding, allocate
from commerce_core.kernel.errors import FieldError
from commerce_core.kernel.money import CURRENCIES, Currency, currency, round_fraction
from commerce_core.testing import strategies as cs

#: Small enough that products and sums stay far inside 64-bit minor units.
SMALL = 10**12


def only_error(err: pytest.ExceptionInfo[InputError]) -> FieldError:
    (error,) = err.value.errors
    return error


# -- every operation keeps the operands' currency ------------------------------------------
@given(
    code=cs.currency_codes(), x=cs.minor_amounts(-SMALL, SMALL), y=cs.minor_amounts(-SMALL, SMALL)
)
@example(code="JPY", x=1200, y=-3)
@example(code="KWD", x=1005, y=7)
def test_arithmetic_keeps_the_currency_of_its_operands(code: str, x: int, y: int) -> None:
    a, b = Money(x, code), Money(y, code)
    assert a + b == Money(x + y, code)
    assert a - b == Money(x - y, code)
    assert -a == Money(-x, code)
    assert abs(a) == Money(abs(x), code)
    assert a * 3 == 3 * a == Money(3 * x, code)
    assert a.multiply(Fraction(1, 2), rounding=Rounding.FLOOR) == Money(x // 2, code)
    assert Money.sum([a, b], code) == Money(x + y, code)
    assert Money.sum([], code) == Money.zero(code) == Money(0, code)
    assert sum(p.minor for p in a.allocate([1, 2])) == x
    assert {p.currency for p in a.allocate([1, 2])} == {code}
    assert Money.from_minor(x, code) == Money(x, code)


@given(code=cs.currency_codes(), x=cs.minor_amounts(), y=cs.minor_amounts())
@example(code="JPY", x=5, y=5)
@example(code="KWD", x=-1, y=0)
def test_comparisons_follow_the_minor_units(code: str, x: int, y: int) -> None:
    a, b = Money(x, code), Money(y, code)
    assert (a < b, a <= b, a > b, a >= b) == (x < y, x <= y, x > y, x >= y)
    assert (a.is_zero(), a.is_positive(), a.is_negative()) == (x == 0, x > 0, x < 0)


def test_the_predicates_at_zero_and_one_unit() -> None:
    zero, one, minus_one = Money(0, "KWD"), Money(1, "KWD"), Money(-1, "KWD")
    assert [m.is_zero() for m in (zero, one, minus_one)] == [True, False, False]
    assert [m.is_positive() for m in (zero, one, minus_one)] == [False, True, False]
    assert [m.is_negative() for m in (zero, one, minus_one)] == [False, False, True]
    other_zero = Money(0, "KWD")
    assert (zero <= other_zero, zero >= other_zero) == (True, True)
    assert (zero < other_zero, zero > other_zero) == (False, False)


@pytest.mark.parametrize("other", [5, "5", Decimal(5), None])
def test_ordering_against_anything_but_money_is_a_type_error(other: object) -> None:
    price = Money(5, "CNY")
    with pytest.raises(TypeError):
        _ = price < other  # type: ignore[operator]
    with pytest.raises(TypeError):
        _ = price <= other  # type: ignore[operator]
    with pytest.raises(TypeError):
        _ = price > other  # type: ignore[operator]
    with pytest.raises(TypeError):
        _ = price >= other  # type: ignore[operator]
    with pytest.raises(TypeError):
        _ = price + other  # type: ignore[operator]
    with pytest.raises(TypeError):
        _ = price - other  # type: ignore[operator]


def test_a_currency_mismatch_names_both_currencies() -> None:
    with pytest.raises(CurrencyMismatch) as err:
        _ = Money(1, "JPY") - Money(1, "KWD")
    assert (err.value.left, err.value.right) == ("JPY", "KWD")
    assert err.value.message == "cannot combine JPY with KWD; convert explicitly first"
    yen, dinar = Money(1, "JPY"), Money(1, "KWD")
    with pytest.raises(CurrencyMismatch):
        _ = yen < dinar
    with pytest.raises(CurrencyMismatch):
        _ = yen <= dinar
    with pytest.raises(CurrencyMismatch):
        _ = yen > dinar
    with pytest.raises(CurrencyMismatch):
        _ = yen >= dinar


def test_zero_and_from_minor_default_to_cny() -> None:
    assert Money.zero() == Money(0, "CNY")
    assert Money.from_minor(1234) == Money(1234, "CNY")


def test_the_currency_table_is_keyed_by_code_with_exponents_and_symbols() -> None:
    assert CURRENCIES["KWD"] == Currency("KWD", 3, "KD ")
    assert CURRENCIES["JPY"] == Currency("JPY", 0, "JP¥")
    assert all(cur.code == code for code, cur in CURRENCIES.items())
    assert (currency("JPY").scale, currency("CNY").scale, currency("KWD").scale) == (1, 100, 1000)


# -- rounding below one unit and exact ties ------------------------------------------------
F = Fraction
SUB_UNIT = [
    # value,      FLOOR, CEILING, DOWN, UP, HALF_UP, HALF_EVEN, HALF_DOWN
    (F(1, 10), (0, 1, 0, 1, 0, 0, 0)),
    (F(-1, 10), (-1, 0, 0, -1, 0, 0, 0)),
    (F(1, 2), (0, 1, 0, 1, 1, 0, 0)),
    (F(-1, 2), (-1, 0, 0, -1, -1, 0, 0)),
    (F(9, 10), (0, 1, 0, 1, 1, 1, 1)),
    (F(-9, 10), (-1, 0, 0, -1, -1, -1, -1)),
    (F(3, 2), (1, 2, 1, 2, 2, 2, 1)),
    (F(-3, 2), (-2, -1, -1, -2, -2, -2, -1)),
    (F(0), (0, 0, 0, 0, 0, 0, 0)),
]
MODES = [
    Rounding.FLOOR,
    Rounding.CEILING,
    Rounding.DOWN,
    Rounding.UP,
    Rounding.HALF_UP,
    Rounding.HALF_EVEN,
    Rounding.HALF_DOWN,
]


@pytest.mark.parametrize(
    ("value", "mode", "expected"),
    [(value, mode, want) for value, row in SUB_UNIT for mode, want in zip(MODES, row, strict=True)],
)
def test_round_fraction_below_one_unit_and_at_exact_ties(
    value: Fraction, mode: Rounding, expected: int
) -> None:
    assert round_fraction(value, mode) == expected


@pytest.mark.parametrize(
    ("text", "code", "mode", "minor"),
    [
        ("0.005", "CNY", Rounding.HALF_UP, 1),
        ("-0.005", "CNY", Rounding.HALF_UP, -1),
        ("0.005", "CNY", Rounding.HALF_DOWN, 0),
        ("0.005", "CNY", Rounding.HALF_EVEN, 0),
        ("0.001", "CNY", Rounding.UP, 1),
        ("0.009", "CNY", Rounding.DOWN, 0),
        ("-0.009", "CNY", Rounding.DOWN, 0),
        ("0.5", "JPY", Rounding.HALF_UP, 1),
        ("0.5", "JPY", Rounding.HALF_EVEN, 0),
        ("-0.5", "JPY", Rounding.HALF_DOWN, 0),
        ("0.0005", "KWD", Rounding.HALF_UP, 1),
        ("0.0004", "KWD", Rounding.CEILING, 1),
        ("-0.0004", "KWD", Rounding.FLOOR, -1),
    ],
)
def test_parsing_rounds_sub_unit_amounts_with_the_named_mode(
    text: str, code: str, mode: Rounding, minor: int
) -> None:
    assert Money.of(Decimal(text), code, rounding=mode) == Money(minor, code)


def test_a_rate_that_lands_on_half_a_unit_rounds_by_the_mode() -> None:
    one = Money(1, "KWD")
    assert one.multiply(Fraction(1, 2), rounding=Rounding.HALF_UP) == Money(1, "KWD")
    assert one.multiply(Fraction(1, 2), rounding=Rounding.HALF_DOWN) == Money(0, "KWD")
    assert (-one).multiply(Fraction(1, 2), rounding=Rounding.HALF_UP) == Money(-1, "KWD")


# -- display -------------------------------------------------------------------------------
def test_zero_formats_without_a_sign_in_every_exponent() -> None:
    assert Money.zero().format() == "¥0.00"
    assert Money.zero("JPY").format() == "JP¥0"
    assert Money.zero("KWD").format(symbol=False) == "0.000 KWD"
    assert Money(1, "CNY").format() == "¥0.01"
    assert Money(-1, "KWD").format() == "-KD 0.001"


def test_grouping_can_be_turned_off() -> None:
    big = Money(123456789, "CNY")
    assert big.format(grouping=False) == "¥1234567.89"
    assert big.format(symbol=False, grouping=False) == "1234567.89 CNY"
    assert big.format(symbol=False) == "1,234,567.89 CNY"
    assert Money(-1234, "JPY").format(symbol=False) == "-1,234 JPY"


@given(m=cs.money())
def test_to_decimal_has_exactly_the_currency_exponent(m: Money) -> None:
    assert m.to_decimal().as_tuple().exponent == -m.currency_info.exponent


# -- error details are API -----------------------------------------------------------------
def test_unknown_currencies_name_the_field_and_the_code() -> None:
    with pytest.raises(InputError) as err:
        Money(1, "XXX")
    assert only_error(err) == FieldError(
        "currency", "unknown currency 'XXX'; expected an ISO-4217 code such as 'CNY'"
    )
    with pytest.raises(InputError) as err2:
        Money(1, ["CNY"])  # type: ignore[arg-type]
    assert err2.value.field == "currency"


def test_non_int_minor_units_name_the_value() -> None:
    with pytest.raises(InputError) as err:
        Money(1.5, "CNY")  # type: ignore[arg-type]
    assert only_error(err) == FieldError("minor", "minor units must be an int, got 1.5")


def test_float_and_excess_precision_refusals_say_what_to_do() -> None:
    with pytest.raises(InputError) as err:
        Money.of(1.5)
    assert only_error(err) == FieldError(
        "amount", "floats are not exact; pass a str or Decimal, or name a rounding mode"
    )
    with pytest.raises(InputError) as err2:
        Money.of(float("inf"), rounding=Rounding.HALF_UP)
    assert only_error(err2) == FieldError("amount", "inf is not a finite amount")
    with pytest.raises(InputError) as err3:
        Money.of(Decimal("1.5"), "JPY")
    assert only_error(err3) == FieldError(
        "amount",
        "Decimal('1.5') has more than 0 decimals for JPY; name a rounding mode to round it",
    )


def test_values_that_are_not_numbers_name_the_field() -> None:
    with pytest.raises(InputError) as err:
        Money.of([1])  # type: ignore[arg-type]
    assert only_error(err) == FieldError(
        "amount", "expected a Decimal, int, str or Fraction, got list"
    )
    with pytest.raises(InputError) as err2:
        Money.of(Decimal("NaN"))
    assert err2.value.field == "amount"
    assert "NaN" in only_error(err2).message
    with pytest.raises(InputError) as err3:
        Money.of("abc")
    assert err3.value.field == "amount"
    assert "'abc'" in only_error(err3).message


def test_bad_rates_name_the_rate() -> None:
    with pytest.raises(InputError) as err:
        Money(100, "CNY").multiply(0.5, rounding=Rounding.HALF_UP)  # type: ignore[arg-type]
    assert only_error(err) == FieldError(
        "rate", "expected a Decimal, int, str or Fraction, got float"
    )


# -- allocation refusals -------------------------------------------------------------------
@pytest.mark.parametrize("weights", [[2, -1], [-1, 2], [3, 0, -1]])
def test_allocate_refuses_any_negative_weight(weights: list[int]) -> None:
    with pytest.raises(InputError) as err:
        allocate(10, weights)
    bad = next(i for i, w in enumerate(weights) if w < 0)
    assert only_error(err) == FieldError(
        f"weights[{bad}]", f"weights must be ints >= 0, got {weights[bad]}"
    )


@given(ws=st.lists(st.integers(-50, 50), min_size=1, max_size=6).filter(lambda ws: min(ws) < 0))
def test_allocate_never_accepts_a_negative_weight(ws: list[int]) -> None:
    with pytest.raises(InputError):
        allocate(100, ws)


def test_allocate_refusals_name_their_field() -> None:
    with pytest.raises(InputError) as err:
        allocate(1.0, [1])  # type: ignore[arg-type]
    assert only_error(err) == FieldError("total", "total must be an int, got 1.0")
    with pytest.raises(InputError) as err2:
        allocate(10, [])
    assert only_error(err2) == FieldError("weights", "need at least one weight")
    with pytest.raises(InputError) as err3:
        allocate(10, [0, 0])
    assert only_error(err3) == FieldError("weights", "weights must not all be zero")
    with pytest.raises(InputError) as err4:
        allocate(10, [1, True])
    assert only_error(err4) == FieldError("weights[1]", "weights must be ints >= 0, got True")
