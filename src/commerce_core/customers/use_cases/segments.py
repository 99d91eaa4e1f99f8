"""Segment commands: create, set a static list, refresh a dynamic rule (by timer)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from attrs import field, frozen

from commerce_core.customers.events import SegmentRefreshed
from commerce_core.customers.ids import CustomerId, SegmentId
from commerce_core.customers.ports import CustomersContext
from commerce_core.customers.segments import Segment, SegmentKind, SegmentRule
from commerce_core.customers.use_cases._common import EXPIRY_ACTOR, text
from commerce_core.kernel.errors import InputError
from commerce_core.kernel.messages import Command

__all__ = ["CreateSegment", "RefreshSegment", "SetSegmentMembers"]


def _ids(value: object) -> object:
    return tuple(value) if isinstance(value, list | set | frozenset) else value


def _check_ids(_: object, __: object, value: Any) -> None:
    if not isinstance(value, tuple) or len(value) > 100_000:
        raise InputError.for_field("members", "give at most 100000 customer ids")
    for i, item in enumerate(value):
        text(f"members[{i}]")(None, None, item)


def _refresh(_: object, __: object, value: Any) -> None:
    if value is not None and (type(value) is not int or not 1 <= value <= 365):
        raise InputError.for_field("refresh_days", "must be 1 to 365 days (or omitted)")


@frozen(kw_only=True)
class CreateSegment(Command[SegmentId]):
    """Create a segment: static (``members``) or dynamic (``rule``), the latter refreshed
    every ``refresh_days`` by a durable timer (and at once)."""

    type_name = "customers.create_segment"
    name: str = field(validator=text("name"))
    rule: SegmentRule | None = None
    members: tuple[CustomerId, ...] = field(default=(), converter=_ids, validator=_check_ids)
    refresh_days: int | None = field(default=None, validator=_refresh)


@frozen(kw_only=True)
class SetSegmentMembers(Command[None]):
    """Replace the list of a static segment."""

    type_name = "customers.set_segment_members"
    segment: SegmentId = field(validator=text("segment"))
    members: tuple[CustomerId, ...] = field(converter=_ids, validator=_check_ids)


@frozen(kw_only=True)
class RefreshSegment(Command[int]):
    """Evaluate a dynamic segment's rule now and store its members; returns how many."""

    type_name = "customers.refresh_segment"
    segment: SegmentId = field(validator=text("segment"))


def _refresh_key(segment: SegmentId) -> str:
    return f"customers.segment_refresh:{segment}"


def create_segment(cmd: CreateSegment, ctx: CustomersContext) -> SegmentId:
    kind = SegmentKind.STATIC if cmd.rule is None else SegmentKind.DYNAMIC
    if kind is SegmentKind.DYNAMIC and cmd.members:
        raise InputError.for_field("members", "a dynamic segment's members come from its rule")
    if kind is SegmentKind.STATIC and cmd.refresh_days is not None:
        raise InputError.for_field("refresh_days", "only a dynamic segment is refreshed")
    segment = Segment(
        id=SegmentId(ctx.new_id()),
        name=cmd.name,
        kind=kind,
        rule=cmd.rule,
        members=frozenset(cmd.members),
        refresh_days=cmd.refresh_days,
    )
    store = ctx.uow.customers
    for member in segment.members:
        store.profiles.get(member)
    store.segments.add(segment)
    if kind is SegmentKind.DYNAMIC:
        _refresh_now(segment, ctx)
    return segment.id


def set_segment_members(cmd: SetSegmentMembers, ctx: CustomersContext) -> None:
    store = ctx.uow.customers
    segment = store.segments.get(cmd.segment)
    if segment.kind is not SegmentKind.STATIC:
        raise InputError.for_field("segment", "only a static segment takes a list")
    for member in cmd.members:
        store.profiles.get(member)
    segment.set_members(frozenset(cmd.members), at=ctx.now())
    store.segments.save(segment)


def refresh_segment(cmd: RefreshSegment, ctx: CustomersContext) -> int:
    segment = ctx.uow.customers.segments.get(cmd.segment)
    if segment.kind is not SegmentKind.DYNAMIC:
        raise InputError.for_field("segment", "only a dynamic segment is refreshed")
    return _refresh_now(segment, ctx)


def _refresh_now(segment: Segment, ctx: CustomersContext) -> int:
    store = ctx.uow.customers
    assert segment.rule is not None
    at = ctx.now()
    members = store.segments.evaluate(segment.rule, at, store.program.get())
    segment.set_members(frozenset(members), at=at)
    store.segments.save(segment)
    store.record(SegmentRefreshed(segment=segment.id, members=len(members), at=at))
    if segment.refresh_days is not None:
        ctx.schedule(
            RefreshSegment(segment=segment.id),
            due_at=at + timedelta(days=segment.refresh_days),
            key=_refresh_key(segment.id),
            actor=EXPIRY_ACTOR,
        )
    return len(members)
