"""Behavior ingestion: batches of events, each kept once by its id."""

from __future__ import annotations

from typing import Any

from attrs import field, frozen

from commerce_core.customers.behavior import BehaviorEvent, BehaviorKind
from commerce_core.customers.ports import CustomersContext
from commerce_core.kernel.errors import InputError
from commerce_core.kernel.messages import Command

__all__ = ["MAX_BATCH", "IngestBehavior"]

MAX_BATCH = 1000


def _events(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def _check_events(_: object, __: object, value: Any) -> None:
    if not isinstance(value, tuple) or not 1 <= len(value) <= MAX_BATCH:
        raise InputError.for_field("events", f"give 1 to {MAX_BATCH} events")
    for i, event in enumerate(value):
        if not isinstance(event, BehaviorEvent):
            raise InputError.for_field(f"events[{i}]", "expected a BehaviorEvent")


@frozen(kw_only=True)
class IngestBehavior(Command[int]):
    """Take a batch of behavior events; returns how many were new (the rest were seen
    before, by id, and are ignored)."""

    type_name = "customers.ingest_behavior"
    events: tuple[BehaviorEvent, ...] = field(converter=_events, validator=_check_events)


def ingest_behavior(cmd: IngestBehavior, ctx: CustomersContext) -> int:
    log = ctx.uow.customers.behavior
    seen = log.known({e.id for e in cmd.events})
    fresh: dict[str, BehaviorEvent] = {}
    for event in cmd.events:
        if event.id not in seen:
            fresh.setdefault(event.id, event)
    new = list(fresh.values())
    if not new:
        return 0
    log.add(new)
    for event in sorted(new, key=lambda e: (e.at, e.id)):
        log.touch(event.customer, event.at, paid=event.kind is BehaviorKind.PAID)
        if event.kind in (BehaviorKind.FAVORITED, BehaviorKind.UNFAVORITED):
            assert event.product is not None
            log.set_favorite(
                event.customer, event.product, event.kind is BehaviorKind.FAVORITED, event.at
            )
    return len(new)
