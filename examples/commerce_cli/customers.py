"""``commerce customers``: read customers, their wallet and points, and segments (会员)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from commerce_cli.render import print_json
from commerce_cli.session import DEFAULT_DB, Db, open_store, say
from commerce_core import PageRequest, serialization
from commerce_core.customers.ids import CustomerId, SegmentId

__all__ = ["customers_app"]

customers_app = typer.Typer(
    help="Customers (会员): profiles, wallet, points, tiers and segments.", no_args_is_help=True
)

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Customer = Annotated[str, typer.Argument(help="Customer id.")]


def _data(value: object) -> Any:
    return serialization.unstructure(value)


def _when(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


@customers_app.command("list")
def customers_list(
    *,
    db: Db = DEFAULT_DB,
    status: Annotated[
        str | None, typer.Option("--status", help="Only 'active' or 'frozen' customers.")
    ] = None,
    tag: Annotated[str | None, typer.Option("--tag", help="Only customers with this tag.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="Page size, 1 to 500.")] = 50,
    after: Annotated[
        str | None, typer.Option("--after", help="Cursor printed by the previous page.")
    ] = None,
    as_json: Json = False,
) -> None:
    """List customers by id, a page at a time."""
    with open_store(db, as_json=as_json) as (commerce, _):
        page = commerce.customers.list(
            PageRequest(limit=limit, after=after), status=status, tag=tag
        )
    if as_json:
        print_json({"items": _data(list(page.items)), "next_cursor": page.next_cursor})
        return
    if not page.items:
        say("No customers here.")
        return
    table = Table("id", "name", "status", "tier", "registered")
    for c in page.items:
        table.add_row(c.id, c.name, c.status, c.tier, _when(c.registered_at))
    say(table)
    if page.next_cursor is not None:
        say(Text(f"More: --after {page.next_cursor}", style="dim"))


@customers_app.command("show")
def customers_show(customer: Customer, db: Db = DEFAULT_DB, as_json: Json = False) -> None:
    """Show one customer: profile, tags, addresses, tier, balances and segments."""
    with open_store(db, as_json=as_json) as (commerce, _):
        c = commerce.customers.get(CustomerId(customer))
    if as_json:
        print_json(_data(c))
        return
    p = c.profile
    table = Table(show_header=False)
    rows = [
        ("id", c.id),
        ("name", p.name),
        ("phone", p.phone or "—"),
        ("email", p.email or "—"),
        ("birthday", p.birthday.isoformat() if p.birthday else "—"),
        ("gender", p.gender.value),
        ("channel", p.channel),
        ("status", c.status),
        ("tags", ", ".join(c.tags) or "—"),
        ("tier", f"{c.tier.name} (growth {c.tier.growth}, this period {c.tier.period_growth})"),
        ("wallet", str(c.wallet)),
        ("points", str(c.points)),
        ("segments", ", ".join(c.segments) or "—"),
        ("registered", _when(c.registered_at)),
    ]
    for a in c.addresses:
        mark = " (default)" if a.id == c.default_address else ""
        rows.append((f"address {a.id}{mark}", f"{a.recipient} {'/'.join(a.regions)} {a.line}"))
    for key, value in rows:
        table.add_row(key, value)
    say(table)


@customers_app.command("wallet")
def customers_wallet(customer: Customer, db: Db = DEFAULT_DB, as_json: Json = False) -> None:
    """The wallet (账户余额): balance and every ledger entry."""
    with open_store(db, as_json=as_json) as (commerce, _):
        statement = commerce.customers.wallet(CustomerId(customer))
    if as_json:
        print_json(_data(statement))
        return
    table = Table("when", "kind", "amount", "balance", "cause", "by", title=f"Wallet {customer}")
    for e in statement.entries:
        table.add_row(
            _when(e.at),
            e.kind.value,
            str(e.amount),
            str(e.balance_after),
            f"{e.cause.value} {e.cause_id}",
            e.actor + (f" ({e.reason})" if e.reason else ""),
        )
    say(table)
    say(Text(f"Balance: {statement.balance}", style="bold"))


@customers_app.command("points")
def customers_points(customer: Customer, db: Db = DEFAULT_DB, as_json: Json = False) -> None:
    """The points statement (积分): balance, open lots and every entry."""
    with open_store(db, as_json=as_json) as (commerce, _):
        statement = commerce.customers.points(CustomerId(customer))
    if as_json:
        print_json(_data(statement))
        return
    entries = Table("when", "kind", "points", "balance", "reference", title=f"Points {customer}")
    for e in statement.entries:
        entries.add_row(_when(e.at), e.kind.value, str(e.points), str(e.balance_after), e.reference)
    say(entries)
    lots = Table("lot", "remaining", "of", "expires", title="Open lots, spent oldest first")
    for lot in statement.lots:
        lots.add_row(lot.reference, str(lot.remaining), str(lot.points), _when(lot.expires_at))
    say(lots)
    say(Text(f"Balance: {statement.balance} points", style="bold"))


@customers_app.command("segments")
def customers_segments(
    db: Db = DEFAULT_DB,
    segment: Annotated[
        str | None, typer.Option("--members", help="List the stored members of this segment.")
    ] = None,
    as_json: Json = False,
) -> None:
    """List segments (用户分组), or the members of one."""
    with open_store(db, as_json=as_json) as (commerce, _):
        if segment is not None:
            members = commerce.customers.segment_members(SegmentId(segment))
            if as_json:
                print_json(list(members))
            else:
                say("\n".join(members) if members else "No members.")
            return
        views = commerce.customers.segments()
    if as_json:
        print_json(_data(list(views)))
        return
    if not views:
        say("No segments yet.")
        return
    table = Table("id", "name", "kind", "members", "rule")
    for v in views:
        rule = (
            "—" if v.rule is None else str(len(v.rule.all_of) + len(v.rule.any_of)) + " conditions"
        )
        table.add_row(v.id, v.name, v.kind, str(v.members), rule)
    say(table)
