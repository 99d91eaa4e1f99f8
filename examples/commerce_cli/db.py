"""``commerce db``: schema migrations of a SQL store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from commerce_cli.session import DEFAULT_DB, refusals, safe_url, say
from commerce_core import ConfigurationError

__all__ = ["db_app"]

db_app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)

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
    """Print the database's schema revision and the newest one this library ships."""
    with refusals():
        _require_sql(url)
        from commerce_adapters.sqlalchemy import create_engine, current_revision, head_revision

        engine = create_engine(url)
        try:
            database = engine.url.database
            if engine.dialect.name == "sqlite" and database and not Path(database).exists():
                # Connecting would create an empty file as a side effect; don't.
                current = None
            else:
                current = current_revision(engine)
        finally:
            engine.dispose()
        head = head_revision()
    if current == head:
        say(Text(f"{safe_url(url)}: revision {current} (up to date)", style="green"))
        return
    say(
        Text(
            f"{safe_url(url)}: revision {current or 'none'}, newest is {head}; "
            "run: commerce db upgrade --url <url>",
            style="yellow",
        )
    )
    if check:
        raise typer.Exit(1)
