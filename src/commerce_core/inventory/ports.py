"""What the inventory context needs from the outside world, as small Protocols it owns."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, Protocol

from attrs import frozen

from commerce_core.inventory.events import Allocation
from commerce_core.inventory.model import (
    Candidate,
    InventorySettings,
    Movement,
    Reservation,
    ReservationStatus,
    SkuSettings,
    StockJournal,
    StockLevel,
    StockPolicy,
    Warehouse,
)
from commerce_core.kernel.actors import Actor
from commerce_core.kernel.errors import InputError
from commerce_core.kernel.messages import Command
from commerce_core.kernel.money import Money
from commerce_core.kernel.pagination import Page, PageRequest, decode_cursor, encode_cursor

__all__ = [
    "AllocationStrategy",
    "Discrepancy",
    "InventoryContext",
    "InventoryQueries",
    "InventoryRepositories",
    "InventorySettingsRepository",
    "InventoryUnitOfWork",
    "MovementLedger",
    "MovementSink",
    "ReservationRepository",
    "ReservationView",
    "StockRepository",
    "StockValue",
    "WmsMessageLog",
    "WmsSource",
    "decode_movement_cursor",
    "decode_stock_cursor",
    "movement_cursor",
    "stock_cursor",
]


class StockRepository(Protocol):
    """Stock rows and warehouses. Every change is one guarded statement; no read-modify-write."""

    def warehouses(self) -> list[Warehouse]:
        """Every warehouse, by priority then code."""
        ...

    def warehouse(self, code: str) -> Warehouse | None: ...

    def save_warehouse(self, warehouse: Warehouse) -> None:
        """Create or replace a warehouse."""
        ...

    def candidates(self, sku: str) -> list[Candidate]:
        """The SKU in every active warehouse that holds it, with what is available there,
        by priority then code (a hint: the guarded ``apply`` decides)."""
        ...

    def level(self, sku: str, warehouse: str) -> StockLevel | None: ...

    def create(self, level: StockLevel) -> None:
        """Insert a new (empty) row; :class:`ConcurrencyConflict` if it already exists."""
        ...

    def apply(
        self,
        sku: str,
        warehouse: str,
        on_hand_delta: int,
        reserved_delta: int,
        *,
        expect_on_hand: int | None = None,
    ) -> StockLevel | None:
        """Apply a delta if :func:`~commerce_core.inventory.model.apply_delta` allows it (and
        on hand is ``expect_on_hand``, if given), in one guarded statement; the row as it is
        afterwards, or None (refused, or no row)."""
        ...

    def reserve_first_fit(self, sku: str, quantity: int) -> StockLevel | None:
        """Hold ``quantity`` units of ``sku`` in the highest-priority active warehouse that
        can hold them all (then by code), in one guarded statement with no read first; the
        row as it is afterwards, or None if no warehouse can hold the whole quantity now.

        The default allocation's first choice (``PriorityFewestSplits``); a None sends
        the caller to the general path (candidates, then ``apply`` per part).
        """
        ...

    def set_alert(self, level: StockLevel) -> None:
        """Store the low-stock state of a row this unit of work has just changed."""
        ...

    def set_threshold(self, sku: str | None, threshold: int) -> None:
        """Set the effective threshold of one SKU's rows (None: every SKU without its own)."""
        ...


class ReservationRepository(Protocol):
    """Reservations with optimistic versions."""

    def get(self, id: str) -> Reservation | None: ...

    def add(self, reservation: Reservation) -> None: ...

    def save(self, reservation: Reservation) -> None:
        """Write a changed reservation; :class:`ConcurrencyConflict` if its version moved."""
        ...


class MovementLedger(Protocol):
    """The append-only ledger of stock movements."""

    def write(self, journal: StockJournal) -> None:
        """Append the journal's movements and collect its events at commit."""
        ...


class WmsMessageLog(Protocol):
    """The ids of the WMS messages applied, so each is applied once."""

    def seen(self, message_id: str) -> bool: ...

    def claim(self, message_id: str, *, at: datetime) -> None:
        """Record a message as applied in this unit of work; :class:`ConcurrencyConflict`
        (now or at commit) if another applied it first."""
        ...


class InventorySettingsRepository(Protocol):
    """Shop defaults and per-SKU overrides."""

    def get(self) -> InventorySettings: ...

    def save(self, settings: InventorySettings) -> None: ...

    def sku(self, sku: str) -> SkuSettings | None: ...

    def save_sku(self, settings: SkuSettings) -> None: ...


class InventoryRepositories(Protocol):
    """The repositories of the inventory context inside one unit of work."""

    @property
    def stock(self) -> StockRepository: ...

    @property
    def reservations(self) -> ReservationRepository: ...

    @property
    def movements(self) -> MovementLedger: ...

    @property
    def settings(self) -> InventorySettingsRepository: ...

    @property
    def wms(self) -> WmsMessageLog: ...


class InventoryUnitOfWork(Protocol):
    """The inventory's part of a unit of work."""

    @property
    def inventory(self) -> InventoryRepositories: ...


