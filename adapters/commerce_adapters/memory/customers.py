"""The customers context on the memory backend: its committed state lives in
:meth:`MemoryStorage.context_state`, its staged writes in a participant of the unit of work.

Concurrency is optimistic and coarse: a unit of work that wrote anything of this context
conflicts at commit if any other one committed a write to it since it started reading, and
the bus runs the command again. Ledger guards (never below zero) are checked on the staged
copy, which the commit check keeps consistent.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from attrs import define, evolve, field

from commerce_core.customers.behavior import (
    BehaviorEvent,
    BehaviorKind,
    BehaviorProfile,
    Purchase,
    rfm_score,
)
from commerce_core.customers.errors import (
    CustomerNotFound,
    SegmentNotFound,
    WithdrawalNotFound,
)
from commerce_core.customers.ids import CustomerId, SegmentId, WithdrawalId
from commerce_core.customers.ledgers import (
    PointsEntry,
    PointsLot,
    WalletEntry,
    Withdrawal,
    oldest_first,
)
from commerce_core.customers.model import Customer
from commerce_core.customers.ports import (
    CustomerDetail,
    CustomerSummary,
    PointsRedemptionTerms,
    PointsStatement,
    SegmentView,
    WalletStatement,
)
from commerce_core.customers.program import CustomerProgram
from commerce_core.customers.segments import CustomerFacts, Segment, SegmentRule
from commerce_core.customers.tiers import Membership, TierView
from commerce_core.kernel.errors import ConcurrencyConflict, InputError
from commerce_core.kernel.messages import DomainEvent
from commerce_core.kernel.money import Money
from commerce_core.kernel.pagination import Page, PageRequest, decode_cursor, encode_cursor

if TYPE_CHECKING:
    from commerce_adapters.memory.storage import MemoryStorage, MemoryUnitOfWork

__all__ = ["CustomersState", "MemoryCustomerQueries", "MemoryCustomerStore"]

STATE = "customers"


@define
class CustomersState:
    """Everything the customers context has committed (or a unit of work has staged)."""

    version: int = 0
    program: CustomerProgram | None = None
    customers: dict[CustomerId, Customer] = field(factory=dict)
    wallets: dict[CustomerId, Money] = field(factory=dict)
    wallet_entries: dict[CustomerId, list[WalletEntry]] = field(factory=dict)
    withdrawals: dict[WithdrawalId, Withdrawal] = field(factory=dict)
    points: dict[CustomerId, int] = field(factory=dict)
    lots: dict[str, PointsLot] = field(factory=dict)
    points_entries: dict[CustomerId, list[PointsEntry]] = field(factory=dict)
    memberships: dict[CustomerId, Membership] = field(factory=dict)
    behavior: dict[str, BehaviorEvent] = field(factory=dict)
    active: dict[CustomerId, tuple[datetime | None, datetime | None]] = field(factory=dict)
    favorites: dict[tuple[CustomerId, str], tuple[bool, datetime]] = field(factory=dict)
    segments: dict[SegmentId, Segment] = field(factory=dict)

    def clone(self) -> CustomersState:
        """A copy whose containers can change without touching this one (values are either
        frozen or copied again on the way out)."""
        return CustomersState(
            version=self.version,
            program=self.program,
            customers=dict(self.customers),
            wallets=dict(self.wallets),
            wallet_entries={k: list(v) for k, v in self.wallet_entries.items()},
            withdrawals=dict(self.withdrawals),
            points=dict(self.points),
            lots=dict(self.lots),
            points_entries={k: list(v) for k, v in self.points_entries.items()},
            memberships=dict(self.memberships),
            behavior=dict(self.behavior),
            active=dict(self.active),
            favorites=dict(self.favorites),
            segments=dict(self.segments),
        )


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
        state.customers[customer.id] = customer.copy()
        self._store._uow.seen.add(customer)

    def save(self, customer: Customer) -> None:
        state = self._store.write()
        _saved_version(state.customers.get(customer.id), customer, "customer")
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
def _payments(state: CustomersState, customer: CustomerId) -> list[BehaviorEvent]:
    return [
        e for e in state.behavior.values() if e.customer == customer and e.kind is BehaviorKind.PAID
    ]


def facts(
    state: CustomersState, customer: CustomerId, at: datetime, program: CustomerProgram
) -> CustomerFacts:
    """What segment rules see of one customer."""
    c = state.customers[customer]
    paid = _payments(state, customer)
    window = at - timedelta(days=program.rfm.window_days)
    in_window = [e for e in paid if window <= e.at <= at]
    spent = Money.sum((e.amount for e in in_window if e.amount is not None), program.currency)
    active, last_paid = state.active.get(customer, (None, None))
    return CustomerFacts(
        customer=customer,
        at=at,
        status=c.status.value,
        tags=c.tags,
        tier=state.memberships[customer].tier,
        gender=c.profile.gender.value,
        channel=c.profile.channel,
        growth=state.memberships[customer].growth,
        points=state.points.get(customer, 0),
        registered_at=c.registered_at,
        last_active=active,
        payments=tuple((e.at, e.amount.minor if e.amount else 0) for e in paid),
        rfm=rfm_score(
            program.rfm,
            last_paid=last_paid if last_paid is not None and last_paid <= at else None,
            payments=len(in_window),
            spent=spent,
            at=at,
        ),
    )


def matching(
    state: CustomersState, rule: SegmentRule, at: datetime, program: CustomerProgram
) -> Iterable[CustomerId]:
    """The customers of ``state`` matching ``rule`` at ``at``."""
    return (c for c in state.customers if rule.matches(facts(state, c, at, program)))


class MemoryCustomerQueries:
    """Customer reads over the committed state."""

    def __init__(self, storage: MemoryStorage) -> None:
        self._storage = storage

    def _state(self) -> CustomersState:
        with self._storage.lock:
            return self._storage.context_state(STATE, CustomersState).clone()

    def _customer(self, state: CustomersState, id: CustomerId) -> Customer:
        found = state.customers.get(id)
        if found is None:
            raise CustomerNotFound(id)
        return found

    def program(self) -> CustomerProgram:
        return self._state().program or CustomerProgram()

    def list(
        self, page: PageRequest, *, status: str | None = None, tag: str | None = None
    ) -> Page[CustomerSummary]:
        state = self._state()
        rows = sorted(state.customers.values(), key=lambda c: c.id)
        if status is not None:
            rows = [c for c in rows if c.status.value == status]
        if tag is not None:
            rows = [c for c in rows if tag in c.tags]
        if page.after is not None:
            (last,) = decode_cursor(page.after, arity=1)
            if not isinstance(last, str):
                raise InputError.for_field("after", "not a cursor of a customer listing")
            rows = [c for c in rows if c.id > last]
        items = tuple(
            CustomerSummary(
                id=c.id,
                name=c.profile.name,
                status=c.status.value,
                tier=state.memberships[c.id].tier,
                registered_at=c.registered_at,
            )
            for c in rows[: page.limit]
        )
        more = len(rows) > page.limit
        return Page(items, encode_cursor([items[-1].id]) if more else None)

    def get(self, customer: CustomerId) -> CustomerDetail:
        state = self._state()
        c = self._customer(state, customer)
        program = state.program or CustomerProgram()
        return CustomerDetail(
            id=c.id,
            profile=c.profile,
            status=c.status.value,
            tags=tuple(sorted(c.tags)),
            addresses=c.addresses,
            default_address=c.default_address,
            registered_at=c.registered_at,
            tier=state.memberships[c.id].view(program),
            wallet=state.wallets[c.id],
            points=state.points[c.id],
            segments=tuple(sorted(s.id for s in state.segments.values() if c.id in s.members)),
        )

    def wallet(self, customer: CustomerId) -> WalletStatement:
        state = self._state()
        self._customer(state, customer)
        entries = sorted(state.wallet_entries[customer], key=lambda e: (e.at, e.id))
        return WalletStatement(customer, state.wallets[customer], tuple(entries))

    def points(self, customer: CustomerId) -> PointsStatement:
        state = self._state()
        self._customer(state, customer)
        lots = oldest_first(
            lot for lot in state.lots.values() if lot.customer == customer and lot.remaining
        )
        entries = sorted(state.points_entries[customer], key=lambda e: (e.at, e.id))
        return PointsStatement(customer, state.points[customer], tuple(lots), tuple(entries))

    def points_balance(self, customer: CustomerId) -> int:
        state = self._state()
        self._customer(state, customer)
        return state.points[customer]

    def redemption_terms(self) -> PointsRedemptionTerms:
        program = self.program()
        return PointsRedemptionTerms(
            program.points_per_yuan_redeemed, program.max_points_share_percent
        )

    def tier(self, customer: CustomerId) -> TierView:
        state = self._state()
        self._customer(state, customer)
        return state.memberships[customer].view(state.program or CustomerProgram())

    def behavior(self, customer: CustomerId, at: datetime) -> BehaviorProfile:
        state = self._state()
        self._customer(state, customer)
        program = state.program or CustomerProgram()
        mine = sorted(
            (e for e in state.behavior.values() if e.customer == customer),
            key=lambda e: (e.at, e.id),
            reverse=True,
        )
        viewed: list[str] = []
        for e in mine:
            if e.kind is BehaviorKind.VIEWED and e.product and e.product not in viewed:
                viewed.append(e.product)
        favorites = sorted(
            ((at_, p) for (c, p), (on, at_) in state.favorites.items() if c == customer and on),
            reverse=True,
        )
        purchases = tuple(
            Purchase(e.order, e.amount, e.at)
            for e in mine
            if e.kind is BehaviorKind.PAID and e.order is not None and e.amount is not None
        )
        counts: dict[str, int] = {}
        for e in mine:
            if e.category is not None:
                counts[e.category] = counts.get(e.category, 0) + 1
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
        return BehaviorProfile(
            customer=customer,
            favorites=tuple(p for _, p in favorites),
            recently_viewed=tuple(viewed[: program.recently_viewed]),
            purchases=purchases,
            top_categories=tuple(top),
            last_active=state.active.get(customer, (None, None))[0],
            rfm=facts(state, customer, at, program).rfm,
        )

    def segments(self) -> tuple[SegmentView, ...]:
        state = self._state()
        return tuple(
            SegmentView(s.id, s.name, s.kind.value, s.rule, len(s.members))
            for s in sorted(state.segments.values(), key=lambda s: s.id)
        )

    def segment_members(self, segment: SegmentId) -> tuple[CustomerId, ...]:
        found = self._state().segments.get(segment)
        if found is None:
            raise SegmentNotFound(segment)
        return tuple(sorted(found.members))

    def evaluate(self, rule: SegmentRule, at: datetime) -> tuple[CustomerId, ...]:
        state = self._state()
        return tuple(sorted(matching(state, rule, at, state.program or CustomerProgram())))

    def segments_of(self, customer: CustomerId) -> tuple[SegmentId, ...]:
        state = self._state()
        self._customer(state, customer)
        return tuple(sorted(s.id for s in state.segments.values() if customer in s.members))
