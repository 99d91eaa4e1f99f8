"""Handlers of the inventory's stock commands.

Every stock change goes through the storage's guarded ``apply`` (one statement per row) and
writes a ledger entry in the same transaction; a refusal raises, and the bus rolls the
whole unit of work back, so no half-applied change survives.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from commerce_core.inventory.errors import (
    InsufficientStock,
    ReservationNotFound,
    Shortage,
    StockBelowReserved,
    StockNotFound,
    WarehouseNotFound,
)
from commerce_core.inventory.events import (
    Allocation,
    StockAdjusted,
    StockReceived,
    StockReserved,
    StockReturned,
    WarehouseDefined,
)
from commerce_core.inventory.model import (
    AlertState,
    InventorySettings,
    MovementReason,
    PriorityFewestSplits,
    Reservation,
    ReservationStatus,
    SkuSettings,
    StockJournal,
    StockLevel,
    Warehouse,
)
from commerce_core.inventory.ports import (
    AllocationStrategy,
    InventoryContext,
    InventoryRepositories,
)
from commerce_core.inventory.use_cases.commands import (
    EXPIRY_ACTOR,
    AdjustStock,
    CommitReservation,
    DefineWarehouse,
    ReceiveStock,
    ReleaseReservation,
    ReservationLine,
    ReserveStock,
    ReturnToStock,
    SetInventoryDefaults,
    SetLowStockThreshold,
    SetStockPolicy,
    SetUnitCost,
    expiry_timer_key,
)
from commerce_core.kernel.errors import ConcurrencyConflict, InputError

__all__ = [
    "LINE_ATTEMPTS",
    "adjust_stock",
    "commit_reservation",
    "define_warehouse",
    "journal_for",
    "make_reserve_handler",
    "receive_stock",
    "record",
    "release_reservation",
    "return_to_stock",
    "set_inventory_defaults",
    "set_low_stock_threshold",
    "set_stock_policy",
    "set_unit_cost",
    "threshold_for",
]


# -- handlers -----------------------------------------------------------------------------------
def journal_for(ctx: InventoryContext) -> StockJournal:
    """A journal for the changes of one command, written by its actor."""
    return StockJournal(actor=str(ctx.actor))


def record(
    ctx: InventoryContext,
    journal: StockJournal,
    after: StockLevel,
    *,
    on_hand_delta: int,
    reserved_delta: int,
    reason: MovementReason,
    at: datetime,
    reference: str | None = None,
    reason_code: str | None = None,
    note: str | None = None,
) -> None:
    """Add the ledger entry of a change, and store the row's new low-stock state if any."""
    new_alert = journal.record(
        ctx.new_id(),
        after,
        on_hand_delta=on_hand_delta,
        reserved_delta=reserved_delta,
        reason=reason,
        at=at,
        reference=reference,
        reason_code=reason_code,
        note=note,
    )
    if new_alert is not None:
        ctx.uow.inventory.stock.set_alert(
            StockLevel(
                after.sku,
                after.warehouse,
                after.on_hand,
                after.reserved,
                after.threshold,
                new_alert,
                after.version,
            )
        )


def threshold_for(inv: InventoryRepositories, sku: str) -> int:
    """The low-stock threshold of a SKU: its own, else the shop default."""
    own = inv.settings.sku(sku)
    if own is not None and own.low_stock_threshold is not None:
        return own.low_stock_threshold
    return inv.settings.get().low_stock_threshold


