"""Facts of the catalog context."""

from __future__ import annotations

from attrs import frozen

from commerce_core.catalog.ids import CategoryId
from commerce_core.kernel.messages import DomainEvent

__all__ = [
    "CategoriesReordered",
    "CategoryCreated",
    "CategoryDeleted",
    "CategoryMoved",
    "CategoryRenamed",
]


@frozen(kw_only=True)
class CategoryCreated(DomainEvent):
    type_name = "catalog.category_created"
    category: CategoryId
    name: str
    parent: CategoryId | None
    position: int


@frozen(kw_only=True)
class CategoryRenamed(DomainEvent):
    type_name = "catalog.category_renamed"
    category: CategoryId
    old_name: str
    new_name: str


@frozen(kw_only=True)
class CategoryMoved(DomainEvent):
    type_name = "catalog.category_moved"
    category: CategoryId
    old_parent: CategoryId | None
    new_parent: CategoryId | None
    position: int


@frozen(kw_only=True)
class CategoriesReordered(DomainEvent):
    type_name = "catalog.categories_reordered"
    parent: CategoryId | None
    order: tuple[CategoryId, ...]


@frozen(kw_only=True)
class CategoryDeleted(DomainEvent):
    type_name = "catalog.category_deleted"
    category: CategoryId
    name: str
    parent: CategoryId | None
