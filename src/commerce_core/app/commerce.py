"""The ``Commerce`` facade: one object a shop holds to run commands, read, and run timers."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, Self, TypeVar

from attrs import frozen

from commerce_core import serialization
from commerce_core.app.bus import TIMER_KEY_MAX, Authorizer, Handler, MessageBus, Subscriber
from commerce_core.app.marketing import HANDLERS as MARKETING_APP_HANDLERS
from commerce_core.app.ports import Storage, Timer, UnitOfWork
from commerce_core.app.system import SystemClock, TimeOrderedIds
from commerce_core.catalog.import_use_cases import HANDLERS as IMPORT_HANDLERS
from commerce_core.catalog.ports import CategoryQueries
from commerce_core.catalog.product_ports import ProductQueries
from commerce_core.catalog.product_use_cases import HANDLERS as PRODUCT_HANDLERS
from commerce_core.catalog.review_use_cases import HANDLERS as REVIEW_HANDLERS
from commerce_core.catalog.use_cases import HANDLERS as CATALOG_HANDLERS
from commerce_core.customers.ports import CustomerQueries
from commerce_core.customers.use_cases import HANDLERS as CUSTOMERS_HANDLERS
from commerce_core.inventory.ports import InventoryQueries
from commerce_core.inventory.use_cases import HANDLERS as INVENTORY_HANDLERS
from commerce_core.kernel.actors import Actor
from commerce_core.kernel.clock import Clock, ensure_utc
from commerce_core.kernel.errors import (
    CommerceError,
    ConcurrencyConflict,
    ConfigurationError,
    DomainError,
    Forbidden,
    InputError,
    NotFound,
    StorageError,
)
from commerce_core.kernel.ids import IdGenerator
from commerce_core.kernel.messages import Command, DomainEvent
from commerce_core.kernel.validation import check_text
from commerce_core.marketing.ports import MarketingQueries
from commerce_core.marketing.use_cases import HANDLERS as MARKETING_HANDLERS

__all__ = ["DEFAULT_URL", "CatalogReads", "Commerce", "RunReport"]

log = logging.getLogger("commerce_core.timers")

R = TypeVar("R")

DEFAULT_URL = "sqlite:///commerce.db"

#: Every handler the library ships, by command type.
BUILTIN_HANDLERS: Mapping[type[Command[Any]], Handler] = {
    **CATALOG_HANDLERS,
    **INVENTORY_HANDLERS,
    **CUSTOMERS_HANDLERS,
    **PRODUCT_HANDLERS,
    **REVIEW_HANDLERS,
    **IMPORT_HANDLERS,
    **MARKETING_HANDLERS,
    **MARKETING_APP_HANDLERS,
}

#: Timer attempts that fail unexpectedly before the timer is given up on.
MAX_TIMER_ATTEMPTS = 5

#: How long a worker holds a claimed timer before another worker may take it over (a
#: worker that died mid-run). A run that outlives its lease is rolled back, never doubled.
TIMER_LEASE = timedelta(minutes=5)

#: Claims tried again at once when two workers collide on the same timer (memory backend).
_CLAIM_ATTEMPTS = 20


@frozen
class CatalogReads:
    """The catalog's read namespace; every query runs in a read-only transaction."""

    categories: CategoryQueries
    products: ProductQueries


@frozen
class RunReport:
    """What one :meth:`Commerce.run_due` call did, by timer key."""

    done: tuple[str, ...] = ()
    retried: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()


