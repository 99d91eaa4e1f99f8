"""Regressions for the storage, timer and tree defects, on every selected backend."""

from __future__ import annotations

import threading
import unicodedata
from datetime import datetime, timedelta

import pytest
from attrs import frozen

from commerce_core import (
    Actor,
    Commerce,
    ConfigurationError,
    IdempotencyConflict,
    InputError,
    RunReport,
    StorageError,
)
from commerce_core.app import HandlerContext
from commerce_core.catalog import (
    CATEGORY_MAX_DEPTH,
    CategoryId,
    CategoryNotFound,
    CategoryTooDeep,
    CreateCategory,
    DuplicateCategoryName,
    MoveCategory,
    RenameCategory,
)
from commerce_core.kernel import Command
from commerce_core.testing import FrozenClock, SequentialIds
from tests.backends import Backend
from tests.concurrency.test_real_threads import run_threads


def _version(shop: Commerce) -> int:
    with shop.storage.unit_of_work() as uow:
        return uow.categories.get().version


# -- 2. a timer that re-arms its own key -----------------------------------------------------------


@frozen(kw_only=True)
class Tick(Command[None]):
    type_name = "test.regressions.tick"
    n: int


def test_a_timer_that_reschedules_its_own_key_is_kept(
    shop: Commerce, clock: FrozenClock, staff: Actor
) -> None:
    ran: list[int] = []

    def tick(cmd: Tick, ctx: HandlerContext) -> None:
        ran.append(cmd.n)
        ctx.schedule(Tick(n=cmd.n + 1), due_at=ctx.now() + timedelta(hours=1), key="recurring")

    shop.register(Tick, tick)
    shop.schedule(Tick(n=1), due_at=clock.now(), key="recurring", actor=staff)
    for _ in range(3):
        assert shop.run_due().done == ("recurring",)
        timer = shop.scheduled("recurring")
        assert timer is not None
        assert timer.due_at == clock.now() + timedelta(hours=1)
        assert timer.claim is None
        clock.advance(hours=1)
    assert ran == [1, 2, 3]


def test_a_timer_that_cancels_its_own_key_is_gone_and_its_work_kept(
    shop: Commerce, clock: FrozenClock, staff: Actor
) -> None:
    def last_tick(cmd: Tick, ctx: HandlerContext) -> None:
        ctx.uow.categories.get()  # touch storage, then decide
        assert ctx.cancel_schedule("once") is True

    shop.register(Tick, last_tick)
    shop.schedule(Tick(n=1), due_at=clock.now(), key="once", actor=staff)
    assert shop.run_due().done == ("once",)
    assert shop.scheduled("once") is None


# -- 3. failures are recorded under the claim ------------------------------------------------------


@frozen(kw_only=True)
class Boom(Command[None]):
    type_name = "test.regressions.boom"
    key: str


def test_workers_run_a_failing_timer_once_per_round_and_keep_the_backoff(
    backend: Backend, staff: Actor
) -> None:
    clock = FrozenClock()
    shop = Commerce(backend.storage(), clock=clock, ids=SequentialIds("w"))
    calls: dict[str, int] = {}
    lock = threading.Lock()

    def boom(cmd: Boom, ctx: HandlerContext) -> None:
        with lock:
            calls[cmd.key] = calls.get(cmd.key, 0) + 1
        raise OSError("the provider timed out")

    shop.register(Boom, boom)
    keys = [f"boom-{i:02d}" for i in range(20)]
    for key in keys:
        shop.schedule(Boom(key=key), due_at=clock.now(), key=key, actor=staff)
    reports: list[RunReport] = []
    errors = run_threads(4, lambda _: reports.append(shop.run_due()))
    assert errors == []
    assert calls == dict.fromkeys(keys, 1)
    assert sorted(k for r in reports for k in r.retried) == keys
    for key in keys:
        timer = shop.scheduled(key)
        assert timer is not None
        assert (timer.attempts, timer.due_at) == (1, clock.now() + timedelta(seconds=30))
    shop.close()


@frozen(kw_only=True)
class FailOnce(Command[None]):
    type_name = "test.regressions.fail_once"
    key: str


def test_workers_racing_on_fail_once_timers_never_raise_and_lose_no_report(
    backend: Backend, staff: Actor
) -> None:
    clock = FrozenClock()
    shop = Commerce(backend.storage(), clock=clock, ids=SequentialIds("f"))
    failed_once: set[str] = set()
    lock = threading.Lock()

    def fail_once(cmd: FailOnce, ctx: HandlerContext) -> None:
        with lock:
            first = cmd.key not in failed_once
            failed_once.add(cmd.key)
        if first:
            raise OSError("flaky")

    shop.register(FailOnce, fail_once)
    keys = [f"once-{i:02d}" for i in range(12)]
    for key in keys:
        shop.schedule(FailOnce(key=key), due_at=clock.now(), key=key, actor=staff)
    for _ in range(2):
        reports: list[RunReport] = []

        def run(_: int, into: list[RunReport] = reports) -> None:
            into.append(shop.run_due())

        assert run_threads(4, run) == []
        assert len(reports) == 4
        clock.advance(minutes=1)
    assert shop.scheduled_count() == 0
    assert shop.failed_timers() == []
    shop.close()