def _increase(
    ctx: InventoryContext,
    sku: str,
    warehouse: str,
    quantity: int,
    *,
    reason: MovementReason,
    reference: str | None,
) -> StockJournal:
    inv = ctx.uow.inventory
    if inv.stock.warehouse(warehouse) is None:
        raise WarehouseNotFound(warehouse)
    after = inv.stock.apply(sku, warehouse, quantity, 0)
    if after is None:
        if inv.stock.level(sku, warehouse) is not None:
            raise InputError.for_field("quantity", "would take on hand past 2**63-1")
        threshold = threshold_for(inv, sku)
        inv.stock.create(StockLevel(sku, warehouse, 0, 0, threshold, AlertState.OUT))
        after = inv.stock.apply(sku, warehouse, quantity, 0)
        if after is None:  # pragma: no cover - the row was just created in this transaction
            raise ConcurrencyConflict("stock", f"{sku}@{warehouse}")
    journal = journal_for(ctx)
    record(
        ctx,
        journal,
        after,
        on_hand_delta=quantity,
        reserved_delta=0,
        reason=reason,
        at=ctx.now(),
        reference=reference,
    )
    return journal


def define_warehouse(cmd: DefineWarehouse, ctx: InventoryContext) -> None:
    inv = ctx.uow.inventory
    new = Warehouse(cmd.code, cmd.name, cmd.priority, cmd.active)
    if inv.stock.warehouse(cmd.code) == new:
        return
    inv.stock.save_warehouse(new)
    journal = journal_for(ctx)
    journal.events.append(
        WarehouseDefined(
            warehouse=new.code,
            name=new.name,
            priority=new.priority,
            active=new.active,
            at=ctx.now(),
        )
    )
    inv.movements.write(journal)


def receive_stock(cmd: ReceiveStock, ctx: InventoryContext) -> None:
    inv = ctx.uow.inventory
    journal = _increase(
        ctx,
        cmd.sku,
        cmd.warehouse,
        cmd.quantity,
        reason=MovementReason.RECEIPT,
        reference=cmd.reference,
    )
    if cmd.unit_cost is not None:
        current = inv.settings.sku(cmd.sku) or SkuSettings(cmd.sku)
        inv.settings.save_sku(
            SkuSettings(cmd.sku, current.low_stock_threshold, current.policy, cmd.unit_cost)
        )
    on_hand = journal.movements[-1].on_hand_after
    journal.events.append(
        StockReceived(
            sku=cmd.sku,
            warehouse=cmd.warehouse,
            quantity=cmd.quantity,
            on_hand=on_hand,
            reference=cmd.reference,
            at=ctx.now(),
        )
    )
    inv.movements.write(journal)


def return_to_stock(cmd: ReturnToStock, ctx: InventoryContext) -> None:
    journal = _increase(
        ctx,
        cmd.sku,
        cmd.warehouse,
        cmd.quantity,
        reason=MovementReason.RETURN,
        reference=cmd.reference,
    )
    journal.events.append(
        StockReturned(
            sku=cmd.sku,
            warehouse=cmd.warehouse,
            quantity=cmd.quantity,
            on_hand=journal.movements[-1].on_hand_after,
            reference=cmd.reference,
            at=ctx.now(),
        )
    )
    ctx.uow.inventory.movements.write(journal)


def adjust_stock(cmd: AdjustStock, ctx: InventoryContext) -> None:
    inv = ctx.uow.inventory
    if inv.stock.warehouse(cmd.warehouse) is None:
        raise WarehouseNotFound(cmd.warehouse)
    after = inv.stock.apply(cmd.sku, cmd.warehouse, cmd.delta, 0)
    if after is None:
        current = inv.stock.level(cmd.sku, cmd.warehouse)
        if current is None:
            raise StockNotFound(cmd.sku, cmd.warehouse)
        if cmd.delta > 0:
            raise InputError.for_field("delta", "would take on hand past 2**63-1")
        raise StockBelowReserved(
            cmd.sku,
            cmd.warehouse,
            on_hand=current.on_hand,
            reserved=current.reserved,
            delta=cmd.delta,
        )
    journal = journal_for(ctx)
    at = ctx.now()
    record(
        ctx,
        journal,
        after,
        on_hand_delta=cmd.delta,
        reserved_delta=0,
        reason=MovementReason.ADJUSTMENT,
        at=at,
        reason_code=cmd.reason_code,
        note=cmd.note,
    )
    journal.events.append(
        StockAdjusted(
            sku=cmd.sku,
            warehouse=cmd.warehouse,
            delta=cmd.delta,
            on_hand=after.on_hand,
            reason_code=cmd.reason_code,
            actor=journal.actor,
            at=at,
        )
    )
    inv.movements.write(journal)


