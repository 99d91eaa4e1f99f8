"""Refusals of the catalog context."""

from __future__ import annotations

from collections.abc import Sequence

from commerce_core.kernel.errors import DomainError, NotFound

__all__ = [
    "CategoryCycle",
    "CategoryHasProducts",
    "CategoryNotEmpty",
    "CategoryNotFound",
    "CategoryOrderMismatch",
    "CategoryTooDeep",
    "DuplicateCategoryName",
]


def _label(id: str, name: str) -> str:
    return f"category {name!r} ({id})" if name else f"category {id!r}"


class CategoryNotFound(NotFound):
    """No category has this id."""

    code = "category_not_found"

    def __init__(self, id: str) -> None:
        super().__init__("category", id)


class CategoryCycle(DomainError):
    """A move would put a category under itself or one of its descendants."""

    code = "category_cycle"

    def __init__(
        self, category: str, parent: str, *, name: str = "", parent_name: str = ""
    ) -> None:
        super().__init__(
            f"cannot move {_label(category, name)} under {_label(parent, parent_name)}: "
            "that is the category itself or one of its descendants",
            category=category,
            parent=parent,
        )
        self.category = category
        self.parent = parent


class CategoryTooDeep(DomainError):
    """A create or move would make the tree deeper than the documented maximum."""

    code = "category_too_deep"

    def __init__(self, category: str, depth: int, limit: int, *, name: str = "") -> None:
        super().__init__(
            f"{_label(category, name)} would sit {depth} levels deep; the category tree has "
            f"at most {limit} levels",
            category=category,
            depth=depth,
            limit=limit,
        )
        self.category = category
        self.depth = depth
        self.limit = limit


class CategoryNotEmpty(DomainError):
    """Only a category without children may be deleted."""

    code = "category_not_empty"

    def __init__(self, category: str, children: int, *, name: str = "") -> None:
        kids = "subcategory" if children == 1 else "subcategories"
        super().__init__(
            f"{_label(category, name)} still has {children} {kids}; move or delete them first",
            category=category,
            children=children,
        )
        self.category = category
        self.children = children


class CategoryHasProducts(DomainError):
    """A category that products are in may not be deleted (they would point at nothing)."""

    code = "category_has_products"

    def __init__(self, category: str, products: int, *, name: str = "") -> None:
        what = "product" if products == 1 else "products"
        super().__init__(
            f"{_label(category, name)} still has {products} {what}; "
            "move them to another category first",
            category=category,
            products=products,
        )
        self.category = category
        self.products = products


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
            f"(missing: {', '.join(missing) or 'none'}; "
            f"not children or repeated: {', '.join(unexpected) or 'none'})",
            parent=parent,
            missing=",".join(missing),
            unexpected=",".join(unexpected),
        )
        self.parent = parent
        self.missing = list(missing)
        self.unexpected = list(unexpected)
