"""In-memory storage with real transactions (see the package docstring)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar

from attrs import define, evolve, field

from commerce_adapters.memory.catalog import catalog_repositories
from commerce_adapters.memory.catalog_queries import MemoryProductQueries
from commerce_adapters.memory.customers import MemoryCustomerQueries, MemoryCustomerStore
from commerce_adapters.memory.inventory import MemoryInventory, MemoryInventoryQueries
from commerce_adapters.memory.marketing import (
    MemoryCampaignRepository,
    MemoryCouponLedger,
)
from commerce_adapters.memory.marketing_codes import MemoryCouponCodeLedger, MemoryMarketingReads
from commerce_core.app.ports import (
    IdempotencyRecord,
    OutboxMessage,
    Timer,
    TimerStatus,
)
from commerce_core.app.unit_of_work import SeenAggregates
from commerce_core.catalog.errors import CategoryNotFound
from commerce_core.catalog.ids import CategoryId
from commerce_core.catalog.model import Category, CategoryTree
from commerce_core.catalog.ports import (
    CategoryNode,
    CategoryView,
    build_forest,
    child_cursor,
    decode_child_cursor,
)
from commerce_core.kernel.errors import ConcurrencyConflict, ConfigurationError, StorageError
from commerce_core.kernel.messages import DomainEvent
from commerce_core.kernel.pagination import Page, PageRequest

__all__ = [
    "MemoryCategoryQueries",
    "MemoryParticipant",
    "MemoryStorage",
    "MemoryUnitOfWork",
    "open_backend",
]

S = TypeVar("S")


class MemoryParticipant(Protocol):
    """A context's staged writes inside a :class:`MemoryUnitOfWork`.

    Each context's memory adapter keeps its committed state in
    :meth:`MemoryStorage.context_state` and its staged writes in a participant that joins the
    unit of work (:meth:`MemoryUnitOfWork.join`). At commit, under the storage lock, every
    participant's :meth:`check` runs first (raise :class:`ConcurrencyConflict` to refuse),
    then every :meth:`apply`: all contexts commit together or not at all.
    """

    def check(self) -> None:
        """Verify the staged writes against the committed state (under the storage lock)."""
        ...

    def apply(self) -> None:
        """Write the staged changes into the committed state (under the storage lock)."""
        ...

    def reset(self) -> None:
        """Forget the staged writes (after commit or rollback)."""
        ...


@define
class _State:
    """What has been committed."""

    categories: dict[CategoryId, Category] = field(factory=dict)
    tree_version: int = 0
    outbox: dict[str, OutboxMessage] = field(factory=dict)
    idempotency: dict[str, IdempotencyRecord] = field(factory=dict)
    timers: dict[str, Timer] = field(factory=dict)


#: How long a unit of work waits for the category tree another one holds.
TREE_LOCK_TIMEOUT = 30.0


class MemoryStorage:
    """The committed state and a lock that makes each commit atomic.

    The category tree, a known-hot aggregate, is also locked when a unit of work loads it
    (as the SQL backends lock its row), so concurrent writers queue instead of conflicting.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._tree_lock = threading.Lock()
        self._state = _State()
        self._contexts: dict[str, object] = {}
        self._closed = False

    def context_state(self, name: str, factory: type[S]) -> S:
        """The committed state of a context's memory adapter, made on first use.

        Read and change it only while holding ``self.lock``.
        """
        with self._lock:
            state = self._contexts.get(name)
            if state is None:
                state = self._contexts[name] = factory()
            if not isinstance(state, factory):
                raise TypeError(f"context state {name!r} is a {type(state).__name__}")
            return state

    @property
    def lock(self) -> threading.RLock:
        """The lock that makes reads of committed state and each commit atomic."""
        return self._lock

    def unit_of_work(self) -> MemoryUnitOfWork:
        if self._closed:
            raise StorageError("this storage is closed")
        return MemoryUnitOfWork(self)

    @property
    def categories(self) -> MemoryCategoryQueries:
        return MemoryCategoryQueries(self)

    @property
    def inventory(self) -> MemoryInventoryQueries:
        return MemoryInventoryQueries(self)

    @property
    def customers(self) -> MemoryCustomerQueries:
        return MemoryCustomerQueries(self)

    @property
    def products(self) -> MemoryProductQueries:
        return MemoryProductQueries(self)

    @property
    def marketing(self) -> MemoryMarketingReads:
        return MemoryMarketingReads(self)

    def close(self) -> None:
        self._closed = True