# -- 4. keys and ids match exactly -----------------------------------------------------------------


def test_idempotency_keys_match_exactly(shop: Commerce, staff: Actor) -> None:
    first = shop.execute(CreateCategory(name="One"), actor=staff, idempotency_key="k1")
    other = shop.execute(CreateCategory(name="Two"), actor=staff, idempotency_key="K1")
    assert first != other
    cafe = shop.execute(CreateCategory(name="Cafe"), actor=staff, idempotency_key="cafe")
    accented = shop.execute(CreateCategory(name="Café"), actor=staff, idempotency_key="café")
    assert cafe != accented
    assert len(shop.categories.tree()) == 4
    with pytest.raises(IdempotencyConflict):
        shop.execute(CreateCategory(name="Three"), actor=staff, idempotency_key="k1")


def test_timer_keys_match_exactly(shop: Commerce, clock: FrozenClock, staff: Actor) -> None:
    shop.schedule(CreateCategory(name="A"), due_at=clock.now(), key="close:order-a", actor=staff)
    shop.schedule(CreateCategory(name="B"), due_at=clock.now(), key="close:ORDER-A", actor=staff)
    assert shop.scheduled_count() == 2
    assert sorted(shop.run_due().done) == ["close:ORDER-A", "close:order-a"]


def test_ids_match_exactly_in_reads_and_writes(shop: Commerce, staff: Actor) -> None:
    new = shop.execute(CreateCategory(name="Shoes"), actor=staff)
    shouted = CategoryId(new.upper())
    assert shouted != new
    with pytest.raises(CategoryNotFound):
        shop.categories.get(shouted)
    with pytest.raises(CategoryNotFound):
        shop.execute(RenameCategory(category=shouted, name="Boots"), actor=staff)


# -- 5 and 6. deep trees ---------------------------------------------------------------------------


def test_the_tree_has_a_depth_limit_on_write_and_every_stored_tree_reads(
    shop: Commerce, staff: Actor
) -> None:
    chain: list[CategoryId] = []
    parent: CategoryId | None = None
    for level in range(CATEGORY_MAX_DEPTH):
        parent = shop.execute(CreateCategory(name=f"L{level}", parent=parent), actor=staff)
        chain.append(parent)
    version = _version(shop)
    with pytest.raises(CategoryTooDeep) as err:
        shop.execute(CreateCategory(name="too deep", parent=chain[-1]), actor=staff)
    assert (err.value.depth, err.value.limit) == (CATEGORY_MAX_DEPTH + 1, CATEGORY_MAX_DEPTH)
    side = shop.execute(CreateCategory(name="side"), actor=staff)
    shop.execute(CreateCategory(name="leaf", parent=side), actor=staff)
    with pytest.raises(CategoryTooDeep):
        shop.execute(MoveCategory(category=side, parent=chain[-2]), actor=staff)
    assert _version(shop) == version + 2
    deepest = shop.categories.get(chain[-1])
    assert deepest.depth == CATEGORY_MAX_DEPTH - 1
    assert deepest.path[0] == "L0"
    assert len(deepest.path) == CATEGORY_MAX_DEPTH
    top = shop.categories.tree()[0]
    assert len(top.walk()) == CATEGORY_MAX_DEPTH


# -- 7. look-alike names and unencodable text ------------------------------------------------------


@pytest.mark.parametrize(
    "twin",
    [unicodedata.normalize("NFD", "Café"), "CAFÉ", "Ｃａｆé"],
)
def test_look_alike_sibling_names_are_duplicates(shop: Commerce, staff: Actor, twin: str) -> None:
    shop.execute(CreateCategory(name="Café"), actor=staff)
    with pytest.raises(DuplicateCategoryName):
        shop.execute(CreateCategory(name=twin), actor=staff)
    assert len(shop.categories.tree()) == 1


@pytest.mark.parametrize("bad", ["a\ud800b", "Shoes\u200b", "Sho\u00ades", "\u200b"])
def test_unencodable_or_invisible_text_is_refused_everywhere_and_changes_nothing(
    shop: Commerce, clock: FrozenClock, staff: Actor, bad: str
) -> None:
    shop.execute(CreateCategory(name="Shoes"), actor=staff)
    version = _version(shop)
    with pytest.raises(InputError) as err:
        shop.execute(CreateCategory(name=bad), actor=staff)
    assert err.value.field == "name"
    with pytest.raises(InputError) as err:
        shop.execute(CreateCategory(name="Hats"), actor=staff, idempotency_key=bad)
    assert err.value.field == "idempotency_key"
    with pytest.raises(InputError) as err:
        shop.schedule(CreateCategory(name="Hats"), due_at=clock.now(), key=bad, actor=staff)
    assert err.value.field == "key"
    with pytest.raises(InputError):
        shop.execute(CreateCategory(name="Hats"), actor=Actor.staff(bad))
    assert _version(shop) == version
    assert shop.scheduled_count() == 0


