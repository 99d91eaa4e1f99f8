"""Segment rules compiled to one SQL query (the memory adapter evaluates the same data in
Python; the contract suite holds both to the same answers).

Windowed figures (spent, orders, RFM) come from one grouped subquery over the payments of
each window, left-joined to the customers; day counts become comparisons of timestamps with
bound values, so the query uses plain indexes and no dialect-specific date arithmetic.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
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


def _window(days: int, at: datetime, name: str) -> Any:
    e = t.behavior_events.c
    return (
        sa.select(
            e.customer_id.label("customer_id"),
            sa.func.count().label("n"),
            sa.func.sum(e.amount_minor).label("spent"),
        )
        .where(
            e.kind == BehaviorKind.PAID.value,
            e.at >= at - timedelta(days=days),
            e.at <= at,
        )
        .group_by(e.customer_id)
        .subquery(name)
    )


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
    windows = {d: _window(d, at, f"w{d}") for d in rule.windows()}
    rfm = _window(program.rfm.window_days, at, "rfm") if fields & _RFM else None

    # Join only what the rule looks at: each join costs on 100,000 customers.
    source: Any = t.customers
    if fields & {SegmentField.TIER, SegmentField.GROWTH}:
        source = source.join(t.memberships, m.customer_id == c.id)
    if SegmentField.POINTS in fields:
        source = source.join(t.points_accounts, p.customer_id == c.id)
    if fields & {SegmentField.INACTIVE_DAYS, *_RFM}:
        source = source.outerjoin(t.activity, a.customer_id == c.id)
    for w in windows.values():
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

    where = [test(x) for x in rule.all_of]
    if rule.any_of:
        where.append(sa.or_(*(test(x) for x in rule.any_of)))
    return sa.select(c.id).select_from(source).where(*where)
