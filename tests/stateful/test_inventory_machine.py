"""A state machine drives receipts, reservations, commits, releases, adjustments and expiries
on a real backend and checks every step against a small independent model: two counters per
stock row and the open reservations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)
from tests.backends import Backend

from commerce_core import Actor, Commerce, PageRequest
from commerce_core.inventory import (
    AdjustStock,
    CommitReservation,
    DefineWarehouse,
    InsufficientStock,
    ReceiveStock,
    ReleaseReservation,
    ReservationLine,
    ReservationStatus,
    ReserveStock,
    Shortage,
    StockBelowReserved,
)
from commerce_core.kernel.errors import InvalidTransition
from commerce_core.testing import FrozenClock, SequentialIds

STAFF = Actor.staff("machine")
SKUS = st.sampled_from(["TEE-S", "TEE-M", "MUG"])
WAREHOUSES = st.sampled_from(["SH", "BJ"])
QTY = st.integers(1, 8)
EXAMPLES = {"memory": 60, "sqlite": 25, "postgresql": 15, "mariadb": 15}

Row = tuple[str, str]


class Model:
    """Levels per row and the open reservations: the whole truth of the inventory."""

    def __init__(self) -> None:
        self.levels: dict[Row, list[int]] = {}
        self.reservations: dict[str, tuple[list[tuple[Row, int]], int | None]] = {}
        self.closed: dict[str, str] = {}

    def available(self, sku: str) -> int:
        return sum(oh - r for (s, _), (oh, r) in self.levels.items() if s == sku)


def make_machine(backend: Backend) -> type[RuleBasedStateMachine]:
    class InventoryMachine(RuleBasedStateMachine):
        reservations = Bundle("reservations")

        def __init__(self) -> None:
            super().__init__()
            self.clock = FrozenClock()
            self.shop = Commerce(backend.storage(), clock=self.clock, ids=SequentialIds("m"))
            for code, priority in (("SH", 1), ("BJ", 2)):
                self.shop.execute(
                    DefineWarehouse(code=code, name=code, priority=priority), actor=STAFF
                )
            self.model = Model()
            self.minute = 0

        def teardown(self) -> None:
            self.shop.close()

        @rule(sku=SKUS, warehouse=WAREHOUSES, quantity=QTY)
        def receive(self, sku: str, warehouse: str, quantity: int) -> None:
            self.shop.execute(
                ReceiveStock(sku=sku, warehouse=warehouse, quantity=quantity), actor=STAFF
            )
            self.model.levels.setdefault((sku, warehouse), [0, 0])[0] += quantity

        @rule(
            target=reservations,
            wanted=st.dictionaries(SKUS, QTY, min_size=1, max_size=3),
            ttl=st.none() | st.integers(1, 5),
        )
        def reserve(self, wanted: dict[str, int], ttl: int | None) -> str:
            m = self.model
            lines = tuple(ReservationLine(s, q) for s, q in wanted.items())
            expires = None if ttl is None else self.clock.now() + timedelta(minutes=ttl)
            short = [
                Shortage(s, q, m.available(s)) for s, q in wanted.items() if m.available(s) < q
            ]
            cmd = ReserveStock(order=f"o{len(m.reservations)}", lines=lines, expires_at=expires)
            if short:
                with pytest.raises(InsufficientStock) as refused:
                    self.shop.execute(cmd, actor=STAFF)
                assert refused.value.shortages == tuple(short)
                return "none"
            rid = self.shop.execute(cmd, actor=STAFF)
            view = self.shop.inventory.reservation(rid)
            parts: list[tuple[Row, int]] = []
            for a in view.allocations:
                row = m.levels[(a.sku, a.warehouse)]
                assert 0 < a.quantity <= row[0] - row[1]
                row[1] += a.quantity
                parts.append(((a.sku, a.warehouse), a.quantity))
            for sku, q in wanted.items():
                assert sum(n for (s, _), n in parts if s == sku) == q
            m.reservations[rid] = (parts, None if ttl is None else self.minute + ttl)
            return rid

        def _close(self, rid: str, *, commit: bool, status: str) -> None:
            parts, _ = self.model.reservations.pop(rid)
            for row, q in parts:
                self.model.levels[row][1] -= q
                if commit:
                    self.model.levels[row][0] -= q
            self.model.closed[rid] = status

        @rule(rid=reservations)
        def commit(self, rid: str) -> None:
            if rid == "none":
                return
            cmd = CommitReservation(reservation=rid)
            status = self.model.closed.get(rid)
            if status in ("released", "expired"):
                try:
                    self.shop.execute(cmd, actor=STAFF)
                except InvalidTransition:
                    return
                raise AssertionError("a closed reservation was committed")
            self.shop.execute(cmd, actor=STAFF)
            if status is None:
                self._close(rid, commit=True, status="committed")

        @rule(rid=reservations)
        def release(self, rid: str) -> None:
            if rid == "none":
                return
            cmd = ReleaseReservation(reservation=rid)
            status = self.model.closed.get(rid)
            if status == "committed":
                try:
                    self.shop.execute(cmd, actor=STAFF)
                except InvalidTransition:
                    return
                raise AssertionError("a committed reservation was released")
            self.shop.execute(cmd, actor=STAFF)
            if status is None:
                self._close(rid, commit=False, status="released")

        @rule(sku=SKUS, warehouse=WAREHOUSES, delta=st.integers(-8, 8).filter(bool))
        def adjust(self, sku: str, warehouse: str, delta: int) -> None:
            row = self.model.levels.get((sku, warehouse))
            cmd = AdjustStock(sku=sku, warehouse=warehouse, delta=delta, reason_code="count")
            if row is None:
                return
            if row[0] + delta < row[1]:
                try:
                    self.shop.execute(cmd, actor=STAFF)
                except StockBelowReserved:
                    return
                raise AssertionError("on hand went below reserved")
            self.shop.execute(cmd, actor=STAFF)
            row[0] += delta

        @rule(minutes=st.integers(1, 4))
        def time_passes(self, minutes: int) -> None:
            self.clock.advance(minutes=minutes)
            self.minute += minutes
            report = self.shop.run_due()
            assert report.failed == ()
            due = [
                rid
                for rid, (_, at) in self.model.reservations.items()
                if at is not None and at <= self.minute
            ]
            for rid in due:
                self._close(rid, commit=False, status="expired")
            assert len(report.done) == len(due)

        @invariant()
        def store_matches_model(self) -> None:
            inv = self.shop.inventory
            for sku in ("TEE-S", "TEE-M", "MUG"):
                stored = {(sku, s.warehouse): [s.on_hand, s.reserved] for s in inv.stock(sku)}
                expected = {k: v for k, v in self.model.levels.items() if k[0] == sku}
                assert stored == expected
                for s in inv.stock(sku):
                    assert 0 <= s.reserved <= s.on_hand
                    assert s.available >= 0
            assert inv.reconcile() == ()

        @invariant()
        def reservations_match_model(self) -> None:
            for rid in self.model.reservations:
                assert self.shop.inventory.reservation(rid).status == ReservationStatus.ACTIVE
            for rid, status in self.model.closed.items():
                assert self.shop.inventory.reservation(rid).status.value == status

        @invariant()
        def ledger_ends_at_the_levels(self) -> None:
            for (sku, warehouse), (on_hand, reserved) in self.model.levels.items():
                page = self.shop.inventory.movements(sku, PageRequest(limit=500))
                last = [m for m in page.items if m.warehouse == warehouse][-1]
                assert (last.on_hand_after, last.reserved_after) == (on_hand, reserved)

    return InventoryMachine


def test_inventory_follows_the_model(backend: Backend) -> None:
    machine = make_machine(backend)
    run_state_machine_as_test(
        machine,
        settings=settings(max_examples=EXAMPLES[backend.name], stateful_step_count=25),
    )
