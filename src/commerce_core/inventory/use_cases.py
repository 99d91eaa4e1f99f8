"""Commands of the inventory and their handlers.

Every stock change goes through the storage's guarded ``apply`` (one statement per row) and
writes a ledger entry in the same transaction; a refusal raises, and the bus rolls the
whole unit of work back, so no half-applied change survives.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final

from attrs import field, frozen

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
    QUANTITY_MAX,
    AlertState,
    InventorySettings,
    MovementReason,
    PriorityFewestSplits,
    Reservation,
    ReservationStatus,
    SkuSettings,
    StockJournal,
    StockLevel,
    StockPolicy,
    Warehouse,
    check_code,
    check_quantity,
)
from commerce_core.inventory.ports import (
    AllocationStrategy,
    InventoryContext,
    InventoryRepositories,
)
from commerce_core.kernel.actors import Actor
from commerce_core.kernel.clock import ensure_utc
from commerce_core.kernel.errors import ConcurrencyConflict, InputError
from commerce_core.kernel.messages import Command
from commerce_core.kernel.money import Money
from commerce_core.kernel.validation import check_text

__all__ = [
    "EXPIRY_ACTOR",
    "HANDLERS",
    "AdjustStock",
    "CommitReservation",
    "DefineWarehouse",
    "ReceiveStock",
    "ReleaseReservation",
    "ReservationLine",
    "ReserveStock",
    "ReturnToStock",
    "SetInventoryDefaults",
    "SetLowStockThreshold",
    "SetStockPolicy",
    "SetUnitCost",
    "expiry_timer_key",
    "make_handlers",
]

REFERENCE_MAX = 200
TEXT_MAX = 200
WAREHOUSE_NAME_MAX = 64

#: Who releases expired reservations (timers run on behalf of this actor).
EXPIRY_ACTOR = Actor.system("inventory-expiry")


def expiry_timer_key(reservation: str) -> str:
    """The durable-timer key of a reservation's expiry."""
    return f"inventory:expire:{reservation}"


# -- validators ---------------------------------------------------------------------------------
def _code(path: str) -> Callable[[Any, Any, Any], None]:
    def validate(_: Any, __: Any, value: Any) -> None:
        check_code(value, path)

    return validate


def _quantity(path: str) -> Callable[[Any, Any, Any], None]:
    def validate(_: Any, __: Any, value: Any) -> None:
        check_quantity(value, path)

    return validate


def _text(path: str, max_length: int, *, optional: bool) -> Callable[[Any, Any, Any], None]:
    def validate(_: Any, __: Any, value: Any) -> None:
        if value is None and optional:
            return
        check_text(value, path, max_length=max_length)

    return validate


def _threshold(path: str, *, optional: bool) -> Callable[[Any, Any, Any], None]:
    def validate(_: Any, __: Any, value: Any) -> None:
        if value is None and optional:
            return
        check_quantity(value, path, minimum=0)

    return validate


def _aware(_: Any, attribute: Any, value: Any) -> None:
    if value is not None:
        ensure_utc(value, attribute.name)


def _delta(_: Any, __: Any, value: Any) -> None:
    if type(value) is not int:
        raise InputError.for_field("delta", f"expected an integer, got {type(value).__name__}")
    if value == 0:
        raise InputError.for_field("delta", "must not be zero")
    if abs(value) > QUANTITY_MAX:
        raise InputError.for_field("delta", f"must be between -{QUANTITY_MAX} and {QUANTITY_MAX}")


def _money(path: str, *, optional: bool) -> Callable[[Any, Any, Any], None]:
    def validate(_: Any, __: Any, value: Any) -> None:
        if value is None and optional:
            return
        if not isinstance(value, Money):
            raise InputError.for_field(path, "expected a Money amount")
        if value.minor < 0:
            raise InputError.for_field(path, "must not be negative")

    return validate


