"""What the customers context needs from storage, and what it offers other contexts."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, Protocol

from attrs import frozen

from commerce_core.customers.behavior import BehaviorEvent, BehaviorProfile
from commerce_core.customers.ids import CustomerId, SegmentId, WithdrawalId
from commerce_core.customers.ledgers import PointsEntry, PointsLot, WalletEntry, Withdrawal
from commerce_core.customers.model import Address, Customer, Profile
from commerce_core.customers.program import CustomerProgram
from commerce_core.customers.segments import Segment, SegmentRule
from commerce_core.customers.tiers import GrowthEntry, Membership, TierView
from commerce_core.kernel.actors import Actor
from commerce_core.kernel.messages import Command, DomainEvent
from commerce_core.kernel.money import Money, Rounding
from commerce_core.kernel.pagination import Page, PageRequest

__all__ = [
    "BehaviorLog",
    "CustomerDetail",
    "CustomerQueries",
    "CustomerRepository",
    "CustomerStore",
    "CustomerSummary",
    "CustomersContext",
    "CustomersUnitOfWork",
    "GrowthStatement",
    "MembershipRepository",
    "PointsLedger",
    "PointsReader",
    "PointsRedemptionTerms",
    "PointsStatement",
    "ProgramRepository",
    "SegmentRepository",
    "SegmentView",
    "TierReader",
    "WalletLedger",
    "WalletStatement",
    "WithdrawalRepository",
]


# -- repositories (inside a unit of work) --------------------------------------------------
class CustomerRepository(Protocol):
    """Customer aggregates, with an optimistic version check on save."""

    def get(self, id: CustomerId) -> Customer:
        """A copy of the customer; :class:`CustomerNotFound` if there is none."""
        ...

    def add(self, customer: Customer) -> None: ...

    def save(self, customer: Customer) -> None:
        """Write changes; :class:`ConcurrencyConflict` if it changed since it was read."""
        ...


class WalletLedger(Protocol):
    """Wallet balances and their append-only ledger.

    The balance row is a running total written in the same transaction as each entry, by a
    single guarded statement: it never goes below zero, whatever runs concurrently.
    """

    def open(self, customer: CustomerId, currency: str) -> None:
        """Create the empty wallet of a new customer."""
        ...

    def change(self, customer: CustomerId, delta: Money) -> Money | None:
        """Add ``delta`` (negative: take) if the balance stays >= 0; the new balance, or None
        with nothing changed. On servers the wallet row stays locked until commit."""
        ...

    def balance(self, customer: CustomerId) -> Money: ...

    def append(self, entry: WalletEntry) -> None:
        """Add an entry; a reused (customer, reference) is a :class:`ConcurrencyConflict`."""
        ...

    def by_reference(self, customer: CustomerId, reference: str) -> WalletEntry | None: ...


class WithdrawalRepository(Protocol):
    """Withdrawal requests."""

    def get(self, id: WithdrawalId) -> Withdrawal: ...

    def add(self, withdrawal: Withdrawal) -> None: ...

    def save(self, withdrawal: Withdrawal) -> None: ...


class PointsLedger(Protocol):
    """Points balances, lots and the append-only statement (guarded like the wallet)."""

    def open(self, customer: CustomerId) -> None: ...

    def change(self, customer: CustomerId, delta: int) -> int | None:
        """Add ``delta`` if the balance stays >= 0; the new balance, or None (unchanged)."""
        ...

    def balance(self, customer: CustomerId) -> int: ...

    def open_lots(self, customer: CustomerId) -> list[PointsLot]:
        """Lots with points remaining, in any order."""
        ...

    def due_lots(self, customer: CustomerId, at: datetime) -> list[PointsLot]:
        """Lots with points remaining that expire at or before ``at``."""
        ...

    def add_lot(self, lot: PointsLot) -> None: ...

    def take(self, lot: str, points: int) -> None:
        """Take ``points`` from a lot's remainder (guarded: never below zero; a lot that no
        longer has them is a :class:`ConcurrencyConflict`)."""
        ...

    def append(self, entry: PointsEntry) -> None:
        """Add an entry; a reused (customer, reference) is a :class:`ConcurrencyConflict`."""
        ...

    def by_reference(self, customer: CustomerId, reference: str) -> PointsEntry | None: ...

    def for_order(self, customer: CustomerId, order: str) -> list[PointsEntry]:
        """Every entry about ``order``, oldest first."""
        ...


class MembershipRepository(Protocol):
    """Growth and tier per customer, and the growth ledger (growth equals its sum)."""

    def get(self, customer: CustomerId) -> Membership: ...

    def claim(self, customer: CustomerId) -> Membership:
        """The membership, read to change it: on servers its row stays locked until commit,
        so commands that read a customer's ledgers and then post to them queue here (the
        memory backend: as :meth:`get`; its commit check catches the race)."""
        ...

    def append_growth(self, entry: GrowthEntry) -> None:
        """Add a growth entry; a reused (customer, reference) is a ConcurrencyConflict."""
        ...

    def growth_entries(self, customer: CustomerId, order: str | None = None) -> list[GrowthEntry]:
        """The customer's growth entries (only those about ``order`` if given), oldest
        first."""
        ...

    def add(self, membership: Membership) -> None: ...

    def save(self, membership: Membership) -> None: ...


class BehaviorLog(Protocol):
    """Behavior events, kept once each by id, and the per-customer figures they update."""

    def known(self, ids: Collection[str]) -> set[str]:
        """Which of ``ids`` are already stored."""
        ...

    def add(self, events: Sequence[BehaviorEvent]) -> None:
        """Store new events (a concurrent duplicate is a :class:`ConcurrencyConflict`)."""
        ...

    def touch(self, customer: CustomerId, at: datetime, *, paid: bool) -> None:
        """Move the customer's last-active (and last-paid) time forward to ``at``."""
        ...

    def set_favorite(self, customer: CustomerId, product: str, on: bool, at: datetime) -> None:
        """Favorite or unfavorite a product, unless a later change is already stored."""
        ...