class InventoryContext(Protocol):
    """What an inventory handler is given: its unit of work, the actor, time, ids, timers."""

    @property
    def uow(self) -> InventoryUnitOfWork: ...

    @property
    def actor(self) -> Actor: ...

    def now(self) -> datetime: ...

    def new_id(self) -> str: ...

    def schedule(
        self, command: Command[Any], *, due_at: datetime, key: str, actor: Actor | None = None
    ) -> None: ...

    def cancel_schedule(self, key: str) -> bool: ...


class AllocationStrategy(Protocol):
    """Decides which warehouses serve a reservation line (pluggable; see the docs)."""

    def allocate(
        self, quantity: int, candidates: Sequence[Candidate]
    ) -> list[tuple[str, int]] | None:
        """Parts ``(warehouse, quantity)`` summing to ``quantity`` taken from ``candidates``
        (active warehouses holding the SKU, with what each has available), or None."""
        ...


class WmsSource(Protocol):
    """Where WMS messages come from (a file, a queue): ``ImportStockSnapshot`` and
    ``ImportStockDeltas`` commands, in order."""

    def read(self) -> Iterator[Command[int]]: ...


class MovementSink(Protocol):
    """Where exported movements go (a file, a queue)."""

    def write(self, movements: Sequence[Movement]) -> None: ...


# -- read models -------------------------------------------------------------------------------
@frozen
class ReservationView:
    """A reservation as read: its lines, status and expiry."""

    id: str
    order: str
    status: ReservationStatus
    allocations: tuple[Allocation, ...]
    created_at: datetime
    expires_at: datetime | None


@frozen
class Discrepancy:
    """A stock row whose levels differ from the sum of its movements (never, if correct)."""

    sku: str
    warehouse: str
    on_hand: int
    reserved: int
    ledger_on_hand: int
    ledger_reserved: int


@frozen
class StockValue:
    """Stock on hand valued at unit cost: one total per currency, and what has no cost."""

    totals: tuple[Money, ...]
    units_without_cost: int


class InventoryQueries(Protocol):
    """Reads of the inventory, in read-only transactions, never loading aggregates."""

    def warehouses(self) -> tuple[Warehouse, ...]:
        """Every warehouse, by priority then code."""
        ...

    def stock(self, sku: str) -> tuple[StockLevel, ...]:
        """One SKU in every warehouse that ever held it, by warehouse code."""
        ...

    def level(self, sku: str, warehouse: str) -> StockLevel:
        """One SKU in one warehouse; :class:`StockNotFound` if it never had stock there."""
        ...

    def low_stock(self, page: PageRequest) -> Page[StockLevel]:
        """Rows whose available is below their threshold (or zero), by SKU and warehouse."""
        ...

    def movements(
        self,
        sku: str,
        page: PageRequest,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Page[Movement]:
        """The ledger of one SKU in ``[since, until)``, oldest first, a page at a time."""
        ...

    def movements_since(
        self, page: PageRequest, *, until: datetime | None = None
    ) -> Page[Movement]:
        """Every SKU's movements before ``until``, oldest first: the WMS export feed."""
        ...

    def reconcile(self) -> tuple[Discrepancy, ...]:
        """Every row whose levels differ from the sum of its movements; empty when sound."""
        ...

    def stock_value(self) -> StockValue:
        """On hand times unit cost, summed in the database."""
        ...

    def reservation(self, id: str) -> ReservationView:
        """One reservation; :class:`ReservationNotFound` if there is none."""
        ...

    def policy(self, sku: str) -> StockPolicy:
        """The stock policy that applies to a SKU (its own, else the shop default)."""
        ...

    def settings(self) -> InventorySettings:
        """The shop defaults."""
        ...


def movement_cursor(last: Movement) -> str:
    """The cursor of the page after ``last`` in a movement listing (keyed by time, id)."""
    return encode_cursor([last.at.isoformat(), last.id])


def decode_movement_cursor(token: str) -> tuple[datetime, str]:
    """Read a cursor made by :func:`movement_cursor`; anything else is an InputError."""
    at, id = decode_cursor(token, arity=2)
    if not isinstance(at, str) or not isinstance(id, str):
        raise InputError.for_field("after", "not a cursor of a movement listing")
    try:
        when = datetime.fromisoformat(at)
    except ValueError:
        raise InputError.for_field("after", "not a cursor of a movement listing") from None
    if when.tzinfo is None:
        raise InputError.for_field("after", "not a cursor of a movement listing")
    return when, id


def stock_cursor(last: StockLevel) -> str:
    """The cursor of the page after ``last`` in a stock listing (keyed by SKU, warehouse)."""
    return encode_cursor([last.sku, last.warehouse])


def decode_stock_cursor(token: str) -> tuple[str, str]:
    """Read a cursor made by :func:`stock_cursor`; anything else is an InputError."""
    sku, warehouse = decode_cursor(token, arity=2)
    if not isinstance(sku, str) or not isinstance(warehouse, str):
        raise InputError.for_field("after", "not a cursor of a stock listing")
    return sku, warehouse