class _Repo:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow


class MemoryCategoryTreeRepository(_Repo):
    def get(self) -> CategoryTree:
        uow = self._uow
        if not uow._holds_tree:
            if not uow._storage._tree_lock.acquire(timeout=TREE_LOCK_TIMEOUT):
                raise ConcurrencyConflict("category tree", "locked by another unit of work")
            uow._holds_tree = True
        if uow._tree is not None:
            nodes, version = uow._tree
        else:
            with uow._storage._lock:
                nodes = uow._storage._state.categories
                version = uow._storage._state.tree_version
        if uow._tree_base is None:
            uow._tree_base = version
        return CategoryTree(nodes=dict(nodes), version=version)

    def save(self, tree: CategoryTree) -> None:
        uow = self._uow
        with uow._storage._lock:
            committed = uow._storage._state.tree_version
        current = uow._tree[1] if uow._tree is not None else committed
        if tree.version != current:
            raise ConcurrencyConflict("category tree", f"saved v{tree.version}, store v{current}")
        if uow._tree_base is None:
            uow._tree_base = tree.version
        with uow._storage._lock:
            unchanged = uow._tree is None and tree.nodes == uow._storage._state.categories
        if unchanged or (uow._tree is not None and tree.nodes == uow._tree[0]):
            return  # nothing changed: no new version, nothing to write
        tree.version += 1
        uow._tree = (dict(tree.nodes), tree.version)
        uow._seen.add(tree)


class MemoryOutbox(_Repo):
    def add(self, messages: Sequence[OutboxMessage]) -> None:
        self._uow._outbox_new.extend(messages)

    def pending(self, limit: int = 100) -> list[OutboxMessage]:
        uow = self._uow
        with uow._storage._lock:
            committed = list(uow._storage._state.outbox.values())
        out = [
            m
            for m in [*committed, *uow._outbox_new]
            if m.published_at is None and m.id not in uow._published
        ]
        out.sort(key=lambda m: (m.occurred_at, m.id))
        return out[:limit]

    def mark_published(self, ids: Sequence[str], at: datetime) -> None:
        for i in ids:
            self._uow._published[i] = at


class MemoryIdempotencyStore(_Repo):
    def get(self, key: str) -> IdempotencyRecord | None:
        if key in self._uow._idem_new:
            return self._uow._idem_new[key]
        with self._uow._storage._lock:
            return self._uow._storage._state.idempotency.get(key)

    def add(self, record: IdempotencyRecord) -> None:
        if self.get(record.key) is not None:
            raise ConcurrencyConflict("idempotency key", record.key)
        self._uow._idem_new[record.key] = record

    def set_result(self, key: str, result: Any) -> None:
        self._uow._idem_new[key] = evolve(self._uow._idem_new[key], result=result)