class Commerce:
    """The engine: build it with :meth:`from_url` or from a storage object, then use it.

    One per process, shared by all threads (see the "Embedding in a web app" guide)::

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
        max_attempts: int = 8,
        timer_lease: timedelta = TIMER_LEASE,
    ) -> None:
        if not isinstance(timer_lease, timedelta) or timer_lease <= timedelta(0):
            raise ConfigurationError("timer_lease must be a positive timedelta")
        self.timer_lease = timer_lease
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
        max_attempts: int = 8,
        timer_lease: timedelta = TIMER_LEASE,
        **options: Any,
    ) -> Commerce:
        """Open a store by URL: ``memory://``, ``sqlite:///shop.db``,
        ``postgresql+psycopg://user@host/db``, ``mysql+pymysql://user@host/db``.

        SQLite files are migrated on first use; server databases must be migrated with
        ``commerce db upgrade --url ...`` (or pass ``migrate=True``).
        """
        from commerce_core.app.bootstrap import open_storage

        storage = open_storage(url, migrate=migrate, **options)
        return cls(
            storage,
            clock=clock,
            ids=ids,
            authorizer=authorizer,
            max_attempts=max_attempts,
            timer_lease=timer_lease,
        )

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

    @property
    def customers(self) -> CustomerQueries:
        """Reads of customers: profiles, wallet and points statements, tiers, segments."""
        return self.storage.customers

    @property
    def catalog(self) -> CatalogReads:
        """Reads of the catalog: ``shop.catalog.products.search(...)``, ``.categories``."""
        return CatalogReads(self.storage.categories, self.storage.products)

    @property
    def marketing(self) -> MarketingQueries:
        """Reads of coupon templates, their use counts, and customers' coupons."""
        return self.storage.marketing

    # -- timers ------------------------------------------------------------------------
    def _write(self, work: Callable[[UnitOfWork], R]) -> R:
        """Run ``work`` in its own unit of work and commit, retrying conflicts like the bus."""
        for attempt in range(1, self.bus.max_attempts + 1):
            try:
                with self.storage.unit_of_work() as uow:
                    out = work(uow)
                    uow.commit()
                return out
            except ConcurrencyConflict:
                if attempt == self.bus.max_attempts:
                    raise
                time.sleep(self.bus.backoff(attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def schedule(self, command: Command[Any], *, due_at: datetime, key: str, actor: Actor) -> None:
        """Run ``command`` at ``due_at`` (by :meth:`run_due`), once; same key replaces."""
        if not isinstance(command, Command):
            raise InputError.for_field("command", f"{command!r} is not a command")
        if not isinstance(actor, Actor):
            raise InputError.for_field("actor", "every timer runs on behalf of an Actor")
        check_text(key, "key", max_length=TIMER_KEY_MAX)
        due = ensure_utc(due_at, "due_at")
        self._write(
            lambda uow: self.bus.context(uow, actor).schedule(
                command, due_at=due, key=key, actor=actor
            )
        )

    def cancel_schedule(self, key: str) -> bool:
        """Cancel a scheduled command; False if none had that key."""
        check_text(key, "key", max_length=TIMER_KEY_MAX)
        return self._write(lambda uow: uow.timers.cancel(key))

    def scheduled(self, key: str) -> Timer | None:
        """The timer with this key, if any."""
        check_text(key, "key", max_length=TIMER_KEY_MAX)
        with self.storage.unit_of_work() as uow:
            return uow.timers.get(key)

    def scheduled_count(self, due_by: datetime | None = None) -> int:
        """How many timers are pending (and due by ``due_by``, if given)."""
        bound = ensure_utc(due_by, "due_by") if due_by is not None else None
        with self.storage.unit_of_work() as uow:
            return uow.timers.count_pending(bound)

    def failed_timers(self) -> list[Timer]:
        """Timers given up on, for a person to look at."""
        with self.storage.unit_of_work() as uow:
            return uow.timers.failed()

    def run_due(self, now: datetime | None = None, *, limit: int = 1000) -> RunReport:
        """Run every timer due at ``now`` (default: the clock), each exactly once.

        A worker first claims a timer for a lease (its own short transaction), then runs it
        in a second transaction that also deletes it, but only if the claim still holds:
        the run and the removal commit together or not at all, and a run that lost its
        claim (lease over, timer replaced) is rolled back. A failure is recorded under the
        claim too, so no other worker can run the timer in between. Several workers may
        call this at once. A refusal by the domain fails the timer at once; other errors
        retry with backoff and fail after a few attempts; a concurrency conflict just frees
        the timer to be retried.
        """
        at = ensure_utc(now, "now") if now is not None else self.clock.now()
        if type(limit) is not int or limit < 1:
            raise InputError.for_field("limit", "must be an integer >= 1")
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

    def _claim(self, at: datetime) -> tuple[Timer, str] | None:
        claim = self.ids.new_id()
        lease_until = at + self.timer_lease
        for _ in range(_CLAIM_ATTEMPTS):
            try:
                with self.storage.unit_of_work() as uow:
                    timer = uow.timers.claim_due(at, claim=claim, lease_until=lease_until)
                    uow.commit()
            except ConcurrencyConflict:
                continue  # another worker claimed the same timer first: take the next one
            return (timer, claim) if timer is not None else None
        return None

    def _run_one(self, at: datetime) -> tuple[str, str] | None:
        claimed = self._claim(at)
        if claimed is None:
            return None
        timer, claim = claimed
        events: list[DomainEvent] = []
        error = ""
        give_up = True
        try:
            with self.storage.unit_of_work() as uow:
                command = serialization.structure_command(timer.command)
                self.bus.authorizer.authorize(timer.actor, command)
                ctx = self.bus.context(uow, timer.actor)
                _, events = self.bus.run_in(uow, command, timer.actor, ctx=ctx)
                # A handler that re-armed or cancelled its own key decided its fate itself.
                if timer.key not in ctx.timer_keys and not uow.timers.complete(timer.key, claim):
                    raise ConcurrencyConflict("timer", f"{timer.key!r} lost its claim")
                uow.commit()
        except ConcurrencyConflict:
            self._write(lambda uow: uow.timers.release(timer.key, claim))
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
        # Recorded under the claim: no other worker could take the timer in between.
        if give_up:
            self._write(lambda uow: uow.timers.fail(timer.key, claim, error=error))
        else:
            delay = timedelta(seconds=30 * 2**timer.attempts)
            self._write(
                lambda uow: uow.timers.retry_later(timer.key, claim, due_at=at + delay, error=error)
            )
        return timer.key, "failed" if give_up else "retried"

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
        Any storage error (a database that is down or cannot be resolved, a dropped
        connection) or a conflict is reported to ``on_error`` and retried after
        ``interval``: a worker outlives a database restart.
        """
        while not stop():
            try:
                report = self.run_due(limit=batch)
            except (StorageError, ConcurrencyConflict) as exc:
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
