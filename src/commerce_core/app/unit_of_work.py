"""Pieces every unit-of-work implementation shares."""

from __future__ import annotations

from typing import Protocol

from commerce_core.kernel.messages import DomainEvent

__all__ = ["EventSource", "SeenAggregates"]


class EventSource(Protocol):
    """An aggregate that records domain events."""

    @property
    def events(self) -> list[DomainEvent]: ...


class SeenAggregates:
    """Tracks the aggregates a unit of work saved, to collect their events once."""

    def __init__(self) -> None:
        self._seen: list[EventSource] = []
        self._ids: set[int] = set()  # by identity: a bulk import saves thousands

    def add(self, aggregate: EventSource) -> None:
        if id(aggregate) not in self._ids:
            self._ids.add(id(aggregate))
            self._seen.append(aggregate)

    def collect(self) -> list[DomainEvent]:
        out: list[DomainEvent] = []
        for aggregate in self._seen:
            out.extend(aggregate.events)
            aggregate.events.clear()
        return out

    def clear(self) -> None:
        self._seen.clear()
        self._ids.clear()