class SegmentRepository(Protocol):
    """Segments and their stored members."""

    def get(self, id: SegmentId) -> Segment: ...

    def add(self, segment: Segment) -> None: ...

    def save(self, segment: Segment) -> None: ...

    def evaluate(
        self, rule: SegmentRule, at: datetime, program: CustomerProgram
    ) -> set[CustomerId]:
        """The customers matching ``rule`` at ``at`` (the SQL adapter: one query)."""
        ...


class ProgramRepository(Protocol):
    """The one membership program of the store."""

    def get(self) -> CustomerProgram:
        """The stored program, or the defaults if none was configured."""
        ...

    def save(self, program: CustomerProgram) -> None: ...


class CustomerStore(Protocol):
    """Every repository of the customers context inside one unit of work."""

    @property
    def profiles(self) -> CustomerRepository: ...

    @property
    def wallets(self) -> WalletLedger: ...

    @property
    def withdrawals(self) -> WithdrawalRepository: ...

    @property
    def points(self) -> PointsLedger: ...

    @property
    def memberships(self) -> MembershipRepository: ...

    @property
    def behavior(self) -> BehaviorLog: ...

    @property
    def segments(self) -> SegmentRepository: ...

    @property
    def program(self) -> ProgramRepository: ...

    def record(self, event: DomainEvent) -> None:
        """Stage an event of a ledger entry for the outbox (ledgers are not aggregates)."""
        ...


class CustomersUnitOfWork(Protocol):
    """The customers context's part of a unit of work."""

    @property
    def customers(self) -> CustomerStore: ...


class CustomersContext(Protocol):
    """What a customers handler is given."""

    @property
    def uow(self) -> CustomersUnitOfWork: ...

    @property
    def actor(self) -> Actor: ...

    def now(self) -> datetime: ...

    def new_id(self) -> str: ...

    def schedule(
        self, command: Command[Any], *, due_at: datetime, key: str, actor: Actor | None = None
    ) -> None: ...


