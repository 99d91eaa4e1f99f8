"""The ``Commerce`` facade: one object a shop holds to run commands, read, and run timers."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, Self, TypeVar

from attrs import frozen

from commerce_core import serialization
from commerce_core.app.bus import Authorizer, Handler, MessageBus, Subscriber
from commerce_core.app.ports import Storage, Timer
from commerce_core.app.system import SystemClock, TimeOrderedIds
from commerce_core.catalog.ports import CategoryQueries
from commerce_core.catalog.use_cases import HANDLERS as CATALOG_HANDLERS
from commerce_core.inventory.ports import InventoryQueries
from commerce_core.inventory.use_cases import HANDLERS as INVENTORY_HANDLERS
from commerce_core.kernel.actors import Actor
from commerce_core.kernel.clock import Clock, ensure_utc
from commerce_core.kernel.errors import (
    CommerceError,
    ConcurrencyConflict,
    DomainError,
    Forbidden,
    InputError,
    NotFound,
    StorageUnavailable,
)
from commerce_core.kernel.ids import IdGenerator
from commerce_core.kernel.messages import Command, DomainEvent

__all__ = ["DEFAULT_URL", "Commerce", "RunReport"]

log = logging.getLogger("commerce_core.timers")

R = TypeVar("R")

DEFAULT_URL = "sqlite:///commerce.db"

#: Every handler the library ships, by command type.
BUILTIN_HANDLERS: Mapping[type[Command[Any]], Handler] = {**CATALOG_HANDLERS, **INVENTORY_HANDLERS}

#: Timer attempts that fail unexpectedly before the timer is given up on.
MAX_TIMER_ATTEMPTS = 5


@frozen
class RunReport:
    """What one :meth:`Commerce.run_due` call did, by timer key."""

    done: tuple[str, ...] = ()
    retried: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()


class Commerce:
    """The engine: build it with :meth:`from_url` or from a storage object, then use it.

    >>> shop = Commerce.from_url("memory://")
    >>> from commerce_core.catalog import CreateCategory
    >>> staff = Actor.staff("alice")
    >>> apparel = shop.execute(CreateCategory(name="Apparel 服装"), actor=staff)
    >>> [n.name for n in shop.categories.tree()]
    ['Apparel 服装']
    """

    def __init__(
        self,
        storage: Storage,
        *,
        clock: Clock | None = None,
        ids: IdGenerator | None = None,
        authorizer: Authorizer | None = None,
        max_attempts: int = 5,
    ) -> None:
        self.storage = storage
        self.clock: Clock = clock or SystemClock()
        self.ids: IdGenerator = ids or TimeOrderedIds()
        self.bus = MessageBus(
            storage,
            clock=self.clock,
            ids=self.ids,
            authorizer=authorizer,
            handlers=BUILTIN_HANDLERS,
            max_attempts=max_attempts,
        )

    @classmethod
    def from_url(
        cls,
        url: str = DEFAULT_URL,
        *,
        clock: Clock | None = None,
        ids: IdGenerator | None = None,
        authorizer: Authorizer | None = None,
        migrate: bool | None = None,
        max_attempts: int = 5,
        **options: Any,
    ) -> Commerce:
        """Open a store by URL: ``memory://``, ``sqlite:///shop.db``,
        ``postgresql+psycopg://user@host/db``, ``mysql+pymysql://user@host/db``.

        SQLite files are migrated on first use; server databases must be migrated with
        ``commerce db upgrade --url ...`` (or pass ``migrate=True``).
        """
        from commerce_core.app.bootstrap import open_storage

        storage = open_storage(url, migrate=migrate, **options)
        return cls(storage, clock=clock, ids=ids, authorizer=authorizer, max_attempts=max_attempts)

    def close(self) -> None:
        """Release connections."""
        self.storage.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- commands ----------------------------------------------------------------------
    def execute(
        self, command: Command[R], *, actor: Actor, idempotency_key: str | None = None
    ) -> R:
        """Run a command on behalf of ``actor`` in one transaction; return its result.

        With an ``idempotency_key``, running the same command again returns the first
        result without a second effect; a different command under the same key raises
        :class:`IdempotencyConflict`.
        """
        return self.bus.handle(command, actor=actor, idempotency_key=idempotency_key)

    def execute_json(
        self, data: object, *, actor: Actor, idempotency_key: str | None = None
    ) -> Any:
        """Run a command given as JSON data (``{"type": ..., ...}``); return JSON data."""
        command = serialization.structure_command(data)
        result = self.execute(command, actor=actor, idempotency_key=idempotency_key)
        return serialization.unstructure(result)

    def register(self, command: type[Command[Any]], handler: Handler) -> None:
        """Teach the bus a command of the shop's own."""
        self.bus.register(command, handler)

    def subscribe(self, event: type[DomainEvent], subscriber: Subscriber) -> None:
        """Be called after commit with each event of this type."""
        self.bus.subscribe(event, subscriber)

    # -- queries -----------------------------------------------------------------------
    @property
    def categories(self) -> CategoryQueries:
        """Reads of the category tree."""
        return self.storage.categories

    @property
    def inventory(self) -> InventoryQueries:
        """Reads of the inventory: stock, low stock, movements, reconciliation, value."""
        return self.storage.inventory

    # -- timers ------------------------------------------------------------------------
    def schedule(self, command: Command[Any], *, due_at: datetime, key: str, actor: Actor) -> None:
        """Run ``command`` at ``due_at`` (by :meth:`run_due`), once; same key replaces."""
        for attempt in range(1, self.bus.max_attempts + 1):
            try:
                with self.storage.unit_of_work() as uow:
                    self.bus.context(uow, actor).schedule(
                        command, due_at=due_at, key=key, actor=actor
                    )
                    uow.commit()
                return
            except ConcurrencyConflict:
                if attempt == self.bus.max_attempts:
                    raise

    def cancel_schedule(self, key: str) -> bool:
        """Cancel a scheduled command; False if none had that key."""
        with self.storage.unit_of_work() as uow:
            found = uow.timers.cancel(key)
            uow.commit()
        return found

    def scheduled(self, key: str) -> Timer | None:
        """The timer with this key, if any."""
        with self.storage.unit_of_work() as uow:
            return uow.timers.get(key)

    def scheduled_count(self, due_by: datetime | None = None) -> int:
        """How many timers are pending (and due by ``due_by``, if given)."""
        with self.storage.unit_of_work() as uow:
            return uow.timers.count_pending(due_by)

    def failed_timers(self) -> list[Timer]:
        """Timers given up on, for a person to look at."""
        with self.storage.unit_of_work() as uow:
            return uow.timers.failed()

    def run_due(self, now: datetime | None = None, *, limit: int = 1000) -> RunReport:
        """Run every timer due at ``now`` (default: the clock), each exactly once.

        Each timer runs in its own transaction together with its removal, so a crash
        leaves it either done and gone, or pending. Several workers may call this at once.
        A refusal by the domain fails the timer at once; other errors retry with backoff
        and fail after a few attempts; a concurrency conflict just leaves it pending.
        """
        at = ensure_utc(now, "now") if now is not None else self.clock.now()
        done: list[str] = []
        retried: list[str] = []
        failed: list[str] = []
        for _ in range(limit):
            outcome = self._run_one(at)
            if outcome is None:
                break
            key, result = outcome
            {"done": done, "retried": retried, "failed": failed}[result].append(key)
            if result == "retried" and retried.count(key) > MAX_TIMER_ATTEMPTS:
                break
        return RunReport(tuple(done), tuple(retried), tuple(failed))

    def _run_one(self, at: datetime) -> tuple[str, str] | None:
        events: list[DomainEvent] = []
        error = ""
        give_up = True
        with self.storage.unit_of_work() as uow:
            timer = uow.timers.claim_due(at)
            if timer is None:
                return None
            try:
                command = serialization.structure_command(timer.command)
                self.bus.authorizer.authorize(timer.actor, command)
                _, events = self.bus.run_in(uow, command, timer.actor)
                uow.timers.complete(timer.key)
                uow.commit()
            except ConcurrencyConflict:
                return timer.key, "retried"
            except (DomainError, NotFound, InputError, Forbidden) as exc:
                # Refused: running it again would be refused again.
                error = f"{exc.code}: {exc}"
            except Exception as exc:
                code = exc.code if isinstance(exc, CommerceError) else type(exc).__name__
                error = f"{code}: {exc}"
                log.warning("timer %s failed: %s", timer.key, error)
                give_up = timer.attempts + 1 >= MAX_TIMER_ATTEMPTS
        if not error:
            self.bus.dispatch(events)
            return timer.key, "done"
        # The failed attempt was rolled back (and its row lock released) before this.
        self._after_failure(timer, at, error, give_up=give_up)
        return timer.key, "failed" if give_up else "retried"

    def _after_failure(self, timer: Timer, at: datetime, error: str, *, give_up: bool) -> None:
        with self.storage.unit_of_work() as uow:
            if give_up:
                uow.timers.fail(timer.key, error=error)
            else:
                delay = timedelta(seconds=30 * 2**timer.attempts)
                uow.timers.retry_later(timer.key, due_at=at + delay, error=error)
            uow.commit()

    def work(
        self,
        *,
        interval: float = 1.0,
        batch: int = 100,
        stop: Callable[[], bool] = lambda: False,
        sleep: Callable[[float], object] = time.sleep,
        on_report: Callable[[RunReport], None] | None = None,
        on_error: Callable[[CommerceError], None] | None = None,
    ) -> None:
        """The worker loop: run due timers in batches until ``stop()`` is true.

        After a short batch it sleeps ``interval`` seconds (pass ``threading.Event.wait`` as
        ``sleep`` to be woken at once on shutdown); after a full one it goes straight on.
        A database that is down, or a conflict, is reported to ``on_error`` and retried
        after ``interval``: a worker outlives a database restart.
        """
        while not stop():
            try:
                report = self.run_due(limit=batch)
            except (StorageUnavailable, ConcurrencyConflict) as exc:
                log.warning("worker: %s", exc)
                if on_error is not None:
                    on_error(exc)
                sleep(interval)
                continue
            ran = len(report.done) + len(report.retried) + len(report.failed)
            if ran:
                log.info(
                    "timers: %d done, %d retried, %d failed",
                    len(report.done),
                    len(report.retried),
                    len(report.failed),
                )
                if on_report is not None:
                    on_report(report)
            if ran < batch:
                sleep(interval)
