"""Hypothesis strategies for the kernel types, for the library's tests and for users' own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import strategies as st

from commerce_core.kernel.actors import Actor, ActorKind
from commerce_core.kernel.money import CURRENCIES, Money

__all__ = [
    "actors",
    "aware_datetimes",
    "category_names",
    "currency_codes",
    "minor_amounts",
    "money",
    "weights",
]

#: Amounts stay well inside BIGINT so sums of many of them still fit.
MAX_MINOR = 10**15


def currency_codes() -> st.SearchStrategy[str]:
    """Any currency the library knows."""
    return st.sampled_from(sorted(CURRENCIES))


def minor_amounts(
    min_value: int = -MAX_MINOR, max_value: int = MAX_MINOR
) -> st.SearchStrategy[int]:
    return st.integers(min_value=min_value, max_value=max_value)


def money(
    currency: str | None = None, *, min_minor: int = -MAX_MINOR, max_minor: int = MAX_MINOR
) -> st.SearchStrategy[Money]:
    """Money in ``currency`` (any known currency if None)."""
    codes = st.just(currency) if currency is not None else currency_codes()
    return st.builds(Money, minor_amounts(min_minor, max_minor), codes)


def weights(min_size: int = 1, max_size: int = 30) -> st.SearchStrategy[list[int]]:
    """Allocation weights: non-negative ints, not all zero."""
    return st.lists(
        st.integers(min_value=0, max_value=10**9), min_size=min_size, max_size=max_size
    ).filter(lambda ws: sum(ws) > 0)


def aware_datetimes() -> st.SearchStrategy[datetime]:
    """Aware datetimes in assorted offsets between 2000 and 2100."""
    offsets = st.integers(min_value=-12 * 60, max_value=14 * 60).map(
        lambda m: timezone(timedelta(minutes=m))
    )
    return st.datetimes(
        min_value=datetime(2000, 1, 2),
        max_value=datetime(2099, 12, 30),
        timezones=st.one_of(st.just(UTC), offsets),
    )


def actors() -> st.SearchStrategy[Actor]:
    ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=20)
    return st.builds(Actor, st.sampled_from(list(ActorKind)), ids)


def category_names() -> st.SearchStrategy[str]:
    """Valid category names, Chinese and Latin, no surrounding blanks."""
    alphabet = st.sampled_from(list("服装男女鞋数码手机电脑家居食品") + list("abcdefgXYZ &-0123"))
    return st.text(alphabet=alphabet, min_size=1, max_size=20).map(str.strip).filter(bool)
