"""Refusals of the inventory context, each with a stable code."""

from __future__ import annotations

from collections.abc import Sequence

from attrs import frozen

from commerce_core.kernel.errors import DomainError, NotFound

__all__ = [
    "InsufficientStock",
    "ReservationNotFound",
    "Shortage",
    "StockBelowReserved",
    "StockNotFound",
    "WarehouseNotFound",
]


@frozen
class Shortage:
    """One line that cannot be reserved: what was asked and what is available."""

    sku: str
    requested: int
    available: int


class InsufficientStock(DomainError):
    """A reservation asked for more than is available; nothing was reserved.

    ``shortages`` names every short line, not only the first.
    """

    code = "insufficient_stock"

    def __init__(self, shortages: Sequence[Shortage]) -> None:
        self.shortages: tuple[Shortage, ...] = tuple(shortages)
        text = "; ".join(
            f"{s.sku}: asked {s.requested}, available {s.available}" for s in self.shortages
        )
        super().__init__(
            f"not enough stock ({text}); reduce the quantities or restock first",
            skus=",".join(s.sku for s in self.shortages),
        )

    def to_dict(self) -> dict[str, object]:
        """The common view plus ``shortages``: each short line's SKU, request and availability."""
        out = super().to_dict()
        out["shortages"] = [
            {"sku": s.sku, "requested": s.requested, "available": s.available}
            for s in self.shortages
        ]
        return out


class StockBelowReserved(DomainError):
    """An adjustment would take on hand below what is reserved (or below zero)."""

    code = "stock_below_reserved"

    def __init__(
        self, sku: str, warehouse: str, *, on_hand: int, reserved: int, delta: int
    ) -> None:
        super().__init__(
            f"cannot change on hand of {sku!r} in {warehouse!r} by {delta}: on hand {on_hand}, "
            f"reserved {reserved}; release or commit reservations first",
            sku=sku,
            warehouse=warehouse,
            on_hand=on_hand,
            reserved=reserved,
            delta=delta,
        )
        self.sku = sku
        self.warehouse = warehouse
        self.on_hand = on_hand
        self.reserved = reserved
        self.delta = delta


class WarehouseNotFound(NotFound):
    """No warehouse has this code; define it first."""

    code = "warehouse_not_found"

    def __init__(self, code: str) -> None:
        super().__init__("warehouse", code)


class StockNotFound(NotFound):
    """This SKU has never had stock in this warehouse."""

    code = "stock_not_found"

    def __init__(self, sku: str, warehouse: str) -> None:
        super().__init__("stock", f"{sku}@{warehouse}")
        self.sku = sku
        self.warehouse = warehouse


class ReservationNotFound(NotFound):
    """No reservation has this id."""

    code = "reservation_not_found"

    def __init__(self, id: str) -> None:
        super().__init__("reservation", id)
