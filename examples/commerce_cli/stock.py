"""``commerce stock``: stock levels (库存), receipts, adjustments, the ledger, low stock."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from commerce_cli.render import print_json
from commerce_cli.session import DEFAULT_DB, Db, open_store, say
from commerce_core import Actor, Commerce, CommerceError, InputError, Money, PageRequest
from commerce_core.inventory import (
    AdjustStock,
    DefineWarehouse,
    LowStockReached,
    Movement,
    ReceiveStock,
    ReservationLine,
    ReserveStock,
    SetInventoryDefaults,
    StockLevel,
)
from commerce_core.kernel import DomainEvent

__all__ = ["DEMO_STOCK", "stock_app", "stock_demo"]

stock_app = typer.Typer(
    help="Stock per SKU per warehouse (库存): show, receive, adjust, movements, low.",
    no_args_is_help=True,
)

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Limit = Annotated[int, typer.Option("--limit", help="Page size, 1 to 500.")]
After = Annotated[str | None, typer.Option("--after", help="Cursor printed by the previous page.")]


def _level_data(s: StockLevel) -> dict[str, object]:
    return {
        "sku": s.sku,
        "warehouse": s.warehouse,
        "on_hand": s.on_hand,
        "reserved": s.reserved,
        "available": s.available,
        "threshold": s.threshold,
        "alert": s.alert.value,
    }


def _movement_data(m: Movement) -> dict[str, object]:
    return {
        "id": m.id,
        "at": m.at.isoformat(),
        "warehouse": m.warehouse,
        "reason": m.reason.value,
        "on_hand_delta": m.on_hand_delta,
        "reserved_delta": m.reserved_delta,
        "on_hand_after": m.on_hand_after,
        "reserved_after": m.reserved_after,
        "actor": m.actor,
        "reference": m.reference,
        "reason_code": m.reason_code,
        "note": m.note,
    }


def levels_table(levels: tuple[StockLevel, ...], *, title: str) -> Table:
    """Stock rows as a table, low and out-of-stock rows marked."""
    table = Table(title=title)
    for column in ("SKU", "warehouse", "on hand", "reserved", "available", "threshold", "alert"):
        table.add_column(
            column, justify="right" if column[0].islower() and column != "alert" else "left"
        )
    style = {"ok": "green", "low": "yellow", "out": "red"}
    for s in levels:
        table.add_row(
            s.sku,
            s.warehouse,
            str(s.on_hand),
            str(s.reserved),
            str(s.available),
            str(s.threshold),
            Text(s.alert.value, style=style[s.alert.value]),
        )
    return table


def _when(value: str | None, path: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InputError.for_field(
            path, "not an ISO-8601 time, e.g. 2026-01-31T00:00:00+08:00"
        ) from None
    if parsed.tzinfo is None:
        raise InputError.for_field(path, "give a time zone, e.g. 2026-01-31T00:00:00+08:00")
    return parsed


@stock_app.command("show")
def stock_show(
    sku: Annotated[str, typer.Argument(help="SKU code.")],
    db: Db = DEFAULT_DB,
    as_json: Json = False,
) -> None:
    """Show a SKU in every warehouse: on hand, reserved, available."""
    with open_store(db, as_json=as_json) as (commerce, _):
        levels = commerce.inventory.stock(sku)
    if as_json:
        print_json([_level_data(s) for s in levels])
    elif not levels:
        say(f"No stock of {sku} anywhere. Receive some: commerce stock receive {sku} WAREHOUSE QTY")
    else:
        say(levels_table(levels, title=f"Stock of {sku}"))


@stock_app.command("warehouse")
def stock_warehouse(
    code: Annotated[str, typer.Argument(help="Warehouse code.")],
    name: Annotated[str, typer.Argument(help="Warehouse name.")],
    db: Db = DEFAULT_DB,
    priority: Annotated[int, typer.Option("--priority", help="Lower is served first.")] = 0,
) -> None:
    """Define a warehouse (or change its name or priority)."""
    with open_store(db) as (commerce, actor):
        commerce.execute(DefineWarehouse(code=code, name=name, priority=priority), actor=actor)
    say(Text(f"Warehouse {code} ({name}), priority {priority}", style="green"))


@stock_app.command("receive")
def stock_receive(  # noqa: PLR0917 (typer maps parameters to the command line)
    sku: Annotated[str, typer.Argument(help="SKU code.")],
    warehouse: Annotated[str, typer.Argument(help="Warehouse code.")],
    quantity: Annotated[int, typer.Argument(help="Units received.")],
    db: Db = DEFAULT_DB,
    cost: Annotated[
        str | None, typer.Option("--cost", help='Unit cost, e.g. "12.50" (CNY).')
    ] = None,
    reference: Annotated[
        str | None, typer.Option("--reference", help="Purchase order or delivery note.")
    ] = None,
) -> None:
    """Receive goods into a warehouse (入库)."""
    with open_store(db) as (commerce, actor):
        unit_cost = Money.of(cost) if cost is not None else None
        commerce.execute(
            ReceiveStock(
                sku=sku,
                warehouse=warehouse,
                quantity=quantity,
                unit_cost=unit_cost,
                reference=reference,
            ),
            actor=actor,
        )
        level = commerce.inventory.level(sku, warehouse)
    say(Text(f"Received {quantity} × {sku} in {warehouse}: on hand {level.on_hand}", style="green"))


@stock_app.command("adjust")
def stock_adjust(  # noqa: PLR0917 (typer maps parameters to the command line)
    sku: Annotated[str, typer.Argument(help="SKU code.")],
    warehouse: Annotated[str, typer.Argument(help="Warehouse code.")],
    by: Annotated[int, typer.Option("--by", help="Change of on hand, e.g. --by -2 or --by 5.")],
    reason: Annotated[str, typer.Option("--reason", help="Reason code, e.g. damaged, count.")],
    db: Db = DEFAULT_DB,
    note: Annotated[str | None, typer.Option("--note", help="Free text for the ledger.")] = None,
) -> None:
    """Correct on hand (盘点调整); it never goes below what is reserved."""
    with open_store(db) as (commerce, actor):
        commerce.execute(
            AdjustStock(sku=sku, warehouse=warehouse, delta=by, reason_code=reason, note=note),
            actor=actor,
        )
        level = commerce.inventory.level(sku, warehouse)
    say(Text(f"Adjusted {sku} in {warehouse} by {by:+d}: on hand {level.on_hand}", style="green"))


@stock_app.command("movements")
def stock_movements(  # noqa: PLR0917 (typer maps parameters to the command line)
    sku: Annotated[str, typer.Argument(help="SKU code.")],
    db: Db = DEFAULT_DB,
    since: Annotated[str | None, typer.Option("--since", help="ISO time, inclusive.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="ISO time, exclusive.")] = None,
    limit: Limit = 50,
    after: After = None,
    as_json: Json = False,
) -> None:
    """The ledger of a SKU (库存流水), oldest first, a page at a time."""
    with open_store(db, as_json=as_json) as (commerce, _):
        page = commerce.inventory.movements(
            sku,
            PageRequest(limit=limit, after=after),
            since=_when(since, "since"),
            until=_when(until, "until"),
        )
    if as_json:
        print_json(
            {"items": [_movement_data(m) for m in page.items], "next_cursor": page.next_cursor}
        )
        return
    if not page.items:
        say(f"No movements of {sku}.")
        return
    table = Table(title=f"Movements of {sku}")
    for column in ("at", "warehouse", "reason", "Δ on hand", "Δ reserved", "after", "actor", "ref"):
        table.add_column(column)
    for m in page.items:
        table.add_row(
            m.at.strftime("%Y-%m-%d %H:%M:%S"),
            m.warehouse,
            m.reason.value + (f" ({m.reason_code})" if m.reason_code else ""),
            f"{m.on_hand_delta:+d}",
            f"{m.reserved_delta:+d}",
            f"{m.on_hand_after}/{m.reserved_after}",
            m.actor,
            m.reference or "",
        )
    say(table)
    if page.next_cursor is not None:
        say(Text(f"More: --after {page.next_cursor}", style="dim"))


@stock_app.command("low")
def stock_low(
    db: Db = DEFAULT_DB, limit: Limit = 50, after: After = None, as_json: Json = False
) -> None:
    """Stock that is below its threshold or out (库存预警)."""
    with open_store(db, as_json=as_json) as (commerce, _):
        page = commerce.inventory.low_stock(PageRequest(limit=limit, after=after))
    if as_json:
        print_json({"items": [_level_data(s) for s in page.items], "next_cursor": page.next_cursor})
        return
    if not page.items:
        say("Nothing is low on stock.")
        return
    say(levels_table(page.items, title="Low stock 库存预警"))
    if page.next_cursor is not None:
        say(Text(f"More: --after {page.next_cursor}", style="dim"))


#: What the demo receives, per leaf category: (SKU, units, unit cost).
DEMO_STOCK: tuple[tuple[str, int, str], ...] = (
    ("TEE-WHITE-M", 120, "25.00"),
    ("DRESS-FLORAL-S", 40, "88.00"),
    ("PHONE-X1-128G", 12, "1999.00"),
    ("TEA-LONGJING-250G", 30, "68.00"),
)


def stock_demo(commerce: Commerce, console: Console, *, actor: Actor) -> list[LowStockReached]:
    """Receive stock for a few items, take orders for them, and show the low-stock alert."""
    alerts: list[LowStockReached] = []

    def on_low(event: DomainEvent) -> None:
        if isinstance(event, LowStockReached):
            alerts.append(event)

    commerce.subscribe(LowStockReached, on_low)
    commerce.execute(DefineWarehouse(code="SH", name="上海仓 Shanghai", priority=1), actor=actor)
    commerce.execute(SetInventoryDefaults(low_stock_threshold=10), actor=actor)
    for sku, units, cost in DEMO_STOCK:
        commerce.execute(
            ReceiveStock(sku=sku, warehouse="SH", quantity=units, unit_cost=Money.of(cost)),
            actor=actor,
        )
    commerce.execute(
        ReserveStock(order="SO-DEMO-1", lines=(ReservationLine("PHONE-X1-128G", 5),)),
        actor=actor,
    )
    try:
        commerce.execute(
            ReserveStock(
                order="SO-DEMO-2",
                lines=(
                    ReservationLine("PHONE-X1-128G", 9),
                    ReservationLine("TEA-LONGJING-250G", 2),
                ),
            ),
            actor=actor,
        )
    except CommerceError as exc:
        console.print(
            Text(f"    refused [{exc.code}] {exc.message}", style="yellow"), soft_wrap=True
        )
    for alert in alerts:
        console.print(
            Text(
                f"⚠ low stock: {alert.sku} in {alert.warehouse}: "
                f"{alert.available} available (threshold {alert.threshold})",
                style="bold yellow",
            )
        )
    value = commerce.inventory.stock_value()
    console.print(
        Text(
            f"Stock of {len(DEMO_STOCK)} SKUs worth "
            + ", ".join(str(m) for m in value.totals)
            + " at cost",
            style="green",
        )
    )
    return alerts
