from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commerce_core import CurrencyMismatch, InputError, Money, Rounding, allocate
from commerce_core.kernel.money import round_fraction
from commerce_core.testing import strategies as cs


def test_parses_exact_strings_and_decimals() -> None:
    assert Money.of("12.34") == Money(1234, "CNY")
    assert Money.of(Decimal("0.5")) == Money(50, "CNY")
    assert Money.of(12) == Money(1200, "CNY")
    assert Money.of("1200", "JPY") == Money(1200, "JPY")
    assert Money.of("1.005", "KWD") == Money(1005, "KWD")
    assert Money.of(" -3.10 ") == Money(-310, "CNY")


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity", "", "1e", "--1"])
def test_refuses_text_that_is_not_a_finite_number(bad: str) -> None:
    with pytest.raises(InputError) as err:
        Money.of(bad)
    assert err.value.field == "amount"


def test_refuses_floats_unless_a_rounding_mode_is_named() -> None:
    with pytest.raises(InputError, match="floats are not exact"):
        Money.of(1.5)
    assert Money.of(2.675, rounding=Rounding.HALF_UP) == Money(268, "CNY")
    with pytest.raises(InputError):
        Money.of(float("nan"), rounding=Rounding.HALF_UP)
    with pytest.raises(InputError):
        Money.of(float("inf"), rounding=Rounding.HALF_UP)


def test_refuses_excess_precision_unless_rounding() -> None:
    with pytest.raises(InputError, match="more than 2 decimals"):
        Money.of("1.234")
    with pytest.raises(InputError, match="more than 0 decimals"):
        Money.of("1.5", "JPY")
    assert Money.of("1.235", rounding=Rounding.HALF_EVEN) == Money(124, "CNY")
    assert Money.of("1.225", rounding=Rounding.HALF_EVEN) == Money(122, "CNY")
    assert Money.of("1.5", "JPY", rounding=Rounding.DOWN) == Money(1, "JPY")


def test_unknown_currency_and_non_int_minor_units_are_input_errors() -> None:
    with pytest.raises(InputError) as err:
        Money(100, "XXX")
    assert err.value.field == "currency"
    with pytest.raises(InputError) as err2:
        Money(1.0, "CNY")  # type: ignore[arg-type]
    assert err2.value.field == "minor"
    with pytest.raises(InputError):
        Money(True, "CNY")


def test_same_currency_arithmetic_only() -> None:
    a, b = Money.of("10.00"), Money.of("2.50")
    assert a + b == Money.of("12.50")
    assert a - b == Money.of("7.50")
    assert -a == Money.of("-10")
    assert a * 3 == 3 * a == Money.of("30")
    assert Money.of("1", "USD") != Money.of("1", "CNY")
    with pytest.raises(CurrencyMismatch) as err:
        _ = a + Money.of("1", "USD")
    assert err.value.code == "currency_mismatch"
    with pytest.raises(CurrencyMismatch):
        _ = a < Money.of("1", "USD")
    with pytest.raises(TypeError):
        _ = a * 1.5  # type: ignore[operator]
    with pytest.raises(TypeError):
        _ = a * Decimal("1.5")  # type: ignore[operator]


def test_rates_need_a_rounding_mode_and_round_once() -> None:
    price = Money.of("19.99")
    assert price.multiply(Decimal("0.85"), rounding=Rounding.HALF_UP) == Money.of("16.99")
    assert price.multiply("0.85", rounding=Rounding.DOWN) == Money.of("16.99")
    assert Money.of("10").multiply(Fraction(1, 3), rounding=Rounding.HALF_UP) == Money.of("3.33")
    assert Money.of("10").multiply(Fraction(2, 3), rounding=Rounding.FLOOR) == Money.of("6.66")
    with pytest.raises(InputError):
        price.multiply(0.85, rounding=Rounding.HALF_UP)  # type: ignore[arg-type]


def test_formatting() -> None:
    assert Money.of("12.34").format() == "¥12.34"
    assert str(Money.of("1200", "JPY")) == "JP¥1,200"
    assert Money.of("1234567.5").format() == "¥1,234,567.50"
    assert Money.of("-0.05").format() == "-¥0.05"
    assert Money.of("1.005", "KWD").format(symbol=False) == "1.005 KWD"
    assert Money.of("0.07").to_decimal() == Decimal("0.07")


