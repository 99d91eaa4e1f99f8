"""What every command shares: the ``--db`` option, the acting staff member, opening the
store, naming a category, and turning refusals into a message with exit status 1."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import RenderableType
from rich.text import Text

from commerce_cli.render import make_console, print_error
from commerce_core import Actor, Commerce, CommerceError, ConfigurationError, InputError
from commerce_core.catalog import CategoryId, CategoryNode, CategoryNotFound

__all__ = [
    "DEFAULT_DB",
    "PATH_SEPARATOR",
    "Db",
    "actor",
    "done",
    "open_store",
    "prog",
    "refusals",
    "require_existing",
    "resolve_category",
    "safe_url",
    "say",
    "sqlite_file",
]

DEFAULT_DB = "sqlite:///commerce.db"

#: Separates the names in a category path given on the command line: "服装 Apparel/T恤 T-shirts".
PATH_SEPARATOR = "/"

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


def prog() -> str:
    """How hints spell this command: ``$COMMERCE_PROG`` (set by the nox sessions), or
    ``commerce``; so every "run: ..." hint is a command that works as printed."""
    return os.environ.get("COMMERCE_PROG", "").strip() or "commerce"


def sqlite_file(url: str) -> Path | None:
    """The file a ``sqlite://`` URL names, or None for other URLs and in-memory SQLite."""
    if url.partition("://")[0].partition("+")[0].lower() != "sqlite":
        return None
    from commerce_adapters.sqlalchemy import normalize_url

    database = normalize_url(url).database
    return Path(database) if database and database != ":memory:" else None


def require_existing(url: str) -> None:
    """Refuse a SQLite URL whose file does not exist, instead of creating an empty store.

    Read-only commands call this, so a mistyped path is an error naming the path.
    """
    path = sqlite_file(url)
    if path is not None and not path.exists():
        raise ConfigurationError(
            f"no database at {path}: the file does not exist (looked in {Path.cwd()}); "
            f"check the path, or create it with: {prog()} db upgrade --url {url}",
            path=str(path),
        )


@contextmanager
def open_store(
    url: str, *, as_json: bool = False, read_only: bool = False
) -> Iterator[tuple[Commerce, Actor]]:
    """Open the store and the acting staff member; report refusals; always close.

    ``read_only`` commands never create a database: a SQLite file must already exist.
    """
    with refusals(as_json=as_json):
        who = actor()
        if read_only:
            require_existing(url)
        with Commerce.from_url(url) as commerce:
            yield commerce, who


def resolve_category(commerce: Commerce, given: str, *, field: str = "category") -> CategoryId:
    """The category named by an id, a path (names joined by ``/``) or a unique name.

    An id wins; then a full path from the top (a top-level name is its own path); then a
    name that only one category has.
    Names compare ignoring case, as sibling names are unique ignoring case. A name that
    several categories share is an :class:`InputError` listing their paths and ids.
    """
    try:
        return commerce.categories.get(CategoryId(given)).id
    except (CategoryNotFound, InputError):
        pass  # not an id (or not even a well-formed one): look it up as a path or a name
    wanted = given.strip().casefold()
    by_path: list[tuple[str, CategoryId]] = []
    by_name: list[tuple[str, CategoryId]] = []

    def visit(node_path: tuple[str, ...], node_id: CategoryId) -> None:
        shown = PATH_SEPARATOR.join(node_path)
        if shown.casefold() == wanted:
            by_path.append((shown, node_id))
        if node_path[-1].casefold() == wanted:
            by_name.append((shown, node_id))

    for root in commerce.categories.tree():
        stack: list[tuple[CategoryNode, tuple[str, ...]]] = [(root, (root.name,))]
        while stack:
            node, path = stack.pop()
            visit(path, node.id)
            stack.extend((child, (*path, child.name)) for child in node.children)
    for matches in (by_path, by_name):
        if len(matches) == 1:
            return matches[0][1]
        if matches:
            candidates = "; ".join(f"{shown} ({id})" for shown, id in sorted(matches))
            raise InputError.for_field(
                field,
                f"{given!r} names {len(matches)} categories: {candidates}; "
                f"give its path (names joined by {PATH_SEPARATOR!r}) or its id",
            )
    raise CategoryNotFound(given)


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
