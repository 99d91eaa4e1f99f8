"""Exact money: integer minor units with an ISO-4217 currency.

No floats anywhere: a float is refused unless the caller names a rounding mode, and every
operation that cannot be exact (rates, parsing excess precision) takes an explicit
:class:`Rounding`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Final

from attrs import field, frozen

from commerce_core.kernel.errors import CurrencyMismatch, InputError, MoneyOverflow

#: The range of ``Money.minor``: a signed 64-bit integer, what every backend's BIGINT holds.
MINOR_MAX: Final = 2**63 - 1
MINOR_MIN: Final = -(2**63)

#: Decimal exponents beyond this are refused before any conversion (no amount needs them,
#: and converting ``1e10000000`` exactly would burn seconds of CPU).
_EXPONENT_LIMIT = 40
_TEXT_LIMIT = 100

__all__ = [
    "CURRENCIES",
    "MINOR_MAX",
    "MINOR_MIN",
    "Currency",
    "Money",
    "Rounding",
    "allocate",
    "currency",
    "round_fraction",
    "rounding_mode",
]


@frozen
class Currency:
    """An ISO-4217 currency: its code, minor-unit exponent and display symbol."""

    code: str
    exponent: int
    symbol: str

    @property
    def scale(self) -> int:
        """How many minor units make one major unit (100 for CNY, 1 for JPY, 1000 for KWD)."""
        return int(10**self.exponent)


def _table(*rows: tuple[str, int, str]) -> Mapping[str, Currency]:
    return MappingProxyType({code: Currency(code, exp, sym) for code, exp, sym in rows})


CURRENCIES: Final[Mapping[str, Currency]] = _table(
    ("CNY", 2, "¥"),
    ("HKD", 2, "HK$"),
    ("MOP", 2, "MOP$"),
    ("TWD", 2, "NT$"),
    ("JPY", 0, "JP¥"),
    ("KRW", 0, "₩"),
    ("USD", 2, "US$"),
    ("EUR", 2, "€"),
    ("GBP", 2, "£"),
    ("CHF", 2, "CHF "),
    ("SGD", 2, "S$"),
    ("MYR", 2, "RM"),
    ("THB", 2, "฿"),
    ("VND", 0, "₫"),
    ("IDR", 2, "Rp"),
    ("PHP", 2, "₱"),
    ("INR", 2, "₹"),
    ("AUD", 2, "A$"),
    ("NZD", 2, "NZ$"),
    ("CAD", 2, "CA$"),
    ("RUB", 2, "₽"),
    ("AED", 2, "AED "),
    ("SAR", 2, "SAR "),
    ("KWD", 3, "KD "),
    ("BHD", 3, "BD "),
    ("OMR", 3, "OMR "),
    ("JOD", 3, "JD "),
    ("TND", 3, "DT "),
    ("CLP", 0, "CLP$"),
    ("ISK", 0, "kr "),
)


def currency(code: str) -> Currency:
    """Look up a currency by its ISO-4217 code; an unknown code is an :class:`InputError`."""
    try:
        return CURRENCIES[code]
    except (KeyError, TypeError):
        raise InputError.for_field(
            "currency", f"unknown currency {code!r}; expected an ISO-4217 code such as 'CNY'"
        ) from None


class Rounding(StrEnum):
    """How to round a value that falls between two minor units."""

    HALF_UP = "half_up"  # ties away from zero (四舍五入)
    HALF_EVEN = "half_even"  # ties to even (banker's rounding)
    HALF_DOWN = "half_down"  # ties toward zero
    UP = "up"  # away from zero
    DOWN = "down"  # toward zero (truncate)
    CEILING = "ceiling"  # toward +infinity
    FLOOR = "floor"  # toward -infinity


def rounding_mode(mode: object, path: str = "rounding") -> Rounding:
    """A :class:`Rounding` from itself or its exact string value (``"half_up"``).

    Anything else is an :class:`InputError`: a mistyped mode must never fall through to
    some other rounding silently.
    """
    if isinstance(mode, Rounding):
        return mode
    if type(mode) is str:
        for member in Rounding:
            if member.value == mode:
                return member
    raise InputError.for_field(
        path, f"unknown rounding mode {mode!r}; expected one of {[m.value for m in Rounding]}"
    )


def round_fraction(value: Fraction, mode: Rounding | str) -> int:
    """Round an exact rational to an integer with the given mode."""
    mode = rounding_mode(mode)
    floor = math.floor(value)
    rest = value - floor
    if rest == 0:
        return floor
    ceil = floor + 1
    if mode is Rounding.FLOOR:
        return floor
    if mode is Rounding.CEILING:
        return ceil
    if mode is Rounding.DOWN:
        return floor if value > 0 else ceil
    if mode is Rounding.UP:
        return ceil if value > 0 else floor
    half = Fraction(1, 2)
    if rest < half:
        return floor
    if rest > half:
        return ceil
    if mode is Rounding.HALF_EVEN:
        return floor if floor % 2 == 0 else ceil
    if mode is Rounding.HALF_UP:
        return ceil if value > 0 else floor
    return floor if value > 0 else ceil  # HALF_DOWN


def _check_minor(_: object, __: object, value: Any) -> None:
    if type(value) is not int:
        raise InputError.for_field("minor", f"minor units must be an int, got {value!r}")
    if not MINOR_MIN <= value <= MINOR_MAX:
        raise MoneyOverflow("minor", value)


def _check_code(_: object, __: object, value: Any) -> None:
    if not isinstance(value, str) or value not in CURRENCIES:
        currency(value)  # raises InputError


RateLike = Decimal | int | str | Fraction


def _to_fraction(value: RateLike, path: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str | Fraction):
        raise InputError.for_field(
            path, f"expected a Decimal, int, str or Fraction, got {type(value).__name__}"
        )
    if isinstance(value, str):
        if len(value) > _TEXT_LIMIT:
            raise InputError.for_field(path, f"a number of at most {_TEXT_LIMIT} characters")
        try:
            value = Decimal(value.strip())
        except InvalidOperation:
            raise InputError.for_field(path, f"{value!r} is not a number") from None
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InputError.for_field(path, f"{value!r} is not a finite number")
        if value and value.adjusted() > _EXPONENT_LIMIT:
            raise MoneyOverflow(path, value)
        if value and value.adjusted() < -_EXPONENT_LIMIT:
            raise InputError.for_field(path, f"{value!r} is too small to mean anything here")
    return Fraction(value)


@frozen(order=False)
class Money:
    """An exact amount: ``minor`` units of ``currency`` (1234 CNY minor units is ¥12.34).

    Equality across currencies is simply False; ordering and arithmetic across currencies
    raise :class:`CurrencyMismatch`.
    """

    minor: int = field(validator=_check_minor)
    currency: str = field(default="CNY", validator=_check_code)

    # -- construction -------------------------------------------------------------------
    @classmethod
    def of(
        cls,
        value: str | Decimal | int | float,
        currency: str = "CNY",
        *,
        rounding: Rounding | str | None = None,
    ) -> Money:
        """Parse a major-unit amount exactly: ``Money.of("12.34")`` is ¥12.34.

        Floats, and values with more decimals than the currency has, are refused unless a
        ``rounding`` mode is given; NaN and infinities are always refused. An amount outside
        the signed 64-bit range of minor units is a :class:`MoneyOverflow`.
        """
        cur = _currency(currency)
        mode = rounding_mode(rounding) if rounding is not None else None
        if isinstance(value, float):
            if not math.isfinite(value):
                raise InputError.for_field("amount", f"{value!r} is not a finite amount")
            if mode is None:
                raise InputError.for_field(
                    "amount",
                    "floats are not exact; pass a str or Decimal, or name a rounding mode",
                )
            exact = _to_fraction(Decimal(repr(value)), "amount")
        else:
            exact = _to_fraction(value, "amount")
        scaled = exact * cur.scale
        if scaled.denominator != 1:
            if mode is None:
                raise InputError.for_field(
                    "amount",
                    f"{value!r} has more than {cur.exponent} decimals for {cur.code}; "
                    "name a rounding mode to round it",
                )
            return cls._bounded(round_fraction(scaled, mode), cur.code, "amount")
        return cls._bounded(int(scaled), cur.code, "amount")

    @classmethod
    def _bounded(cls, minor: int, code: str, path: str) -> Money:
        if not MINOR_MIN <= minor <= MINOR_MAX:
            raise MoneyOverflow(path, minor)
        return cls(minor, code)

    @classmethod
    def from_minor(cls, minor: int, currency: str = "CNY") -> Money:
        """Build from minor units: ``Money.from_minor(1234)`` is ¥12.34."""
        return cls(minor, currency)

    @classmethod
    def zero(cls, currency: str = "CNY") -> Money:
        """Nothing, in a currency."""
        return cls(0, currency)

    # -- inspection ---------------------------------------------------------------------
    @property
    def currency_info(self) -> Currency:
        """The :class:`Currency` record of this amount."""
        return CURRENCIES[self.currency]

    def to_decimal(self) -> Decimal:
        """The amount in major units, exactly (``Decimal('12.34')``)."""
        exp = self.currency_info.exponent
        return Decimal(self.minor).scaleb(-exp).quantize(Decimal(1).scaleb(-exp))

    def is_zero(self) -> bool:
        return self.minor == 0

    def is_positive(self) -> bool:
        return self.minor > 0

    def is_negative(self) -> bool:
        return self.minor < 0

    # -- arithmetic ---------------------------------------------------------------------
    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatch(self.currency, other.currency)

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.minor), self.currency)

    def __mul__(self, quantity: int) -> Money:
        """Multiply by a whole quantity; rates go through :meth:`multiply`."""
        if type(quantity) is not int:
            return NotImplemented
        return Money(self.minor * quantity, self.currency)

    __rmul__ = __mul__

    def multiply(self, rate: RateLike, *, rounding: Rounding | str) -> Money:
        """Multiply by a rate (``Decimal("0.85")``, ``"1/3"`` as a Fraction) and round once.

        ``rounding`` is required: a :class:`Rounding` or its exact string value.
        """
        mode = rounding_mode(rounding)
        return Money(round_fraction(self.minor * _to_fraction(rate, "rate"), mode), self.currency)

    def allocate(self, weights: Iterable[int]) -> tuple[Money, ...]:
        """Split into parts proportional to ``weights`` that sum exactly to this amount."""
        return tuple(Money(p, self.currency) for p in allocate(self.minor, weights))

    # -- ordering -----------------------------------------------------------------------
    def __lt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return self.minor < other.minor

    def __le__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return self.minor <= other.minor

    def __gt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return self.minor > other.minor

    def __ge__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return self.minor >= other.minor

    # -- display ------------------------------------------------------------------------
    def format(self, *, symbol: bool = True, grouping: bool = True) -> str:
        """Human display: ``¥1,234.50``, ``JP¥1,200``, ``-KD 1.005``."""
        cur = self.currency_info
        whole, frac = divmod(abs(self.minor), cur.scale)
        text = f"{whole:,}" if grouping else str(whole)
        if cur.exponent:
            text += "." + str(frac).rjust(cur.exponent, "0")
        prefix = cur.symbol if symbol else ""
        sign = "-" if self.minor < 0 else ""
        return f"{sign}{prefix}{text}" if symbol else f"{sign}{text} {cur.code}"

    def __str__(self) -> str:
        return self.format()

    @staticmethod
    def sum(amounts: Iterable[Money], currency: str = "CNY") -> Money:
        """Add up amounts of one currency; an empty iterable is zero of ``currency``."""
        total = Money.zero(currency)
        for amount in amounts:
            total = total + amount
        return total


def _currency(code: str) -> Currency:
    return currency(code)


def allocate(total: int, weights: Iterable[int]) -> list[int]:
    """Split ``total`` into integer parts proportional to ``weights`` (largest remainder).

    The parts always sum to ``total`` exactly. Each part is the floor of its exact share;
    the units left over go to the largest remainders, ties broken by the larger weight and
    then the earlier position, so the result is deterministic and two equal weights never
    differ by more than one unit. A negative total is split as the mirror of its absolute
    value. Weights must be non-negative integers, not all zero.
    """
    if type(total) is not int:
        raise InputError.for_field("total", f"total must be an int, got {total!r}")
    if isinstance(weights, str | bytes) or not isinstance(weights, Iterable):
        raise InputError.for_field("weights", "must be a sequence of ints")
    weights = list(weights)  # an iterator is read once, here
    if not weights:
        raise InputError.for_field("weights", "need at least one weight")
    for i, w in enumerate(weights):
        if type(w) is not int or w < 0:
            raise InputError.for_field(f"weights[{i}]", f"weights must be ints >= 0, got {w!r}")
    denom = sum(weights)
    if denom == 0:
        raise InputError.for_field("weights", "weights must not all be zero")
    if total < 0:
        return [-p for p in allocate(-total, weights)]
    parts: list[int] = []
    remainders: list[tuple[int, int, int]] = []
    for i, w in enumerate(weights):
        share, rem = divmod(total * w, denom)
        parts.append(share)
        remainders.append((-rem, -w, i))
    left = total - sum(parts)
    for _, _, i in sorted(remainders)[:left]:
        parts[i] += 1
    return parts
