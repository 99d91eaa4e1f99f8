"""``commerce db``: schema migrations of a SQL store."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from commerce_cli.session import DEFAULT_DB, prog, refusals, require_existing, safe_url, say
from commerce_core import ConfigurationError

__all__ = ["db_app"]

db_app = typer.Typer(
    help="Database schema migrations.", no_args_is_help=True, rich_markup_mode=None
)

Url = Annotated[
    str,
    typer.Option(
        "--url",
        "--db",
        envvar="COMMERCE_DB",
        help="Database URL: sqlite:///shop.db, postgresql://..., mysql://...",
        show_default=True,
    ),
]


def _require_sql(url: str) -> None:
    if url.split("://", 1)[0].lower() == "memory":
        raise ConfigurationError("memory:// keeps nothing between runs; it has no schema")


@db_app.command("upgrade")
def db_upgrade(url: Url = DEFAULT_DB) -> None:
    """Migrate the database to the newest schema this library ships; print the revision."""
    with refusals():
        _require_sql(url)
        from commerce_adapters.sqlalchemy import upgrade

        revision = upgrade(url)
    say(Text(f"{safe_url(url)} is at revision {revision} (newest)", style="green"))


@db_app.command("current")
def db_current(
    url: Url = DEFAULT_DB,
    check: Annotated[
        bool, typer.Option("--check", help="Exit with status 1 unless the schema is current.")
    ] = False,
) -> None:
    """Print the database's schema revision and the newest one this library ships.

    Exits with status 1 when the database is not migrated yet (or, with --check, behind).
    A SQLite file that does not exist is an error; looking never creates it.
    """
    with refusals():
        _require_sql(url)
        require_existing(url)  # connecting would create an empty file as a side effect
        from commerce_adapters.sqlalchemy import create_engine, current_revision, head_revision

        engine = create_engine(url)
        try:
            current = current_revision(engine)
        finally:
            engine.dispose()
        head = head_revision()
    shown = safe_url(url)
    upgrade_hint = f"run: {prog()} db upgrade --url {shown}"
    if current == head:
        say(Text(f"{shown}: revision {current} (up to date)", style="green"))
        return
    if current is None:
        say(Text(f"{shown}: not migrated yet (newest is {head}); {upgrade_hint}", style="yellow"))
        raise typer.Exit(1)
    say(Text(f"{shown}: revision {current}, newest is {head}; {upgrade_hint}", style="yellow"))
    if check:
        raise typer.Exit(1)
