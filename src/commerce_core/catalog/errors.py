"""Refusals of the catalog context."""

from __future__ import annotations

from collections.abc import Sequence

from commerce_core.kernel.errors import DomainError, NotFound

__all__ = [
    "CategoryCycle",
    "CategoryNotEmpty",
    "CategoryNotFound",
    "CategoryOrderMismatch",
    "DuplicateCategoryName",
]


class CategoryNotFound(NotFound):
    """No category has this id."""

    code = "category_not_found"

    def __init__(self, id: str) -> None:
        super().__init__("category", id)


class CategoryCycle(DomainError):
    """A move would put a category under itself or one of its descendants."""

    code = "category_cycle"

    def __init__(self, category: str, parent: str) -> None:
        super().__init__(
            f"cannot move category {category!r} under {parent!r}: "
            "that is the category itself or one of its descendants",
            category=category,
            parent=parent,
        )
        self.category = category
        self.parent = parent


class CategoryNotEmpty(DomainError):
    """Only a category without children may be deleted."""

    code = "category_not_empty"

    def __init__(self, category: str, children: int) -> None:
        super().__init__(
            f"category {category!r} still has {children} subcategories; move or delete them first",
            category=category,
            children=children,
        )
        self.category = category
        self.children = children


class DuplicateCategoryName(DomainError):
    """Two siblings may not share a name (compared case-insensitively)."""

    code = "duplicate_category_name"

    def __init__(self, name: str, parent: str | None, existing: str) -> None:
        where = f"under {parent!r}" if parent else "at the top level"
        super().__init__(
            f"a category named {name!r} already exists {where} ({existing!r})",
            name=name,
            parent=parent,
            existing=existing,
        )
        self.name = name
        self.parent = parent
        self.existing = existing


class CategoryOrderMismatch(DomainError):
    """A reorder must list exactly the current children of the parent, each once."""

    code = "category_order_mismatch"

    def __init__(
        self, parent: str | None, missing: Sequence[str], unexpected: Sequence[str]
    ) -> None:
        super().__init__(
            "a new order must list every child of the parent exactly once "
            f"(missing: {missing}, not children or repeated: {unexpected})",
            parent=parent,
            missing=",".join(missing),
            unexpected=",".join(unexpected),
        )
        self.parent = parent
        self.missing = list(missing)
        self.unexpected = list(unexpected)
