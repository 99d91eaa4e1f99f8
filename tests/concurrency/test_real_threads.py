"""Real threads against real servers: no lost update, no cycle, each timer exactly once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from tests.backends import Backend

from commerce_core import Actor, Commerce, ConcurrencyConflict
from commerce_core.app import SystemClock
from commerce_core.catalog import (
    CategoryCycle,
    CategoryId,
    CreateCategory,
    MoveCategory,
)
from commerce_core.testing import SequentialIds

BACKENDS = ("postgresql", "mariadb", "sqlite")
pytestmark = pytest.mark.concurrency

STAFF = Actor.staff("load")


def run_threads(n: int, work: Callable[[int], None]) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(n)

    def runner(i: int) -> None:
        start.wait()
        try:
            work(i)
        except BaseException as exc:  # collected and asserted on by the test
            errors.append(exc)

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a worker hung"
    return errors


def make_shop(backend: Backend) -> Commerce:
    # Many writers on one aggregate: give the bus room to retry.
    return Commerce(backend.storage(), clock=SystemClock(), ids=SequentialIds("x"), max_attempts=50)


def test_concurrent_creates_under_one_parent_lose_nothing(backend: Backend) -> None:
    shop = make_shop(backend)
    parent = shop.execute(CreateCategory(name="Parent"), actor=STAFF)
    per_thread = 6

    def create(i: int) -> None:
        for j in range(per_thread):
            shop.execute(CreateCategory(name=f"T{i}-{j}", parent=parent), actor=STAFF)

    errors = run_threads(4, create)
    assert errors == []
    kids = shop.categories.get(parent).child_count
    assert kids == 4 * per_thread
    (top,) = shop.categories.tree()
    assert [c.position for c in top.children] == list(range(kids))
    with shop.storage.unit_of_work() as uow:
        assert uow.categories.get().version == 1 + kids
    shop.close()


def test_crossing_moves_never_make_a_cycle(backend: Backend) -> None:
    shop = make_shop(backend)
    a = shop.execute(CreateCategory(name="A"), actor=STAFF)
    b = shop.execute(CreateCategory(name="B"), actor=STAFF)
    refused: list[int] = []

    def move(i: int) -> None:
        mine, other = (a, b) if i % 2 == 0 else (b, a)
        for _ in range(5):
            try:
                shop.execute(MoveCategory(category=mine, parent=other), actor=STAFF)
            except CategoryCycle:
                refused.append(i)
            try:
                shop.execute(MoveCategory(category=mine, parent=None), actor=STAFF)
            except CategoryCycle:
                refused.append(i)

    errors = run_threads(4, move)
    assert errors == []
    with shop.storage.unit_of_work() as uow:
        tree = uow.categories.get()
    for node in tree.nodes.values():
        assert node.id not in {x.id for x in tree.ancestors(node.id)}
    assert len(list(tree.walk())) == 2
    shop.close()


def test_many_workers_run_each_timer_exactly_once(backend: Backend) -> None:
    shop = make_shop(backend)
    due = datetime(2026, 1, 1, tzinfo=UTC)
    count = 24
    for i in range(count):
        shop.schedule(CreateCategory(name=f"Timer {i:02d}"), due_at=due, key=f"t{i}", actor=STAFF)
    now = due + timedelta(minutes=1)
    done: list[str] = []
    lock = threading.Lock()

    def worker(_: int) -> None:
        for _round in range(200):
            report = shop.run_due(now, limit=5)
            with lock:
                done.extend(report.done)
            if shop.scheduled_count(now) == 0:
                return

    errors = run_threads(4, worker)
    assert errors == []
    assert sorted(done) == sorted(f"t{i}" for i in range(count))
    names = sorted(n.name for n in shop.categories.tree())
    assert names == [f"Timer {i:02d}" for i in range(count)]
    assert shop.failed_timers() == []
    shop.close()


def test_one_idempotency_key_from_many_threads_has_one_effect(backend: Backend) -> None:
    shop = make_shop(backend)
    results: list[CategoryId] = []
    lock = threading.Lock()

    def send(_: int) -> None:
        got = shop.execute(CreateCategory(name="Exactly once"), actor=STAFF, idempotency_key="same")
        with lock:
            results.append(got)

    errors = run_threads(4, send)
    assert [e for e in errors if not isinstance(e, ConcurrencyConflict)] == []
    assert len(set(results)) == 1
    assert [n.name for n in shop.categories.tree()] == ["Exactly once"]
    shop.close()
