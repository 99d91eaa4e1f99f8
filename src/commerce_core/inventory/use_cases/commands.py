"""The inventory's commands: frozen, validated at construction, serializable."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from attrs import field, frozen

from commerce_core.inventory.model import (
    QUANTITY_MAX,
    StockPolicy,
    check_code,
    check_quantity,
)
from commerce_core.kernel.actors import Actor
from commerce_core.kernel.clock import ensure_utc
from commerce_core.kernel.errors import InputError
from commerce_core.kernel.messages import Command
from commerce_core.kernel.money import Money
from commerce_core.kernel.validation import check_text

__all__ = [
    "EXPIRY_ACTOR",
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
