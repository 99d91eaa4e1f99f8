"""Segment rules compiled to one SQL query (the memory adapter evaluates the same data in
Python; the contract suite holds both to the same answers).

Windowed figures (spent, orders, RFM) come from one grouped subquery over the payments of
each window (summed from the covering index ``(customer_id, kind, at, amount_minor)``). A
window that a required condition needs to be non-empty (``spent >= 100000``: zero payments
fail it) filters in ``HAVING`` and is inner-joined, so only the customers it keeps are joined
further; a window whose conditions can hold with no payments is left-joined and read through
``coalesce(…, 0)``. Day counts become comparisons of timestamps with bound values, so the
query uses plain indexes and no dialect-specific date arithmetic.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from commerce_adapters.sqlalchemy.customers import tables as t
from commerce_core.customers.behavior import BehaviorKind
from commerce_core.customers.program import CustomerProgram
from commerce_core.customers.segments import Condition, Op, SegmentField, SegmentRule

__all__ = ["compile_rule"]

_OPS: dict[Op, Callable[[Any, Any], Any]] = {
    Op.EQ: operator.eq,
    Op.NE: operator.ne,
    Op.GT: operator.gt,
    Op.GTE: operator.ge,
    Op.LT: operator.lt,
    Op.LTE: operator.le,
}

_RFM = {SegmentField.RFM_RECENCY, SegmentField.RFM_FREQUENCY, SegmentField.RFM_MONETARY}


def _window(days: int, at: datetime, name: str, having: Sequence[Condition] = ()) -> Any:
    e = t.behavior_events.c
    n, spent = sa.func.count(), sa.func.sum(e.amount_minor)
    query = (
        sa.select(e.customer_id.label("customer_id"), n.label("n"), spent.label("spent"))
        .where(
            e.kind == BehaviorKind.PAID.value,
            e.at >= at - timedelta(days=days),
            e.at <= at,
        )
        .group_by(e.customer_id)
    )
    if having:
        query = query.having(
            *(_OPS[x.op](spent if x.field is SegmentField.SPENT else n, x.value) for x in having)
        )
    return query.subquery(name)


def _needs_payments(x: Condition) -> bool:
    """A required windowed condition that no customer without payments meets."""
    return x.field in (SegmentField.SPENT, SegmentField.ORDERS) and not _OPS[x.op](0, x.value)


def _days_since(column: Any, op: Op, n: int, at: datetime) -> Any:
    """``floor((at - column) / 1 day) <op> n`` as comparisons of ``column`` with times."""
    day = timedelta(days=1)
    at_least = column <= at - n * day  # days >= n
    at_least_next = column <= at - (n + 1) * day  # days >= n + 1
    if op is Op.GTE:
        return at_least
    if op is Op.GT:
        return at_least_next
    if op is Op.LT:
        return sa.not_(at_least)
    if op is Op.LTE:
        return sa.not_(at_least_next)
    if op is Op.EQ:
        return sa.and_(at_least, sa.not_(at_least_next))
    return sa.or_(sa.not_(at_least), at_least_next)


def _ascending(value: Any, limits: list[int]) -> Any:
    return 1 + sum((sa.case((value >= limit, 1), else_=0) for limit in limits), sa.literal(0))


def compile_rule(rule: SegmentRule, at: datetime, program: CustomerProgram) -> sa.Select[Any]:
    """``SELECT customers.id`` of the customers matching ``rule`` at ``at``."""
    c = t.customers.c
    m = t.memberships.c
    p = t.points_accounts.c
    a = t.activity.c
    conditions = (*rule.all_of, *rule.any_of)
    fields = {x.field for x in conditions}
    # Required conditions that zero payments fail filter their window in HAVING; that
    # window is then inner-joined (a customer it drops cannot match).
    having = [x for x in rule.all_of if _needs_payments(x)]
    windows = {
        d: _window(d, at, f"w{d}", [x for x in having if x.days == d]) for d in rule.windows()
    }
    inner = {int(x.days or 0) for x in having}
    rfm = _window(program.rfm.window_days, at, "rfm") if fields & _RFM else None

    # Join only what the rule looks at: each join costs on 100,000 customers.
    source: Any = t.customers
    for d in sorted(inner):  # first: they cut the rows every later join sees
        source = source.join(windows[d], windows[d].c.customer_id == c.id)
    if fields & {SegmentField.TIER, SegmentField.GROWTH}:
        source = source.join(t.memberships, m.customer_id == c.id)
    if SegmentField.POINTS in fields:
        source = source.join(t.points_accounts, p.customer_id == c.id)
    if fields & {SegmentField.INACTIVE_DAYS, *_RFM}:
        source = source.outerjoin(t.activity, a.customer_id == c.id)
    for d, w in windows.items():
        if d not in inner:
            source = source.outerjoin(w, w.c.customer_id == c.id)
    if rfm is not None:
        source = source.outerjoin(rfm, rfm.c.customer_id == c.id)

    paid_before = sa.and_(a.last_paid.is_not(None), a.last_paid <= at)

    def rfm_value(f: SegmentField) -> Any:
        assert rfm is not None
        if f is SegmentField.RFM_RECENCY:
            late = [
                sa.case((a.last_paid <= at - timedelta(days=d + 1), 1), else_=0)
                for d in program.rfm.recency_days
            ]
            score = 5 - sum(late, sa.literal(0))
        elif f is SegmentField.RFM_FREQUENCY:
            score = _ascending(sa.func.coalesce(rfm.c.n, 0), list(program.rfm.frequency))
        else:
            limits = [x.minor for x in program.rfm.monetary]
            score = _ascending(sa.func.coalesce(rfm.c.spent, 0), limits)
        return sa.case((paid_before, score), else_=0)

    def test(x: Condition) -> Any:
        f = x.field
        if f is SegmentField.TAG:
            tagged = sa.exists().where(t.tags.c.customer_id == c.id, t.tags.c.tag == x.value)
            return tagged if x.op is Op.HAS else sa.not_(tagged)
        if f is SegmentField.INACTIVE_DAYS:
            return _days_since(
                sa.func.coalesce(a.last_active, c.registered_at), x.op, int(x.value), at
            )
        if f is SegmentField.REGISTERED_DAYS:
            return _days_since(c.registered_at, x.op, int(x.value), at)
        column: Any = {
            SegmentField.STATUS: c.status,
            SegmentField.GENDER: c.gender,
            SegmentField.CHANNEL: c.channel,
            SegmentField.TIER: m.tier,
            SegmentField.GROWTH: m.growth,
            SegmentField.POINTS: p.balance,
        }.get(f)
        if column is None and f in (SegmentField.SPENT, SegmentField.ORDERS):
            w = windows[int(x.days or 0)]
            column = sa.func.coalesce(w.c.spent if f is SegmentField.SPENT else w.c.n, 0)
        if column is None:
            column = rfm_value(f)
        return _OPS[x.op](column, x.value)

    where = [test(x) for x in rule.all_of if not any(x is h for h in having)]
    if rule.any_of:
        where.append(sa.or_(*(test(x) for x in rule.any_of)))
    return sa.select(c.id).select_from(source).where(*where)