class MemoryTimerStore(_Repo):
    def _view(self) -> dict[str, Timer]:
        with self._uow._storage._lock:
            view = dict(self._uow._storage._state.timers)
        for key, timer in self._uow._timer_writes.items():
            if timer is None:
                view.pop(key, None)
            else:
                view[key] = timer
        return view

    def _write(self, key: str, timer: Timer | None) -> None:
        uow = self._uow
        if key not in uow._timer_reads:
            with uow._storage._lock:
                uow._timer_reads[key] = uow._storage._state.timers.get(key)
        uow._timer_writes[key] = timer

    def schedule(self, timer: Timer) -> None:
        self._write(timer.key, timer)

    def cancel(self, key: str) -> bool:
        found = key in self._view()
        if found:
            self._write(key, None)
        return found

    def get(self, key: str) -> Timer | None:
        return self._view().get(key)

    def claim_due(self, now: datetime, *, claim: str, lease_until: datetime) -> Timer | None:
        due = [
            t
            for t in self._view().values()
            if t.status == TimerStatus.PENDING
            and t.due_at <= now
            and (t.claim is None or t.lease_until is None or t.lease_until <= now)
        ]
        if not due:
            return None
        timer = evolve(
            min(due, key=lambda t: (t.due_at, t.key)), claim=claim, lease_until=lease_until
        )
        self._write(timer.key, timer)
        return timer

    def _claimed(self, key: str, claim: str) -> Timer | None:
        timer = self._view().get(key)
        return timer if timer is not None and timer.claim == claim else None

    def complete(self, key: str, claim: str) -> bool:
        if self._claimed(key, claim) is None:
            return False
        self._write(key, None)
        return True

    def retry_later(self, key: str, claim: str, *, due_at: datetime, error: str) -> bool:
        timer = self._claimed(key, claim)
        if timer is None:
            return False
        self._write(
            key,
            evolve(
                timer,
                due_at=due_at,
                attempts=timer.attempts + 1,
                last_error=error,
                claim=None,
                lease_until=None,
            ),
        )
        return True

    def fail(self, key: str, claim: str, *, error: str) -> bool:
        timer = self._claimed(key, claim)
        if timer is None:
            return False
        self._write(
            key,
            evolve(
                timer,
                status=TimerStatus.FAILED,
                attempts=timer.attempts + 1,
                last_error=error,
                claim=None,
                lease_until=None,
            ),
        )
        return True

    def release(self, key: str, claim: str) -> bool:
        timer = self._claimed(key, claim)
        if timer is None:
            return False
        self._write(key, evolve(timer, claim=None, lease_until=None))
        return True

    def count_pending(self, due_by: datetime | None = None) -> int:
        return sum(
            1
            for t in self._view().values()
            if t.status == TimerStatus.PENDING and (due_by is None or t.due_at <= due_by)
        )

    def failed(self) -> list[Timer]:
        return sorted(
            (t for t in self._view().values() if t.status == TimerStatus.FAILED),
            key=lambda t: (t.due_at, t.key),
        )


