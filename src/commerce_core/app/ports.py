"""Ports of the application layer: the unit of work, its stores, and a storage backend."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self

from attrs import field, frozen

from commerce_core.catalog.ports import CatalogUnitOfWork, CategoryQueries
from commerce_core.catalog.product_ports import ProductQueries
from commerce_core.customers.ports import CustomerQueries, CustomersUnitOfWork
from commerce_core.inventory.ports import InventoryQueries, InventoryUnitOfWork
from commerce_core.kernel.actors import Actor
from commerce_core.kernel.messages import DomainEvent
from commerce_core.marketing.ports import MarketingQueries, MarketingUnitOfWork

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
    """A command scheduled to run at ``due_at`` on behalf of ``actor``, named by ``key``.

    ``token`` names this instance of the key (re-arming a key makes a new instance).
    ``claim`` and ``lease_until`` are set while a worker runs it: until the lease ends, no
    other worker may claim it, and only the holder of the claim may complete it or record
    its failure.
    """

    key: str
    due_at: datetime
    command: dict[str, JSON]
    actor: Actor
    attempts: int = 0
    status: str = TimerStatus.PENDING
    last_error: str | None = field(default=None)
    token: str = ""
    claim: str | None = None
    lease_until: datetime | None = None


class TimerStore(Protocol):
    """Durable timers: they survive restarts because they live in the database."""

    def schedule(self, timer: Timer) -> None:
        """Add a timer, or replace the one with the same key (a failed one is re-armed).

        The stored timer is ``timer`` as given: a replaced one loses its claim.
        """
        ...

    def cancel(self, key: str) -> bool:
        """Remove a timer; False if there was none."""
        ...

    def get(self, key: str) -> Timer | None: ...

    def claim_due(self, now: datetime, *, claim: str, lease_until: datetime) -> Timer | None:
        """Claim the earliest pending timer due at ``now`` whose lease is free (never claimed,
        or its lease ended by ``now``): store ``claim`` and ``lease_until`` on it and return
        it as claimed. Order: ``due_at``, then ``key``.

        Backends with row locks skip timers another worker is claiming (``SKIP LOCKED``).
        """
        ...

    def complete(self, key: str, claim: str) -> bool:
        """Delete the timer if it still carries ``claim``; False (nothing changed) if it is
        gone, re-armed or claimed by another worker since."""
        ...

    def retry_later(self, key: str, claim: str, *, due_at: datetime, error: str) -> bool:
        """Count a failed attempt, move the timer to ``due_at`` and free its lease, if it
        still carries ``claim``; False (nothing changed) otherwise."""
        ...

    def fail(self, key: str, claim: str, *, error: str) -> bool:
        """Give up on a timer that still carries ``claim``: it stays, marked failed, for a
        person to look at. False (nothing changed) if the claim was lost."""
        ...

    def release(self, key: str, claim: str) -> bool:
        """Free the lease of a timer that still carries ``claim``, without counting an
        attempt (its run was rolled back by a conflict and may be retried at once)."""
        ...

    def failed(self) -> list[Timer]:
        """Timers that were given up on."""
        ...

    def count_pending(self, due_by: datetime | None = None) -> int:
        """Pending timers (due by ``due_by`` if given)."""
        ...


class UnitOfWork(
    CatalogUnitOfWork, InventoryUnitOfWork, CustomersUnitOfWork, MarketingUnitOfWork, Protocol
):
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

    @property
    def customers(self) -> CustomerQueries: ...

    @property
    def products(self) -> ProductQueries: ...

    @property
    def marketing(self) -> MarketingQueries: ...

    def close(self) -> None: ...
