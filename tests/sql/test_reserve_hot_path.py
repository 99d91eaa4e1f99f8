"""The reservation hot path of the SQL adapter: the first-fit statement, the inserts held back
until the next statement or the commit, and SQLite's in-process writer gate."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from tests.backends import Backend, SqlBackend

from commerce_adapters.sqlalchemy.engine import WriterGate
from commerce_adapters.sqlalchemy.storage import SqlStorage
from commerce_core import Actor, Commerce
from commerce_core.inventory import DefineWarehouse, ReceiveStock
from commerce_core.inventory.events import Allocation
from commerce_core.inventory.model import Reservation
from commerce_core.kernel import CommerceError

BACKENDS = ("sqlite", "postgresql", "mariadb")
STAFF = Actor.staff("ops")
AT = datetime(2026, 1, 1, tzinfo=UTC)


def _stocked(backend: Backend) -> Commerce:
    assert isinstance(backend, SqlBackend)
    backend.clean()
    shop = Commerce(backend.storage())
    shop.execute(DefineWarehouse(code="NEAR", name="Near", priority=1), actor=STAFF)
    shop.execute(DefineWarehouse(code="FAR", name="Far", priority=2), actor=STAFF)
    shop.execute(DefineWarehouse(code="OFF", name="Off", priority=0, active=False), actor=STAFF)
    for warehouse, quantity in (("NEAR", 3), ("FAR", 10), ("OFF", 100)):
        shop.execute(ReceiveStock(sku="A", warehouse=warehouse, quantity=quantity), actor=STAFF)
    return shop


def _reservation(id: str) -> Reservation:
    return Reservation(
        id=id, order="o", allocations=(Allocation("A", "FAR", 5),), created_at=AT, expires_at=None
    )


def test_first_fit_takes_the_first_active_warehouse_that_holds_the_whole_line(
    backend: Backend,
) -> None:
    shop = _stocked(backend)
    storage = shop.storage
    assert isinstance(storage, SqlStorage)
    with storage.unit_of_work() as uow:
        stock = uow.inventory.stock
        near = stock.reserve_first_fit("A", 3)
        assert near is not None
        assert (near.warehouse, near.reserved) == ("NEAR", 3)
        far = stock.reserve_first_fit("A", 4)  # NEAR has 0 left now, OFF is inactive
        assert far is not None
        assert (far.warehouse, far.reserved, far.on_hand) == ("FAR", 4, 10)
        assert stock.reserve_first_fit("A", 7) is None  # 6 left in FAR: no single fit
        assert stock.reserve_first_fit("NONE", 1) is None
        uow.rollback()
    assert {s.warehouse: s.reserved for s in shop.inventory.stock("A")} == {
        "NEAR": 0,
        "FAR": 0,
        "OFF": 0,
    }
    shop.close()


def test_a_failing_insert_fails_the_commit_and_nothing_survives(backend: Backend) -> None:
    shop = _stocked(backend)
    storage = shop.storage
    assert isinstance(storage, SqlStorage)
    with pytest.raises(CommerceError), storage.unit_of_work() as uow:
        assert uow.inventory.stock.reserve_first_fit("A", 5) is not None
        uow.inventory.reservations.add(_reservation("R1"))
        uow.inventory.reservations.add(_reservation("R1"))  # the same key twice
        uow.commit()
    assert sum(s.reserved for s in shop.inventory.stock("A")) == 0
    assert shop.inventory.reconcile() == ()
    shop.close()


def test_a_statement_after_held_back_inserts_sees_them(backend: Backend) -> None:
    shop = _stocked(backend)
    storage = shop.storage
    assert isinstance(storage, SqlStorage)
    with storage.unit_of_work() as uow:
        uow.inventory.reservations.add(_reservation("R2"))
        found = uow.inventory.reservations.get("R2")  # through SQLAlchemy
        assert found is not None
        assert found.allocations == (Allocation("A", "FAR", 5),)
        uow.commit()
    assert shop.inventory.reservation("R2").order == "o"
    shop.close()


# -- the writer gate (SQLite) ------------------------------------------------------------------
def test_the_gate_lets_one_writer_through_at_a_time() -> None:
    gate = WriterGate()
    inside = 0
    most = 0
    lock = threading.Lock()

    def write() -> None:
        nonlocal inside, most
        for _ in range(50):
            took = gate.enter()
            assert took
            with lock:
                inside += 1
                most = max(most, inside)
            time.sleep(0.0001)
            with lock:
                inside -= 1
            gate.leave()

    threads = [threading.Thread(target=write) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most == 1


def test_the_gate_passes_its_own_holder_and_gives_up_after_its_timeout() -> None:
    gate = WriterGate(timeout=0.05)
    assert gate.enter() is True
    assert gate.enter() is False  # the same thread again: through, and not to leave
    waited: list[bool] = []
    other = threading.Thread(target=lambda: waited.append(gate.enter()))
    began = time.perf_counter()
    other.start()
    other.join()
    assert waited == [False]  # gave up: SQLite's own busy timeout decides from there
    assert time.perf_counter() - began >= 0.05
    gate.leave()
    assert gate.enter() is True
    gate.leave()