# -- 11. typed errors from the timer methods and idempotent replays --------------------------------


def test_the_timer_methods_validate_their_input(shop: Commerce, staff: Actor) -> None:
    with pytest.raises(InputError) as err:
        shop.scheduled(5)  # type: ignore[arg-type]
    assert err.value.field == "key"
    with pytest.raises(InputError) as err:
        shop.cancel_schedule("")
    assert err.value.field == "key"
    with pytest.raises(InputError) as err:
        shop.schedule(CreateCategory(name="A"), due_at=datetime(2026, 1, 1), key="k", actor="bob")  # type: ignore[arg-type]
    assert err.value.field == "actor"
    with pytest.raises(InputError) as err:
        shop.scheduled_count(datetime(2026, 1, 1))
    assert err.value.field == "due_by"
    with pytest.raises(InputError) as err:
        shop.run_due(limit=0)
    assert err.value.field == "limit"


@frozen(kw_only=True)
class Measure(Command[float]):
    type_name = "test.regressions.measure_stock"
    name: str


def test_a_result_that_cannot_replay_refuses_the_command_and_commits_nothing(
    shop: Commerce, staff: Actor
) -> None:
    def measure(cmd: Measure, ctx: HandlerContext) -> float:
        tree = ctx.uow.categories.get()
        tree.add(CategoryId(ctx.new_id()), cmd.name, parent=None, at=ctx.now())
        ctx.uow.categories.save(tree)
        return 1.5

    shop.register(Measure, measure)
    with pytest.raises(ConfigurationError):
        shop.execute(Measure(name="X"), actor=staff, idempotency_key="m1")
    assert shop.categories.tree() == ()
    with shop.storage.unit_of_work() as uow:
        assert uow.idempotency.get("m1") is None
    # Without a key there is nothing to replay: the command runs.
    assert shop.execute(Measure(name="X"), actor=staff) == 1.5


# -- 12. commands that change nothing --------------------------------------------------------------


def test_commands_that_change_nothing_do_not_bump_the_version(shop: Commerce, staff: Actor) -> None:
    shoes = shop.execute(CreateCategory(name="Shoes"), actor=staff)
    version = _version(shop)
    shop.execute(RenameCategory(category=shoes, name="Shoes"), actor=staff)
    shop.execute(MoveCategory(category=shoes, parent=None, position=0), actor=staff)
    assert _version(shop) == version
    with shop.storage.unit_of_work() as uow:
        assert len(uow.outbox.pending()) == 1


# -- 8. the worker survives any storage error ------------------------------------------------------


def test_the_worker_survives_any_storage_error(shop: Commerce) -> None:
    errors: list[BaseException] = []
    sleeps: list[float] = []
    calls = iter(range(10))
    real = shop.run_due

    def failing(now: datetime | None = None, *, limit: int = 1000) -> RunReport:
        if next(calls) == 0:
            raise StorageError("the database refused the operation: host not found")
        return real(now, limit=limit)

    shop.run_due = failing  # type: ignore[method-assign]
    shop.work(
        interval=1.0, stop=lambda: len(sleeps) >= 2, sleep=sleeps.append, on_error=errors.append
    )
    assert [type(e) for e in errors] == [StorageError]
    assert sleeps == [1.0, 1.0]


def test_sku_and_warehouse_codes_match_exactly(shop: Commerce, staff: Actor) -> None:
    from commerce_core.inventory import DefineWarehouse, ReceiveStock

    shop.execute(DefineWarehouse(code="wh-a", name="A"), actor=staff)
    shop.execute(DefineWarehouse(code="WH-A", name="A upper"), actor=staff)
    shop.execute(ReceiveStock(sku="sku-cafe", warehouse="wh-a", quantity=2), actor=staff)
    shop.execute(ReceiveStock(sku="SKU-CAFE", warehouse="wh-a", quantity=3), actor=staff)
    shop.execute(ReceiveStock(sku="sku-café", warehouse="WH-A", quantity=5), actor=staff)
    assert [(s.warehouse, s.on_hand) for s in shop.inventory.stock("sku-cafe")] == [("wh-a", 2)]
    assert [(s.warehouse, s.on_hand) for s in shop.inventory.stock("SKU-CAFE")] == [("wh-a", 3)]
    assert [(s.warehouse, s.on_hand) for s in shop.inventory.stock("sku-café")] == [("WH-A", 5)]
