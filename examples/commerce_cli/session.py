"""What every command shares: the ``--db`` option, the acting staff member, opening the
store, and turning refusals into a message with exit status 1."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import RenderableType
from rich.text import Text

from commerce_cli.render import make_console, print_error
from commerce_core import Actor, Commerce, CommerceError

__all__ = ["DEFAULT_DB", "Db", "actor", "done", "open_store", "refusals", "safe_url", "say"]

DEFAULT_DB = "sqlite:///commerce.db"

Db = Annotated[
    str,
    typer.Option(
        "--db",
        envvar="COMMERCE_DB",
        help="Store URL: sqlite:///shop.db, postgresql://..., mysql://..., memory://",
        show_default=True,
    ),
]


def actor() -> Actor:
    """The staff member commands run as: ``$COMMERCE_ACTOR``, default ``cli``."""
    return Actor.staff(os.environ.get("COMMERCE_ACTOR", "cli"))


@contextmanager
def refusals(*, as_json: bool = False) -> Iterator[None]:
    """Turn any CommerceError into a message with its code and exit status 1."""
    try:
        yield
    except CommerceError as exc:
        print_error(exc, as_json=as_json)
        raise typer.Exit(1) from None


@contextmanager
def open_store(url: str, *, as_json: bool = False) -> Iterator[tuple[Commerce, Actor]]:
    """Open the store and the acting staff member; report refusals; always close."""
    with refusals(as_json=as_json):
        who = actor()
        with Commerce.from_url(url) as commerce:
            yield commerce, who


def safe_url(url: str) -> str:
    """The URL with any password masked, fit to print."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    user = credentials.partition(":")[0]
    return f"{scheme}://{user}:***@{host}" if ":" in credentials else url


def say(renderable: RenderableType) -> None:
    """Print on stdout."""
    make_console().print(renderable)


def done(verb: str, name: str, id: str) -> None:
    """Confirm a change: what was done, to which name, and the id to use next."""
    line = Text(f"{verb} ", style="green")
    line.append(name, style="bold")
    line.append(f"  {id}", style="dim")
    say(line)
