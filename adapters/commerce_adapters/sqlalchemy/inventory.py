"""The inventory in SQL: guarded single statements on the hot path, set-based reads.

Reserving ``q`` units is one statement per warehouse tried::

    UPDATE inventory_stock SET reserved = reserved + :q, version = version + 1
    WHERE sku = :sku AND warehouse = :wh AND on_hand - reserved >= :q

and its row count says whether the hold was taken. The row lock that statement takes keeps
the row to this transaction until commit; the ledger entry and the reservation rows are
written in the same transaction. There is no read-modify-write and no table lock. Where the
dialect has ``UPDATE ... RETURNING`` (PostgreSQL, SQLite) the new levels come back from the
same statement; MySQL/MariaDB read the row this transaction has just locked.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, CursorResult, RowMapping

from commerce_adapters.sqlalchemy import inventory_tables as it
from commerce_adapters.sqlalchemy.engine import SQLITE_BEGIN
from commerce_adapters.sqlalchemy.errors import translating
from commerce_adapters.sqlalchemy.types import money_from_row, money_to_row
from commerce_core.inventory.errors import ReservationNotFound, StockNotFound
from commerce_core.inventory.events import Allocation
from commerce_core.inventory.model import (
    QUANTITY_MAX,
    AlertState,
    Candidate,
    InventorySettings,
    Movement,
    MovementReason,
    Reservation,
    ReservationStatus,
    SkuSettings,
    StockJournal,
    StockLevel,
    StockPolicy,
    Warehouse,
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
    from commerce_adapters.sqlalchemy.storage import SqlStorage, SqlUnitOfWork

__all__ = ["SqlInventory", "SqlInventoryQueries"]

SETTINGS_ID = "default"
_S = it.stock.c
_LEVEL_COLUMNS = (_S.sku, _S.warehouse, _S.on_hand, _S.reserved, _S.threshold, _S.alert, _S.version)


_W = it.warehouses.c

#: The active warehouses holding a SKU, with what each has available, by priority.
_CANDIDATES = (
    sa.select(_S.warehouse, _W.priority, (_S.on_hand - _S.reserved).label("available"))
    .select_from(it.stock.join(it.warehouses, _W.code == _S.warehouse))
    .where(_S.sku == sa.bindparam("sku"), _W.active == sa.true())
    .order_by(_W.priority, _S.warehouse)
)

_INSERT_RESERVATION = sa.insert(it.reservations)

# -- the hot statements, as text for the driver's cursor (driver.py) ----------------------------
_RETURNING = " RETURNING sku, warehouse, on_hand, reserved, threshold, alert, version"
#: The default allocation's first choice in one guarded statement: the highest-priority active
#: warehouse that can hold the whole quantity. The guard is repeated outside the subquery, so
#: a row changed by a concurrent writer is re-checked after its lock is granted.
_FIRST_FIT = (
    "UPDATE inventory_stock SET reserved = reserved + :q, version = version + 1"
    " WHERE sku = :sku AND on_hand - reserved >= :q AND warehouse = ("
    "SELECT s.warehouse FROM inventory_stock s"
    " JOIN inventory_warehouses w ON w.code = s.warehouse"
    " WHERE s.sku = :sku AND w.active = :yes AND s.on_hand - s.reserved >= :q"
    " ORDER BY w.priority, s.warehouse LIMIT 1)" + _RETURNING
)
_HOT_RESERVATION = (
    "INSERT INTO inventory_reservations (id, order_ref, status, created_at, expires_at, version)"
    " VALUES (:id, :order_ref, :status, :created_at, :expires_at, :version)"
)
_HOT_LINE = (
    "INSERT INTO inventory_reservation_lines (reservation_id, line_no, sku, warehouse, quantity)"
    " VALUES (:reservation_id, :line_no, :sku, :warehouse, :quantity)"
)
_HOT_MOVEMENT = (
    "INSERT INTO inventory_movements (id, sku, warehouse, reason, on_hand_delta, reserved_delta,"
    " on_hand_after, reserved_after, actor, at, reference, reason_code, note) VALUES (:id, :sku,"
    " :warehouse, :reason, :on_hand_delta, :reserved_delta, :on_hand_after, :reserved_after,"
    " :actor, :at, :reference, :reason_code, :note)"
)
_INSERT_LINES = sa.insert(it.reservation_lines)
_INSERT_MOVEMENTS = sa.insert(it.movements)

_APPLY_CACHE: dict[tuple[bool, ...], Any] = {}


def _apply_statement(
    *,
    expects_on_hand: bool,
    moves_on_hand: bool,
    moves_reserved: bool,
    needs_available: bool,
    lowers_reserved: bool,
    raises_on_hand: bool,
    returning: bool,
) -> Any:
    """The guarded UPDATE for one shape of delta, built once and reused with parameters.

    Reserving renders as ``... SET reserved = reserved + :dr, version = version + 1
    WHERE sku = :b_sku AND warehouse = :b_wh AND on_hand - reserved >= :need``.
    """
    key = (
        expects_on_hand,
        moves_on_hand,
        moves_reserved,
        needs_available,
        lowers_reserved,
        raises_on_hand,
        returning,
    )
    found = _APPLY_CACHE.get(key)
    if found is not None:
        return found
    big = sa.BigInteger()
    guards = [_S.sku == sa.bindparam("b_sku"), _S.warehouse == sa.bindparam("b_wh")]
    if needs_available:
        guards.append(_S.on_hand - _S.reserved >= sa.bindparam("need", type_=big))
    if lowers_reserved:
        guards.append(_S.reserved >= sa.bindparam("lower", type_=big))
    if raises_on_hand:
        guards.append(_S.on_hand <= sa.bindparam("ceiling", type_=big))
    if expects_on_hand:
        guards.append(_S.on_hand == sa.bindparam("expected", type_=big))
    values: dict[str, Any] = {"version": _S.version + 1}
    if moves_on_hand:
        values["on_hand"] = _S.on_hand + sa.bindparam("dh", type_=big)
    if moves_reserved:
        values["reserved"] = _S.reserved + sa.bindparam("dr", type_=big)
    statement: Any = sa.update(it.stock).where(*guards).values(values)
    if returning:
        statement = statement.returning(*_LEVEL_COLUMNS)
    _APPLY_CACHE[key] = statement
    return statement


# -- mapping functions ---------------------------------------------------------------------------
def level_from_tuple(row: Any) -> StockLevel:
    """A level from a driver row in ``_RETURNING`` order."""
    sku, warehouse, on_hand, reserved, threshold, alert, version = row
    return StockLevel(
        sku=sku,
        warehouse=warehouse,
        on_hand=int(on_hand),
        reserved=int(reserved),
        threshold=int(threshold),
        alert=AlertState(alert),
        version=int(version),
    )


def level_from_row(row: Any) -> StockLevel:
    return StockLevel(
        sku=row.sku,
        warehouse=row.warehouse,
        on_hand=int(row.on_hand),
        reserved=int(row.reserved),
        threshold=int(row.threshold),
        alert=AlertState(row.alert),
        version=int(row.version),
    )


def warehouse_from_row(row: Any) -> Warehouse:
    return Warehouse(row.code, row.name, int(row.priority), bool(row.active))


def movement_to_row(m: Movement) -> dict[str, Any]:
    return {
        "id": m.id,
        "sku": m.sku,
        "warehouse": m.warehouse,
        "reason": m.reason.value,
        "on_hand_delta": m.on_hand_delta,
        "reserved_delta": m.reserved_delta,
        "on_hand_after": m.on_hand_after,
        "reserved_after": m.reserved_after,
        "actor": m.actor,
        "at": m.at,
        "reference": m.reference,
        "reason_code": m.reason_code,
        "note": m.note,
    }


def movement_from_row(row: RowMapping) -> Movement:
    return Movement(
        id=row["id"],
        sku=row["sku"],
        warehouse=row["warehouse"],
        reason=MovementReason(row["reason"]),
        on_hand_delta=int(row["on_hand_delta"]),
        reserved_delta=int(row["reserved_delta"]),
        on_hand_after=int(row["on_hand_after"]),
        reserved_after=int(row["reserved_after"]),
        actor=row["actor"],
        at=row["at"],
        reference=row["reference"],
        reason_code=row["reason_code"],
        note=row["note"],
    )


def sku_settings_from_row(row: RowMapping) -> SkuSettings:
    policy = row["policy"]
    threshold = row["low_stock_threshold"]
    return SkuSettings(
        sku=row["sku"],
        low_stock_threshold=int(threshold) if threshold is not None else None,
        policy=StockPolicy(policy) if policy is not None else None,
        unit_cost=money_from_row("cost", row),
    )


# -- the unit-of-work part -----------------------------------------------------------------------
class _Part:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    def _execute(self, statement: Any, parameters: Any = None) -> CursorResult[Any]:
        with translating():
            return self._uow.connection.execute(statement, parameters)


class SqlStockRepository(_Part):
    def warehouses(self) -> list[Warehouse]:
        w = it.warehouses.c
        rows = self._execute(sa.select(it.warehouses).order_by(w.priority, w.code))
        return [warehouse_from_row(r) for r in rows]

    def warehouse(self, code: str) -> Warehouse | None:
        row = self._execute(
            sa.select(it.warehouses).where(it.warehouses.c.code == code)
        ).one_or_none()
        return warehouse_from_row(row) if row is not None else None

    def save_warehouse(self, warehouse: Warehouse) -> None:
        values = {
            "name": warehouse.name,
            "priority": warehouse.priority,
            "active": warehouse.active,
        }
        done = self._execute(
            sa.update(it.warehouses).where(it.warehouses.c.code == warehouse.code).values(values)
        )
        if done.rowcount == 0:
            self._execute(sa.insert(it.warehouses).values(code=warehouse.code, **values))

    def candidates(self, sku: str) -> list[Candidate]:
        rows = self._execute(_CANDIDATES, {"sku": sku})
        return [Candidate(r.warehouse, int(r.priority), int(r.available)) for r in rows]

    def level(self, sku: str, warehouse: str) -> StockLevel | None:
        row = self._execute(
            sa.select(*_LEVEL_COLUMNS).where(_S.sku == sku, _S.warehouse == warehouse)
        ).one_or_none()
        return level_from_row(row) if row is not None else None

    def create(self, level: StockLevel) -> None:
        # A concurrent create of the same row fails on the primary key: a conflict, retried.
        self._execute(
            sa.insert(it.stock).values(
                sku=level.sku,
                warehouse=level.warehouse,
                on_hand=level.on_hand,
                reserved=level.reserved,
                threshold=level.threshold,
                alert=level.alert.value,
                version=1,
            )
        )

    def apply(
        self,
        sku: str,
        warehouse: str,
        on_hand_delta: int,
        reserved_delta: int,
        *,
        expect_on_hand: int | None = None,
    ) -> StockLevel | None:
        returning = self._uow.update_returning
        statement = _apply_statement(
            expects_on_hand=expect_on_hand is not None,
            moves_on_hand=on_hand_delta != 0,
            moves_reserved=reserved_delta != 0,
            needs_available=reserved_delta - on_hand_delta > 0,
            lowers_reserved=reserved_delta < 0,
            raises_on_hand=on_hand_delta > 0,
            returning=returning,
        )
        params = {
            "b_sku": sku,
            "b_wh": warehouse,
            "dh": on_hand_delta,
            "dr": reserved_delta,
            "need": reserved_delta - on_hand_delta,
            "lower": -reserved_delta,
            "ceiling": QUANTITY_MAX - on_hand_delta,
            "expected": expect_on_hand,
        }
        if returning:
            row = self._execute(statement, params).one_or_none()
            return level_from_row(row) if row is not None else None
        if self._execute(statement, params).rowcount != 1:
            return None
        # The row is locked by the update above until this transaction ends.
        return self.level(sku, warehouse)

    def reserve_first_fit(self, sku: str, quantity: int) -> StockLevel | None:
        hot = self._uow.hot
        if hot is None:
            # MySQL/MariaDB: no UPDATE ... RETURNING, and no subquery on the updated table.
            for candidate in self.candidates(sku):
                if candidate.available >= quantity:
                    return self.apply(sku, candidate.warehouse, 0, quantity)
            return None
        rows = hot.run(_FIRST_FIT, {"sku": sku, "q": quantity, "yes": True}).fetchall()
        return level_from_tuple(rows[0]) if rows else None

    def set_alert(self, level: StockLevel) -> None:
        self._execute(
            sa.update(it.stock)
            .where(_S.sku == level.sku, _S.warehouse == level.warehouse)
            .values(alert=level.alert.value)
        )

    def set_threshold(self, sku: str | None, threshold: int) -> None:
        statement = sa.update(it.stock).values(threshold=threshold)
        if sku is not None:
            statement = statement.where(_S.sku == sku)
        else:
            own = sa.select(it.skus.c.sku).where(it.skus.c.low_stock_threshold.is_not(None))
            statement = statement.where(_S.sku.not_in(own))
        self._execute(statement)


class SqlReservationRepository(_Part):
    def get(self, id: str) -> Reservation | None:
        r = it.reservations.c
        row = self._execute(sa.select(it.reservations).where(r.id == id)).mappings().one_or_none()
        if row is None:
            return None
        lines = it.reservation_lines.c
        allocations = tuple(
            Allocation(x.sku, x.warehouse, int(x.quantity))
            for x in self._execute(
                sa.select(lines.sku, lines.warehouse, lines.quantity)
                .where(lines.reservation_id == id)
                .order_by(lines.line_no)
            )
        )
        return Reservation(
            id=row["id"],
            order=row["order_ref"],
            allocations=allocations,
            created_at=row["created_at"],
            expires_at=row["expires_at"],
            status=ReservationStatus(row["status"]),
            version=int(row["version"]),
        )

    def add(self, reservation: Reservation) -> None:
        reservation.version = 1
        hot = self._uow.hot
        row = {
            "id": reservation.id,
            "order_ref": reservation.order,
            "status": reservation.status.value,
            "created_at": reservation.created_at,
            "expires_at": reservation.expires_at,
            "version": reservation.version,
        }
        if hot is not None:
            row["created_at"] = hot.datetime_param(reservation.created_at)
            row["expires_at"] = hot.datetime_param(reservation.expires_at)
            hot.defer(_HOT_RESERVATION, [row])
        else:
            self._execute(_INSERT_RESERVATION, row)
        lines = [
            {
                "reservation_id": reservation.id,
                "line_no": i,
                "sku": a.sku,
                "warehouse": a.warehouse,
                "quantity": a.quantity,
            }
            for i, a in enumerate(reservation.allocations)
        ]
        if hot is not None:
            hot.defer(_HOT_LINE, lines)
        else:
            self._execute(_INSERT_LINES, lines[0] if len(lines) == 1 else lines)
        self._uow.seen.add(reservation)

    def save(self, reservation: Reservation) -> None:
        r = it.reservations.c
        done = self._execute(
            sa.update(it.reservations)
            .where(r.id == reservation.id, r.version == reservation.version)
            .values(status=reservation.status.value, version=reservation.version + 1)
        )
        if done.rowcount != 1:
            raise ConcurrencyConflict("reservation", f"{reservation.id} v{reservation.version}")
        reservation.version += 1
        self._uow.seen.add(reservation)


class SqlMovementLedger(_Part):
    def write(self, journal: StockJournal) -> None:
        if journal.movements:
            rows = [movement_to_row(m) for m in journal.movements]
            hot = self._uow.hot
            if hot is not None:
                for row in rows:
                    row["at"] = hot.datetime_param(row["at"])
                hot.defer(_HOT_MOVEMENT, rows)
            else:
                self._execute(_INSERT_MOVEMENTS, rows[0] if len(rows) == 1 else rows)
            journal.movements.clear()
        self._uow.seen.add(journal)


class SqlWmsMessageLog(_Part):
    def seen(self, message_id: str) -> bool:
        w = it.wms_messages.c
        found = self._execute(
            sa.select(w.message_id).where(w.message_id == message_id)
        ).one_or_none()
        return found is not None

    def claim(self, message_id: str, *, at: datetime) -> None:
        # A concurrent claim of the same id fails on the primary key: a conflict, retried.
        self._execute(it.wms_messages.insert(), {"message_id": message_id, "applied_at": at})


class SqlSettingsRepository(_Part):
    def get(self) -> InventorySettings:
        row = self._execute(
            sa.select(it.settings).where(it.settings.c.id == SETTINGS_ID)
        ).one_or_none()
        if row is None:
            return InventorySettings()
        return InventorySettings(int(row.low_stock_threshold), StockPolicy(row.policy))

    def save(self, settings: InventorySettings) -> None:
        values = {
            "low_stock_threshold": settings.low_stock_threshold,
            "policy": settings.policy.value,
        }
        done = self._execute(
            sa.update(it.settings).where(it.settings.c.id == SETTINGS_ID).values(values)
        )
        if done.rowcount == 0:
            self._execute(sa.insert(it.settings).values(id=SETTINGS_ID, **values))

    def sku(self, sku: str) -> SkuSettings | None:
        row = self._execute(sa.select(it.skus).where(it.skus.c.sku == sku)).mappings().one_or_none()
        return sku_settings_from_row(row) if row is not None else None

    def save_sku(self, settings: SkuSettings) -> None:
        values = {
            "low_stock_threshold": settings.low_stock_threshold,
            "policy": settings.policy.value if settings.policy is not None else None,
            **money_to_row("cost", settings.unit_cost),
        }
        done = self._execute(sa.update(it.skus).where(it.skus.c.sku == settings.sku).values(values))
        if done.rowcount == 0:
            self._execute(sa.insert(it.skus).values(sku=settings.sku, **values))


class SqlInventory:
    """The inventory part of a :class:`SqlUnitOfWork`."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self.stock = SqlStockRepository(uow)
        self.reservations = SqlReservationRepository(uow)
        self.movements = SqlMovementLedger(uow)
        self.settings = SqlSettingsRepository(uow)
        self.wms = SqlWmsMessageLog(uow)


