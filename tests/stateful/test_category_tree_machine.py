"""A state machine drives the category commands on a real backend and checks every step
against a small independent model: ordered child lists per parent."""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
    run_state_machine_as_test,
)
from tests.backends import Backend

from commerce_core import Actor, Commerce, CommerceError
from commerce_core.catalog import (
    CategoryId,
    CreateCategory,
    DeleteCategory,
    MoveCategory,
    RenameCategory,
    ReorderCategories,
)
from commerce_core.testing import FrozenClock, SequentialIds

STAFF = Actor.staff("machine")
NAMES = st.sampled_from(["服装", "Apparel", "apparel", "数码", "Books", "T恤"])
EXAMPLES = {"memory": 60, "sqlite": 25, "postgresql": 15, "mariadb": 15}


class Model:
    """Children lists per parent; the whole truth of a category tree."""

    def __init__(self) -> None:
        self.kids: dict[CategoryId | None, list[CategoryId]] = {None: []}
        self.names: dict[CategoryId, str] = {}
        self.parent: dict[CategoryId, CategoryId | None] = {}

    def name_taken(self, name: str, parent: CategoryId | None, ignore: CategoryId | None) -> bool:
        return any(
            self.names[k].casefold() == name.casefold() for k in self.kids[parent] if k != ignore
        )

    def descendants_or_self(self, id: CategoryId) -> set[CategoryId]:
        out = {id}
        for kid in self.kids[id]:
            out |= self.descendants_or_self(kid)
        return out

    def flat(self, parent: CategoryId | None = None, depth: int = 0) -> list[tuple[int, str, str]]:
        out: list[tuple[int, str, str]] = []
        for kid in self.kids[parent]:
            out.append((depth, kid, self.names[kid]))
            out.extend(self.flat(kid, depth + 1))
        return out


def make_machine(backend: Backend) -> type[RuleBasedStateMachine]:
    class CategoryMachine(RuleBasedStateMachine):
        categories = Bundle("categories")

        def __init__(self) -> None:
            super().__init__()
            self.shop = Commerce(backend.storage(), clock=FrozenClock(), ids=SequentialIds("m"))
            self.model = Model()

        def teardown(self) -> None:
            self.shop.close()

        def refused(self, command: object) -> bool:
            try:
                self.shop.execute(command, actor=STAFF)  # type: ignore[arg-type]
            except CommerceError:
                return True
            return False

        @rule(
            target=categories,
            name=NAMES,
            parent=st.none() | categories,
            pos=st.none() | st.integers(0, 4),
        )
        def create(self, name: str, parent: CategoryId | None, pos: int | None) -> CategoryId:
            m = self.model
            if parent is not None and parent not in m.names:
                parent = None
            if m.name_taken(name, parent, None):
                assert self.refused(CreateCategory(name=name, parent=parent, position=pos))
                return CategoryId("gone")
            new = self.shop.execute(
                CreateCategory(name=name, parent=parent, position=pos), actor=STAFF
            )
            siblings = m.kids[parent]
            siblings.insert(len(siblings) if pos is None else min(pos, len(siblings)), new)
            m.kids[new] = []
            m.names[new] = name
            m.parent[new] = parent
            return new

        @rule(id=categories, name=NAMES)
        def rename(self, id: CategoryId, name: str) -> None:
            m = self.model
            if id not in m.names:
                assert self.refused(RenameCategory(category=id, name=name))
                return
            if m.name_taken(name, m.parent[id], id):
                assert self.refused(RenameCategory(category=id, name=name))
                return
            self.shop.execute(RenameCategory(category=id, name=name), actor=STAFF)
            m.names[id] = name

        @rule(id=categories, parent=st.none() | categories, pos=st.none() | st.integers(0, 4))
        def move(self, id: CategoryId, parent: CategoryId | None, pos: int | None) -> None:
            m = self.model
            cmd = MoveCategory(category=id, parent=parent, position=pos)
            if id not in m.names or (parent is not None and parent not in m.names):
                assert self.refused(cmd)
                return
            if parent is not None and parent in m.descendants_or_self(id):
                assert self.refused(cmd)
                return
            if parent != m.parent[id] and m.name_taken(m.names[id], parent, id):
                assert self.refused(cmd)
                return
            self.shop.execute(cmd, actor=STAFF)
            m.kids[m.parent[id]].remove(id)
            siblings = m.kids[parent]
            siblings.insert(len(siblings) if pos is None else min(pos, len(siblings)), id)
            m.parent[id] = parent

        @rule(parent=st.none() | categories)
        def reverse_children(self, parent: CategoryId | None) -> None:
            m = self.model
            if parent is not None and parent not in m.names:
                return
            order = tuple(reversed(m.kids[parent]))
            self.shop.execute(ReorderCategories(parent=parent, order=order), actor=STAFF)
            m.kids[parent] = list(order)

        @rule(id=consumes(categories))
        def delete(self, id: CategoryId) -> None:
            m = self.model
            if id not in m.names or m.kids[id]:
                assert self.refused(DeleteCategory(category=id))
                return
            self.shop.execute(DeleteCategory(category=id), actor=STAFF)
            m.kids[m.parent[id]].remove(id)
            del m.kids[id], m.names[id], m.parent[id]

        @invariant()
        def store_matches_model(self) -> None:
            stored = [
                (d, n.id, n.name) for top in self.shop.categories.tree() for d, n in top.walk()
            ]
            assert stored == self.model.flat()
            for top in self.shop.categories.tree():
                for _, node in top.walk():
                    assert [c.position for c in node.children] == list(range(len(node.children)))

    return CategoryMachine


def test_category_commands_follow_the_model(backend: Backend) -> None:
    machine = make_machine(backend)
    run_state_machine_as_test(
        machine,
        settings=settings(max_examples=EXAMPLES[backend.name], stateful_step_count=25),
    )