def _as_tuple(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


# -- commands -----------------------------------------------------------------------------------
@frozen(kw_only=True)
class DefineWarehouse(Command[None]):
    """Create a warehouse, or change its name, priority (lower first) or active flag."""

    type_name = "inventory.define_warehouse"
    code: str = field(validator=_code("code"))
    name: str = field(validator=_text("name", WAREHOUSE_NAME_MAX, optional=False))
    priority: int = field(default=0, validator=_threshold("priority", optional=False))
    active: bool = field(default=True)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.active, bool):
            raise InputError.for_field("active", "expected true or false")


@frozen(kw_only=True)
class ReceiveStock(Command[None]):
    """Goods arrived (入库): on hand grows; ``unit_cost`` (if given) becomes the SKU's cost."""

    type_name = "inventory.receive_stock"
    sku: str = field(validator=_code("sku"))
    warehouse: str = field(validator=_code("warehouse"))
    quantity: int = field(validator=_quantity("quantity"))
    unit_cost: Money | None = field(default=None, validator=_money("unit_cost", optional=True))
    reference: str | None = field(
        default=None, validator=_text("reference", REFERENCE_MAX, optional=True)
    )


@frozen(kw_only=True)
class ReturnToStock(Command[None]):
    """Returned goods go back on the shelf (退货入库)."""

    type_name = "inventory.return_to_stock"
    sku: str = field(validator=_code("sku"))
    warehouse: str = field(validator=_code("warehouse"))
    quantity: int = field(validator=_quantity("quantity"))
    reference: str | None = field(
        default=None, validator=_text("reference", REFERENCE_MAX, optional=True)
    )


@frozen(kw_only=True)
class AdjustStock(Command[None]):
    """A manual correction of on hand (盘点调整) with a reason code; never below reserved."""

    type_name = "inventory.adjust_stock"
    sku: str = field(validator=_code("sku"))
    warehouse: str = field(validator=_code("warehouse"))
    delta: int = field(validator=_delta)
    reason_code: str = field(validator=_text("reason_code", 64, optional=False))
    note: str | None = field(default=None, validator=_text("note", TEXT_MAX, optional=True))


@frozen
class ReservationLine:
    """One line of a reservation: a SKU and how many."""

    sku: str = field(validator=_code("sku"))
    quantity: int = field(validator=_quantity("quantity"))


def _lines(_: Any, __: Any, value: Any) -> None:
    if not isinstance(value, tuple) or not value:
        raise InputError.for_field("lines", "must be a non-empty list of lines")
    seen: set[str] = set()
    for i, line in enumerate(value):
        if not isinstance(line, ReservationLine):
            raise InputError.for_field(f"lines[{i}]", "expected a reservation line")
        if line.sku in seen:
            raise InputError.for_field(f"lines[{i}].sku", f"{line.sku!r} appears twice")
        seen.add(line.sku)


@frozen(kw_only=True)
class ReserveStock(Command[str]):
    """Hold stock for an order, all lines or none; returns the reservation id.

    With ``expires_at`` the hold is released by a durable timer at that time unless it was
    committed or released first. Pass an idempotency key to ``execute`` to make a repeat
    return the first reservation instead of holding twice.
    """

    type_name = "inventory.reserve_stock"
    order: str = field(validator=_text("order", REFERENCE_MAX, optional=False))
    lines: tuple[ReservationLine, ...] = field(converter=_as_tuple, validator=_lines)
    expires_at: datetime | None = field(default=None, validator=_aware)


@frozen(kw_only=True)
class CommitReservation(Command[None]):
    """The goods leave (出库): on hand and reserved both drop. Repeating it does nothing."""

    type_name = "inventory.commit_reservation"
    reservation: str = field(validator=_code("reservation"))


@frozen(kw_only=True)
class ReleaseReservation(Command[None]):
    """End a hold without the goods leaving. Repeating it does nothing."""

    type_name = "inventory.release_reservation"
    reservation: str = field(validator=_code("reservation"))
    expired: bool = False

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.expired, bool):
            raise InputError.for_field("expired", "expected true or false")


