"""The customers context on the memory backend: its committed state lives in
:meth:`MemoryStorage.context_state`, its staged writes in a participant of the unit of work.

Concurrency is optimistic and coarse: a unit of work that wrote anything of this context
conflicts at commit if any other one committed a write to it since it started reading, and
the bus runs the command again. Ledger guards (never below zero) are checked on the staged
copy, which the commit check keeps consistent.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from attrs import evolve

from commerce_core.customers.behavior import (
    BehaviorEvent,
)
from commerce_core.customers.errors import (
    CustomerEmailTaken,
    CustomerNotFound,
    CustomerPhoneTaken,
    SegmentNotFound,
    WithdrawalNotFound,
)
from commerce_core.customers.ids import CustomerId, SegmentId, WithdrawalId
from commerce_core.customers.ledgers import (
    PointsEntry,
    PointsLot,
    WalletEntry,
    Withdrawal,
)
from commerce_core.customers.model import Customer
from commerce_core.customers.program import CustomerProgram
from commerce_core.customers.segments import Segment, SegmentRule
from commerce_core.customers.tiers import GrowthEntry, Membership
from commerce_core.kernel.errors import ConcurrencyConflict
from commerce_core.kernel.messages import DomainEvent
from commerce_core.kernel.money import Money

if TYPE_CHECKING:
    from commerce_adapters.memory.storage import MemoryUnitOfWork
from commerce_adapters.memory.customers.state import STATE, CustomersState, matching

__all__ = ["MemoryCustomerStore"]


class _EventBox:
    """Holds ledger events until the unit of work collects them."""

    def __init__(self) -> None:
        self.events: list[DomainEvent] = []


class MemoryCustomerStore:
    """The customers repositories of one :class:`MemoryUnitOfWork` (also its participant)."""

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow
        self._storage = uow.storage
        self._work: CustomersState | None = None
        self._base = 0
        self._dirty = False
        self._box = _EventBox()
        uow.join(self)
        self.profiles = _Profiles(self)
        self.wallets = _Wallets(self)
        self.withdrawals = _Withdrawals(self)
        self.points = _Points(self)
        self.memberships = _Memberships(self)
        self.behavior = _Behavior(self)
        self.segments = _Segments(self)
        self.program = _Program(self)

    # -- participant ---------------------------------------------------------------------
    def _committed(self) -> CustomersState:
        return self._storage.context_state(STATE, CustomersState)

    def read(self) -> CustomersState:
        """The state this unit of work sees: a snapshot taken on first use, plus its writes."""
        if self._work is None:
            with self._storage.lock:
                committed = self._committed()
                self._work = committed.clone()
                self._base = committed.version
        return self._work

    def write(self) -> CustomersState:
        """The state, marked as changed."""
        self._dirty = True
        return self.read()

    def check(self) -> None:
        if self._dirty and self._committed().version != self._base:
            raise ConcurrencyConflict("customers", "changed by another unit of work")

    def apply(self) -> None:
        if self._dirty and self._work is not None:
            work = self._work
            work.version = self._base + 1
            committed = self._committed()
            for name in committed.__attrs_attrs__:
                setattr(committed, name.name, getattr(work, name.name))

    def reset(self) -> None:
        self._work = None
        self._dirty = False
        self._box.events.clear()

    def record(self, event: DomainEvent) -> None:
        self._box.events.append(event)
        self._uow.seen.add(self._box)


class _Part:
    def __init__(self, store: MemoryCustomerStore) -> None:
        self._store = store


class _Versioned(Protocol):
    version: int


def _saved_version(stored: _Versioned | None, item: _Versioned, what: str) -> None:
    version = item.version
    if stored is None or stored.version != version:
        raise ConcurrencyConflict(what, f"saved v{version} is not current")


def _contacts_free(state: CustomersState, customer: Customer) -> None:
    """Phone numbers and (case-blind) email addresses are unique per shop, as the SQL
    adapter's unique indexes keep them."""
    phone, email = customer.profile.phone, customer.profile.email
    for other in state.customers.values():
        if other.id == customer.id:
            continue
        if phone is not None and other.profile.phone == phone:
            raise CustomerPhoneTaken(phone)
        theirs = other.profile.email
        if email is not None and theirs is not None and theirs.lower() == email.lower():
            raise CustomerEmailTaken(email)


