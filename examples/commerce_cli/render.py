"""How the CLI shows things: rich consoles, the category tree, listings, errors, JSON.

Category names are user data, so they always go into :class:`rich.text.Text` (never into
markup strings): a name such as ``[Sale] 特价`` must print as written.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable

from rich.console import Console
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from commerce_core import CommerceError, InputError, Page
from commerce_core.catalog import CategoryNode, CategoryView

__all__ = [
    "category_tree",
    "category_view_data",
    "make_console",
    "node_data",
    "print_error",
    "print_json",
    "render_children",
    "render_view",
]

#: Width used when output goes to a pipe or file: wrapping ids there breaks copy and grep.
PIPE_WIDTH = 160


def make_console(*, stderr: bool = False) -> Console:
    """A console on stdout (or stderr) that does not wrap at 80 columns when piped."""
    console = Console(stderr=stderr, highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = PIPE_WIDTH
    return console


def print_json(data: object) -> None:
    """Print JSON on stdout, unhighlighted and unwrapped (for scripts and ``jq``)."""
    make_console().out(json.dumps(data, ensure_ascii=False, indent=2), highlight=False)


def print_error(exc: CommerceError, *, as_json: bool = False) -> None:
    """Show a refusal on stderr: its stable code, its message, and each field at fault."""
    console = make_console(stderr=True)
    if as_json:
        console.out(json.dumps({"error": exc.to_dict()}, ensure_ascii=False), highlight=False)
        return
    line = Text("Error ", style="bold red")
    line.append(f"[{exc.code}]", style="bold red")
    line.append(": ")
    if isinstance(exc, InputError):
        line.append("invalid input", style="red")
        console.print(line, soft_wrap=True)
        for err in exc.errors:
            item = Text("  • ")
            item.append(err.path or "<input>", style="bold")
            item.append(f": {err.message}")
            console.print(item)
    else:
        line.append(exc.message, style="red")
        console.print(line, soft_wrap=True)


def _label(name: str, id: str) -> Text:
    text = Text(name, style="bold")
    text.append(f"  {id}", style="dim")
    return text


def category_tree(forest: Iterable[CategoryNode], *, title: str = "Categories 类目") -> Tree:
    """The forest as one :class:`rich.tree.Tree`, names first and ids beside them."""
    root = Tree(Text(title, style="bold cyan"))

    def add(parent: Tree, node: CategoryNode) -> None:
        branch = parent.add(_label(node.name, node.id))
        for child in node.children:
            add(branch, child)

    for node in forest:
        add(root, node)
    return root


def node_data(node: CategoryNode) -> dict[str, object]:
    """A tree node as JSON-friendly data, children nested."""
    return {
        "id": node.id,
        "name": node.name,
        "position": node.position,
        "children": [node_data(c) for c in node.children],
    }


def category_view_data(view: CategoryView) -> dict[str, object]:
    """A category read model as JSON-friendly data."""
    return {
        "id": view.id,
        "name": view.name,
        "parent": view.parent,
        "position": view.position,
        "depth": view.depth,
        "path": list(view.path),
        "child_count": view.child_count,
    }


def render_children(page: Page[CategoryView], *, title: str) -> Table:
    """A page of categories as a table."""
    table = Table(title=title, title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("id", no_wrap=True, style="dim")
    table.add_column("name")
    table.add_column("children", justify="right")
    for view in page.items:
        table.add_row(str(view.position), view.id, Text(view.name), str(view.child_count))
    return table


def render_view(view: CategoryView) -> Table:
    """One category as a two-column grid of its fields."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    grid.add_row("id", view.id)
    grid.add_row("name", Text(view.name))
    grid.add_row("path", Text(" › ".join(view.path)))
    grid.add_row("parent", view.parent or "— (top level)")
    grid.add_row("position", str(view.position))
    grid.add_row("depth", str(view.depth))
    grid.add_row("children", str(view.child_count))
    return grid