# -- reads ---------------------------------------------------------------------------------
@frozen
class CustomerSummary:
    """A row of the customer list (no personal data beyond the name)."""

    id: CustomerId
    name: str
    status: str
    tier: str
    registered_at: datetime


@frozen
class CustomerDetail:
    """One customer for the back office."""

    id: CustomerId
    profile: Profile
    status: str
    tags: tuple[str, ...]
    addresses: tuple[Address, ...]
    default_address: str | None
    registered_at: datetime
    tier: TierView
    wallet: Money
    points: int
    segments: tuple[SegmentId, ...]


@frozen
class WalletStatement:
    """A wallet's balance and its entries, oldest first."""

    customer: CustomerId
    balance: Money
    entries: tuple[WalletEntry, ...]


@frozen
class PointsStatement:
    """A customer's points: balance, open lots (spending order) and entries, oldest first."""

    customer: CustomerId
    balance: int
    lots: tuple[PointsLot, ...]
    entries: tuple[PointsEntry, ...]


@frozen
class GrowthStatement:
    """A customer's growth value and its ledger, oldest first (growth = sum of entries)."""

    customer: CustomerId
    growth: int
    entries: tuple[GrowthEntry, ...]


@frozen
class SegmentView:
    """A segment as listed."""

    id: SegmentId
    name: str
    kind: str
    rule: SegmentRule | None
    members: int


@frozen
class PointsRedemptionTerms:
    """How points pay at checkout, for the pricing engine's points rule: ``per_yuan``
    points make one major unit, and points may pay at most ``max_share_percent`` of what is
    left after the other discounts."""

    per_yuan: int
    max_share_percent: int

    def value_of(self, points: int, currency: str = "CNY") -> Money:
        """What ``points`` are worth, rounded down to the minor unit."""
        scale = Money.zero(currency).currency_info.scale
        return Money(points * scale // self.per_yuan, currency)

    def max_points(self, payable: Money, balance: int) -> int:
        """The most points that may pay toward ``payable`` (never more than the balance),
        rounded down to whole minor units of value."""
        cap = payable.multiply(self.max_share_percent, rounding=Rounding.DOWN).minor // 100
        scale = payable.currency_info.scale
        return max(0, min(balance, cap * self.per_yuan // scale))


class TierReader(Protocol):
    """What pricing reads to give member benefits: the customer's tier and its benefits."""

    def tier(self, customer: CustomerId) -> TierView: ...


class PointsReader(Protocol):
    """What pricing reads to offer points at checkout."""

    def points_balance(self, customer: CustomerId) -> int: ...

    def redemption_terms(self) -> PointsRedemptionTerms: ...


class CustomerQueries(TierReader, PointsReader, Protocol):
    """Reads of the customers context (``shop.customers``), in read-only transactions."""

    def list(
        self, page: PageRequest, *, status: str | None = None, tag: str | None = None
    ) -> Page[CustomerSummary]: ...

    def get(self, customer: CustomerId) -> CustomerDetail: ...

    def wallet(self, customer: CustomerId) -> WalletStatement: ...

    def points(self, customer: CustomerId) -> PointsStatement: ...

    def growth(self, customer: CustomerId) -> GrowthStatement: ...

    def behavior(self, customer: CustomerId, at: datetime) -> BehaviorProfile: ...

    def segments(self) -> tuple[SegmentView, ...]: ...

    def segment_members(self, segment: SegmentId) -> tuple[CustomerId, ...]:
        """The stored members (a static list, or a dynamic segment's last refresh)."""
        ...

    def evaluate(self, rule: SegmentRule, at: datetime) -> tuple[CustomerId, ...]:
        """Who matches ``rule`` at ``at``, computed now (sorted ids)."""
        ...

    def segments_of(self, customer: CustomerId) -> tuple[SegmentId, ...]:
        """The segments a customer is stored in (for coupon issuance and pricing)."""
        ...

    def program(self) -> CustomerProgram: ...
