"""Contract suites every storage adapter runs, the library's own and anyone else's.

Subclass a mixin in a test module, give it a factory, and declare what the backend can::

    class TestMyStorage(StorageContract):
        supports_row_locks = True

        def make_storage(self) -> Storage:
            return MyStorage(...)   # a store with no data in it

The Protocols fix the shape of a port; these tests fix its behaviour. Capability flags
switch on the tests that only some backends can pass, instead of skip lists.

The suite is strict with its users too: a misspelt capability flag (``supports_row_lock``)
or a ``Test...`` subclass without ``make_storage`` is a ``TypeError`` when the class is
defined, and every loop is bounded, so a broken adapter fails with a message instead of
hanging.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import pytest
from attrs import evolve

from commerce_core.app.ports import IdempotencyRecord, OutboxMessage, Storage, Timer, TimerStatus
from commerce_core.catalog.errors import CategoryNotFound
from commerce_core.catalog.ids import CategoryId
from commerce_core.kernel.actors import Actor
from commerce_core.kernel.errors import ConcurrencyConflict, InputError
from commerce_core.kernel.pagination import PageRequest

__all__ = ["StorageContract"]

T0 = datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)
LEASE = T0 + timedelta(days=1)
ALICE = Actor.staff("alice")


def _cid(text: str) -> CategoryId:
    return CategoryId(text)


def _sample_tree(storage: Storage) -> None:
    with storage.unit_of_work() as uow:
        tree = uow.categories.get()
        tree.add(_cid("a"), "Apparel 服装", parent=None, at=T0)
        tree.add(_cid("a1"), "Men 男装", parent=_cid("a"), at=T0)
        tree.add(_cid("a2"), "Women 女装", parent=_cid("a"), at=T0)
        tree.add(_cid("a11"), "T-shirts T恤", parent=_cid("a1"), at=T0)
        tree.add(_cid("e"), "Electronics 数码", parent=None, at=T0)
        uow.categories.save(tree)
        uow.commit()


def _timer(key: str, due: datetime, name: str = "x") -> Timer:
    return Timer(
        key=key,
        due_at=due,
        command={"type": "catalog.create_category", "name": name, "parent": None, "position": None},
        actor=ALICE,
    )


#: The most pages a paging test reads before it decides the adapter ignores the cursor.
MAX_PAGES = 50


class StorageContract:
    """The behaviour of a :class:`~commerce_core.app.ports.Storage` and its unit of work."""

    #: The backend locks rows (``SELECT ... FOR UPDATE SKIP LOCKED``).
    supports_row_locks: ClassVar[bool] = False
    #: Two units of work may be open and writing at once (False: writers are serialized).
    supports_overlapping_units: ClassVar[bool] = True

    #: The capability flags this suite knows; any other ``supports_*`` name is a typo.
    CAPABILITIES: ClassVar[frozenset[str]] = frozenset(
        {"supports_row_locks", "supports_overlapping_units"}
    )

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Refuse unknown capability flags, and a test class that cannot make a store."""
        super().__init_subclass__(**kwargs)
        unknown = sorted(
            name
            for name in vars(cls)
            if name.startswith("supports_") and name not in StorageContract.CAPABILITIES
        )
        if unknown:
            raise TypeError(
                f"{cls.__qualname__} sets unknown capability flag(s) {', '.join(unknown)}; "
                f"the flags {StorageContract.__name__} knows are "
                f"{', '.join(sorted(StorageContract.CAPABILITIES))}"
            )
        if cls.__name__.startswith("Test") and cls.make_storage is StorageContract.make_storage:
            raise TypeError(
                f"{cls.__qualname__} runs the storage contract but does not define "
                "make_storage(self) -> Storage; return a new, empty store from it"
            )

    def make_storage(self) -> Storage:
        """Return a new, empty storage. Override this."""
        raise NotImplementedError(
            f"{type(self).__qualname__}.make_storage() is not implemented; "
            "return a new, empty store from it"
        )

    @pytest.fixture
    def storage(self) -> Iterator[Storage]:
        """A new, empty store from :meth:`make_storage`, closed after the test."""
        try:
            store = self.make_storage()
        except NotImplementedError as exc:
            pytest.fail(str(exc), pytrace=False)
        try:
            yield store
        finally:
            store.close()

    # -- the category tree repository --------------------------------------------------
    def test_an_empty_store_has_an_empty_tree_at_version_zero(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            tree = uow.categories.get()
        assert tree.nodes == {}
        assert tree.version == 0

    def test_a_committed_tree_reads_back_equal(self, storage: Storage) -> None:
        _sample_tree(storage)
        with storage.unit_of_work() as uow:
            tree = uow.categories.get()
        assert tree.version == 1
        assert [(d, c.name) for d, c in tree.walk()] == [
            (0, "Apparel 服装"),
            (1, "Men 男装"),
            (2, "T-shirts T恤"),
            (1, "Women 女装"),
            (0, "Electronics 数码"),
        ]

    def test_every_change_kind_is_stored(self, storage: Storage) -> None:
        _sample_tree(storage)
        with storage.unit_of_work() as uow:
            tree = uow.categories.get()
            tree.rename(_cid("a2"), "Womenswear", at=T0)
            tree.move(_cid("a11"), parent=_cid("a2"), at=T0)
            tree.reorder(None, [_cid("e"), _cid("a")], at=T0)
            tree.remove(_cid("a1"), at=T0)
            uow.categories.save(tree)
            uow.commit()
            expected = dict(tree.nodes)
        with storage.unit_of_work() as uow:
            again = uow.categories.get()
        assert again.nodes == expected
        assert again.version == 2

    def test_get_returns_a_copy(self, storage: Storage) -> None:
        _sample_tree(storage)
        with storage.unit_of_work() as uow:
            tree = uow.categories.get()
            tree.rename(_cid("a"), "Changed but not saved", at=T0)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.categories.get().get(_cid("a")).name == "Apparel 服装"

    def test_save_stores_a_copy(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            tree = uow.categories.get()
            tree.add(_cid("a"), "Apparel", parent=None, at=T0)
            uow.categories.save(tree)
            uow.commit()
        tree.rename(_cid("a"), "Mutated after commit", at=T0)
        with storage.unit_of_work() as uow:
            assert uow.categories.get().get(_cid("a")).name == "Apparel"

    def test_a_unit_of_work_sees_its_own_writes(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            tree = uow.categories.get()
            tree.add(_cid("a"), "Apparel", parent=None, at=T0)
            uow.categories.save(tree)
            assert _cid("a") in uow.categories.get().nodes

    def test_leaving_without_commit_discards_everything(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            tree = uow.categories.get()
            tree.add(_cid("a"), "Apparel", parent=None, at=T0)
            uow.categories.save(tree)
            uow.outbox.add([_message("m1")])
            uow.timers.schedule(_timer("t1", T0))
        with storage.unit_of_work() as uow:
            assert uow.categories.get().nodes == {}
            assert uow.outbox.pending() == []
            assert uow.timers.get("t1") is None

    def test_an_exception_after_the_first_write_leaves_no_trace(self, storage: Storage) -> None:
        _sample_tree(storage)
        with pytest.raises(RuntimeError), storage.unit_of_work() as uow:
            tree = uow.categories.get()
            tree.rename(_cid("a"), "Half done", at=T0)
            uow.categories.save(tree)
            raise RuntimeError("crash")
        with storage.unit_of_work() as uow:
            tree = uow.categories.get()
        assert tree.get(_cid("a")).name == "Apparel 服装"
        assert tree.version == 1

    def test_rollback_discards_and_the_unit_can_go_on(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            tree = uow.categories.get()
            tree.add(_cid("a"), "Apparel", parent=None, at=T0)
            uow.categories.save(tree)
            uow.rollback()
            fresh = uow.categories.get()
            assert fresh.nodes == {}
            fresh.add(_cid("b"), "Books", parent=None, at=T0)
            uow.categories.save(fresh)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert list(uow.categories.get().nodes) == ["b"]

    def test_a_stale_tree_conflicts(self, storage: Storage) -> None:
        _sample_tree(storage)
        first = storage.unit_of_work()
        second = storage.unit_of_work()
        with first:
            stale = first.categories.get()
        with second:
            tree = second.categories.get()
            tree.rename(_cid("a"), "Winner", at=T0)
            second.categories.save(tree)
            second.commit()
        with storage.unit_of_work() as third:
            stale.rename(_cid("e"), "Loser", at=T0)
            with pytest.raises(ConcurrencyConflict) as err:
                third.categories.save(stale)
                third.commit()
        assert err.value.what == "category tree"
        with storage.unit_of_work() as uow:
            final = uow.categories.get()
        assert final.get(_cid("a")).name == "Winner"
        assert final.get(_cid("e")).name == "Electronics 数码"

    def test_a_tree_created_concurrently_conflicts(self, storage: Storage) -> None:
        with storage.unit_of_work() as first:
            late = first.categories.get()
        assert late.version == 0
        _sample_tree(storage)
        with storage.unit_of_work() as uow:
            late.add(_cid("x"), "Late", parent=None, at=T0)
            with pytest.raises(ConcurrencyConflict) as err:
                uow.categories.save(late)
                uow.commit()
        assert err.value.what == "category tree"
        with storage.unit_of_work() as uow:
            tree = uow.categories.get()
        assert (tree.version, _cid("x") in tree.nodes) == (1, False)

    def test_saving_twice_in_one_unit_stores_the_last_state(self, storage: Storage) -> None:
        _sample_tree(storage)
        with storage.unit_of_work() as uow:
            tree = uow.categories.get()
            tree.rename(_cid("a"), "Once", at=T0)
            uow.categories.save(tree)
            tree.rename(_cid("a"), "Twice", at=T0)
            tree.remove(_cid("e"), at=T0)
            tree.add(_cid("n"), "New", parent=_cid("a"), position=0, at=T0)
            uow.categories.save(tree)
            uow.commit()
            expected = dict(tree.nodes)
        with storage.unit_of_work() as uow:
            again = uow.categories.get()
        assert again.nodes == expected
        assert again.version == 3
        assert [c.id for c in again.children(_cid("a"))] == ["n", "a1", "a2"]

    def test_a_current_tree_read_in_an_earlier_unit_can_be_saved(self, storage: Storage) -> None:
        _sample_tree(storage)
        with storage.unit_of_work() as first:
            tree = first.categories.get()
        tree.rename(_cid("a1"), "Menswear", at=T0)
        tree.remove(_cid("e"), at=T0)
        tree.add(_cid("n"), "New", parent=None, at=T0)
        with storage.unit_of_work() as uow:
            uow.categories.save(tree)
            uow.commit()
            expected = dict(tree.nodes)
        with storage.unit_of_work() as uow:
            again = uow.categories.get()
        assert (again.nodes, again.version) == (expected, 2)

    def test_saving_bumps_the_version_and_collects_events(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            tree = uow.categories.get()
            tree.add(_cid("a"), "Apparel", parent=None, at=T0)
            uow.categories.save(tree)
            assert tree.version == 1
            events = uow.collect_events()
            assert [e.type_name for e in events] == ["catalog.category_created"]
            assert uow.collect_events() == []

    # -- the outbox ----------------------------------------------------------------------
    def test_outbox_messages_wait_until_published(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            uow.outbox.add([_message("m1"), _message("m2", later=1)])
            uow.commit()
        with storage.unit_of_work() as uow:
            pending = uow.outbox.pending()
            assert [m.id for m in pending] == ["m1", "m2"]
            assert pending[0] == _message("m1")
            uow.outbox.mark_published(["m1"], T0 + timedelta(seconds=5))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert [m.id for m in uow.outbox.pending()] == ["m2"]
            assert [m.id for m in uow.outbox.pending(limit=0)] == []

    def test_pending_gives_at_most_a_hundred_messages_by_default(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            uow.outbox.add([_message(f"m{i:03}", later=i) for i in range(101)])
            uow.commit()
        with storage.unit_of_work() as uow:
            pending = uow.outbox.pending()
        assert [m.id for m in pending] == [f"m{i:03}" for i in range(100)]

    def test_a_message_added_as_published_is_not_pending(self, storage: Storage) -> None:
        done = evolve(_message("m1"), published_at=T0 + timedelta(seconds=1))
        with storage.unit_of_work() as uow:
            uow.outbox.add([done, _message("m2")])
            uow.outbox.add([])
            uow.commit()
        with storage.unit_of_work() as uow:
            assert [m.id for m in uow.outbox.pending()] == ["m2"]

    # -- idempotency ---------------------------------------------------------------------
    def test_idempotency_records_read_back(self, storage: Storage) -> None:
        record = IdempotencyRecord("k1", "f" * 64, None, ALICE, T0)
        with storage.unit_of_work() as uow:
            assert uow.idempotency.get("k1") is None
            uow.idempotency.add(record)
            uow.idempotency.set_result("k1", {"id": "a", "n": [1, 2]})
            uow.commit()
        record = IdempotencyRecord("k1", "f" * 64, {"id": "a", "n": [1, 2]}, ALICE, T0)
        with storage.unit_of_work() as uow:
            assert uow.idempotency.get("k1") == record

    def test_a_reused_idempotency_key_conflicts(self, storage: Storage) -> None:
        record = IdempotencyRecord("k1", "f" * 64, None, ALICE, T0)
        with storage.unit_of_work() as uow:
            uow.idempotency.add(record)
            uow.commit()
        with storage.unit_of_work() as uow, pytest.raises(ConcurrencyConflict):
            uow.idempotency.add(record)
            uow.commit()

    def test_an_idempotency_record_keeps_the_result_it_was_added_with(
        self, storage: Storage
    ) -> None:
        record = IdempotencyRecord("k2", "e" * 64, {"id": "x", "ok": True}, ALICE, T0)
        with storage.unit_of_work() as uow:
            uow.idempotency.add(record)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.idempotency.get("k2") == record
            assert uow.idempotency.get("k3") is None

    # -- timers --------------------------------------------------------------------------
    def test_timers_are_claimed_in_due_order_once_due(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            # Keys sort against due times, so ordering by key would show.
            uow.timers.schedule(_timer("a-late", T0 + timedelta(minutes=5)))
            uow.timers.schedule(_timer("z-early", T0))
            uow.commit()
        lease = T0 + timedelta(minutes=10)
        with storage.unit_of_work() as uow:
            assert (
                uow.timers.claim_due(T0 - timedelta(microseconds=1), claim="c0", lease_until=lease)
                is None
            )
            claimed = uow.timers.claim_due(T0, claim="c1", lease_until=lease)
            assert claimed == evolve(_timer("z-early", T0), claim="c1", lease_until=lease)
            assert claimed.due_at.tzinfo is not None
            uow.commit()
        with storage.unit_of_work() as uow:
            stored = uow.timers.get("z-early")
            assert stored is not None
            assert (stored.claim, stored.lease_until) == ("c1", lease)
            assert uow.timers.complete("z-early", "c1") is True
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.timers.get("z-early") is None
            later = uow.timers.claim_due(T0 + timedelta(hours=1), claim="c2", lease_until=lease)
            assert later is not None
            assert later.key == "a-late"

    def test_a_claimed_timer_is_not_claimed_again_until_its_lease_ends(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            uow.timers.schedule(_timer("k", T0))
            uow.commit()
        lease = T0 + timedelta(minutes=5)
        with storage.unit_of_work() as uow:
            assert uow.timers.claim_due(T0, claim="first", lease_until=lease) is not None
            uow.commit()
        with storage.unit_of_work() as uow:
            assert (
                uow.timers.claim_due(
                    lease - timedelta(microseconds=1), claim="x", lease_until=lease
                )
                is None
            )
            assert uow.timers.count_pending() == 1
            taken = uow.timers.claim_due(
                lease, claim="second", lease_until=lease + timedelta(minutes=5)
            )
            assert taken is not None
            assert taken.claim == "second"
            uow.commit()
        with storage.unit_of_work() as uow:
            # The first worker lost its claim: it can neither complete nor fail the timer.
            assert uow.timers.complete("k", "first") is False
            assert uow.timers.fail("k", "first", error="late") is False
            assert uow.timers.retry_later("k", "first", due_at=T0, error="late") is False
            assert uow.timers.release("k", "first") is False
            assert uow.timers.complete("k", "second") is True
            uow.commit()

    def test_scheduling_the_same_key_replaces_the_timer(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            uow.timers.schedule(_timer("k", T0, name="first"))
            uow.commit()
        with storage.unit_of_work() as uow:
            uow.timers.schedule(_timer("k", T0 + timedelta(days=1), name="second"))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.timers.get("k") == _timer("k", T0 + timedelta(days=1), name="second")

    def test_a_replaced_timer_is_a_new_instance_the_old_claim_cannot_complete(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            uow.timers.schedule(evolve(_timer("k", T0), token="t1"))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.timers.claim_due(T0, claim="c", lease_until=T0 + timedelta(minutes=5))
            uow.commit()
        again = evolve(_timer("k", T0 + timedelta(hours=1), name="again"), token="t2")
        with storage.unit_of_work() as uow:
            uow.timers.schedule(again)
            assert uow.timers.complete("k", "c") is False
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.timers.get("k") == again

    def test_cancel_removes_a_timer(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            uow.timers.schedule(_timer("k", T0))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.timers.cancel("k") is True
            assert uow.timers.cancel("k") is False
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.timers.get("k") is None

    def test_completing_a_timer_twice_does_nothing_the_second_time(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            uow.timers.schedule(_timer("k", T0))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.timers.claim_due(T0, claim="c", lease_until=T0 + timedelta(minutes=1))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.timers.complete("k", "c") is True
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.timers.complete("k", "c") is False
            uow.commit()

    def test_changing_a_timer_that_is_gone_does_nothing(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            assert uow.timers.complete("ghost", "c") is False
            assert uow.timers.retry_later("ghost", "c", due_at=T0, error="boom") is False
            assert uow.timers.fail("ghost", "c", error="refused") is False
            assert uow.timers.release("ghost", "c") is False
            assert uow.timers.get("ghost") is None

    def test_retry_later_and_fail_count_attempts_and_free_the_lease(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            uow.timers.schedule(_timer("a", T0))
            uow.timers.schedule(_timer("b", T0))
            uow.commit()
        lease = T0 + timedelta(hours=2)
        with storage.unit_of_work() as uow:
            assert uow.timers.claim_due(T0, claim="ca", lease_until=lease) is not None
            assert uow.timers.claim_due(T0, claim="cb", lease_until=lease) is not None
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.timers.retry_later("a", "ca", due_at=T0 + timedelta(minutes=1), error="boom")
            assert uow.timers.fail("b", "cb", error="refused")
            uow.commit()
        with storage.unit_of_work() as uow:
            a = uow.timers.get("a")
            assert a is not None
            assert (a.attempts, a.last_error, a.due_at) == (1, "boom", T0 + timedelta(minutes=1))
            assert (a.claim, a.lease_until) == (None, None)
            assert [(t.key, t.status, t.attempts) for t in uow.timers.failed()] == [
                ("b", TimerStatus.FAILED, 1)
            ]
            assert uow.timers.count_pending() == 1
            assert uow.timers.count_pending(T0) == 0
            assert uow.timers.count_pending(T0 + timedelta(minutes=1)) == 1
            claimed = uow.timers.claim_due(T0 + timedelta(days=1), claim="again", lease_until=lease)
            assert claimed == evolve(a, claim="again", lease_until=lease)

    def test_release_frees_the_lease_without_counting_an_attempt(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            uow.timers.schedule(_timer("k", T0))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.timers.claim_due(T0, claim="c", lease_until=T0 + timedelta(hours=1))
            assert uow.timers.release("k", "c") is True
            uow.commit()
        with storage.unit_of_work() as uow:
            again = uow.timers.claim_due(T0, claim="d", lease_until=T0 + timedelta(hours=1))
            assert again is not None
            assert again.attempts == 0

    def test_two_workers_never_both_claim_one_timer(self, storage: Storage) -> None:
        if not self.supports_overlapping_units:
            pytest.skip("capability: this backend runs write transactions one at a time")
        with storage.unit_of_work() as uow:
            uow.timers.schedule(_timer("t1", T0))
            uow.timers.schedule(_timer("t2", T0 + timedelta(seconds=1)))
            uow.commit()
        now = T0 + timedelta(minutes=1)
        lease = now + timedelta(minutes=5)
        with storage.unit_of_work() as first, storage.unit_of_work() as second:
            one = first.timers.claim_due(now, claim="w1", lease_until=lease)
            two = second.timers.claim_due(now, claim="w2", lease_until=lease)
            assert one is not None
            assert two is not None
            if self.supports_row_locks:
                # SKIP LOCKED: the second worker passes over the timer the first holds.
                assert {one.key, two.key} == {"t1", "t2"}
                return
            assert one.key == two.key == "t1"
            first.commit()
            with pytest.raises(ConcurrencyConflict):
                second.commit()

    # -- category queries ----------------------------------------------------------------
    def test_the_tree_query_nests_children_in_order(self, storage: Storage) -> None:
        _sample_tree(storage)
        forest = storage.categories.tree()
        assert [n.name for n in forest] == ["Apparel 服装", "Electronics 数码"]
        assert [(d, n.name) for d, n in forest[0].walk()] == [
            (0, "Apparel 服装"),
            (1, "Men 男装"),
            (2, "T-shirts T恤"),
            (1, "Women 女装"),
        ]

    def test_get_gives_the_path_and_child_count(self, storage: Storage) -> None:
        _sample_tree(storage)
        view = storage.categories.get(_cid("a11"))
        assert view.path == ("Apparel 服装", "Men 男装", "T-shirts T恤")
        assert (view.depth, view.parent, view.position, view.child_count) == (2, "a1", 0, 0)
        assert storage.categories.get(_cid("a")).child_count == 2
        with pytest.raises(CategoryNotFound) as err:
            storage.categories.get(_cid("nope"))
        assert err.value.id == "nope"

    def test_children_page_with_keyset_cursors(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            tree = uow.categories.get()
            tree.add(_cid("p"), "Parent", parent=None, at=T0)
            for i in range(7):
                tree.add(_cid(f"c{i}"), f"Child {i}", parent=_cid("p"), at=T0)
            uow.categories.save(tree)
            uow.commit()
        seen: list[str] = []
        after: str | None = None
        pages = 0
        while True:
            page = storage.categories.children(_cid("p"), PageRequest(limit=3, after=after))
            seen.extend(v.id for v in page.items)
            pages += 1
            if page.next_cursor is None:
                break
            assert pages < MAX_PAGES, (
                f"{type(storage).__name__}.categories.children() gave a next_cursor on "
                f"{MAX_PAGES} pages of 3 out of 7 children: it ignores the `after` cursor"
            )
            after = page.next_cursor
        assert seen == [f"c{i}" for i in range(7)]
        assert pages == 3
        top = storage.categories.children(None, PageRequest())
        assert [(v.id, v.path, v.child_count) for v in top.items] == [("p", ("Parent",), 7)]
        with pytest.raises(InputError) as bad:
            storage.categories.children(_cid("p"), PageRequest(after="garbage!"))
        assert bad.value.field == "after"
        with pytest.raises(CategoryNotFound) as err:
            storage.categories.children(_cid("nope"), PageRequest())
        assert err.value.id == "nope"

    def test_an_empty_tree_query(self, storage: Storage) -> None:
        assert storage.categories.tree() == ()
        assert storage.categories.children(None, PageRequest()).items == ()

    # -- orderings, with ids that sort against the key -----------------------------------
    # Ids in the tests above happen to sort like the key they are ordered by; these use ids
    # in the opposite order, so an adapter that orders by id (or not at all) fails.
    def test_pending_messages_come_in_occurrence_order_then_id(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            uow.outbox.add([_message("m3"), _message("m1", later=2), _message("m2", later=1)])
            uow.outbox.add([_message("m0", later=2)])
            uow.commit()
        with storage.unit_of_work() as uow:
            assert [m.id for m in uow.outbox.pending()] == ["m3", "m2", "m0", "m1"]
            assert [m.id for m in uow.outbox.pending(limit=2)] == ["m3", "m2"]
            uow.outbox.mark_published(["m2"], T0)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert [m.id for m in uow.outbox.pending(limit=2)] == ["m3", "m0"]

    def test_due_timers_are_claimed_by_due_time_then_key(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            uow.timers.schedule(_timer("a", T0 + timedelta(minutes=2)))
            uow.timers.schedule(_timer("c", T0))
            uow.timers.schedule(_timer("b", T0 + timedelta(minutes=1)))
            uow.timers.schedule(_timer("z", T0 + timedelta(minutes=3)))
            uow.timers.schedule(_timer("y", T0 + timedelta(minutes=3)))
            uow.commit()
        claimed: list[str] = []
        for _ in range(5):
            with storage.unit_of_work() as uow:
                timer = uow.timers.claim_due(T0 + timedelta(hours=1), claim="c", lease_until=LEASE)
                assert timer is not None
                claimed.append(timer.key)
                assert uow.timers.cancel(timer.key) is True
                uow.commit()
        assert claimed == ["c", "b", "a", "y", "z"]
        with storage.unit_of_work() as uow:
            assert (
                uow.timers.claim_due(T0 + timedelta(hours=1), claim="c", lease_until=LEASE) is None
            )

    def test_failed_timers_are_listed_by_due_time_then_key(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            uow.timers.schedule(_timer("a", T0 + timedelta(minutes=2)))
            uow.timers.schedule(_timer("b", T0))
            uow.timers.schedule(_timer("d", T0 + timedelta(minutes=1)))
            uow.timers.schedule(_timer("c", T0 + timedelta(minutes=1)))
            uow.timers.schedule(_timer("e", T0 + timedelta(minutes=1)))
            uow.commit()
        with storage.unit_of_work() as uow:
            for _ in range(5):
                claimed = uow.timers.claim_due(
                    T0 + timedelta(hours=1), claim="c", lease_until=LEASE
                )
                assert claimed is not None
            for key in ["a", "b", "d", "c"]:
                assert uow.timers.fail(key, "c", error=f"refused {key}")
            assert uow.timers.release("e", "c")
            uow.commit()
        with storage.unit_of_work() as uow:
            failed = uow.timers.failed()
            assert [t.key for t in failed] == ["b", "c", "d", "a"]
            assert [t.last_error for t in failed] == [
                "refused b",
                "refused c",
                "refused d",
                "refused a",
            ]
            assert uow.timers.count_pending() == 1

    def test_count_pending_includes_a_timer_due_exactly_at_the_bound(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            uow.timers.schedule(_timer("now", T0))
            uow.timers.schedule(_timer("later", T0 + timedelta(seconds=1)))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.timers.count_pending(T0 - timedelta(microseconds=1)) == 0
            assert uow.timers.count_pending(T0) == 1
            assert uow.timers.count_pending(T0 + timedelta(seconds=1)) == 2
            assert uow.timers.count_pending() == 2
            assert uow.timers.claim_due(T0, claim="c", lease_until=LEASE) is not None

    def test_category_queries_follow_positions_not_ids(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            tree = uow.categories.get()
            tree.add(_cid("z"), "Top", parent=None, at=T0)
            tree.add(_cid("y"), "Second", parent=None, at=T0)
            for kid in ["k9", "k5", "k1"]:
                tree.add(_cid(kid), f"Kid {kid}", parent=_cid("z"), at=T0)
            uow.categories.save(tree)
            uow.commit()
        assert [(n.id, n.position) for n in storage.categories.tree()] == [("z", 0), ("y", 1)]
        assert [(n.id, n.position) for n in storage.categories.tree()[0].children] == [
            ("k9", 0),
            ("k5", 1),
            ("k1", 2),
        ]
        page = storage.categories.children(_cid("z"), PageRequest())
        assert [(v.id, v.position) for v in page.items] == [("k9", 0), ("k5", 1), ("k1", 2)]
        assert {(v.parent, v.depth, v.path[0]) for v in page.items} == {("z", 1, "Top")}
        assert [v.id for v in storage.categories.children(None, PageRequest()).items] == ["z", "y"]
        with storage.unit_of_work() as uow:
            tree = uow.categories.get()
            tree.reorder(_cid("z"), [_cid("k5"), _cid("k1"), _cid("k9")], at=T0)
            tree.move(_cid("y"), parent=None, position=0, at=T0)
            uow.categories.save(tree)
            uow.commit()
        assert [n.id for n in storage.categories.tree()] == ["y", "z"]
        assert [n.id for n in storage.categories.tree()[1].children] == ["k5", "k1", "k9"]
        first = storage.categories.children(_cid("z"), PageRequest(limit=2))
        assert [v.id for v in first.items] == ["k5", "k1"]
        assert first.next_cursor is not None
        rest = storage.categories.children(_cid("z"), PageRequest(limit=2, after=first.next_cursor))
        assert [v.id for v in rest.items] == ["k9"]
        assert rest.next_cursor is None
        view = storage.categories.get(_cid("k9"))
        assert (view.id, view.name, view.position, view.depth, view.parent, view.path) == (
            "k9",
            "Kid k9",
            2,
            1,
            "z",
            ("Top", "Kid k9"),
        )

    def test_a_page_size_that_divides_the_count_ends_without_a_cursor(
        self, storage: Storage
    ) -> None:
        with storage.unit_of_work() as uow:
            tree = uow.categories.get()
            tree.add(_cid("p"), "Parent", parent=None, at=T0)
            for i in range(6):
                tree.add(_cid(f"c{i}"), f"Child {i}", parent=_cid("p"), at=T0)
            uow.categories.save(tree)
            uow.commit()
        first = storage.categories.children(_cid("p"), PageRequest(limit=3))
        assert [v.id for v in first.items] == ["c0", "c1", "c2"]
        assert first.next_cursor is not None
        second = storage.categories.children(
            _cid("p"), PageRequest(limit=3, after=first.next_cursor)
        )
        assert [v.id for v in second.items] == ["c3", "c4", "c5"]
        assert second.next_cursor is None
        whole = storage.categories.children(_cid("p"), PageRequest(limit=6))
        assert len(whole.items) == 6
        assert whole.next_cursor is None
        top = storage.categories.children(None, PageRequest(limit=1))
        assert [v.id for v in top.items] == ["p"]
        assert top.next_cursor is None
        assert (top.items[0].parent, top.items[0].depth, top.items[0].child_count) == (None, 0, 6)


def _message(id: str, later: int = 0) -> OutboxMessage:
    return OutboxMessage(
        id=id,
        type="catalog.category_created",
        payload={"type": "catalog.category_created", "name": "x", "n": 1},
        actor=ALICE,
        occurred_at=T0 + timedelta(seconds=later),
    )
