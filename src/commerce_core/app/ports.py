"""Ports of the application layer: the unit of work, its stores, and a storage backend."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self

from attrs import field, frozen

from commerce_core.catalog.ports import CatalogUnitOfWork, CategoryQueries
from commerce_core.inventory.ports import InventoryQueries, InventoryUnitOfWork
from commerce_core.kernel.actors import Actor
from commerce_core.kernel.messages import DomainEvent

__all__ = [
    "IdempotencyRecord",
    "IdempotencyStore",
    "Outbox",
    "OutboxMessage",
    "Storage",
    "Timer",
    "TimerStatus",
    "TimerStore",
    "UnitOfWork",
]

JSON = Any


@frozen
class OutboxMessage:
    """A domain event waiting to be published, written in the same transaction as its cause."""

    id: str
    type: str
    payload: dict[str, JSON]
    actor: Actor
    occurred_at: datetime
    published_at: datetime | None = None


class Outbox(Protocol):
    """The transactional outbox."""

    def add(self, messages: Sequence[OutboxMessage]) -> None: ...

    def pending(self, limit: int = 100) -> list[OutboxMessage]:
        """Unpublished messages, oldest first."""
        ...

    def mark_published(self, ids: Sequence[str], at: datetime) -> None: ...


@frozen
class IdempotencyRecord:
    """What a command run under an idempotency key returned, and a fingerprint of the request."""

    key: str
    fingerprint: str
    result: JSON
    actor: Actor
    created_at: datetime


class IdempotencyStore(Protocol):
    """Remembers results by idempotency key."""

    def get(self, key: str) -> IdempotencyRecord | None: ...

    def add(self, record: IdempotencyRecord) -> None:
        """Claim a key; :class:`ConcurrencyConflict` (now or at commit) if the key exists.

        The bus claims the key before it runs the handler, so a concurrent request with the
        same key waits on it (or conflicts) instead of running the command a second time.
        """
        ...

    def set_result(self, key: str, result: JSON) -> None:
        """Store the result under a key claimed in this unit of work."""
        ...


class TimerStatus:
    """Timer states as stored (plain strings so every backend stores them alike)."""

    PENDING = "pending"
    FAILED = "failed"


@frozen
class Timer:
    """A command scheduled to run at ``due_at`` on behalf of ``actor``, named by ``key``."""

    key: str
    due_at: datetime
    command: dict[str, JSON]
    actor: Actor
    attempts: int = 0
    status: str = TimerStatus.PENDING
    last_error: str | None = field(default=None)


class TimerStore(Protocol):
    """Durable timers: they survive restarts because they live in the database."""

    def schedule(self, timer: Timer) -> None:
        """Add a timer, or replace the one with the same key (a failed one is re-armed)."""
        ...

    def cancel(self, key: str) -> bool:
        """Remove a timer; False if there was none."""
        ...

    def get(self, key: str) -> Timer | None: ...

    def claim_due(self, now: datetime) -> Timer | None:
        """The earliest pending timer due at ``now``, locked for this unit of work.

        Backends with row locks skip timers another worker holds (``SKIP LOCKED``).
        """
        ...

    def complete(self, key: str) -> None:
        """Delete a claimed timer; :class:`ConcurrencyConflict` if it is already gone."""
        ...

    def retry_later(self, key: str, *, due_at: datetime, error: str) -> None:
        """Count a failed attempt and move the timer to ``due_at``."""
        ...

    def fail(self, key: str, *, error: str) -> None:
        """Give up on a timer: it stays, marked failed, for a person to look at."""
        ...

    def failed(self) -> list[Timer]:
        """Timers that were given up on."""
        ...

    def count_pending(self, due_by: datetime | None = None) -> int:
        """Pending timers (due by ``due_by`` if given)."""
        ...


class UnitOfWork(CatalogUnitOfWork, InventoryUnitOfWork, Protocol):
    """One transaction over every repository and store.

    Leaving the ``with`` block without :meth:`commit` rolls everything back.
    """

    @property
    def outbox(self) -> Outbox: ...

    @property
    def idempotency(self) -> IdempotencyStore: ...

    @property
    def timers(self) -> TimerStore: ...

    def collect_events(self) -> list[DomainEvent]:
        """Take the events recorded by the aggregates saved in this unit of work."""
        ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class Storage(Protocol):
    """A storage backend: makes units of work and answers queries."""

    def unit_of_work(self) -> UnitOfWork: ...

    @property
    def categories(self) -> CategoryQueries: ...

    @property
    def inventory(self) -> InventoryQueries: ...

    def close(self) -> None: ...