#: Fresh reads of a line whose guarded hold lost a race, before the command is rerun.
LINE_ATTEMPTS = 3


def _reserve_line(
    inv: InventoryRepositories, strategy: AllocationStrategy, line: ReservationLine
) -> list[tuple[StockLevel, int]] | Shortage:
    """Hold one line: read what is available (a hint), then one guarded statement per part.

    With the default strategy the first try is its first choice in one guarded statement
    with no read (``reserve_first_fit``); only a line no warehouse can hold whole reads.
    """
    if type(strategy) is PriorityFewestSplits:
        after = inv.stock.reserve_first_fit(line.sku, line.quantity)
        if after is not None:
            return [(after, line.quantity)]
    for _ in range(LINE_ATTEMPTS):
        candidates = inv.stock.candidates(line.sku)
        parts = strategy.allocate(line.quantity, candidates)
        if parts is None or sum(q for _, q in parts) != line.quantity:
            return Shortage(line.sku, line.quantity, sum(max(c.available, 0) for c in candidates))
        held: list[tuple[StockLevel, int]] = []
        for code, quantity in parts:
            after = inv.stock.apply(line.sku, code, 0, quantity)
            if after is None:
                break
            held.append((after, quantity))
        else:
            return held
        if held:
            # Part of the line is held and the rest moved under us: rerun the whole command.
            raise ConcurrencyConflict("stock", f"{line.sku} changed while reserving")
    raise ConcurrencyConflict("stock", f"{line.sku} kept changing while reserving")


def _available(inv: InventoryRepositories, sku: str) -> int:
    return sum(max(c.available, 0) for c in inv.stock.candidates(sku))


def make_reserve_handler(
    strategy: AllocationStrategy,
) -> Callable[[ReserveStock, InventoryContext], str]:
    """The :class:`ReserveStock` handler using ``strategy`` to pick warehouses."""

    def reserve_stock(cmd: ReserveStock, ctx: InventoryContext) -> str:
        inv = ctx.uow.inventory
        at = ctx.now()
        if cmd.expires_at is not None and cmd.expires_at <= at:
            raise InputError.for_field("expires_at", "must be in the future")
        shortages: list[Shortage] = []
        held: list[tuple[StockLevel, int]] = []
        for line in cmd.lines:
            if shortages:
                # Already refused: only measure the rest, so the refusal names every short line.
                available = _available(inv, line.sku)
                if available < line.quantity:
                    shortages.append(Shortage(line.sku, line.quantity, available))
                continue
            outcome = _reserve_line(inv, strategy, line)
            if isinstance(outcome, Shortage):
                shortages.append(outcome)
            else:
                held.extend(outcome)
        if shortages:
            raise InsufficientStock(shortages)
        reservation_id = ctx.new_id()
        journal = journal_for(ctx)
        for after, quantity in held:
            record(
                ctx,
                journal,
                after,
                on_hand_delta=0,
                reserved_delta=quantity,
                reason=MovementReason.RESERVATION,
                at=at,
                reference=reservation_id,
            )
        allocations = tuple(Allocation(a.sku, a.warehouse, q) for a, q in held)
        reservation = Reservation(
            id=reservation_id,
            order=cmd.order,
            allocations=allocations,
            created_at=at,
            expires_at=cmd.expires_at,
        )
        reservation.events.append(
            StockReserved(
                reservation=reservation_id,
                order=cmd.order,
                allocations=allocations,
                expires_at=cmd.expires_at,
                at=at,
            )
        )
        inv.reservations.add(reservation)
        inv.movements.write(journal)
        if cmd.expires_at is not None:
            ctx.schedule(
                ReleaseReservation(reservation=reservation_id, expired=True),
                due_at=cmd.expires_at,
                key=expiry_timer_key(reservation_id),
                actor=EXPIRY_ACTOR,
            )
        return reservation_id

    return reserve_stock