@frozen(kw_only=True)
class SetLowStockThreshold(Command[None]):
    """Set a SKU's low-stock threshold (None: use the shop default)."""

    type_name = "inventory.set_low_stock_threshold"
    sku: str = field(validator=_code("sku"))
    threshold: int | None = field(validator=_threshold("threshold", optional=True))


@frozen(kw_only=True)
class SetStockPolicy(Command[None]):
    """Set a SKU's stock policy (None: use the shop default)."""

    type_name = "inventory.set_stock_policy"
    sku: str = field(validator=_code("sku"))
    policy: StockPolicy | None = field(default=None)

    def __attrs_post_init__(self) -> None:
        if self.policy is not None and not isinstance(self.policy, StockPolicy):
            raise InputError.for_field("policy", "expected deduct_on_order or deduct_on_payment")


@frozen(kw_only=True)
class SetInventoryDefaults(Command[None]):
    """Set the shop-wide low-stock threshold and stock policy."""

    type_name = "inventory.set_defaults"
    low_stock_threshold: int = field(validator=_threshold("low_stock_threshold", optional=False))
    policy: StockPolicy = StockPolicy.DEDUCT_ON_ORDER

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.policy, StockPolicy):
            raise InputError.for_field("policy", "expected deduct_on_order or deduct_on_payment")


@frozen(kw_only=True)
class SetUnitCost(Command[None]):
    """Set the unit cost used to value a SKU's stock."""

    type_name = "inventory.set_unit_cost"
    sku: str = field(validator=_code("sku"))
    unit_cost: Money = field(validator=_money("unit_cost", optional=False))


# -- handlers -----------------------------------------------------------------------------------
def _journal(ctx: InventoryContext) -> StockJournal:
    return StockJournal(actor=str(ctx.actor))


def _record(
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


def _threshold_for(inv: InventoryRepositories, sku: str) -> int:
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
        threshold = _threshold_for(inv, sku)
        inv.stock.create(StockLevel(sku, warehouse, 0, 0, threshold, AlertState.OUT))
        after = inv.stock.apply(sku, warehouse, quantity, 0)
        if after is None:  # pragma: no cover - the row was just created in this transaction
            raise ConcurrencyConflict("stock", f"{sku}@{warehouse}")
    journal = _journal(ctx)
    _record(
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
    journal = _journal(ctx)
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
    journal = _journal(ctx)
    at = ctx.now()
    _record(
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
    """Hold one line: read what is available (a hint), then one guarded statement per part."""
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
        journal = _journal(ctx)
        for after, quantity in held:
            _record(
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
    journal = _journal(ctx)
    for a in reservation.allocations:
        on_hand_delta = -a.quantity if commit else 0
        after = inv.stock.apply(a.sku, a.warehouse, on_hand_delta, -a.quantity)
        if after is None:
            raise ConcurrencyConflict("stock", f"{a.sku}@{a.warehouse} no longer holds the units")
        _record(
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


def make_handlers(
    strategy: AllocationStrategy | None = None,
) -> Mapping[type[Command[Any]], Callable[[Any, InventoryContext], Any]]:
    """The inventory handlers, with ``strategy`` (default :class:`PriorityFewestSplits`)."""
    return MappingProxyType(
        {
            DefineWarehouse: define_warehouse,
            ReceiveStock: receive_stock,
            ReturnToStock: return_to_stock,
            AdjustStock: adjust_stock,
            ReserveStock: make_reserve_handler(strategy or PriorityFewestSplits()),
            CommitReservation: commit_reservation,
            ReleaseReservation: release_reservation,
            SetLowStockThreshold: set_low_stock_threshold,
            SetStockPolicy: set_stock_policy,
            SetInventoryDefaults: set_inventory_defaults,
            SetUnitCost: set_unit_cost,
        }
    )


HANDLERS: Final[Mapping[type[Command[Any]], Callable[[Any, InventoryContext], Any]]] = (
    make_handlers()
)
