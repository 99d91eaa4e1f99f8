"""The inventory in memory: staged per unit of work, applied atomically at commit.

A unit of work works on copies of the stock rows it touches, with the same guard the SQL
backend puts in its ``WHERE`` clause (:func:`apply_delta`). At commit, under the storage
lock, every row it wrote must still be at the version it started from; otherwise the whole
unit of work is refused with :class:`ConcurrencyConflict` (the bus runs the command again
against the new levels), so two threads can never both take the last unit.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from attrs import define, evolve, field, frozen

from commerce_core.inventory.errors import ReservationNotFound, StockNotFound
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
    apply_delta,
)
from commerce_core.inventory.ports import (
    Discrepancy,
    ReservationView,
    StockValue,
    decode_movement_cursor,
    decode_stock_cursor,
    movement_cursor,
    stock_cursor,
)
from commerce_core.kernel.errors import ConcurrencyConflict
from commerce_core.kernel.money import Money
from commerce_core.kernel.pagination import Page, PageRequest

if TYPE_CHECKING:
    from commerce_adapters.memory.storage import MemoryStorage, MemoryUnitOfWork

__all__ = ["MemoryInventory", "MemoryInventoryQueries", "MemoryInventoryState"]

Key = tuple[str, str]


@frozen
class _StoredReservation:
    id: str
    order: str
    allocations: tuple[Allocation, ...]
    created_at: datetime
    expires_at: datetime | None
    status: ReservationStatus
    version: int


@define
class MemoryInventoryState:
    """The committed inventory of a :class:`MemoryStorage`."""

    warehouses: dict[str, Warehouse] = field(factory=dict)
    stock: dict[Key, StockLevel] = field(factory=dict)
    reservations: dict[str, _StoredReservation] = field(factory=dict)
    movements: list[Movement] = field(factory=list)
    settings: InventorySettings = field(factory=InventorySettings)
    skus: dict[str, SkuSettings] = field(factory=dict)
    wms_messages: dict[str, datetime] = field(factory=dict)


class MemoryStockRepository:
    def __init__(self, part: MemoryInventory) -> None:
        self._p = part

    def warehouses(self) -> list[Warehouse]:
        p = self._p
        with p.lock:
            view = dict(p.state.warehouses)
        view.update(p.new_warehouses)
        return sorted(view.values(), key=lambda w: (w.priority, w.code))

    def warehouse(self, code: str) -> Warehouse | None:
        if code in self._p.new_warehouses:
            return self._p.new_warehouses[code]
        with self._p.lock:
            return self._p.state.warehouses.get(code)

    def save_warehouse(self, warehouse: Warehouse) -> None:
        self._p.new_warehouses[warehouse.code] = warehouse

    def _row(self, key: Key) -> StockLevel | None:
        p = self._p
        if key not in p.rows:
            with p.lock:
                row = p.state.stock.get(key)
            p.rows[key] = row
            p.base[key] = row.version if row is not None else None
        return p.rows[key]

    def candidates(self, sku: str) -> list[Candidate]:
        p = self._p
        with p.lock:
            keys = {k for k in p.state.stock if k[0] == sku}
        keys |= {k for k, v in p.rows.items() if k[0] == sku and v is not None}
        out: list[Candidate] = []
        for key in keys:
            row = self._row(key)
            warehouse = self.warehouse(key[1])
            if row is not None and warehouse is not None and warehouse.active:
                out.append(Candidate(key[1], warehouse.priority, row.available))
        return sorted(out, key=lambda c: (c.priority, c.warehouse))

    def level(self, sku: str, warehouse: str) -> StockLevel | None:
        return self._row((sku, warehouse))

    def create(self, level: StockLevel) -> None:
        key = (level.sku, level.warehouse)
        if self._row(key) is not None:
            raise ConcurrencyConflict("stock", f"{level.sku}@{level.warehouse} exists")
        self._p.rows[key] = evolve(level, version=1)
        self._p.dirty.add(key)

    def reserve_first_fit(self, sku: str, quantity: int) -> StockLevel | None:
        for candidate in self.candidates(sku):
            if candidate.available >= quantity:
                return self.apply(sku, candidate.warehouse, 0, quantity)
        return None

    def apply(
        self,
        sku: str,
        warehouse: str,
        on_hand_delta: int,
        reserved_delta: int,
        *,
        expect_on_hand: int | None = None,
    ) -> StockLevel | None:
        key = (sku, warehouse)
        row = self._row(key)
        if row is None or (expect_on_hand is not None and row.on_hand != expect_on_hand):
            return None
        after = apply_delta(row, on_hand_delta, reserved_delta)
        if after is None:
            return None
        self._p.rows[key] = after
        self._p.dirty.add(key)
        return after

    def set_alert(self, level: StockLevel) -> None:
        key = (level.sku, level.warehouse)
        row = self._row(key)
        if row is None:
            raise StockNotFound(level.sku, level.warehouse)
        self._p.rows[key] = evolve(row, alert=level.alert)
        self._p.dirty.add(key)

    def set_threshold(self, sku: str | None, threshold: int) -> None:
        p = self._p
        with p.lock:
            keys = set(p.state.stock)
            own = {s for s, v in p.state.skus.items() if v.low_stock_threshold is not None}
        keys |= {k for k, v in p.rows.items() if v is not None}
        for s, v in p.new_skus.items():
            if v.low_stock_threshold is None:
                own.discard(s)
            else:
                own.add(s)
        for key in sorted(keys):
            if (sku is not None and key[0] != sku) or (sku is None and key[0] in own):
                continue
            row = self._row(key)
            if row is not None and row.threshold != threshold:
                p.rows[key] = evolve(row, threshold=threshold)
                p.dirty.add(key)


class MemoryReservationRepository:
    def __init__(self, part: MemoryInventory) -> None:
        self._p = part

    def get(self, id: str) -> Reservation | None:
        p = self._p
        stored = p.new_reservations.get(id)
        if stored is None:
            with p.lock:
                stored = p.state.reservations.get(id)
            if stored is None:
                return None
            p.reservation_base.setdefault(id, stored.version)
        return Reservation(
            id=stored.id,
            order=stored.order,
            allocations=stored.allocations,
            created_at=stored.created_at,
            expires_at=stored.expires_at,
            status=stored.status,
            version=stored.version,
        )

    def _store(self, r: Reservation) -> None:
        self._p.new_reservations[r.id] = _StoredReservation(
            r.id, r.order, r.allocations, r.created_at, r.expires_at, r.status, r.version
        )
        self._p.seen.add(r)

    def add(self, reservation: Reservation) -> None:
        p = self._p
        with p.lock:
            exists = reservation.id in p.state.reservations
        if exists or reservation.id in p.new_reservations:
            raise ConcurrencyConflict("reservation", f"{reservation.id} exists")
        p.reservation_base[reservation.id] = None
        reservation.version = 1
        self._store(reservation)

    def save(self, reservation: Reservation) -> None:
        p = self._p
        current = p.new_reservations.get(reservation.id)
        if current is None:
            with p.lock:
                current = p.state.reservations.get(reservation.id)
        if current is None:
            raise ReservationNotFound(reservation.id)
        if current.version != reservation.version:
            raise ConcurrencyConflict("reservation", reservation.id)
        reservation.version += 1
        self._store(reservation)


class MemoryMovementLedger:
    def __init__(self, part: MemoryInventory) -> None:
        self._p = part

    def write(self, journal: StockJournal) -> None:
        self._p.new_movements.extend(journal.movements)
        journal.movements.clear()
        self._p.seen.add(journal)


class MemoryWmsMessageLog:
    def __init__(self, part: MemoryInventory) -> None:
        self._p = part

    def seen(self, message_id: str) -> bool:
        if message_id in self._p.new_messages:
            return True
        with self._p.lock:
            return message_id in self._p.state.wms_messages

    def claim(self, message_id: str, *, at: datetime) -> None:
        if self.seen(message_id):
            raise ConcurrencyConflict("wms message", message_id)
        self._p.new_messages[message_id] = at


class MemorySettingsRepository:
    def __init__(self, part: MemoryInventory) -> None:
        self._p = part

    def get(self) -> InventorySettings:
        if self._p.new_settings is not None:
            return self._p.new_settings
        with self._p.lock:
            return self._p.state.settings

    def save(self, settings: InventorySettings) -> None:
        self._p.new_settings = settings

    def sku(self, sku: str) -> SkuSettings | None:
        if sku in self._p.new_skus:
            return self._p.new_skus[sku]
        with self._p.lock:
            return self._p.state.skus.get(sku)

    def save_sku(self, settings: SkuSettings) -> None:
        self._p.new_skus[settings.sku] = settings


class MemoryInventory:
    """The inventory part of a :class:`MemoryUnitOfWork`."""

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        storage = uow._storage
        self.lock = storage._lock
        self.state = storage.context_state("inventory", MemoryInventoryState)
        self.seen = uow._seen
        self.stock = MemoryStockRepository(self)
        self.reservations = MemoryReservationRepository(self)
        self.movements = MemoryMovementLedger(self)
        self.settings = MemorySettingsRepository(self)
        self.wms = MemoryWmsMessageLog(self)
        self.reset()

    def reset(self) -> None:
        """Forget everything staged (after a commit or a rollback)."""
        self.rows: dict[Key, StockLevel | None] = {}
        self.base: dict[Key, int | None] = {}
        self.dirty: set[Key] = set()
        self.new_warehouses: dict[str, Warehouse] = {}
        self.reservation_base: dict[str, int | None] = {}
        self.new_reservations: dict[str, _StoredReservation] = {}
        self.new_movements: list[Movement] = []
        self.new_settings: InventorySettings | None = None
        self.new_skus: dict[str, SkuSettings] = {}
        self.new_messages: dict[str, datetime] = {}

    def check(self) -> None:
        """Called under the storage lock: refuse the commit if anything written moved."""
        state = self.state
        for key in self.dirty:
            row = state.stock.get(key)
            if (row.version if row is not None else None) != self.base[key]:
                raise ConcurrencyConflict("stock", f"{key[0]}@{key[1]} changed")
        for id in self.new_reservations:
            stored = state.reservations.get(id)
            if (stored.version if stored is not None else None) != self.reservation_base.get(id):
                raise ConcurrencyConflict("reservation", id)
        for message_id in self.new_messages:
            if message_id in state.wms_messages:
                raise ConcurrencyConflict("wms message", message_id)

    def apply(self) -> None:
        """Called under the storage lock after every check passed."""
        state = self.state
        for key in self.dirty:
            row = self.rows[key]
            if row is not None:
                state.stock[key] = row
        state.warehouses.update(self.new_warehouses)
        state.reservations.update(self.new_reservations)
        state.movements.extend(self.new_movements)
        if self.new_settings is not None:
            state.settings = self.new_settings
        state.skus.update(self.new_skus)
        state.wms_messages.update(self.new_messages)


class MemoryInventoryQueries:
    """Inventory reads over the committed state."""

    def __init__(self, storage: MemoryStorage) -> None:
        self._storage = storage

    @property
    def _state(self) -> MemoryInventoryState:
        return self._storage.context_state("inventory", MemoryInventoryState)

    def warehouses(self) -> tuple[Warehouse, ...]:
        with self._storage._lock:
            found = list(self._state.warehouses.values())
        return tuple(sorted(found, key=lambda w: (w.priority, w.code)))

    def stock(self, sku: str) -> tuple[StockLevel, ...]:
        with self._storage._lock:
            rows = [v for k, v in self._state.stock.items() if k[0] == sku]
        return tuple(sorted(rows, key=lambda r: r.warehouse))

    def level(self, sku: str, warehouse: str) -> StockLevel:
        with self._storage._lock:
            row = self._state.stock.get((sku, warehouse))
        if row is None:
            raise StockNotFound(sku, warehouse)
        return row

    def low_stock(self, page: PageRequest) -> Page[StockLevel]:
        with self._storage._lock:
            rows = [r for r in self._state.stock.values() if r.available < max(r.threshold, 1)]
        rows.sort(key=lambda r: (r.sku, r.warehouse))
        if page.after is not None:
            after = decode_stock_cursor(page.after)
            rows = [r for r in rows if (r.sku, r.warehouse) > after]
        items = tuple(rows[: page.limit])
        more = len(rows) > page.limit
        return Page(items, stock_cursor(items[-1]) if more else None)

    def movements(
        self,
        sku: str,
        page: PageRequest,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Page[Movement]:
        with self._storage._lock:
            rows = [m for m in self._state.movements if m.sku == sku]
        rows = [
            m for m in rows if (since is None or m.at >= since) and (until is None or m.at < until)
        ]
        rows.sort(key=lambda m: (m.at, m.id))
        if page.after is not None:
            after = decode_movement_cursor(page.after)
            rows = [m for m in rows if (m.at, m.id) > after]
        items = tuple(rows[: page.limit])
        more = len(rows) > page.limit
        return Page(items, movement_cursor(items[-1]) if more else None)

    def movements_since(
        self, page: PageRequest, *, until: datetime | None = None
    ) -> Page[Movement]:
        with self._storage._lock:
            rows = list(self._state.movements)
        rows = [m for m in rows if until is None or m.at < until]
        rows.sort(key=lambda m: (m.at, m.id))
        if page.after is not None:
            after = decode_movement_cursor(page.after)
            rows = [m for m in rows if (m.at, m.id) > after]
        items = tuple(rows[: page.limit])
        more = len(rows) > page.limit
        return Page(items, movement_cursor(items[-1]) if more else None)

    def reconcile(self) -> tuple[Discrepancy, ...]:
        with self._storage._lock:
            rows = dict(self._state.stock)
            moves = list(self._state.movements)
        sums: dict[Key, list[int]] = {}
        for m in moves:
            acc = sums.setdefault((m.sku, m.warehouse), [0, 0])
            acc[0] += m.on_hand_delta
            acc[1] += m.reserved_delta
        out = []
        for key in sorted(set(rows) | set(sums)):
            row = rows.get(key)
            on_hand, reserved = (row.on_hand, row.reserved) if row is not None else (0, 0)
            ledger = sums.get(key, [0, 0])
            if (on_hand, reserved) != (ledger[0], ledger[1]):
                out.append(Discrepancy(key[0], key[1], on_hand, reserved, ledger[0], ledger[1]))
        return tuple(out)

    def stock_value(self) -> StockValue:
        with self._storage._lock:
            rows = list(self._state.stock.values())
            skus = dict(self._state.skus)
        totals: dict[str, int] = {}
        without = 0
        for row in rows:
            cost = skus[row.sku].unit_cost if row.sku in skus else None
            if cost is None:
                without += row.on_hand
                continue
            totals[cost.currency] = totals.get(cost.currency, 0) + cost.minor * row.on_hand
        return StockValue(
            tuple(Money(v, c) for c, v in sorted(totals.items())), units_without_cost=without
        )

    def reservation(self, id: str) -> ReservationView:
        with self._storage._lock:
            r = self._state.reservations.get(id)
        if r is None:
            raise ReservationNotFound(id)
        return ReservationView(r.id, r.order, r.status, r.allocations, r.created_at, r.expires_at)

    def policy(self, sku: str) -> StockPolicy:
        with self._storage._lock:
            own = self._state.skus.get(sku)
            default = self._state.settings.policy
        return own.policy if own is not None and own.policy is not None else default

    def settings(self) -> InventorySettings:
        with self._storage._lock:
            return self._state.settings
