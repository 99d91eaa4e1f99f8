"""What the catalog needs from the outside world, as small Protocols it owns."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from attrs import frozen

from commerce_core.catalog.ids import CategoryId
from commerce_core.catalog.model import Category, CategoryTree
from commerce_core.catalog.product_ports import (
    BrandRepository,
    ProductRepository,
    ReviewRepository,
    TagRepository,
)
from commerce_core.kernel.actors import Actor
from commerce_core.kernel.errors import InputError
from commerce_core.kernel.messages import Command
from commerce_core.kernel.pagination import Page, PageRequest, decode_cursor, encode_cursor

__all__ = [
    "CatalogContext",
    "CatalogUnitOfWork",
    "CategoryNode",
    "CategoryQueries",
    "CategoryTreeRepository",
    "CategoryView",
    "ProductsContext",
    "build_forest",
    "build_forest_from_rows",
    "child_cursor",
    "decode_child_cursor",
]


class CategoryTreeRepository(Protocol):
    """Loads and saves the store's one category tree, with an optimistic version check."""

    def get(self) -> CategoryTree:
        """The tree as of this unit of work (an empty tree at version 0 if none was saved)."""
        ...

    def save(self, tree: CategoryTree) -> None:
        """Write the tree; :class:`ConcurrencyConflict` if it changed since it was read."""
        ...


class CatalogUnitOfWork(Protocol):
    """The repositories of the catalog inside one transaction."""

    @property
    def categories(self) -> CategoryTreeRepository: ...

    @property
    def products(self) -> ProductRepository: ...

    @property
    def brands(self) -> BrandRepository: ...

    @property
    def tags(self) -> TagRepository: ...

    @property
    def reviews(self) -> ReviewRepository: ...


class CatalogContext(Protocol):
    """What a catalog command handler is given: its unit of work, the time, new ids."""

    @property
    def uow(self) -> CatalogUnitOfWork: ...

    def now(self) -> datetime: ...

    def new_id(self) -> str: ...


class ProductsContext(CatalogContext, Protocol):
    """What product handlers also need: who acts (for the price history) and timers."""

    @property
    def actor(self) -> Actor: ...

    def schedule(
        self, command: Command[Any], *, due_at: datetime, key: str, actor: Actor | None = None
    ) -> None: ...

    def cancel_schedule(self, key: str) -> bool: ...


@frozen
class CategoryView:
    """A read model of one category with its path from the top (面包屑 breadcrumbs)."""

    id: CategoryId
    name: str
    parent: CategoryId | None
    position: int
    depth: int
    path: tuple[str, ...]
    child_count: int


@frozen
class CategoryNode:
    """A category and its subtree, in order, for display."""

    id: CategoryId
    name: str
    position: int
    children: tuple[CategoryNode, ...] = ()

    def walk(self, depth: int = 0) -> list[tuple[int, CategoryNode]]:
        """This node and its subtree depth-first as ``(depth, node)`` pairs (no recursion)."""
        out: list[tuple[int, CategoryNode]] = []
        stack = [(depth, self)]
        while stack:
            level, node = stack.pop()
            out.append((level, node))
            stack.extend((level + 1, child) for child in reversed(node.children))
        return out


class CategoryQueries(Protocol):
    """Reads of the category tree, answered from storage without loading the aggregate."""

    def tree(self) -> tuple[CategoryNode, ...]:
        """Every category as a forest of top-level nodes, siblings in their order."""
        ...

    def get(self, id: CategoryId) -> CategoryView:
        """One category with its path; :class:`CategoryNotFound` if it does not exist."""
        ...

    def children(self, parent: CategoryId | None, page: PageRequest) -> Page[CategoryView]:
        """The children of ``parent`` (None: the top level) in order, a page at a time."""
        ...


def build_forest(categories: Iterable[Category]) -> tuple[CategoryNode, ...]:
    """Assemble category rows into ordered :class:`CategoryNode` trees."""
    ordered = sorted(categories, key=lambda c: (c.position, c.id))
    return build_forest_from_rows((c.id, c.name, c.parent, c.position) for c in ordered)


def build_forest_from_rows(
    rows: Iterable[tuple[str, str, str | None, int]],
) -> tuple[CategoryNode, ...]:
    """Assemble ``(id, name, parent, position)`` rows, already sorted by (position, id).

    One pass and no per-row objects but the nodes: adapters feed it straight from a query.
    """
    by_parent: dict[str | None, list[tuple[str, str, int]]] = {}
    for id, name, parent, position in rows:
        by_parent.setdefault(parent, []).append((id, name, position))
    # Children before parents, without recursion: a stored tree of any depth can be read.
    order: list[tuple[str, str, int]] = []
    stack = list(by_parent.get(None, ()))
    while stack:
        row = stack.pop()
        order.append(row)
        stack.extend(by_parent.get(row[0], ()))
    built: dict[str, CategoryNode] = {}
    for id, name, position in reversed(order):
        kids = tuple(built.pop(k[0]) for k in by_parent.get(id, ()))
        built[id] = CategoryNode(CategoryId(id), name, position, kids)
    return tuple(built[row[0]] for row in by_parent.get(None, ()))


def child_cursor(last: CategoryView) -> str:
    """The cursor of the page after ``last`` in a children listing (keyed by position, id)."""
    return encode_cursor([last.position, last.id])


def decode_child_cursor(token: str) -> tuple[int, str]:
    """Read a cursor made by :func:`child_cursor`; anything else is an InputError on ``after``."""
    position, id = decode_cursor(token, arity=2)
    if type(position) is not int or not isinstance(id, str):
        raise InputError.for_field("after", "not a cursor of a category listing")
    return position, id
