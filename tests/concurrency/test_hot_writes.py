"""Writes to the hot category tree queue instead of failing, and take locks in one order."""

from __future__ import annotations

import random
import threading
import time
from datetime import timedelta

import pytest
from attrs import frozen
from tests.backends import Backend
from tests.concurrency.test_real_threads import run_threads

from commerce_core import Actor, Commerce, ConcurrencyConflict
from commerce_core.app import HandlerContext, SystemClock
from commerce_core.catalog import (
    CategoryCycle,
    CategoryId,
    CreateCategory,
    DuplicateCategoryName,
    MoveCategory,
    RenameCategory,
)
from commerce_core.kernel import Command
from commerce_core.testing import SequentialIds

BACKENDS = ("postgresql", "mariadb", "sqlite")
pytestmark = pytest.mark.concurrency

STAFF = Actor.staff("load")


def test_a_threaded_app_loses_no_create_with_the_default_retries(backend: Backend) -> None:
    if backend.name == "sqlite":
        pytest.skip("capability: SQLite runs write transactions one at a time")
    shop = Commerce(backend.storage(), clock=SystemClock(), ids=SequentialIds("h"))
    per_thread = 200

    def create(i: int) -> None:
        for j in range(per_thread):
            shop.execute(CreateCategory(name=f"T{i}-{j}"), actor=STAFF)

    errors = run_threads(8, create)
    assert errors == []
    tree = shop.categories.tree()
    assert len(tree) == 8 * per_thread
    assert [n.position for n in tree] == list(range(8 * per_thread))
    shop.close()


def test_mixed_tree_operations_do_not_run_out_of_retries(backend: Backend) -> None:
    shop = Commerce(backend.storage(), clock=SystemClock(), ids=SequentialIds("m"))
    roots = [shop.execute(CreateCategory(name=f"R{i}"), actor=STAFF) for i in range(4)]
    conflicts: list[int] = []

    def work(i: int) -> None:
        rng = random.Random(i)
        mine: list[CategoryId] = []
        for j in range(50):
            step = rng.randrange(3)
            try:
                if step == 0 or not mine:
                    parent = rng.choice(roots)
                    mine.append(
                        shop.execute(CreateCategory(name=f"W{i}-{j}", parent=parent), actor=STAFF)
                    )
                elif step == 1:
                    target = rng.choice(mine)
                    shop.execute(RenameCategory(category=target, name=f"W{i}-{j}'"), actor=STAFF)
                else:
                    target = rng.choice(mine)
                    shop.execute(
                        MoveCategory(category=target, parent=rng.choice(roots)), actor=STAFF
                    )
            except (CategoryCycle, DuplicateCategoryName):
                pass
            except ConcurrencyConflict:
                conflicts.append(1)

    errors = run_threads(8, work)
    assert errors == []
    assert conflicts == []
    shop.close()


@frozen(kw_only=True)
class TouchAndRemind(Command[None]):
    """Save the tree, then (re)schedule a timer under a key many commands share."""

    type_name = "test.concurrency.touch_and_remind"
    n: int


def test_commands_and_timer_workers_sharing_keys_do_not_deadlock(backend: Backend) -> None:
    shop = Commerce(backend.storage(), clock=SystemClock(), ids=SequentialIds("d"))
    node = shop.execute(CreateCategory(name="Node"), actor=STAFF)

    def touch(cmd: TouchAndRemind, ctx: HandlerContext) -> None:
        tree = ctx.uow.categories.get()
        tree.rename(node, f"Node {cmd.n}", at=ctx.now())
        ctx.uow.categories.save(tree)
        ctx.schedule(TouchAndRemind(n=cmd.n + 1000), due_at=ctx.now(), key=f"remind:{cmd.n % 4}")

    shop.register(TouchAndRemind, touch)
    stop = threading.Event()
    worker_errors: list[BaseException] = []

    def worker() -> None:
        try:
            while not stop.is_set():
                shop.run_due(limit=20)
        except BaseException as exc:  # asserted on below
            worker_errors.append(exc)

    workers = [threading.Thread(target=worker) for _ in range(2)]
    for w in workers:
        w.start()
    started = time.monotonic()

    def commands(i: int) -> None:
        for j in range(60):
            shop.execute(TouchAndRemind(n=i * 60 + j), actor=STAFF)

    try:
        errors = run_threads(4, commands)
    finally:
        stop.set()
        for w in workers:
            w.join(timeout=60)
    elapsed = time.monotonic() - started
    assert errors == []
    assert worker_errors == []
    assert shop.failed_timers() == []
    assert elapsed < 60, f"240 commands took {elapsed:.1f}s: lock waits or deadlocks"
    shop.run_due(SystemClock().now() + timedelta(days=1))
    shop.close()