class MemoryUnitOfWork:
    """A transaction over :class:`MemoryStorage`: staged writes, applied atomically."""

    def __init__(self, storage: MemoryStorage) -> None:
        self._storage = storage
        self._seen = SeenAggregates()
        self._parts: list[MemoryParticipant] = []
        self._reset()
        self.categories = MemoryCategoryTreeRepository(self)
        self.outbox = MemoryOutbox(self)
        self.idempotency = MemoryIdempotencyStore(self)
        self.timers = MemoryTimerStore(self)
        self.inventory = MemoryInventory(self)
        self.join(self.inventory)
        self.customers = MemoryCustomerStore(self)
        self.products, self.brands, self.tags, self.reviews = catalog_repositories(self)
        self.coupons = MemoryCouponLedger(self)
        self.campaigns = MemoryCampaignRepository(self)
        self.coupon_codes = MemoryCouponCodeLedger(self)

    @property
    def storage(self) -> MemoryStorage:
        """The storage this unit of work commits to."""
        return self._storage

    @property
    def seen(self) -> SeenAggregates:
        """Aggregates saved in this unit of work, whose events the bus collects."""
        return self._seen

    def join(self, part: MemoryParticipant) -> None:
        """Make ``part``'s staged writes commit and roll back with this unit of work."""
        self._parts.append(part)

    def _reset(self) -> None:
        for part in self._parts:
            part.reset()
        if getattr(self, "_holds_tree", False):
            self._storage._tree_lock.release()
        self._holds_tree = False
        self._tree: tuple[dict[CategoryId, Category], int] | None = None
        self._tree_base: int | None = None
        self._outbox_new: list[OutboxMessage] = []
        self._published: dict[str, datetime] = {}
        self._idem_new: dict[str, IdempotencyRecord] = {}
        self._timer_reads: dict[str, Timer | None] = {}
        self._timer_writes: dict[str, Timer | None] = {}
        self._seen.clear()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def collect_events(self) -> list[DomainEvent]:
        return self._seen.collect()

    def commit(self) -> None:
        state = self._storage._state
        with self._storage._lock:
            if self._tree is not None and state.tree_version != self._tree_base:
                raise ConcurrencyConflict("category tree", "changed since it was read")
            for key in self._idem_new:
                if key in state.idempotency:
                    raise ConcurrencyConflict("idempotency key", key)
            for key in self._timer_writes:
                if state.timers.get(key) != self._timer_reads.get(key):
                    raise ConcurrencyConflict("timer", key)
            for part in self._parts:
                part.check()
            # Every check passed: apply everything at once.
            for part in self._parts:
                part.apply()
            if self._tree is not None:
                state.categories, state.tree_version = dict(self._tree[0]), self._tree[1]
            for message in self._outbox_new:
                state.outbox[message.id] = message
            for mid, at in self._published.items():
                if mid in state.outbox and state.outbox[mid].published_at is None:
                    state.outbox[mid] = evolve(state.outbox[mid], published_at=at)
            state.idempotency.update(self._idem_new)
            for key, timer in self._timer_writes.items():
                if timer is None:
                    state.timers.pop(key, None)
                else:
                    state.timers[key] = timer
        self._reset()

    def rollback(self) -> None:
        self._reset()


class MemoryCategoryQueries:
    """Category reads over the committed state."""

    def __init__(self, storage: MemoryStorage) -> None:
        self._storage = storage

    def _nodes(self) -> dict[CategoryId, Category]:
        with self._storage._lock:
            return dict(self._storage._state.categories)

    def tree(self) -> tuple[CategoryNode, ...]:
        return build_forest(self._nodes().values())

    def get(self, id: CategoryId) -> CategoryView:
        nodes = self._nodes()
        return _view(nodes, id)

    def children(self, parent: CategoryId | None, page: PageRequest) -> Page[CategoryView]:
        nodes = self._nodes()
        if parent is not None and parent not in nodes:
            raise CategoryNotFound(parent)
        kids = sorted(
            (n for n in nodes.values() if n.parent == parent), key=lambda n: (n.position, n.id)
        )
        if page.after is not None:
            after = decode_child_cursor(page.after)
            kids = [k for k in kids if (k.position, k.id) > after]
        items = tuple(_view(nodes, k.id) for k in kids[: page.limit])
        more = len(kids) > page.limit
        return Page(items, child_cursor(items[-1]) if more else None)


def _view(nodes: dict[CategoryId, Category], id: CategoryId) -> CategoryView:
    node = nodes.get(id)
    if node is None:
        raise CategoryNotFound(id)
    path = [node.name]
    cursor = node
    while cursor.parent is not None:
        cursor = nodes[cursor.parent]
        path.append(cursor.name)
    kids = sum(1 for n in nodes.values() if n.parent == id)
    return CategoryView(
        id=node.id,
        name=node.name,
        parent=node.parent,
        position=node.position,
        depth=len(path) - 1,
        path=tuple(reversed(path)),
        child_count=kids,
    )


def open_backend(url: str, *, migrate: bool | None = None, **options: Any) -> MemoryStorage:
    """Entry point for ``memory://`` URLs."""
    if options:
        raise ConfigurationError(f"the memory backend takes no options, got {sorted(options)}")
    if url.rstrip("/") != "memory:":
        raise ConfigurationError(f"memory URLs are just 'memory://', got {url!r}")
    return MemoryStorage()
