"""Real threads race for stock on real databases: never an oversell, never a partial hold."""

from __future__ import annotations

import random
import threading
import time

import pytest
from tests.backends import Backend

from commerce_adapters.sqlalchemy import SqlStorage, create_engine
from commerce_core import Actor, Commerce, ConcurrencyConflict, PageRequest
from commerce_core.app import Storage, SystemClock
from commerce_core.inventory import (
    DefineWarehouse,
    InsufficientStock,
    MovementReason,
    ReceiveStock,
    ReservationLine,
    ReserveStock,
)
from commerce_core.testing import SequentialIds

BACKENDS = ("postgresql", "mariadb", "sqlite")
pytestmark = pytest.mark.concurrency

STAFF = Actor.staff("load")
WORKERS = 16
ATTEMPTS = 10_000
UNITS = 1_000


def make_shop(backend: Backend) -> Commerce:
    # Sixteen writers on one row: give the bus room to rerun a command that lost a race.
    storage: Storage = backend.storage()  # a clean store
    if backend.name != "memory":
        # One connection per worker, so none waits on the pool while others wait on a row.
        storage.close()
        storage = SqlStorage(create_engine(backend.url, pool_size=WORKERS, max_overflow=4))
    shop = Commerce(storage, clock=SystemClock(), ids=SequentialIds("x"), max_attempts=50)
    shop.execute(DefineWarehouse(code="SH", name="Shanghai"), actor=STAFF)
    return shop


def race(work: list[list[tuple[str, int]]], shop: Commerce) -> list[tuple[str, dict[str, int]]]:
    """Each worker runs its list of reservations; returns the ones that were taken."""
    taken: list[tuple[str, dict[str, int]]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(len(work))

    def run(mine: list[tuple[str, int]], index: int) -> None:
        start.wait()
        try:
            for n, (skus, quantity) in enumerate(mine):
                wanted = dict.fromkeys(skus.split("+"), quantity)
                lines = tuple(ReservationLine(s, q) for s, q in wanted.items())
                try:
                    rid = shop.execute(
                        ReserveStock(order=f"w{index}-{n}", lines=lines), actor=STAFF
                    )
                except (InsufficientStock, ConcurrencyConflict):
                    continue
                with lock:
                    taken.append((rid, wanted))
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w, i)) for i, w in enumerate(work)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a worker hung"
    assert errors == []
    return taken


def test_sixteen_workers_never_reserve_more_than_there_is(backend: Backend) -> None:
    shop = make_shop(backend)
    shop.execute(ReceiveStock(sku="HOT", warehouse="SH", quantity=UNITS), actor=STAFF)
    rnd = random.Random(8)
    per_worker = ATTEMPTS // WORKERS
    work = [[("HOT", rnd.randint(1, 5)) for _ in range(per_worker)] for _ in range(WORKERS)]
    started = time.monotonic()
    taken = race(work, shop)
    elapsed = time.monotonic() - started
    level = shop.inventory.level("HOT", "SH")
    held = sum(w["HOT"] for _, w in taken)
    # Exactly what was there was reserved: no unit twice, none left behind.
    assert held == level.reserved == UNITS
    assert level.on_hand == UNITS
    assert level.available == 0
    assert shop.inventory.reconcile() == ()
    moves = shop.inventory.movements("HOT", PageRequest(limit=500))
    count = 0
    page = moves
    while True:
        count += sum(1 for m in page.items if m.reason == MovementReason.RESERVATION)
        if page.next_cursor is None:
            break
        page = shop.inventory.movements("HOT", PageRequest(limit=500, after=page.next_cursor))
    assert count == len(taken)
    shop.close()
    assert elapsed < 120


def test_multi_line_reservations_never_leave_a_partial_hold(backend: Backend) -> None:
    shop = make_shop(backend)
    shop.execute(ReceiveStock(sku="A", warehouse="SH", quantity=300), actor=STAFF)
    shop.execute(ReceiveStock(sku="B", warehouse="SH", quantity=120), actor=STAFF)
    rnd = random.Random(7)
    # Half the workers take A and B together; the others drain B alone, so many pairs
    # find A available but B gone, and must then hold nothing of A.
    work = [
        [("A+B" if i % 2 == 0 else "B", rnd.randint(1, 4)) for _ in range(120)]
        for i in range(WORKERS)
    ]
    taken = race(work, shop)
    a = shop.inventory.level("A", "SH")
    b = shop.inventory.level("B", "SH")
    assert a.reserved == sum(w.get("A", 0) for _, w in taken)
    assert b.reserved == sum(w.get("B", 0) for _, w in taken)
    assert b.reserved <= 120
    assert a.reserved <= 300
    for rid, wanted in taken:
        parts = shop.inventory.reservation(rid).allocations
        assert {p.sku: p.quantity for p in parts} == wanted
    assert shop.inventory.reconcile() == ()
    shop.close()
