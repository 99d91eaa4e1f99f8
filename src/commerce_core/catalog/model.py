"""The category tree (类目树): one aggregate holding every category of the store.

The whole tree is one consistency boundary on purpose: moves must never create a cycle,
and two concurrent moves (A under B, B under A) are each acyclic alone. With one version
for the tree, the second of them conflicts and is retried against the new shape. Category
edits are rare back-office work, so serializing them costs nothing that matters.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from attrs import define, evolve, field, frozen

from commerce_core.catalog.errors import (
    CategoryCycle,
    CategoryNotEmpty,
    CategoryNotFound,
    CategoryOrderMismatch,
    CategoryTooDeep,
    DuplicateCategoryName,
)
from commerce_core.catalog.events import (
    CategoriesReordered,
    CategoryCreated,
    CategoryDeleted,
    CategoryMoved,
    CategoryRenamed,
)
from commerce_core.catalog.ids import CategoryId
from commerce_core.kernel.errors import InputError
from commerce_core.kernel.messages import DomainEvent
from commerce_core.kernel.validation import check_text, match_key

__all__ = ["CATEGORY_MAX_DEPTH", "CATEGORY_NAME_MAX", "Category", "CategoryId", "CategoryTree"]

CATEGORY_NAME_MAX = 64
#: The most levels a path may have (a top-level category is level 1). Checked on every
#: create and move, so every stored tree can be read by every backend: far below Python's
#: recursion limit and MariaDB's ``max_recursive_iterations`` (1,000). Shops use 3 to 5.
CATEGORY_MAX_DEPTH = 64


@frozen
class Category:
    """One node of the tree: its name, its parent (None at the top) and its place among siblings."""

    id: CategoryId
    name: str
    parent: CategoryId | None
    position: int


def _name_key(name: str) -> str:
    return match_key(name)


@define(eq=False)
class CategoryTree:
    """Every category of the store, with the invariants of a tree.

    Invariants: every parent exists; no cycles; depth at most :data:`CATEGORY_MAX_DEPTH`;
    siblings have distinct names (compared NFKC-normalized and case-folded, so "Café" in
    NFC or NFD and fullwidth "Ｓｈｏｅｓ" collide with their plain forms) and positions
    ``0..n-1``.
    """

    nodes: dict[CategoryId, Category] = field(factory=dict)
    version: int = 0
    events: list[DomainEvent] = field(factory=list, repr=False)

    # -- reading -----------------------------------------------------------------------
    def get(self, id: CategoryId) -> Category:
        """The category with this id, or :class:`CategoryNotFound`."""
        try:
            return self.nodes[id]
        except KeyError:
            raise CategoryNotFound(id) from None

    def children(self, parent: CategoryId | None) -> list[Category]:
        """The children of ``parent`` (None: the top level) in their order."""
        return sorted(
            (n for n in self.nodes.values() if n.parent == parent),
            key=lambda n: (n.position, n.id),
        )

    def ancestors(self, id: CategoryId) -> list[Category]:
        """The parents of ``id`` from the nearest up to the top."""
        out: list[Category] = []
        node = self.get(id)
        while node.parent is not None:
            node = self.nodes[node.parent]
            out.append(node)
        return out

    def walk(self, parent: CategoryId | None = None) -> Iterator[tuple[int, Category]]:
        """Depth-first, in order: ``(depth, category)`` pairs below ``parent``."""
        by_parent: dict[CategoryId | None, list[Category]] = {}
        for node in sorted(self.nodes.values(), key=lambda n: (n.position, n.id)):
            by_parent.setdefault(node.parent, []).append(node)
        stack = [(0, c) for c in reversed(by_parent.get(parent, []))]
        while stack:
            depth, node = stack.pop()
            yield depth, node
            stack.extend((depth + 1, c) for c in reversed(by_parent.get(node.id, [])))

    # -- changing ----------------------------------------------------------------------
    def add(
        self,
        id: CategoryId,
        name: str,
        *,
        parent: CategoryId | None,
        at: datetime,
        position: int | None = None,
    ) -> Category:
        """Create a category under ``parent``, last among its siblings unless ``position``."""
        check_text(name, "name", max_length=CATEGORY_NAME_MAX)
        if id in self.nodes:
            raise InputError.for_field("id", f"category id {id!r} is already taken")
        if parent is not None:
            self.get(parent)
            level = len(self.ancestors(parent)) + 2
            if level > CATEGORY_MAX_DEPTH:
                raise CategoryTooDeep(id, level, CATEGORY_MAX_DEPTH, name=name)
        self._check_unique_name(name, parent, ignore=None)
        siblings = self.children(parent)
        pos = _clamp(position, len(siblings))
        node = Category(id, name, parent, pos)
        self.nodes[id] = node
        self._renumber(parent, [*siblings[:pos], node, *siblings[pos:]])
        self.events.append(
            CategoryCreated(category=id, name=name, parent=parent, position=pos, at=at)
        )
        return self.nodes[id]

    def rename(self, id: CategoryId, name: str, *, at: datetime) -> None:
        """Give a category a new name; renaming to the same name records nothing."""
        check_text(name, "name", max_length=CATEGORY_NAME_MAX)
        node = self.get(id)
        if node.name == name:
            return
        self._check_unique_name(name, node.parent, ignore=id)
        self.nodes[id] = evolve(node, name=name)
        self.events.append(CategoryRenamed(category=id, old_name=node.name, new_name=name, at=at))

    def move(
        self,
        id: CategoryId,
        *,
        parent: CategoryId | None,
        at: datetime,
        position: int | None = None,
    ) -> None:
        """Move a category (with its subtree) under ``parent`` at ``position`` (default last)."""
        node = self.get(id)
        if parent is not None:
            self.get(parent)
            if parent == id or any(a.id == id for a in self.ancestors(parent)):
                raise CategoryCycle(id, parent, name=node.name, parent_name=self.nodes[parent].name)
            deepest = len(self.ancestors(parent)) + 1 + self._height(id)
            if deepest > CATEGORY_MAX_DEPTH:
                raise CategoryTooDeep(id, deepest, CATEGORY_MAX_DEPTH, name=node.name)
        if parent != node.parent:
            self._check_unique_name(node.name, parent, ignore=id)
        old_siblings = [c for c in self.children(node.parent) if c.id != id]
        self._renumber(node.parent, old_siblings)
        new_siblings = [c for c in self.children(parent) if c.id != id]
        pos = _clamp(position, len(new_siblings))
        moved = evolve(node, parent=parent)
        self.nodes[id] = moved
        self._renumber(parent, [*new_siblings[:pos], moved, *new_siblings[pos:]])
        if parent == node.parent and pos == node.position:
            return
        self.events.append(
            CategoryMoved(
                category=id, old_parent=node.parent, new_parent=parent, position=pos, at=at
            )
        )

    def reorder(
        self, parent: CategoryId | None, order: Sequence[CategoryId], *, at: datetime
    ) -> None:
        """Put the children of ``parent`` in the given order (all of them, each once)."""
        if parent is not None:
            self.get(parent)
        current = self.children(parent)
        ids = [c.id for c in current]
        missing = [i for i in ids if i not in order]
        seen: set[str] = set()
        unexpected: list[str] = []
        for i in order:
            if i not in ids or i in seen:
                unexpected.append(i)
            seen.add(i)
        if missing or unexpected:
            raise CategoryOrderMismatch(parent, missing, unexpected)
        if list(order) == ids:
            return
        self._renumber(parent, [self.nodes[i] for i in order])
        self.events.append(CategoriesReordered(parent=parent, order=tuple(order), at=at))

    def remove(self, id: CategoryId, *, at: datetime) -> None:
        """Delete a category that has no subcategories."""
        node = self.get(id)
        kids = self.children(id)
        if kids:
            raise CategoryNotEmpty(id, len(kids), name=node.name)
        del self.nodes[id]
        self._renumber(node.parent, self.children(node.parent))
        self.events.append(CategoryDeleted(category=id, name=node.name, parent=node.parent, at=at))

    # -- internals ---------------------------------------------------------------------
    def _height(self, id: CategoryId) -> int:
        """Levels in the subtree rooted at ``id`` (1 for a leaf)."""
        return 1 + max((depth + 1 for depth, _ in self.walk(id)), default=0)

    def _check_unique_name(
        self, name: str, parent: CategoryId | None, *, ignore: CategoryId | None
    ) -> None:
        key = _name_key(name)
        for sibling in self.children(parent):
            if sibling.id != ignore and _name_key(sibling.name) == key:
                raise DuplicateCategoryName(name, parent, sibling.id)

    def _renumber(self, parent: CategoryId | None, ordered: Sequence[Category]) -> None:
        for pos, node in enumerate(ordered):
            if node.position != pos or node.parent != parent:
                self.nodes[node.id] = evolve(node, position=pos, parent=parent)


def _clamp(position: int | None, size: int) -> int:
    if position is None:
        return size
    if type(position) is not int or position < 0:
        raise InputError.for_field("position", "must be an integer >= 0")
    return min(position, size)
