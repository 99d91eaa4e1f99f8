"""Segments (用户分组): static lists and dynamic rules written as data.

A rule is a conjunction of conditions (``all_of``) and, if given, at least one of
``any_of``. Each condition names a :class:`SegmentField`, an :class:`Op` and a value, and for
windowed figures (spent, orders) the window in days. The memory adapter evaluates rules with
:meth:`SegmentRule.matches` over :class:`CustomerFacts`; the SQL adapter compiles the same data
into one query. Both answer the contract suite's rules alike.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import attrs
from attrs import define, frozen

from commerce_core.customers.behavior import RfmScore
from commerce_core.customers.events import SegmentChanged
from commerce_core.customers.ids import CustomerId, SegmentId
from commerce_core.kernel.errors import InputError
from commerce_core.kernel.messages import DomainEvent
from commerce_core.kernel.money import Money
from commerce_core.kernel.validation import check_text

__all__ = [
    "Condition",
    "CustomerFacts",
    "Op",
    "Segment",
    "SegmentField",
    "SegmentKind",
    "SegmentRule",
]


class SegmentField(StrEnum):
    """What a condition looks at."""

    STATUS = "status"  # text: active / frozen
    TAG = "tag"  # text, with has / lacks
    TIER = "tier"  # text: a tier code
    GENDER = "gender"  # text
    CHANNEL = "channel"  # text: registration channel
    GROWTH = "growth"  # int: lifetime growth value
    POINTS = "points"  # int: points balance
    SPENT = "spent"  # int minor units paid within ``days``
    ORDERS = "orders"  # int: payments within ``days``
    INACTIVE_DAYS = "inactive_days"  # int: whole days since last active (or registered)
    REGISTERED_DAYS = "registered_days"  # int: whole days since registration
    RFM_RECENCY = "rfm_recency"  # int score 0-5
    RFM_FREQUENCY = "rfm_frequency"
    RFM_MONETARY = "rfm_monetary"


TEXT_FIELDS = frozenset(
    {
        SegmentField.STATUS,
        SegmentField.TAG,
        SegmentField.TIER,
        SegmentField.GENDER,
        SegmentField.CHANNEL,
    }
)
WINDOWED = frozenset({SegmentField.SPENT, SegmentField.ORDERS})


class Op(StrEnum):
    """How a condition compares."""

    EQ = "eq"
    NE = "ne"
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"
    HAS = "has"  # tags only
    LACKS = "lacks"  # tags only


_TEXT_OPS = frozenset({Op.EQ, Op.NE})


@frozen(kw_only=True)
class Condition:
    """One test, e.g. ``Condition(field=SegmentField.SPENT, op=Op.GTE, value=100000, days=90)``
    (spent at least ¥1,000 in the last 90 days)."""

    field: SegmentField = attrs.field(converter=SegmentField)
    op: Op = attrs.field(converter=Op)
    value: int | str
    days: int | None = None

    def __attrs_post_init__(self) -> None:
        if self.field is SegmentField.TAG:
            if self.op not in (Op.HAS, Op.LACKS) or not isinstance(self.value, str):
                raise InputError.for_field("op", "a tag condition is 'has' or 'lacks' a tag")
        elif self.field in TEXT_FIELDS:
            if self.op not in _TEXT_OPS or not isinstance(self.value, str):
                raise InputError.for_field("op", f"{self.field.value} compares text: eq or ne")
        elif type(self.value) is not int or self.op in (Op.HAS, Op.LACKS):
            raise InputError.for_field("value", f"{self.field.value} compares an integer")
        elif not -(2**63) <= self.value < 2**63:
            # The stores compare with 64-bit integers; a driver would refuse a wider one.
            raise InputError.for_field("value", "must be within the 64-bit range ±2**63")
        if self.field in WINDOWED:
            if type(self.days) is not int or not 1 <= self.days <= 3650:
                raise InputError.for_field("days", f"{self.field.value} needs a window in days")
        elif self.days is not None:
            raise InputError.for_field("days", f"{self.field.value} takes no window")
        if isinstance(self.value, str):
            check_text(self.value, "value", max_length=64)

    @classmethod
    def spent_at_least(cls, amount: Money, *, days: int) -> Condition:
        """Paid at least ``amount`` within the last ``days`` days."""
        return cls(field=SegmentField.SPENT, op=Op.GTE, value=amount.minor, days=days)

    @classmethod
    def inactive_for(cls, days: int) -> Condition:
        """No activity for at least ``days`` whole days."""
        return cls(field=SegmentField.INACTIVE_DAYS, op=Op.GTE, value=days)

    @classmethod
    def has_tag(cls, tag: str) -> Condition:
        """Carries ``tag``."""
        return cls(field=SegmentField.TAG, op=Op.HAS, value=tag)


def _conditions(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


@frozen(kw_only=True)
class SegmentRule:
    """Every condition of ``all_of``, and at least one of ``any_of`` if it is not empty."""

    all_of: tuple[Condition, ...] = attrs.field(default=(), converter=_conditions)
    any_of: tuple[Condition, ...] = attrs.field(default=(), converter=_conditions)

    def __attrs_post_init__(self) -> None:
        if not self.all_of and not self.any_of:
            raise InputError.for_field("rule", "give at least one condition")
        if len(self.all_of) + len(self.any_of) > 32:
            raise InputError.for_field("rule", "at most 32 conditions")

    def windows(self) -> tuple[int, ...]:
        """The distinct windows (days) of the windowed conditions, sorted."""
        return tuple(sorted({c.days for c in (*self.all_of, *self.any_of) if c.days is not None}))

    def matches(self, facts: CustomerFacts) -> bool:
        """Whether a customer with these facts belongs."""
        if not all(_test(c, facts) for c in self.all_of):
            return False
        return not self.any_of or any(_test(c, facts) for c in self.any_of)


@frozen(kw_only=True)
class CustomerFacts:
    """What rules look at, for one customer at one time (``at``)."""

    customer: CustomerId
    at: datetime
    status: str
    tags: frozenset[str]
    tier: str
    gender: str
    channel: str
    growth: int
    points: int
    registered_at: datetime
    last_active: datetime | None
    #: (time, minor units) of each payment.
    payments: tuple[tuple[datetime, int], ...]
    rfm: RfmScore


def _compare(op: Op, left: Any, right: Any) -> bool:
    if op is Op.EQ:
        return bool(left == right)
    if op is Op.NE:
        return bool(left != right)
    if op is Op.GT:
        return bool(left > right)
    if op is Op.GTE:
        return bool(left >= right)
    if op is Op.LT:
        return bool(left < right)
    return bool(left <= right)  # LTE


def _days_since(then: datetime, at: datetime) -> int:
    return (at - then) // timedelta(days=1)


def _test(c: Condition, f: CustomerFacts) -> bool:
    if c.field is SegmentField.TAG:
        return (c.value in f.tags) == (c.op is Op.HAS)
    since = f.at - timedelta(days=c.days or 0)
    getters: dict[SegmentField, Callable[[], int | str]] = {
        SegmentField.STATUS: lambda: f.status,
        SegmentField.TIER: lambda: f.tier,
        SegmentField.GENDER: lambda: f.gender,
        SegmentField.CHANNEL: lambda: f.channel,
        SegmentField.GROWTH: lambda: f.growth,
        SegmentField.POINTS: lambda: f.points,
        SegmentField.SPENT: lambda: sum(m for at, m in f.payments if since <= at <= f.at),
        SegmentField.ORDERS: lambda: sum(1 for at, _ in f.payments if since <= at <= f.at),
        SegmentField.INACTIVE_DAYS: lambda: _days_since(f.last_active or f.registered_at, f.at),
        SegmentField.REGISTERED_DAYS: lambda: _days_since(f.registered_at, f.at),
        SegmentField.RFM_RECENCY: lambda: f.rfm.recency,
        SegmentField.RFM_FREQUENCY: lambda: f.rfm.frequency,
        SegmentField.RFM_MONETARY: lambda: f.rfm.monetary,
    }
    return _compare(c.op, getters[c.field](), c.value)


class SegmentKind(StrEnum):
    """Static: an explicit list. Dynamic: a rule evaluated on demand and by timers."""

    STATIC = "static"
    DYNAMIC = "dynamic"


@define(eq=False)
class Segment:
    """A named group of customers (用户分组)."""

    id: SegmentId
    name: str
    kind: SegmentKind
    rule: SegmentRule | None = None
    members: frozenset[CustomerId] = frozenset()
    refresh_days: int | None = None
    version: int = 0
    events: list[DomainEvent] = attrs.field(factory=list, repr=False)

    def __attrs_post_init__(self) -> None:
        check_text(self.name, "name", max_length=64)
        if (self.kind is SegmentKind.DYNAMIC) != (self.rule is not None):
            raise InputError.for_field("rule", "a dynamic segment has a rule, a static one none")

    def set_members(self, members: frozenset[CustomerId], *, at: datetime) -> None:
        """Replace the stored membership (a static list, or a dynamic segment's refresh)."""
        if members != self.members:
            self.members = members
            self.events.append(SegmentChanged(segment=self.id, at=at))