class _Profiles(_Part):
    def get(self, id: CustomerId) -> Customer:
        customer = self._store.read().customers.get(id)
        if customer is None:
            raise CustomerNotFound(id)
        return customer.copy()

    def add(self, customer: Customer) -> None:
        state = self._store.write()
        if customer.id in state.customers:
            raise ConcurrencyConflict("customer", customer.id)
        _contacts_free(state, customer)
        state.customers[customer.id] = customer.copy()
        self._store._uow.seen.add(customer)

    def save(self, customer: Customer) -> None:
        state = self._store.write()
        _saved_version(state.customers.get(customer.id), customer, "customer")
        _contacts_free(state, customer)
        customer.version += 1
        state.customers[customer.id] = customer.copy()
        self._store._uow.seen.add(customer)


class _Wallets(_Part):
    def open(self, customer: CustomerId, currency: str) -> None:
        state = self._store.write()
        state.wallets[customer] = Money.zero(currency)
        state.wallet_entries[customer] = []

    def change(self, customer: CustomerId, delta: Money) -> Money | None:
        state = self._store.read()
        if customer not in state.wallets:
            raise CustomerNotFound(customer)
        new = state.wallets[customer] + delta
        if new.is_negative():
            return None
        self._store.write().wallets[customer] = new
        return new

    def balance(self, customer: CustomerId) -> Money:
        state = self._store.read()
        if customer not in state.wallets:
            raise CustomerNotFound(customer)
        return state.wallets[customer]

    def append(self, entry: WalletEntry) -> None:
        if self.by_reference(entry.customer, entry.reference) is not None:
            raise ConcurrencyConflict("wallet entry", entry.reference)
        self._store.write().wallet_entries[entry.customer].append(entry)

    def by_reference(self, customer: CustomerId, reference: str) -> WalletEntry | None:
        entries = self._store.read().wallet_entries.get(customer, [])
        return next((e for e in entries if e.reference == reference), None)


class _Withdrawals(_Part):
    def get(self, id: WithdrawalId) -> Withdrawal:
        found = self._store.read().withdrawals.get(id)
        if found is None:
            raise WithdrawalNotFound(id)
        return evolve(found, events=[])

    def add(self, withdrawal: Withdrawal) -> None:
        self._store.write().withdrawals[withdrawal.id] = evolve(withdrawal, events=[])
        self._store._uow.seen.add(withdrawal)

    def save(self, withdrawal: Withdrawal) -> None:
        state = self._store.write()
        _saved_version(state.withdrawals.get(withdrawal.id), withdrawal, "withdrawal")
        withdrawal.version += 1
        state.withdrawals[withdrawal.id] = evolve(withdrawal, events=[])
        self._store._uow.seen.add(withdrawal)


class _Points(_Part):
    def open(self, customer: CustomerId) -> None:
        state = self._store.write()
        state.points[customer] = 0
        state.points_entries[customer] = []

    def change(self, customer: CustomerId, delta: int) -> int | None:
        state = self._store.read()
        if customer not in state.points:
            raise CustomerNotFound(customer)
        new = state.points[customer] + delta
        if new < 0:
            return None
        self._store.write().points[customer] = new
        return new

    def balance(self, customer: CustomerId) -> int:
        state = self._store.read()
        if customer not in state.points:
            raise CustomerNotFound(customer)
        return state.points[customer]

    def open_lots(self, customer: CustomerId) -> list[PointsLot]:
        lots = self._store.read().lots.values()
        return [lot for lot in lots if lot.customer == customer and lot.remaining > 0]

    def due_lots(self, customer: CustomerId, at: datetime) -> list[PointsLot]:
        return [lot for lot in self.open_lots(customer) if lot.expires_at <= at]

    def add_lot(self, lot: PointsLot) -> None:
        self._store.write().lots[lot.id] = lot

    def take(self, lot: str, points: int) -> None:
        state = self._store.read()
        found = state.lots.get(lot)
        if found is None or found.remaining < points:
            raise ConcurrencyConflict("points lot", lot)
        self._store.write().lots[lot] = evolve(found, remaining=found.remaining - points)

    def append(self, entry: PointsEntry) -> None:
        if self.by_reference(entry.customer, entry.reference) is not None:
            raise ConcurrencyConflict("points entry", entry.reference)
        self._store.write().points_entries[entry.customer].append(entry)

    def by_reference(self, customer: CustomerId, reference: str) -> PointsEntry | None:
        entries = self._store.read().points_entries.get(customer, [])
        return next((e for e in entries if e.reference == reference), None)

    def for_order(self, customer: CustomerId, order: str) -> list[PointsEntry]:
        entries = self._store.read().points_entries.get(customer, [])
        return [e for e in entries if e.order == order]


