from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commerce_core import InputError
from commerce_core.catalog import (
    CategoriesReordered,
    CategoryCreated,
    CategoryCycle,
    CategoryDeleted,
    CategoryId,
    CategoryMoved,
    CategoryNotEmpty,
    CategoryNotFound,
    CategoryOrderMismatch,
    CategoryRenamed,
    CategoryTree,
    DuplicateCategoryName,
)

AT = datetime(2026, 1, 1, tzinfo=UTC)


def cid(s: str) -> CategoryId:
    return CategoryId(s)


def sample() -> CategoryTree:
    tree = CategoryTree()
    tree.add(cid("a"), "Apparel", parent=None, at=AT)
    tree.add(cid("m"), "Men", parent=cid("a"), at=AT)
    tree.add(cid("w"), "Women", parent=cid("a"), at=AT)
    tree.add(cid("t"), "T-shirts", parent=cid("m"), at=AT)
    tree.events.clear()
    return tree


def shape(tree: CategoryTree) -> list[tuple[int, str, int]]:
    return [(d, c.id, c.position) for d, c in tree.walk()]


def test_add_appends_or_inserts_at_a_position() -> None:
    tree = sample()
    tree.add(cid("k"), "Kids", parent=cid("a"), position=0, at=AT)
    assert shape(tree) == [(0, "a", 0), (1, "k", 0), (1, "m", 1), (2, "t", 0), (1, "w", 2)]
    assert tree.events == [
        CategoryCreated(category=cid("k"), name="Kids", parent=cid("a"), position=0, at=AT)
    ]


def test_add_refuses_unknown_parent_duplicate_names_and_bad_names() -> None:
    tree = sample()
    with pytest.raises(CategoryNotFound):
        tree.add(cid("x"), "X", parent=cid("nope"), at=AT)
    with pytest.raises(DuplicateCategoryName) as dup:
        tree.add(cid("x"), "men", parent=cid("a"), at=AT)
    assert dup.value.existing == "m"
    tree.add(cid("x"), "Men", parent=None, at=AT)  # same name elsewhere is fine
    for bad in ["", " Men", "a" * 65, "tab\there"]:
        with pytest.raises(InputError) as err:
            tree.add(cid("y"), bad, parent=None, at=AT)
        assert err.value.field == "name"


def test_rename() -> None:
    tree = sample()
    tree.rename(cid("w"), "Womenswear", at=AT)
    tree.rename(cid("w"), "Womenswear", at=AT)  # no change, no event
    assert tree.get(cid("w")).name == "Womenswear"
    assert tree.events == [
        CategoryRenamed(category=cid("w"), old_name="Women", new_name="Womenswear", at=AT)
    ]
    with pytest.raises(DuplicateCategoryName):
        tree.rename(cid("w"), "MEN", at=AT)
    tree.rename(cid("w"), "WOMENSWEAR", at=AT)  # changing only the case of its own name is fine


def test_move_renumbers_both_sibling_lists() -> None:
    tree = sample()
    tree.move(cid("m"), parent=None, at=AT)
    assert shape(tree) == [(0, "a", 0), (1, "w", 0), (0, "m", 1), (1, "t", 0)]
    assert tree.events == [
        CategoryMoved(category=cid("m"), old_parent=cid("a"), new_parent=None, position=1, at=AT)
    ]


def test_move_within_the_same_parent_changes_position() -> None:
    tree = sample()
    tree.move(cid("w"), parent=cid("a"), position=0, at=AT)
    assert [c.id for c in tree.children(cid("a"))] == ["w", "m"]
    tree.events.clear()
    tree.move(cid("w"), parent=cid("a"), position=0, at=AT)
    assert tree.events == []


def test_move_refuses_cycles() -> None:
    tree = sample()
    with pytest.raises(CategoryCycle):
        tree.move(cid("a"), parent=cid("t"), at=AT)
    with pytest.raises(CategoryCycle):
        tree.move(cid("a"), parent=cid("a"), at=AT)
    assert shape(tree) == shape(sample())


def test_reorder_needs_every_child_exactly_once() -> None:
    tree = sample()
    tree.reorder(cid("a"), [cid("w"), cid("m")], at=AT)
    assert [c.id for c in tree.children(cid("a"))] == ["w", "m"]
    assert tree.events == [CategoriesReordered(parent=cid("a"), order=(cid("w"), cid("m")), at=AT)]
    with pytest.raises(CategoryOrderMismatch) as err:
        tree.reorder(cid("a"), [cid("w"), cid("w")], at=AT)
    assert err.value.missing == ["m"]
    assert err.value.unexpected == ["w"]
    with pytest.raises(CategoryOrderMismatch):
        tree.reorder(cid("a"), [cid("w"), cid("m"), cid("t")], at=AT)


def test_remove_only_when_empty() -> None:
    tree = sample()
    with pytest.raises(CategoryNotEmpty) as err:
        tree.remove(cid("m"), at=AT)
    assert err.value.children == 1
    tree.remove(cid("t"), at=AT)
    tree.remove(cid("m"), at=AT)
    assert shape(tree) == [(0, "a", 0), (1, "w", 0)]
    assert tree.events[-1] == CategoryDeleted(category=cid("m"), name="Men", parent=cid("a"), at=AT)


OPS = st.lists(
    st.tuples(
        st.sampled_from(["add", "move", "remove", "rename", "reorder"]),
        st.integers(0, 30),
        st.integers(0, 30),
        st.integers(0, 5),
    ),
    max_size=60,
)


@given(OPS)
def test_any_sequence_of_operations_keeps_the_tree_invariants(
    ops: list[tuple[str, int, int, int]],
) -> None:
    tree = CategoryTree()
    made = 0
    for op, x, y, pos in ops:
        ids = sorted(tree.nodes)
        pick = ids[x % len(ids)] if ids else None
        other = ids[y % len(ids)] if ids and y % 3 else None
        try:
            if op == "add" or pick is None:
                made += 1
                tree.add(cid(f"n{made}"), f"N{y % 7}", parent=pick, position=pos, at=AT)
            elif op == "move":
                tree.move(pick, parent=other, position=pos, at=AT)
            elif op == "remove":
                tree.remove(pick, at=AT)
            elif op == "rename":
                tree.rename(pick, f"N{y % 7}", at=AT)
            else:
                order = [c.id for c in tree.children(other)]
                tree.reorder(other, list(reversed(order)), at=AT)
        except (CategoryCycle, CategoryNotEmpty, DuplicateCategoryName):
            pass
        # Invariants: parents exist, no cycles, positions 0..n-1, sibling names unique.
        for node in tree.nodes.values():
            assert node.parent is None or node.parent in tree.nodes
            assert node.id not in {a.id for a in tree.ancestors(node.id)}
        for parent in [None, *tree.nodes]:
            kids = tree.children(parent)
            assert [k.position for k in kids] == list(range(len(kids)))
            names = [k.name.casefold() for k in kids]
            assert len(names) == len(set(names))
        assert len(list(tree.walk())) == len(tree.nodes)
