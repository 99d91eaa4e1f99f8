"""``commerce timers``: see the scheduled jobs (timers) and re-arm the failed ones."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from commerce_cli.render import print_json
from commerce_cli.session import DEFAULT_DB, Db, open_store, prog, safe_url, say
from commerce_core import Commerce, InputError, NotFound
from commerce_core.app import Timer, TimerStatus
from commerce_core.serialization import structure_command

__all__ = ["timer_data", "timers_app"]

timers_app = typer.Typer(
    help="Scheduled jobs (timers): counts, failures, re-arming.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Key = Annotated[str, typer.Argument(help="The timer's key.", show_default=False)]


def timer_data(timer: Timer) -> dict[str, object]:
    """A timer as JSON-friendly data."""
    return {
        "key": timer.key,
        "status": timer.status,
        "due_at": timer.due_at.isoformat(),
        "attempts": timer.attempts,
        "last_error": timer.last_error,
        "actor": str(timer.actor),
        "command": timer.command,
    }


def _failed_table(timers: list[Timer]) -> Table:
    table = Table(title="Failed timers", title_justify="left")
    for column in ("key", "command", "attempts", "due at", "last error"):
        table.add_column(column, no_wrap=column == "key")
    for timer in timers:
        table.add_row(
            Text(timer.key),
            Text(str(timer.command.get("type", "?"))),
            str(timer.attempts),
            timer.due_at.isoformat(timespec="seconds"),
            Text(timer.last_error or ""),
        )
    return table


def _get(commerce: Commerce, key: str) -> Timer:
    timer = commerce.scheduled(key)
    if timer is None:
        raise NotFound("timer", key)
    return timer


@timers_app.command("list")
def timers_list(db: Db = DEFAULT_DB, as_json: Json = False) -> None:
    """How many timers are pending and due now, and every failed one."""
    with open_store(db, as_json=as_json, read_only=True) as (commerce, _):
        pending = commerce.scheduled_count()
        due = commerce.scheduled_count(commerce.clock.now())
        failed = commerce.failed_timers()
    if as_json:
        print_json({"pending": pending, "due": due, "failed": [timer_data(t) for t in failed]})
        return
    style = "red" if failed else "green"
    say(Text(f"{pending} pending ({due} due now), {len(failed)} failed", style=style))
    if failed:
        say(_failed_table(failed))
        say(Text(f"Re-arm one: {prog()} timers retry KEY --db {safe_url(db)}", style="dim"))


@timers_app.command("failed")
def timers_failed(db: Db = DEFAULT_DB, as_json: Json = False) -> None:
    """The timers given up on, with their last error."""
    with open_store(db, as_json=as_json, read_only=True) as (commerce, _):
        failed = commerce.failed_timers()
    if as_json:
        print_json([timer_data(t) for t in failed])
    elif not failed:
        say(Text("No failed timers.", style="green"))
    else:
        say(_failed_table(failed))


@timers_app.command("show")
def timers_show(key: Key, db: Db = DEFAULT_DB, as_json: Json = False) -> None:
    """One timer: status, due time, attempts, last error, command and actor."""
    with open_store(db, as_json=as_json, read_only=True) as (commerce, _):
        timer = _get(commerce, key)
    if as_json:
        print_json(timer_data(timer))
        return
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    for label, value in timer_data(timer).items():
        grid.add_row(label, Text(str(value)))
    say(grid)


@timers_app.command("retry")
def timers_retry(key: Key, db: Db = DEFAULT_DB) -> None:
    """Re-arm a failed timer: schedule its command again, under the same key, due now.

    It runs again as the actor who scheduled it, with its attempts counted from zero, the
    next time a worker runs (``commerce worker --once`` runs it at once).
    """
    with open_store(db) as (commerce, _):
        timer = _get(commerce, key)
        if timer.status != TimerStatus.FAILED:
            raise InputError.for_field(
                "key",
                f"timer {key!r} is {timer.status}, not failed; only a failed timer is re-armed",
            )
        command = structure_command(timer.command)
        commerce.schedule(command, due_at=commerce.clock.now(), key=key, actor=timer.actor)
    line = Text("Re-armed ", style="green")
    line.append(key, style="bold")
    line.append(f"  due now; run it: {prog()} worker --once --db {safe_url(db)}", style="dim")
    say(line)