def test_sum_of_amounts() -> None:
    assert Money.sum([Money.of("1"), Money.of("2.5")]) == Money.of("3.5")
    assert Money.sum([], "JPY") == Money.zero("JPY")


@pytest.mark.parametrize(
    ("value", "mode", "expected"),
    [
        (Fraction(5, 2), Rounding.HALF_UP, 3),
        (Fraction(-5, 2), Rounding.HALF_UP, -3),
        (Fraction(5, 2), Rounding.HALF_EVEN, 2),
        (Fraction(7, 2), Rounding.HALF_EVEN, 4),
        (Fraction(5, 2), Rounding.HALF_DOWN, 2),
        (Fraction(-5, 2), Rounding.HALF_DOWN, -2),
        (Fraction(21, 10), Rounding.UP, 3),
        (Fraction(-21, 10), Rounding.UP, -3),
        (Fraction(29, 10), Rounding.DOWN, 2),
        (Fraction(-29, 10), Rounding.DOWN, -2),
        (Fraction(-21, 10), Rounding.FLOOR, -3),
        (Fraction(-29, 10), Rounding.CEILING, -2),
        (Fraction(4), Rounding.UP, 4),
    ],
)
def test_round_fraction_modes(value: Fraction, mode: Rounding, expected: int) -> None:
    assert round_fraction(value, mode) == expected


def test_allocate_examples() -> None:
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(2, [1, 3]) == [0, 2]  # the tie goes to the larger weight
    assert allocate(-10, [1, 2]) == [-3, -7]
    assert allocate(0, [5, 0]) == [0, 0]
    assert Money.of("10.00").allocate([30, 70]) == (Money.of("3.00"), Money.of("7.00"))


@pytest.mark.parametrize("weights", [[], [0, 0], [1, -1]])
def test_allocate_refuses_bad_weights(weights: list[int]) -> None:
    with pytest.raises(InputError):
        allocate(10, weights)


@given(total=cs.minor_amounts(), ws=cs.weights())
def test_allocated_parts_always_sum_to_the_whole(total: int, ws: list[int]) -> None:
    parts = allocate(total, ws)
    assert sum(parts) == total
    assert len(parts) == len(ws)


@given(total=cs.minor_amounts(min_value=0), ws=cs.weights())
def test_allocation_of_a_non_negative_total_is_never_negative_and_within_one_of_exact(
    total: int, ws: list[int]
) -> None:
    parts = allocate(total, ws)
    denom = sum(ws)
    for part, w in zip(parts, ws, strict=True):
        assert part >= 0
        exact = Fraction(total * w, denom)
        assert exact - 1 < part < exact + 1


@given(total=cs.minor_amounts(), ws=cs.weights(), data=st.data())
def test_allocation_is_stable_under_permutation(
    total: int, ws: list[int], data: st.DataObject
) -> None:
    order = data.draw(st.permutations(range(len(ws))))
    permuted = [ws[i] for i in order]
    assert sorted(zip(ws, allocate(total, ws), strict=True)) == sorted(
        zip(permuted, allocate(total, permuted), strict=True)
    )


@given(total=cs.minor_amounts(min_value=0), n=st.integers(1, 50))
def test_equal_weights_differ_by_at_most_one_unit(total: int, n: int) -> None:
    parts = allocate(total, [7] * n)
    assert max(parts) - min(parts) <= 1
    assert parts == sorted(parts, reverse=True)  # the earlier positions take the extra units


@given(a=cs.money("CNY"), b=cs.money("CNY"), c=cs.money("CNY"))
def test_addition_is_associative_and_subtraction_undoes_it(a: Money, b: Money, c: Money) -> None:
    assert (a + b) + c == a + (b + c)
    assert (a + b) - b == a


@given(m=cs.money())
def test_decimal_round_trip(m: Money) -> None:
    assert Money.of(m.to_decimal(), m.currency) == m
    assert Money.of(str(m.to_decimal()), m.currency) == m
