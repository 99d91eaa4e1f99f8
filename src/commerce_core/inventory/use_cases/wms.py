"""WMS sync (仓储系统对接): absolute snapshots and deltas, each idempotent by message id.

A warehouse management system sends what it counted (a snapshot: on hand is set to the count
and the difference is a ``wms_sync`` movement) or what changed (deltas). Each message carries
an id; the id is claimed in the same transaction as the changes, so a message applied once is
never applied again, and a refused message leaves no claim behind and may be sent again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from attrs import field, frozen

from commerce_core.inventory.errors import (
    StockBelowReserved,
    StockNotFound,
    WarehouseNotFound,
)
from commerce_core.inventory.model import (
    QUANTITY_MAX,
    AlertState,
    MovementReason,
    StockLevel,
    check_code,
    check_quantity,
)
from commerce_core.inventory.ports import InventoryContext
from commerce_core.inventory.use_cases.handlers import journal_for, record, threshold_for
from commerce_core.kernel.errors import ConcurrencyConflict, InputError
from commerce_core.kernel.messages import Command
from commerce_core.kernel.validation import check_text

__all__ = [
    "DeltaLine",
    "ImportStockDeltas",
    "ImportStockSnapshot",
    "SnapshotLine",
    "import_stock_deltas",
    "import_stock_snapshot",
]

MESSAGE_ID_MAX = 200


def _code(path: str) -> Callable[[Any, Any, Any], None]:
    def validate(_: Any, __: Any, value: Any) -> None:
        check_code(value, path)

    return validate


def _count(_: Any, __: Any, value: Any) -> None:
    check_quantity(value, "on_hand", minimum=0)


def _delta(_: Any, __: Any, value: Any) -> None:
    if type(value) is not int:
        raise InputError.for_field("delta", f"expected an integer, got {type(value).__name__}")
    if value == 0 or abs(value) > QUANTITY_MAX:
        raise InputError.for_field("delta", f"must be non-zero and within ±{QUANTITY_MAX}")


def _message_id(_: Any, __: Any, value: Any) -> None:
    check_text(value, "message_id", max_length=MESSAGE_ID_MAX)


def _as_tuple(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def _lines_of(kind: type[SnapshotLine | DeltaLine]) -> Callable[[Any, Any, Any], None]:
    def validate(_: Any, __: Any, value: Any) -> None:
        if not isinstance(value, tuple) or not value:
            raise InputError.for_field("lines", "must be a non-empty list of lines")
        seen: set[str] = set()
        for i, line in enumerate(value):
            if not isinstance(line, kind):
                raise InputError.for_field(f"lines[{i}]", f"expected a {kind.__name__}")
            sku: str = line.sku
            if sku in seen:
                raise InputError.for_field(f"lines[{i}].sku", f"{sku!r} appears twice")
            seen.add(sku)

    return validate


@frozen
class SnapshotLine:
    """What the warehouse counted of one SKU."""

    sku: str = field(validator=_code("sku"))
    on_hand: int = field(validator=_count)


@frozen
class DeltaLine:
    """A change the warehouse made to one SKU's on hand."""

    sku: str = field(validator=_code("sku"))
    delta: int = field(validator=_delta)


@frozen(kw_only=True)
class ImportStockSnapshot(Command[int]):
    """Set on hand to what the warehouse counted; returns how many rows changed."""

    type_name = "inventory.import_stock_snapshot"
    message_id: str = field(validator=_message_id)
    warehouse: str = field(validator=_code("warehouse"))
    lines: tuple[SnapshotLine, ...] = field(converter=_as_tuple, validator=_lines_of(SnapshotLine))


@frozen(kw_only=True)
class ImportStockDeltas(Command[int]):
    """Apply the warehouse's changes to on hand; returns how many rows changed."""

    type_name = "inventory.import_stock_deltas"
    message_id: str = field(validator=_message_id)
    warehouse: str = field(validator=_code("warehouse"))
    lines: tuple[DeltaLine, ...] = field(converter=_as_tuple, validator=_lines_of(DeltaLine))


def _row(ctx: InventoryContext, sku: str, warehouse: str) -> StockLevel:
    inv = ctx.uow.inventory
    current = inv.stock.level(sku, warehouse)
    if current is None:
        current = StockLevel(sku, warehouse, 0, 0, threshold_for(inv, sku), AlertState.OUT)
        inv.stock.create(current)
    return current


def import_stock_snapshot(cmd: ImportStockSnapshot, ctx: InventoryContext) -> int:
    inv = ctx.uow.inventory
    at = ctx.now()
    if inv.wms.seen(cmd.message_id):
        return 0
    if inv.stock.warehouse(cmd.warehouse) is None:
        raise WarehouseNotFound(cmd.warehouse)
    inv.wms.claim(cmd.message_id, at=at)
    journal = journal_for(ctx)
    changed = 0
    for line in cmd.lines:
        current = _row(ctx, line.sku, cmd.warehouse)
        delta = line.on_hand - current.on_hand
        if delta == 0:
            continue
        changed += 1
        after = inv.stock.apply(line.sku, cmd.warehouse, delta, 0, expect_on_hand=current.on_hand)
        if after is None:
            if line.on_hand < current.reserved:
                raise StockBelowReserved(
                    line.sku,
                    cmd.warehouse,
                    on_hand=current.on_hand,
                    reserved=current.reserved,
                    delta=delta,
                )
            raise ConcurrencyConflict("stock", f"{line.sku}@{cmd.warehouse} moved while syncing")
        record(
            ctx,
            journal,
            after,
            on_hand_delta=delta,
            reserved_delta=0,
            reason=MovementReason.WMS_SYNC,
            at=at,
            reference=cmd.message_id,
            reason_code="snapshot",
        )
    inv.movements.write(journal)
    return changed


def import_stock_deltas(cmd: ImportStockDeltas, ctx: InventoryContext) -> int:
    inv = ctx.uow.inventory
    at = ctx.now()
    if inv.wms.seen(cmd.message_id):
        return 0
    if inv.stock.warehouse(cmd.warehouse) is None:
        raise WarehouseNotFound(cmd.warehouse)
    inv.wms.claim(cmd.message_id, at=at)
    journal = journal_for(ctx)
    for line in cmd.lines:
        after = inv.stock.apply(line.sku, cmd.warehouse, line.delta, 0)
        if after is None:
            current = inv.stock.level(line.sku, cmd.warehouse)
            if current is None and line.delta > 0:
                _row(ctx, line.sku, cmd.warehouse)
                after = inv.stock.apply(line.sku, cmd.warehouse, line.delta, 0)
            elif current is None:
                raise StockNotFound(line.sku, cmd.warehouse)
            elif line.delta < 0:
                raise StockBelowReserved(
                    line.sku,
                    cmd.warehouse,
                    on_hand=current.on_hand,
                    reserved=current.reserved,
                    delta=line.delta,
                )
            if after is None:
                raise InputError.for_field("lines.delta", "would take on hand past 2**63-1")
        record(
            ctx,
            journal,
            after,
            on_hand_delta=line.delta,
            reserved_delta=0,
            reason=MovementReason.WMS_SYNC,
            at=at,
            reference=cmd.message_id,
            reason_code="delta",
        )
    inv.movements.write(journal)
    return len(cmd.lines)
