"""The category commands through the Commerce facade, on every selected backend."""

from __future__ import annotations

from typing import Any

import pytest

from commerce_core import Actor, Commerce, InputError, Money
from commerce_core.catalog import (
    CategoryCycle,
    CategoryHasProducts,
    CategoryId,
    CategoryNotEmpty,
    CategoryNotFound,
    CreateCategory,
    CreateProduct,
    DeleteCategory,
    MoveCategory,
    RenameCategory,
    ReorderCategories,
    SetProductCategory,
)
from commerce_core.kernel import PageRequest


def names(shop: Commerce) -> list[tuple[int, str]]:
    return [(d, n.name) for top in shop.categories.tree() for d, n in top.walk()]


def snapshot(shop: Commerce) -> tuple[object, list[Any]]:
    with shop.storage.unit_of_work() as uow:
        return shop.categories.tree(), [m.id for m in uow.outbox.pending(limit=1000)]


def test_build_rename_move_reorder_delete(shop: Commerce, staff: Actor) -> None:
    apparel = shop.execute(CreateCategory(name="服装 Apparel"), actor=staff)
    men = shop.execute(CreateCategory(name="男装 Men", parent=apparel), actor=staff)
    women = shop.execute(CreateCategory(name="女装 Women", parent=apparel), actor=staff)
    tees = shop.execute(CreateCategory(name="T恤 T-shirts", parent=men), actor=staff)
    digital = shop.execute(CreateCategory(name="数码 Digital"), actor=staff)
    shop.execute(RenameCategory(category=women, name="女装 Womenswear"), actor=staff)
    shop.execute(MoveCategory(category=tees, parent=women, position=0), actor=staff)
    shop.execute(ReorderCategories(parent=None, order=(digital, apparel)), actor=staff)
    shop.execute(DeleteCategory(category=men), actor=staff)
    assert names(shop) == [
        (0, "数码 Digital"),
        (0, "服装 Apparel"),
        (1, "女装 Womenswear"),
        (2, "T恤 T-shirts"),
    ]
    view = shop.categories.get(tees)
    assert view.path == ("服装 Apparel", "女装 Womenswear", "T恤 T-shirts")


def test_refusals_leave_the_store_unchanged(shop: Commerce, staff: Actor) -> None:
    top = shop.execute(CreateCategory(name="Top"), actor=staff)
    child = shop.execute(CreateCategory(name="Child", parent=top), actor=staff)
    before = snapshot(shop)
    with pytest.raises(CategoryCycle):
        shop.execute(MoveCategory(category=top, parent=child), actor=staff)
    with pytest.raises(CategoryNotEmpty):
        shop.execute(DeleteCategory(category=top), actor=staff)
    with pytest.raises(CategoryNotFound):
        shop.execute(RenameCategory(category=CategoryId("ghost"), name="x"), actor=staff)
    assert snapshot(shop) == before


BAD_JSON: list[tuple[dict[str, Any], str]] = [
    ({"type": "catalog.create_category", "name": ""}, "name"),
    ({"type": "catalog.create_category", "name": 5}, "name"),
    ({"type": "catalog.create_category"}, "name"),
    ({"type": "catalog.create_category", "name": "x", "position": -1}, "position"),
    ({"type": "catalog.create_category", "name": "x", "position": "1"}, "position"),
    ({"type": "catalog.create_category", "name": "x", "colour": "red"}, "colour"),
    ({"type": "catalog.rename_category", "category": "", "name": "x"}, "category"),
    ({"type": "catalog.rename_category", "category": "a", "name": "x" * 65}, "name"),
    ({"type": "catalog.move_category", "category": "a", "position": 1.0}, "position"),
    ({"type": "catalog.move_category", "category": "a", "parent": True}, "parent"),
    ({"type": "catalog.reorder_categories", "order": "ab"}, "order"),
    ({"type": "catalog.reorder_categories", "order": ["a", 2]}, "order[1]"),
    ({"type": "catalog.delete_category"}, "category"),
    ({"type": "catalog.nope"}, "type"),
    ({"name": "x"}, "type"),
]


@pytest.mark.parametrize(("data", "field"), BAD_JSON)
def test_bad_json_input_names_the_field_and_changes_nothing(
    shop: Commerce, staff: Actor, data: dict[str, Any], field: str
) -> None:
    shop.execute(CreateCategory(name="Existing"), actor=staff)
    before = snapshot(shop)
    with pytest.raises(InputError) as err:
        shop.execute_json(data, actor=staff)
    assert field in [e.path for e in err.value.errors]
    assert snapshot(shop) == before


# Deliberately wrong types: these are what a careless caller passes.
@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: CreateCategory(name="  padded "), "name"),
        (lambda: CreateCategory(name="x", parent=CategoryId("")), "parent"),
        (lambda: RenameCategory(category=CategoryId("a"), name="\x00"), "name"),
        (lambda: MoveCategory(category=CategoryId("a"), position=-2), "position"),
        (lambda: ReorderCategories(order=(CategoryId("a"), CategoryId(""))), "order[1]"),
        (lambda: DeleteCategory(category=7), "category"),  # type: ignore[arg-type]
    ],
)
def test_commands_built_in_python_validate_too(build: Any, field: str) -> None:
    with pytest.raises(InputError) as err:
        build()
    assert err.value.field == field


def test_json_round_trip_of_a_command(shop: Commerce, staff: Actor) -> None:
    new_id = shop.execute_json(
        {"type": "catalog.create_category", "name": "Books 图书"}, actor=staff
    )
    assert isinstance(new_id, str)
    assert shop.categories.get(CategoryId(new_id)).name == "Books 图书"


def test_children_listing_pages(shop: Commerce, staff: Actor) -> None:
    parent = shop.execute(CreateCategory(name="P"), actor=staff)
    for i in range(5):
        shop.execute(CreateCategory(name=f"C{i}", parent=parent), actor=staff)
    first = shop.categories.children(parent, PageRequest(limit=2))
    second = shop.categories.children(parent, PageRequest(limit=2, after=first.next_cursor))
    third = shop.categories.children(parent, PageRequest(limit=2, after=second.next_cursor))
    assert [v.name for p in (first, second, third) for v in p.items] == [f"C{i}" for i in range(5)]
    assert third.next_cursor is None


def test_a_category_with_products_cannot_be_deleted_until_they_move_out(
    shop: Commerce, staff: Actor
) -> None:
    tees = shop.execute(CreateCategory(name="T恤 T-shirts"), actor=staff)
    other = shop.execute(CreateCategory(name="Other"), actor=staff)
    product = shop.execute(
        CreateProduct(code="TEE", title="Tee", category=tees, default_price=Money.of("9")),
        actor=staff,
    )
    before = snapshot(shop)
    with pytest.raises(CategoryHasProducts) as err:
        shop.execute(DeleteCategory(category=tees), actor=staff)
    assert err.value.code == "category_has_products"
    assert (err.value.category, err.value.products) == (tees, 1)
    assert "T恤 T-shirts" in str(err.value)
    assert snapshot(shop) == before
    shop.execute(SetProductCategory(product=product, category=other), actor=staff)
    shop.execute(DeleteCategory(category=tees), actor=staff)
    assert names(shop) == [(0, "Other")]
    with pytest.raises(CategoryNotFound):
        shop.execute(SetProductCategory(product=product, category=tees), actor=staff)
