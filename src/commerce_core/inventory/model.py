"""Stock per SKU per warehouse, reservations, the movement ledger and low-stock states.

Stock levels are not loaded, changed and saved back: every change is a *delta* applied by
the storage in one guarded statement (see :func:`apply_delta` for the rule every backend
enforces). What the domain owns is the rule itself, the ledger entry each change writes,
the low-stock state machine and the reservation lifecycle.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from attrs import define, evolve, field, frozen

from commerce_core.inventory.events import (
    Allocation,
    BackInStock,
    LowStockReached,
    OutOfStock,
    ReservationCommitted,
    ReservationReleased,
)
from commerce_core.kernel.errors import InputError, InvalidTransition
from commerce_core.kernel.messages import DomainEvent
from commerce_core.kernel.money import Money
from commerce_core.kernel.validation import check_text

__all__ = [
    "CODE_MAX",
    "QUANTITY_MAX",
    "RESERVATION_TRANSITIONS",
    "AlertState",
    "Allocation",
    "Candidate",
    "InventorySettings",
    "Movement",
    "MovementReason",
    "PriorityFewestSplits",
    "Reservation",
    "ReservationStatus",
    "SkuSettings",
    "StockJournal",
    "StockLevel",
    "StockPolicy",
    "Warehouse",
    "alert_for",
    "apply_delta",
    "check_code",
    "check_quantity",
]

#: SKU and warehouse codes: at most this many characters (the kernel's id length).
CODE_MAX = 64
#: Quantities and levels are stored as signed 64-bit integers.
QUANTITY_MAX = 2**63 - 1


def check_code(value: object, path: str) -> str:
    """A SKU or warehouse code: single-line text of 1..64 characters."""
    return check_text(value, path, max_length=CODE_MAX)


def check_quantity(value: object, path: str, *, minimum: int = 1) -> int:
    """An integer quantity from ``minimum`` to 2**63-1 (never a bool or a float)."""
    if type(value) is not int:
        raise InputError.for_field(path, f"expected an integer, got {type(value).__name__}")
    if value < minimum:
        raise InputError.for_field(path, f"must be at least {minimum}")
    if value > QUANTITY_MAX:
        raise InputError.for_field(path, f"must be at most {QUANTITY_MAX}")
    return value


class StockPolicy(StrEnum):
    """When an order takes stock for good (read by the ordering flow; see docs/inventory.md).

    - ``deduct_on_order`` (下单减库存): placing the order reserves; the unpaid-order timeout
      releases; payment (or shipment) commits. No order is paid for goods that are not there.
    - ``deduct_on_payment`` (付款减库存): placing the order holds nothing; payment reserves and
      commits at once, and a payment the stock cannot cover is refunded.
    """

    DEDUCT_ON_ORDER = "deduct_on_order"
    DEDUCT_ON_PAYMENT = "deduct_on_payment"


class AlertState(StrEnum):
    """The low-stock state of one stock row; events fire on changes of state only."""

    OK = "ok"
    LOW = "low"
    OUT = "out"


def alert_for(available: int, threshold: int) -> AlertState:
    """OUT when nothing is available, LOW when available is below the threshold, else OK."""
    if available <= 0:
        return AlertState.OUT
    if available < threshold:
        return AlertState.LOW
    return AlertState.OK


class MovementReason(StrEnum):
    """Why a stock level changed."""

    RECEIPT = "receipt"
    ADJUSTMENT = "adjustment"
    RESERVATION = "reservation"
    COMMIT = "commit"
    RELEASE = "release"
    EXPIRY = "expiry"
    RETURN = "return"
    WMS_SYNC = "wms_sync"


@frozen
class Warehouse:
    """A place that holds stock; lower ``priority`` is served first."""

    code: str
    name: str
    priority: int = 0
    active: bool = True


@frozen
class StockLevel:
    """One SKU in one warehouse: on hand, reserved, and the low-stock threshold and state."""

    sku: str
    warehouse: str
    on_hand: int
    reserved: int
    threshold: int = 0
    alert: AlertState = AlertState.OUT
    version: int = 0

    @property
    def available(self) -> int:
        """What can still be reserved: on hand minus reserved."""
        return self.on_hand - self.reserved


def apply_delta(level: StockLevel, on_hand_delta: int, reserved_delta: int) -> StockLevel | None:
    """The guard every backend enforces, in one statement: the new level or None if refused.

    Refused unless afterwards ``0 <= reserved <= on_hand``. Reserving ``q`` is ``(0, +q)``,
    which is exactly ``on_hand - reserved >= q``; committing is ``(-q, -q)``; releasing
    ``(0, -q)``; receipts and returns ``(+q, 0)``; adjustments ``(±q, 0)``.
    """
    on_hand = level.on_hand + on_hand_delta
    reserved = level.reserved + reserved_delta
    if reserved < 0 or on_hand < reserved or on_hand > QUANTITY_MAX:
        return None
    return evolve(level, on_hand=on_hand, reserved=reserved, version=level.version + 1)


@frozen
class Movement:
    """An entry of the append-only ledger: a change to one stock row and its result."""

    id: str
    sku: str
    warehouse: str
    reason: MovementReason
    on_hand_delta: int
    reserved_delta: int
    on_hand_after: int
    reserved_after: int
    actor: str
    at: datetime
    reference: str | None = None
    reason_code: str | None = None
    note: str | None = None


@frozen
class InventorySettings:
    """Shop-wide defaults: the low-stock threshold and the stock policy."""

    low_stock_threshold: int = 0
    policy: StockPolicy = StockPolicy.DEDUCT_ON_ORDER


@frozen
class SkuSettings:
    """Per-SKU overrides and the unit cost used to value stock (None: use the default)."""

    sku: str
    low_stock_threshold: int | None = None
    policy: StockPolicy | None = None
    unit_cost: Money | None = None


@define(eq=False)
class StockJournal:
    """The changes one command makes to stock: ledger entries and the events they raise.

    Built by a handler as the storage applies each guarded delta, then written in the same
    transaction. ``record`` returns the new low-stock state when it changed, so the handler
    can store it.
    """

    actor: str
    movements: list[Movement] = field(factory=list)
    events: list[DomainEvent] = field(factory=list, repr=False)

    def record(
        self,
        id: str,
        after: StockLevel,
        *,
        on_hand_delta: int,
        reserved_delta: int,
        reason: MovementReason,
        at: datetime,
        reference: str | None = None,
        reason_code: str | None = None,
        note: str | None = None,
    ) -> AlertState | None:
        """Add the ledger entry for ``after`` (the row as the change left it)."""
        self.movements.append(
            Movement(
                id=id,
                sku=after.sku,
                warehouse=after.warehouse,
                reason=reason,
                on_hand_delta=on_hand_delta,
                reserved_delta=reserved_delta,
                on_hand_after=after.on_hand,
                reserved_after=after.reserved,
                actor=self.actor,
                at=at,
                reference=reference,
                reason_code=reason_code,
                note=note,
            )
        )
        new = alert_for(after.available, after.threshold)
        old = after.alert
        if new == old:
            return None
        sku, wh = after.sku, after.warehouse
        if old == AlertState.OK:
            self.events.append(
                LowStockReached(
                    sku=sku,
                    warehouse=wh,
                    available=after.available,
                    threshold=after.threshold,
                    at=at,
                )
            )
        if new == AlertState.OUT:
            self.events.append(OutOfStock(sku=sku, warehouse=wh, at=at))
        if old == AlertState.OUT:
            self.events.append(BackInStock(sku=sku, warehouse=wh, available=after.available, at=at))
        return new


@frozen
class Candidate:
    """A warehouse an allocation strategy may take stock from, with what it has available."""

    warehouse: str
    priority: int
    available: int


class PriorityFewestSplits:
    """The default allocation strategy: one warehouse if any can hold the whole line (the
    highest priority of those), otherwise as few warehouses as possible, fullest first,
    taken in priority order."""

    def allocate(
        self, quantity: int, candidates: Sequence[Candidate]
    ) -> list[tuple[str, int]] | None:
        """Parts ``(warehouse, quantity)`` summing to ``quantity``, or None if impossible."""
        by_priority = sorted(candidates, key=lambda c: (c.priority, c.warehouse))
        for c in by_priority:
            if c.available >= quantity:
                return [(c.warehouse, quantity)]
        usable = [c for c in by_priority if c.available > 0]
        if sum(c.available for c in usable) < quantity:
            return None
        fullest = sorted(usable, key=lambda c: (-c.available, c.priority, c.warehouse))
        chosen: list[Candidate] = []
        total = 0
        for c in fullest:
            if total >= quantity:
                break
            chosen.append(c)
            total += c.available
        chosen.sort(key=lambda c: (c.priority, c.warehouse))
        parts: list[tuple[str, int]] = []
        left = quantity
        for c in chosen:
            take = min(left, c.available)
            if take:
                parts.append((c.warehouse, take))
                left -= take
        return parts


class ReservationStatus(StrEnum):
    """Where a reservation is in its lifecycle."""

    ACTIVE = "active"
    COMMITTED = "committed"
    RELEASED = "released"
    EXPIRED = "expired"


#: The reservation lifecycle: the only moves there are.
RESERVATION_TRANSITIONS: Final[Mapping[ReservationStatus, frozenset[ReservationStatus]]] = (
    MappingProxyType(
        {
            ReservationStatus.ACTIVE: frozenset(
                {ReservationStatus.COMMITTED, ReservationStatus.RELEASED, ReservationStatus.EXPIRED}
            ),
            ReservationStatus.COMMITTED: frozenset(),
            ReservationStatus.RELEASED: frozenset(),
            ReservationStatus.EXPIRED: frozenset(),
        }
    )
)


@define(eq=False)
class Reservation:
    """Stock held for an order: its allocations, until committed, released or expired."""

    id: str
    order: str
    allocations: tuple[Allocation, ...]
    created_at: datetime
    expires_at: datetime | None = None
    status: ReservationStatus = ReservationStatus.ACTIVE
    version: int = 0
    events: list[DomainEvent] = field(factory=list, repr=False)

    def commit(self, *, at: datetime) -> None:
        """The goods leave: on hand and reserved both drop (applied by the handler)."""
        self._move_to(ReservationStatus.COMMITTED)
        self.events.append(ReservationCommitted(reservation=self.id, order=self.order, at=at))

    def release(self, *, at: datetime, expired: bool = False) -> None:
        """The hold ends without the goods leaving (cancelled, or expired)."""
        self._move_to(ReservationStatus.EXPIRED if expired else ReservationStatus.RELEASED)
        self.events.append(
            ReservationReleased(reservation=self.id, order=self.order, expired=expired, at=at)
        )

    def _move_to(self, new: ReservationStatus) -> None:
        if new not in RESERVATION_TRANSITIONS[self.status]:
            raise InvalidTransition(self.status.value, new.value, kind="reservation")
        self.status = new