# -- queries -------------------------------------------------------------------------------------
class SqlInventoryQueries:
    """Inventory reads in SQL: one statement each, sums and filters pushed to the database."""

    def __init__(self, storage: SqlStorage) -> None:
        self._storage = storage

    def _read(self) -> Connection:
        # Reads must not take SQLite's write lock (see engine.py).
        conn = self._storage.engine.connect()
        return conn.execution_options(**{SQLITE_BEGIN: "DEFERRED"})

    def warehouses(self) -> tuple[Warehouse, ...]:
        w = it.warehouses.c
        with translating(), self._read() as conn:
            rows = conn.execute(sa.select(it.warehouses).order_by(w.priority, w.code)).all()
        return tuple(warehouse_from_row(r) for r in rows)

    def stock(self, sku: str) -> tuple[StockLevel, ...]:
        with translating(), self._read() as conn:
            rows = conn.execute(
                sa.select(*_LEVEL_COLUMNS).where(_S.sku == sku).order_by(_S.warehouse)
            ).all()
        return tuple(level_from_row(r) for r in rows)

    def level(self, sku: str, warehouse: str) -> StockLevel:
        with translating(), self._read() as conn:
            row = conn.execute(
                sa.select(*_LEVEL_COLUMNS).where(_S.sku == sku, _S.warehouse == warehouse)
            ).one_or_none()
        if row is None:
            raise StockNotFound(sku, warehouse)
        return level_from_row(row)

    def low_stock(self, page: PageRequest) -> Page[StockLevel]:
        available = _S.on_hand - _S.reserved
        query = sa.select(*_LEVEL_COLUMNS).where(sa.or_(available < _S.threshold, available <= 0))
        if page.after is not None:
            sku, warehouse = decode_stock_cursor(page.after)
            query = query.where(
                sa.or_(_S.sku > sku, sa.and_(_S.sku == sku, _S.warehouse > warehouse))
            )
        with translating(), self._read() as conn:
            rows = conn.execute(query.order_by(_S.sku, _S.warehouse).limit(page.limit + 1)).all()
        items = tuple(level_from_row(r) for r in rows[: page.limit])
        return Page(items, stock_cursor(items[-1]) if len(rows) > page.limit else None)

    def movements(
        self,
        sku: str,
        page: PageRequest,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Page[Movement]:
        m = it.movements.c
        query = sa.select(it.movements).where(m.sku == sku)
        if since is not None:
            query = query.where(m.at >= since)
        if until is not None:
            query = query.where(m.at < until)
        if page.after is not None:
            at, id = decode_movement_cursor(page.after)
            query = query.where(sa.or_(m.at > at, sa.and_(m.at == at, m.id > id)))
        with translating(), self._read() as conn:
            rows = conn.execute(query.order_by(m.at, m.id).limit(page.limit + 1)).mappings().all()
        items = tuple(movement_from_row(r) for r in rows[: page.limit])
        return Page(items, movement_cursor(items[-1]) if len(rows) > page.limit else None)

    def movements_since(
        self, page: PageRequest, *, until: datetime | None = None
    ) -> Page[Movement]:
        m = it.movements.c
        query = sa.select(it.movements)
        if until is not None:
            query = query.where(m.at < until)
        if page.after is not None:
            at, id = decode_movement_cursor(page.after)
            query = query.where(sa.or_(m.at > at, sa.and_(m.at == at, m.id > id)))
        with translating(), self._read() as conn:
            rows = conn.execute(query.order_by(m.at, m.id).limit(page.limit + 1)).mappings().all()
        items = tuple(movement_from_row(r) for r in rows[: page.limit])
        return Page(items, movement_cursor(items[-1]) if len(rows) > page.limit else None)

    def reconcile(self) -> tuple[Discrepancy, ...]:
        m = it.movements.c
        ledger = (
            sa.select(
                m.sku,
                m.warehouse,
                sa.func.sum(m.on_hand_delta).label("on_hand"),
                sa.func.sum(m.reserved_delta).label("reserved"),
            )
            .group_by(m.sku, m.warehouse)
            .subquery("ledger")
        )
        l_on_hand = sa.func.coalesce(ledger.c.on_hand, 0)
        l_reserved = sa.func.coalesce(ledger.c.reserved, 0)
        rows_side = (
            sa.select(_S.sku, _S.warehouse, _S.on_hand, _S.reserved, l_on_hand, l_reserved)
            .select_from(
                it.stock.outerjoin(
                    ledger, sa.and_(ledger.c.sku == _S.sku, ledger.c.warehouse == _S.warehouse)
                )
            )
            .where(sa.or_(_S.on_hand != l_on_hand, _S.reserved != l_reserved))
        )
        # Movements of a row that does not exist (rows are never deleted, so: none).
        orphans = (
            sa.select(ledger.c.sku, ledger.c.warehouse, ledger.c.on_hand, ledger.c.reserved)
            .select_from(
                ledger.outerjoin(
                    it.stock, sa.and_(ledger.c.sku == _S.sku, ledger.c.warehouse == _S.warehouse)
                )
            )
            .where(_S.sku.is_(None))
        )
        with translating(), self._read() as conn:
            found = [
                Discrepancy(r[0], r[1], int(r[2]), int(r[3]), int(r[4]), int(r[5]))
                for r in conn.execute(rows_side)
            ]
            found += [
                Discrepancy(r[0], r[1], 0, 0, int(r[2]), int(r[3])) for r in conn.execute(orphans)
            ]
        return tuple(sorted(found, key=lambda d: (d.sku, d.warehouse)))

    def stock_value(self) -> StockValue:
        k = it.skus.c
        valued = (
            sa.select(k.cost_currency, sa.func.sum(_S.on_hand * k.cost_minor))
            .select_from(it.stock.join(it.skus, k.sku == _S.sku))
            .where(k.cost_minor.is_not(None))
            .group_by(k.cost_currency)
            .order_by(k.cost_currency)
        )
        unvalued = (
            sa.select(sa.func.coalesce(sa.func.sum(_S.on_hand), 0))
            .select_from(it.stock.outerjoin(it.skus, k.sku == _S.sku))
            .where(k.cost_minor.is_(None))
        )
        with translating(), self._read() as conn:
            totals = tuple(
                Money(int(total), str(currency).strip()) for currency, total in conn.execute(valued)
            )
            without = int(conn.execute(unvalued).scalar_one())
        return StockValue(totals, units_without_cost=without)

    def reservation(self, id: str) -> ReservationView:
        r = it.reservations.c
        lines = it.reservation_lines.c
        with translating(), self._read() as conn:
            row = conn.execute(sa.select(it.reservations).where(r.id == id)).mappings().first()
            if row is None:
                raise ReservationNotFound(id)
            allocations = tuple(
                Allocation(x.sku, x.warehouse, int(x.quantity))
                for x in conn.execute(
                    sa.select(lines.sku, lines.warehouse, lines.quantity)
                    .where(lines.reservation_id == id)
                    .order_by(lines.line_no)
                )
            )
        return ReservationView(
            id=row["id"],
            order=row["order_ref"],
            status=ReservationStatus(row["status"]),
            allocations=allocations,
            created_at=row["created_at"],
            expires_at=row["expires_at"],
        )

    def policy(self, sku: str) -> StockPolicy:
        with translating(), self._read() as conn:
            own = conn.execute(
                sa.select(it.skus.c.policy).where(it.skus.c.sku == sku)
            ).scalar_one_or_none()
        if own is not None:
            return StockPolicy(own)
        return self.settings().policy

    def settings(self) -> InventorySettings:
        with translating(), self._read() as conn:
            row = conn.execute(
                sa.select(it.settings).where(it.settings.c.id == SETTINGS_ID)
            ).one_or_none()
        if row is None:
            return InventorySettings()
        return InventorySettings(int(row.low_stock_threshold), StockPolicy(row.policy))