class _Memberships(_Part):
    def get(self, customer: CustomerId) -> Membership:
        found = self._store.read().memberships.get(customer)
        if found is None:
            raise CustomerNotFound(customer)
        return evolve(found, events=[])

    def add(self, membership: Membership) -> None:
        self._store.write().memberships[membership.customer] = evolve(membership, events=[])
        self._store._uow.seen.add(membership)

    def save(self, membership: Membership) -> None:
        state = self._store.write()
        _saved_version(state.memberships.get(membership.customer), membership, "membership")
        membership.version += 1
        state.memberships[membership.customer] = evolve(membership, events=[])
        self._store._uow.seen.add(membership)

    def claim(self, customer: CustomerId) -> Membership:
        # Optimistic here: a concurrent change fails this unit of work's commit check.
        return self.get(customer)

    def append_growth(self, entry: GrowthEntry) -> None:
        state = self._store.write()
        entries = state.growth_entries.setdefault(entry.customer, [])
        if any(e.reference == entry.reference for e in entries):
            raise ConcurrencyConflict("growth entry", entry.reference)
        entries.append(entry)

    def growth_entries(self, customer: CustomerId, order: str | None = None) -> list[GrowthEntry]:
        entries = self._store.read().growth_entries.get(customer, [])
        mine = [e for e in entries if order is None or e.order == order]
        return sorted(mine, key=lambda e: (e.at, e.id))


class _Behavior(_Part):
    def known(self, ids: Collection[str]) -> set[str]:
        stored = self._store.read().behavior
        return {i for i in ids if i in stored}

    def add(self, events: Sequence[BehaviorEvent]) -> None:
        state = self._store.write()
        for event in events:
            if event.id in state.behavior:
                raise ConcurrencyConflict("behavior event", event.id)
            state.behavior[event.id] = event

    def touch(self, customer: CustomerId, at: datetime, *, paid: bool) -> None:
        state = self._store.write()
        active, last_paid = state.active.get(customer, (None, None))
        active = at if active is None or at > active else active
        if paid:
            last_paid = at if last_paid is None or at > last_paid else last_paid
        state.active[customer] = (active, last_paid)

    def set_favorite(self, customer: CustomerId, product: str, on: bool, at: datetime) -> None:
        state = self._store.write()
        current = state.favorites.get((customer, product))
        if current is None or current[1] <= at:
            state.favorites[(customer, product)] = (on, at)


class _Segments(_Part):
    def get(self, id: SegmentId) -> Segment:
        found = self._store.read().segments.get(id)
        if found is None:
            raise SegmentNotFound(id)
        return evolve(found, events=[])

    def add(self, segment: Segment) -> None:
        self._store.write().segments[segment.id] = evolve(segment, events=[])
        self._store._uow.seen.add(segment)

    def save(self, segment: Segment) -> None:
        state = self._store.write()
        _saved_version(state.segments.get(segment.id), segment, "segment")
        segment.version += 1
        state.segments[segment.id] = evolve(segment, events=[])
        self._store._uow.seen.add(segment)

    def evaluate(
        self, rule: SegmentRule, at: datetime, program: CustomerProgram
    ) -> set[CustomerId]:
        return set(matching(self._store.read(), rule, at, program))


class _Program(_Part):
    def get(self) -> CustomerProgram:
        return self._store.read().program or CustomerProgram()

    def save(self, program: CustomerProgram) -> None:
        self._store.write().program = program


# -- reads over a state --------------------------------------------------------------------
