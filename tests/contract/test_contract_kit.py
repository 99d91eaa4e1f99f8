"""The contract suite is strict with the people who use it: it never hangs on a broken adapter
and never accepts a misspelt capability flag or a missing factory."""

from __future__ import annotations

import pytest

from commerce_adapters.memory import MemoryCategoryQueries, MemoryStorage
from commerce_adapters.memory import open_backend as open_memory
from commerce_core import Page, PageRequest
from commerce_core.app.ports import Storage
from commerce_core.catalog import CategoryId, CategoryNode, CategoryQueries, CategoryView
from commerce_core.testing.contracts import StorageContract

#: The fake gives up long after the suite should have (so the old suite failed, not hung).
CALL_LIMIT = 1000


class _CursorIgnoringQueries:
    """Category queries that always answer the first page, whatever the cursor says."""

    def __init__(self, inner: CategoryQueries) -> None:
        self.inner = inner
        self.calls = 0

    def tree(self) -> tuple[CategoryNode, ...]:
        return self.inner.tree()

    def get(self, id: CategoryId) -> CategoryView:
        return self.inner.get(id)

    def children(self, parent: CategoryId | None, page: PageRequest) -> Page[CategoryView]:
        self.calls += 1
        if self.calls > CALL_LIMIT:
            raise RuntimeError("the contract suite kept paging: it would have hung")
        return self.inner.children(parent, PageRequest(limit=page.limit))


class CursorIgnoringStorage(MemoryStorage):
    """The memory store with the cursor bug a newcomer's adapter might have."""

    def __init__(self) -> None:
        super().__init__()
        self._queries = _CursorIgnoringQueries(MemoryCategoryQueries(self))

    @property
    def categories(self) -> _CursorIgnoringQueries:  # type: ignore[override]
        return self._queries


def test_paging_stops_with_a_message_naming_an_adapter_that_ignores_the_cursor() -> None:
    class Suite(StorageContract):
        def make_storage(self) -> Storage:
            return CursorIgnoringStorage()

    storage = CursorIgnoringStorage()
    with pytest.raises(AssertionError) as caught:
        Suite().test_children_page_with_keyset_cursors(storage)

    assert "CursorIgnoringStorage" in str(caught.value)
    assert "ignores the `after` cursor" in str(caught.value)
    assert storage._queries.calls <= 60


def test_an_unknown_capability_flag_is_refused_with_the_known_ones() -> None:
    with pytest.raises(TypeError) as caught:

        class TestTypo(StorageContract):
            supports_concurrent_writers = True

            def make_storage(self) -> Storage:
                return open_memory("memory://")

    message = str(caught.value)
    assert "supports_concurrent_writers" in message
    assert "supports_row_locks" in message
    assert "supports_overlapping_units" in message


def test_the_known_flags_are_accepted_and_are_the_ones_the_suite_declares() -> None:
    class TestFine(StorageContract):
        supports_row_locks = True
        supports_overlapping_units = False

        def make_storage(self) -> Storage:
            return open_memory("memory://")

    declared = {name for name in vars(StorageContract) if name.startswith("supports_")}
    assert declared == StorageContract.CAPABILITIES
    assert TestFine.supports_row_locks is True


def test_a_test_class_without_make_storage_fails_once_with_a_clear_message() -> None:
    with pytest.raises(TypeError, match=r"TestForgotten .* does not define make_storage"):

        class TestForgotten(StorageContract):
            supports_row_locks = True


def test_a_helper_base_without_make_storage_is_allowed_but_its_factory_says_what_is_missing() -> (
    None
):
    class SharedBase(StorageContract):  # not collected by pytest: no Test prefix
        supports_row_locks = True

    with pytest.raises(NotImplementedError, match=r"SharedBase.make_storage\(\) is not"):
        SharedBase().make_storage()
