"""The category tree where the first suite was blind: ids that sort against positions, the
events of every kind of move, positions out of range, walks below a node, and error details.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commerce_core import InputError
from commerce_core.catalog import (
    CategoriesReordered,
    CategoryCycle,
    CategoryId,
    CategoryMoved,
    CategoryNotEmpty,
    CategoryNotFound,
    CategoryOrderMismatch,
    CategoryTree,
    DuplicateCategoryName,
)
from commerce_core.kernel.errors import FieldError

AT = datetime(2026, 1, 1, tzinfo=UTC)


def cid(s: str) -> CategoryId:
    return CategoryId(s)


def against_the_alphabet() -> CategoryTree:
    """Ids that sort in the opposite order of the positions they are given."""
    tree = CategoryTree()
    tree.add(cid("z"), "Top", parent=None, at=AT)
    tree.add(cid("y"), "Second", parent=None, at=AT)
    for kid, name in [("k9", "Nine"), ("k5", "Five"), ("k1", "One")]:
        tree.add(cid(kid), name, parent=cid("z"), at=AT)
    tree.add(cid("g2"), "Grandchild two", parent=cid("k5"), at=AT)
    tree.add(cid("g1"), "Grandchild one", parent=cid("k5"), at=AT)
    tree.events.clear()
    return tree


def test_children_come_in_position_order_not_id_order() -> None:
    tree = against_the_alphabet()
    assert [c.id for c in tree.children(None)] == ["z", "y"]
    assert [c.id for c in tree.children(cid("z"))] == ["k9", "k5", "k1"]
    assert [c.position for c in tree.children(cid("z"))] == [0, 1, 2]


def test_children_follow_a_reorder() -> None:
    tree = against_the_alphabet()
    tree.reorder(cid("z"), [cid("k1"), cid("k9"), cid("k5")], at=AT)
    assert [c.id for c in tree.children(cid("z"))] == ["k1", "k9", "k5"]
    assert [(d, c.id) for d, c in tree.walk(cid("z"))] == [
        (0, "k1"),
        (0, "k9"),
        (0, "k5"),
        (1, "g2"),
        (1, "g1"),
    ]


def test_walk_starts_below_the_given_parent() -> None:
    tree = against_the_alphabet()
    assert [(d, c.id) for d, c in tree.walk(cid("k5"))] == [(0, "g2"), (0, "g1")]
    assert list(tree.walk(cid("k9"))) == []
    assert [c.id for _, c in tree.walk()] == ["z", "k9", "k5", "g2", "g1", "k1", "y"]


def test_ancestors_go_from_the_nearest_to_the_top() -> None:
    tree = against_the_alphabet()
    assert [a.id for a in tree.ancestors(cid("g1"))] == ["k5", "z"]
    assert tree.ancestors(cid("z")) == []


# -- the events of moves -------------------------------------------------------------------
def test_a_move_within_the_same_parent_records_the_new_position() -> None:
    tree = against_the_alphabet()
    tree.move(cid("k1"), parent=cid("z"), position=0, at=AT)
    assert [c.id for c in tree.children(cid("z"))] == ["k1", "k9", "k5"]
    assert tree.events == [
        CategoryMoved(
            category=cid("k1"), old_parent=cid("z"), new_parent=cid("z"), position=0, at=AT
        )
    ]


def test_a_move_to_where_it_already_is_records_nothing() -> None:
    tree = against_the_alphabet()
    tree.move(cid("k5"), parent=cid("z"), position=1, at=AT)
    tree.move(cid("k1"), parent=cid("z"), at=AT)  # already last
    assert tree.events == []
    assert [c.id for c in tree.children(cid("z"))] == ["k9", "k5", "k1"]


def test_a_move_under_another_parent_names_both_parents() -> None:
    tree = against_the_alphabet()
    tree.move(cid("k9"), parent=cid("y"), at=AT)
    tree.move(cid("y"), parent=cid("k1"), position=0, at=AT)
    assert tree.events == [
        CategoryMoved(
            category=cid("k9"), old_parent=cid("z"), new_parent=cid("y"), position=0, at=AT
        ),
        CategoryMoved(category=cid("y"), old_parent=None, new_parent=cid("k1"), position=0, at=AT),
    ]
    assert tree.get(cid("y")).parent == "k1"
    assert [c.id for c in tree.children(cid("z"))] == ["k5", "k1"]
    assert [c.position for c in tree.children(cid("z"))] == [0, 1]


def test_a_position_past_the_end_means_last() -> None:
    tree = against_the_alphabet()
    tree.add(cid("k0"), "Zero", parent=cid("z"), position=99, at=AT)
    tree.move(cid("k9"), parent=cid("z"), position=99, at=AT)
    assert [(c.id, c.position) for c in tree.children(cid("z"))] == [
        ("k5", 0),
        ("k1", 1),
        ("k0", 2),
        ("k9", 3),
    ]


@pytest.mark.parametrize("position", [-1, -100, True, "1", 1.0])
def test_positions_must_be_non_negative_integers(position: object) -> None:
    tree = against_the_alphabet()
    with pytest.raises(InputError) as err:
        tree.add(cid("n"), "New", parent=cid("z"), position=position, at=AT)  # type: ignore[arg-type]
    assert err.value.errors == (FieldError("position", "must be an integer >= 0"),)
    with pytest.raises(InputError) as err2:
        tree.move(cid("k1"), parent=cid("z"), position=position, at=AT)  # type: ignore[arg-type]
    assert err2.value.field == "position"
    assert cid("n") not in tree.nodes
    assert [c.id for c in tree.children(cid("z"))] == ["k9", "k5", "k1"]
    assert tree.events == []


def test_a_reorder_records_the_new_order() -> None:
    tree = against_the_alphabet()
    tree.reorder(None, [cid("y"), cid("z")], at=AT)
    tree.reorder(None, [cid("y"), cid("z")], at=AT)  # unchanged: nothing recorded
    assert tree.events == [CategoriesReordered(parent=None, order=(cid("y"), cid("z")), at=AT)]


# -- error details are API -----------------------------------------------------------------
def test_a_cycle_names_the_category_and_the_parent() -> None:
    tree = against_the_alphabet()
    with pytest.raises(CategoryCycle) as err:
        tree.move(cid("z"), parent=cid("g1"), at=AT)
    assert (err.value.category, err.value.parent, err.value.code) == ("z", "g1", "category_cycle")
    assert err.value.message == (
        "cannot move category 'Top' (z) under category 'Grandchild one' (g1): "
        "that is the category itself or one of its descendants"
    )
    with pytest.raises(CategoryCycle) as err2:
        tree.move(cid("k5"), parent=cid("k5"), at=AT)
    assert (err2.value.category, err2.value.parent) == ("k5", "k5")
    with pytest.raises(CategoryCycle):
        tree.move(cid("z"), parent=cid("k5"), at=AT)


def test_a_category_with_children_names_how_many() -> None:
    tree = against_the_alphabet()
    with pytest.raises(CategoryNotEmpty) as err:
        tree.remove(cid("k5"), at=AT)
    assert (err.value.category, err.value.children) == ("k5", 2)
    assert err.value.message == (
        "category 'Five' (k5) still has 2 subcategories; move or delete them first"
    )
    tree.remove(cid("g1"), at=AT)
    with pytest.raises(CategoryNotEmpty) as err2:
        tree.remove(cid("k5"), at=AT)
    assert err2.value.children == 1
    assert "still has 1 subcategory;" in err2.value.message


def test_a_duplicate_name_names_the_parent_and_the_existing_sibling() -> None:
    tree = against_the_alphabet()
    with pytest.raises(DuplicateCategoryName) as err:
        tree.add(cid("n"), "five", parent=cid("z"), at=AT)
    assert (err.value.name, err.value.parent, err.value.existing) == ("five", "z", "k5")
    assert err.value.message == "a category named 'five' already exists under 'z' ('k5')"
    with pytest.raises(DuplicateCategoryName) as top:
        tree.move(cid("k1"), parent=None, at=AT)
        tree.move(cid("k9"), parent=None, at=AT)
        tree.add(cid("n"), "SECOND", parent=None, at=AT)
    assert (top.value.parent, top.value.existing) == (None, "y")
    assert top.value.message == "a category named 'SECOND' already exists at the top level ('y')"


def test_moving_next_to_a_sibling_of_the_same_name_is_refused() -> None:
    tree = against_the_alphabet()
    tree.add(cid("n"), "Nine", parent=cid("y"), at=AT)
    with pytest.raises(DuplicateCategoryName) as err:
        tree.move(cid("n"), parent=cid("z"), at=AT)
    assert (err.value.existing, err.value.parent) == ("k9", "z")
    assert tree.get(cid("n")).parent == "y"


def test_unknown_ids_are_not_found_everywhere() -> None:
    tree = against_the_alphabet()
    for attempt in (
        lambda: tree.get(cid("nope")),
        lambda: tree.move(cid("nope"), parent=None, at=AT),
        lambda: tree.move(cid("k1"), parent=cid("nope"), at=AT),
        lambda: tree.reorder(cid("nope"), [], at=AT),
        lambda: tree.remove(cid("nope"), at=AT),
        lambda: tree.rename(cid("nope"), "X", at=AT),
    ):
        with pytest.raises(CategoryNotFound) as err:
            attempt()
        assert err.value.id == "nope"


def test_an_order_mismatch_lists_what_is_missing_and_unexpected() -> None:
    tree = against_the_alphabet()
    with pytest.raises(CategoryOrderMismatch) as err:
        tree.reorder(cid("z"), [cid("k9"), cid("y"), cid("k9")], at=AT)
    assert (err.value.parent, err.value.missing, err.value.unexpected) == (
        "z",
        ["k5", "k1"],
        ["y", "k9"],
    )


def test_a_taken_id_and_a_bad_new_name_name_their_field() -> None:
    tree = against_the_alphabet()
    with pytest.raises(InputError) as taken:
        tree.add(cid("k1"), "Another", parent=None, at=AT)
    assert taken.value.errors == (FieldError("id", "category id 'k1' is already taken"),)
    with pytest.raises(InputError) as blank:
        tree.rename(cid("k1"), "", at=AT)
    assert blank.value.errors == (FieldError("name", "must not be empty"),)
    assert tree.get(cid("k1")).name == "One"
    assert tree.events == []
