"""Commands of the catalog and their handlers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Final

from attrs import field, frozen

from commerce_core.catalog.errors import CategoryHasProducts
from commerce_core.catalog.ids import CategoryId
from commerce_core.catalog.model import CATEGORY_NAME_MAX
from commerce_core.catalog.ports import CatalogContext
from commerce_core.kernel.errors import InputError
from commerce_core.kernel.messages import Command
from commerce_core.kernel.validation import bounded_text, optional_bounded_text

__all__ = [
    "HANDLERS",
    "CreateCategory",
    "DeleteCategory",
    "MoveCategory",
    "RenameCategory",
    "ReorderCategories",
    "create_category",
    "delete_category",
    "move_category",
    "rename_category",
    "reorder_categories",
]

_ID_MAX = 64


def _position(_: object, __: object, value: Any) -> None:
    if value is not None and (type(value) is not int or value < 0):
        raise InputError.for_field("position", "must be an integer >= 0 (or omitted: last)")


def _order(_: object, __: object, value: Any) -> None:
    if not isinstance(value, tuple):
        raise InputError.for_field("order", "must be a list of category ids")
    for i, item in enumerate(value):
        bounded_text(f"order[{i}]", max_length=_ID_MAX)(None, None, item)


def _as_tuple(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


@frozen(kw_only=True)
class CreateCategory(Command[CategoryId]):
    """Create a category under ``parent`` (None: top level), last unless ``position`` is given."""

    type_name = "catalog.create_category"
    name: str = field(validator=bounded_text("name", max_length=CATEGORY_NAME_MAX))
    parent: CategoryId | None = field(
        default=None, validator=optional_bounded_text("parent", max_length=_ID_MAX)
    )
    position: int | None = field(default=None, validator=_position)


@frozen(kw_only=True)
class RenameCategory(Command[None]):
    """Give a category a new name."""

    type_name = "catalog.rename_category"
    category: CategoryId = field(validator=bounded_text("category", max_length=_ID_MAX))
    name: str = field(validator=bounded_text("name", max_length=CATEGORY_NAME_MAX))


@frozen(kw_only=True)
class MoveCategory(Command[None]):
    """Move a category and its subtree under another parent (None: top level)."""

    type_name = "catalog.move_category"
    category: CategoryId = field(validator=bounded_text("category", max_length=_ID_MAX))
    parent: CategoryId | None = field(
        default=None, validator=optional_bounded_text("parent", max_length=_ID_MAX)
    )
    position: int | None = field(default=None, validator=_position)


@frozen(kw_only=True)
class ReorderCategories(Command[None]):
    """Set the order of the children of ``parent``; ``order`` lists each child exactly once."""

    type_name = "catalog.reorder_categories"
    parent: CategoryId | None = field(
        default=None, validator=optional_bounded_text("parent", max_length=_ID_MAX)
    )
    order: tuple[CategoryId, ...] = field(converter=_as_tuple, validator=_order)


@frozen(kw_only=True)
class DeleteCategory(Command[None]):
    """Delete a category that has no subcategories and no products."""

    type_name = "catalog.delete_category"
    category: CategoryId = field(validator=bounded_text("category", max_length=_ID_MAX))


def create_category(cmd: CreateCategory, ctx: CatalogContext) -> CategoryId:
    tree = ctx.uow.categories.get()
    node = tree.add(
        CategoryId(ctx.new_id()),
        cmd.name,
        parent=cmd.parent,
        position=cmd.position,
        at=ctx.now(),
    )
    ctx.uow.categories.save(tree)
    return node.id


def rename_category(cmd: RenameCategory, ctx: CatalogContext) -> None:
    tree = ctx.uow.categories.get()
    tree.rename(cmd.category, cmd.name, at=ctx.now())
    ctx.uow.categories.save(tree)


def move_category(cmd: MoveCategory, ctx: CatalogContext) -> None:
    tree = ctx.uow.categories.get()
    tree.move(cmd.category, parent=cmd.parent, position=cmd.position, at=ctx.now())
    ctx.uow.categories.save(tree)


def reorder_categories(cmd: ReorderCategories, ctx: CatalogContext) -> None:
    tree = ctx.uow.categories.get()
    tree.reorder(cmd.parent, cmd.order, at=ctx.now())
    ctx.uow.categories.save(tree)


def delete_category(cmd: DeleteCategory, ctx: CatalogContext) -> None:
    tree = ctx.uow.categories.get()
    name = tree.get(cmd.category).name
    tree.remove(cmd.category, at=ctx.now())
    # Locks the category against new products until commit (see decision 0013).
    held = ctx.uow.products.in_categories([cmd.category])
    if held:
        raise CategoryHasProducts(cmd.category, len(held), name=name)
    ctx.uow.categories.save(tree)


HANDLERS: Final[Mapping[type[Command[Any]], Callable[[Any, CatalogContext], Any]]] = (
    MappingProxyType(
        {
            CreateCategory: create_category,
            RenameCategory: rename_category,
            MoveCategory: move_category,
            ReorderCategories: reorder_categories,
            DeleteCategory: delete_category,
        }
    )
)