def _close(
    ctx: InventoryContext, reservation: Reservation, *, commit: bool, reason: MovementReason
) -> None:
    inv = ctx.uow.inventory
    at = ctx.now()
    journal = journal_for(ctx)
    for a in reservation.allocations:
        on_hand_delta = -a.quantity if commit else 0
        after = inv.stock.apply(a.sku, a.warehouse, on_hand_delta, -a.quantity)
        if after is None:
            raise ConcurrencyConflict("stock", f"{a.sku}@{a.warehouse} no longer holds the units")
        record(
            ctx,
            journal,
            after,
            on_hand_delta=on_hand_delta,
            reserved_delta=-a.quantity,
            reason=reason,
            at=at,
            reference=reservation.id,
        )
    inv.reservations.save(reservation)
    inv.movements.write(journal)
    if reason != MovementReason.EXPIRY:
        # An expiry runs from that timer, and the timer runner removes it itself.
        ctx.cancel_schedule(expiry_timer_key(reservation.id))


def commit_reservation(cmd: CommitReservation, ctx: InventoryContext) -> None:
    reservation = ctx.uow.inventory.reservations.get(cmd.reservation)
    if reservation is None:
        raise ReservationNotFound(cmd.reservation)
    if reservation.status == ReservationStatus.COMMITTED:
        return
    reservation.commit(at=ctx.now())
    _close(ctx, reservation, commit=True, reason=MovementReason.COMMIT)


def release_reservation(cmd: ReleaseReservation, ctx: InventoryContext) -> None:
    reservation = ctx.uow.inventory.reservations.get(cmd.reservation)
    if reservation is None:
        raise ReservationNotFound(cmd.reservation)
    if reservation.status in (ReservationStatus.RELEASED, ReservationStatus.EXPIRED):
        return
    if reservation.status == ReservationStatus.COMMITTED and cmd.expired:
        return  # the expiry lost the race to a commit: nothing to release
    reservation.release(at=ctx.now(), expired=cmd.expired)
    reason = MovementReason.EXPIRY if cmd.expired else MovementReason.RELEASE
    _close(ctx, reservation, commit=False, reason=reason)


def set_low_stock_threshold(cmd: SetLowStockThreshold, ctx: InventoryContext) -> None:
    inv = ctx.uow.inventory
    current = inv.settings.sku(cmd.sku) or SkuSettings(cmd.sku)
    inv.settings.save_sku(SkuSettings(cmd.sku, cmd.threshold, current.policy, current.unit_cost))
    effective = cmd.threshold
    if effective is None:
        effective = inv.settings.get().low_stock_threshold
    inv.stock.set_threshold(cmd.sku, effective)


def set_stock_policy(cmd: SetStockPolicy, ctx: InventoryContext) -> None:
    inv = ctx.uow.inventory
    current = inv.settings.sku(cmd.sku) or SkuSettings(cmd.sku)
    inv.settings.save_sku(
        SkuSettings(cmd.sku, current.low_stock_threshold, cmd.policy, current.unit_cost)
    )


def set_inventory_defaults(cmd: SetInventoryDefaults, ctx: InventoryContext) -> None:
    inv = ctx.uow.inventory
    inv.settings.save(InventorySettings(cmd.low_stock_threshold, cmd.policy))
    inv.stock.set_threshold(None, cmd.low_stock_threshold)


def set_unit_cost(cmd: SetUnitCost, ctx: InventoryContext) -> None:
    inv = ctx.uow.inventory
    current = inv.settings.sku(cmd.sku) or SkuSettings(cmd.sku)
    inv.settings.save_sku(
        SkuSettings(cmd.sku, current.low_stock_threshold, current.policy, cmd.unit_cost)
    )
