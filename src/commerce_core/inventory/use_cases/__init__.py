"""Commands of the inventory and their handlers (commands, stock handlers, WMS sync)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Final

from commerce_core.inventory.model import PriorityFewestSplits
from commerce_core.inventory.ports import AllocationStrategy, InventoryContext
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
from commerce_core.inventory.use_cases.handlers import (
    LINE_ATTEMPTS,
    adjust_stock,
    commit_reservation,
    define_warehouse,
    make_reserve_handler,
    receive_stock,
    release_reservation,
    return_to_stock,
    set_inventory_defaults,
    set_low_stock_threshold,
    set_stock_policy,
    set_unit_cost,
)
from commerce_core.inventory.use_cases.wms import (
    DeltaLine,
    ImportStockDeltas,
    ImportStockSnapshot,
    SnapshotLine,
    import_stock_deltas,
    import_stock_snapshot,
)
from commerce_core.kernel.messages import Command

__all__ = [
    "EXPIRY_ACTOR",
    "HANDLERS",
    "LINE_ATTEMPTS",
    "AdjustStock",
    "CommitReservation",
    "DefineWarehouse",
    "DeltaLine",
    "ImportStockDeltas",
    "ImportStockSnapshot",
    "ReceiveStock",
    "ReleaseReservation",
    "ReservationLine",
    "ReserveStock",
    "ReturnToStock",
    "SetInventoryDefaults",
    "SetLowStockThreshold",
    "SetStockPolicy",
    "SetUnitCost",
    "SnapshotLine",
    "adjust_stock",
    "commit_reservation",
    "define_warehouse",
    "expiry_timer_key",
    "import_stock_deltas",
    "import_stock_snapshot",
    "make_handlers",
    "make_reserve_handler",
    "receive_stock",
    "release_reservation",
    "return_to_stock",
    "set_inventory_defaults",
    "set_low_stock_threshold",
    "set_stock_policy",
    "set_unit_cost",
]


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
            ImportStockSnapshot: import_stock_snapshot,
            ImportStockDeltas: import_stock_deltas,
        }
    )


#: Every inventory command's handler, with the default allocation strategy.
HANDLERS: Final[Mapping[type[Command[Any]], Callable[[Any, InventoryContext], Any]]] = (
    make_handlers()
)
