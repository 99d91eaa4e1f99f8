"""The ``commerce`` command: a back office (后台管理) on the command line.

Every command opens the store named by ``--db`` (or ``$COMMERCE_DB``; default
``sqlite:///commerce.db``), runs as the staff member ``$COMMERCE_ACTOR`` (default ``cli``),
and turns every :class:`CommerceError` into a red message with its stable code and exit
status 1 — never a traceback.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from commerce_cli.customers import customers_app
from commerce_cli.db import db_app
from commerce_cli.demo import run_demo
from commerce_cli.pricing import price_command
from commerce_cli.products import products_app
from commerce_cli.render import (
    category_tree,
    category_view_data,
    make_console,
    node_data,
    print_json,
    render_children,
    render_view,
)
from commerce_cli.session import (
    DEFAULT_DB,
    Db,
    done,
    open_store,
    prog,
    resolve_category,
    safe_url,
    say,
)
from commerce_cli.stock import stock_app
from commerce_cli.timers import timers_app
from commerce_cli.worker import worker
from commerce_core import Commerce, ConfigurationError, PageRequest
from commerce_core.catalog import (
    CategoryId,
    CreateCategory,
    DeleteCategory,
    MoveCategory,
    RenameCategory,
    ReorderCategories,
)

__all__ = ["DEFAULT_DB", "DEMO_DB", "app", "main"]

DEMO_FILE = "commerce-demo.db"
DEMO_DB = f"sqlite:///{DEMO_FILE}"

app = typer.Typer(
    name="commerce",
    help="commerce_core back office (后台管理): categories, database, scheduled jobs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals would include database URLs with passwords
    rich_markup_mode=None,  # plain help: flags read "--json", not "--json <bool>"
)

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table or tree.")]
CATEGORY_HELP = "Category: id, path from the top (服装 Apparel/T恤 T-shirts) or unique name."
Parent = Annotated[
    str | None,
    typer.Option(
        "--parent",
        help="Parent category: id, path (names joined by '/') or unique name (omit: top level).",
    ),
]
Category = Annotated[str, typer.Argument(help=CATEGORY_HELP, show_default=False)]
Position = Annotated[
    int | None,
    typer.Option("--position", help="Place among the siblings, 0 first (omit: last)."),
]


# -- demo --------------------------------------------------------------------------------
@app.command()
def demo(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help=f"Store URL (default: {DEMO_DB}, recreated on every run). "
            "A given URL is never deleted and must be empty.",
        ),
    ] = None,
) -> None:
    """Build a sample category tree (中英文), change it, show refusals, print it."""
    # $COMMERCE_DB is deliberately ignored: the demo must not write into a real store.
    url = db or DEMO_DB
    if db is None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(DEMO_FILE + suffix).unlink(missing_ok=True)
    with open_store(url) as (commerce, actor):
        if commerce.categories.tree():
            raise ConfigurationError(
                f"{safe_url(url)} already has categories; the demo needs an empty store "
                "(omit --db to use a fresh commerce-demo.db)"
            )
        run_demo(commerce, make_console(), actor=actor)
    shown = safe_url(url)
    say(Text(f"Stored in {shown}. Next: {prog()} categories tree --db {shown}", style="dim"))


# -- categories --------------------------------------------------------------------------
categories_app = typer.Typer(
    help="The category tree (类目树).", no_args_is_help=True, rich_markup_mode=None
)


def _parent(commerce: Commerce, parent: str | None) -> CategoryId | None:
    return None if parent is None else resolve_category(commerce, parent, field="parent")


app.add_typer(categories_app, name="categories")


@categories_app.command("tree")
def categories_tree(db: Db = DEFAULT_DB, as_json: Json = False) -> None:
    """Show the whole tree, with ids."""
    with open_store(db, as_json=as_json, read_only=True) as (commerce, _):
        forest = commerce.categories.tree()
    if as_json:
        print_json([node_data(n) for n in forest])
    elif not forest:
        say(f"No categories yet. Create one: {prog()} categories create NAME --db {safe_url(db)}")
    else:
        say(category_tree(forest))


@categories_app.command("list")
def categories_list(
    db: Db = DEFAULT_DB,
    parent: Parent = None,
    limit: Annotated[int, typer.Option("--limit", help="Page size, 1 to 500.")] = 50,
    after: Annotated[
        str | None, typer.Option("--after", help="Cursor printed by the previous page.")
    ] = None,
    as_json: Json = False,
) -> None:
    """List the children of a category (or the top level), a page at a time."""
    with open_store(db, as_json=as_json, read_only=True) as (commerce, _):
        request = PageRequest(limit=limit, after=after)
        parent_id = _parent(commerce, parent)
        page = commerce.categories.children(parent_id, request)
        title = "Top level" if parent_id is None else commerce.categories.get(parent_id).name
    if as_json:
        print_json(
            {
                "items": [category_view_data(v) for v in page.items],
                "next_cursor": page.next_cursor,
            }
        )
        return
    if not page.items:
        say("No categories here.")
        return
    say(render_children(page, title=title))
    if page.next_cursor is not None:
        say(Text(f"More: --after {page.next_cursor}", style="dim"))


@categories_app.command("show")
def categories_show(
    category: Category,
    db: Db = DEFAULT_DB,
    as_json: Json = False,
) -> None:
    """Show one category: its path, parent, position and number of children."""
    with open_store(db, as_json=as_json, read_only=True) as (commerce, _):
        view = commerce.categories.get(resolve_category(commerce, category))
    if as_json:
        print_json(category_view_data(view))
    else:
        say(render_view(view))


@categories_app.command("create")
def categories_create(
    name: Annotated[str, typer.Argument(help="Name, unique among its siblings.")],
    db: Db = DEFAULT_DB,
    parent: Parent = None,
    position: Position = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print only the new id (for scripts).")
    ] = False,
) -> None:
    """Create a category and print its id."""
    with open_store(db) as (commerce, actor):
        command = CreateCategory(name=name, parent=_parent(commerce, parent), position=position)
        new_id = commerce.execute(command, actor=actor)
    if quiet:
        make_console().out(new_id)
    else:
        done("Created", name, new_id)


@categories_app.command("rename")
def categories_rename(
    category: Category,
    name: Annotated[str, typer.Argument(help="The new name.")],
    db: Db = DEFAULT_DB,
) -> None:
    """Give a category a new name."""
    with open_store(db) as (commerce, actor):
        id = resolve_category(commerce, category)
        commerce.execute(RenameCategory(category=id, name=name), actor=actor)
    done("Renamed to", name, id)


@categories_app.command("move")
def categories_move(
    category: Category,
    db: Db = DEFAULT_DB,
    parent: Annotated[
        str | None,
        typer.Option("--parent", help="New parent: id, path (names joined by '/') or name."),
    ] = None,
    top: Annotated[bool, typer.Option("--top", help="Move to the top level.")] = False,
    position: Position = None,
) -> None:
    """Move a category with its subtree.

    Without --parent or --top it keeps its parent and only --position changes.
    """
    if parent is not None and top:
        raise typer.BadParameter("give --parent or --top, not both")
    if parent is None and not top and position is None:
        raise typer.BadParameter("nothing to do: give --parent ID, --top or --position N")
    with open_store(db) as (commerce, actor):
        id = resolve_category(commerce, category)
        if top:
            new_parent: CategoryId | None = None
        elif parent is not None:
            new_parent = _parent(commerce, parent)
        else:
            # MoveCategory's parent=None means "top level", so keep the current parent.
            new_parent = commerce.categories.get(id).parent
        commerce.execute(
            MoveCategory(category=id, parent=new_parent, position=position), actor=actor
        )
        view = commerce.categories.get(id)
    done("Moved", " › ".join(view.path), f"{view.id} (position {view.position})")


@categories_app.command("reorder")
def categories_reorder(
    ids: Annotated[
        list[str],
        typer.Argument(help="Every child of the parent, once each (ids, paths or names)."),
    ],
    db: Db = DEFAULT_DB,
    parent: Parent = None,
) -> None:
    """Set the order of the children of a category (or of the top level)."""
    with open_store(db) as (commerce, actor):
        parent_id = _parent(commerce, parent)
        order = tuple(resolve_category(commerce, i) for i in ids)
        commerce.execute(ReorderCategories(parent=parent_id, order=order), actor=actor)
        page = commerce.categories.children(parent_id, PageRequest(limit=len(ids)))
    say(Text("Reordered: ", style="green") + Text(" · ".join(v.name for v in page.items)))


@categories_app.command("delete")
def categories_delete(
    category: Category,
    db: Db = DEFAULT_DB,
) -> None:
    """Delete a category that has no subcategories."""
    with open_store(db) as (commerce, actor):
        id = resolve_category(commerce, category)
        name = commerce.categories.get(id).name
        commerce.execute(DeleteCategory(category=id), actor=actor)
    done("Deleted", name, id)


# -- operations ------------------------------------------------------------------------
app.add_typer(products_app, name="products")
app.add_typer(db_app, name="db")
app.add_typer(timers_app, name="timers")
app.add_typer(stock_app, name="stock")
app.add_typer(customers_app, name="customers")
app.command()(worker)
app.command("price")(price_command)


def _tolerate_narrow_encodings() -> None:
    # Names are Chinese; a console in e.g. cp1252 should show '?' rather than crash.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and "utf" not in stream.encoding.lower():
            stream.reconfigure(errors="replace")


def main() -> None:
    """Entry point of the ``commerce`` console script."""
    _tolerate_narrow_encodings()
    app(prog_name="commerce")


if __name__ == "__main__":
    main()
