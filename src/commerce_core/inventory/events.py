"""Facts of the inventory context."""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from commerce_core.kernel.messages import DomainEvent

__all__ = [
    "Allocation",
    "BackInStock",
    "LowStockReached",
    "OutOfStock",
    "ReservationCommitted",
    "ReservationReleased",
    "StockAdjusted",
    "StockReceived",
    "StockReserved",
    "StockReturned",
    "WarehouseDefined",
]


@frozen
class Allocation:
    """A part of a reservation: this many units of a SKU held in one warehouse."""

    sku: str
    warehouse: str
    quantity: int


@frozen(kw_only=True)
class WarehouseDefined(DomainEvent):
    type_name = "inventory.warehouse_defined"
    warehouse: str
    name: str
    priority: int
    active: bool


@frozen(kw_only=True)
class StockReceived(DomainEvent):
    type_name = "inventory.stock_received"
    sku: str
    warehouse: str
    quantity: int
    on_hand: int
    reference: str | None


@frozen(kw_only=True)
class StockReturned(DomainEvent):
    type_name = "inventory.stock_returned"
    sku: str
    warehouse: str
    quantity: int
    on_hand: int
    reference: str | None


@frozen(kw_only=True)
class StockAdjusted(DomainEvent):
    type_name = "inventory.stock_adjusted"
    sku: str
    warehouse: str
    delta: int
    on_hand: int
    reason_code: str
    actor: str


@frozen(kw_only=True)
class StockReserved(DomainEvent):
    type_name = "inventory.stock_reserved"
    reservation: str
    order: str
    allocations: tuple[Allocation, ...]
    expires_at: datetime | None


@frozen(kw_only=True)
class ReservationCommitted(DomainEvent):
    type_name = "inventory.reservation_committed"
    reservation: str
    order: str


@frozen(kw_only=True)
class ReservationReleased(DomainEvent):
    type_name = "inventory.reservation_released"
    reservation: str
    order: str
    expired: bool


@frozen(kw_only=True)
class LowStockReached(DomainEvent):
    """Available fell below the threshold; fires again only after it recovered."""

    type_name = "inventory.low_stock_reached"
    sku: str
    warehouse: str
    available: int
    threshold: int


@frozen(kw_only=True)
class OutOfStock(DomainEvent):
    type_name = "inventory.out_of_stock"
    sku: str
    warehouse: str


@frozen(kw_only=True)
class BackInStock(DomainEvent):
    type_name = "inventory.back_in_stock"
    sku: str
    warehouse: str
    available: int
