"""The inventory contract: what every storage backend must do for the inventory ports.

Subclass it with a factory, as with :class:`~commerce_core.testing.contracts.StorageContract`::

    class TestMyInventory(InventoryContract):
        def make_storage(self) -> Storage:
            return MyStorage(...)   # a store with no data in it

The tests run through the public API (``Commerce.execute`` and ``shop.inventory``), so they
pin the behaviour a shop sees, whatever the backend does inside.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from commerce_core.app.commerce import Commerce
from commerce_core.app.ports import Storage
from commerce_core.inventory import (
    AdjustStock,
    AlertState,
    BackInStock,
    CommitReservation,
    DefineWarehouse,
    DeltaLine,
    ImportStockDeltas,
    ImportStockSnapshot,
    InsufficientStock,
    LowStockReached,
    MovementReason,
    OutOfStock,
    ReceiveStock,
    ReleaseReservation,
    ReservationLine,
    ReservationNotFound,
    ReservationStatus,
    ReserveStock,
    ReturnToStock,
    SetInventoryDefaults,
    SetLowStockThreshold,
    SetStockPolicy,
    SetUnitCost,
    Shortage,
    SnapshotLine,
    StockBelowReserved,
    StockNotFound,
    StockPolicy,
    WarehouseNotFound,
    expiry_timer_key,
)
from commerce_core.kernel.actors import Actor
from commerce_core.kernel.errors import InputError, InvalidTransition
from commerce_core.kernel.messages import DomainEvent
from commerce_core.kernel.money import Money
from commerce_core.kernel.pagination import PageRequest
from commerce_core.testing.clock import FrozenClock
from commerce_core.testing.ids import SequentialIds

__all__ = ["InventoryContract"]

STAFF = Actor.staff("keeper")


def _line(sku: str, quantity: int) -> ReservationLine:
    return ReservationLine(sku, quantity)


class InventoryContract:
    """The behaviour of the inventory ports of a storage, through the public API."""

    def make_storage(self) -> Storage:
        """Return a new, empty storage. Override this."""
        raise NotImplementedError

    @pytest.fixture
    def clock(self) -> FrozenClock:
        return FrozenClock()

    @pytest.fixture
    def shop(self, clock: FrozenClock) -> Iterator[Commerce]:
        commerce = Commerce(self.make_storage(), clock=clock, ids=SequentialIds("inv"))
        for code, priority in (("SH", 1), ("BJ", 2), ("GZ", 3)):
            commerce.execute(
                DefineWarehouse(code=code, name=f"Warehouse {code}", priority=priority),
                actor=STAFF,
            )
        try:
            yield commerce
        finally:
            commerce.close()

    @staticmethod
    def _levels(shop: Commerce, sku: str) -> dict[str, tuple[int, int]]:
        return {s.warehouse: (s.on_hand, s.reserved) for s in shop.inventory.stock(sku)}

    # -- receipts, adjustments, returns -------------------------------------------------------
    def test_receiving_adds_on_hand_and_writes_one_movement(self, shop: Commerce) -> None:
        shop.execute(ReceiveStock(sku="TEE-RED-M", warehouse="SH", quantity=12), actor=STAFF)
        shop.execute(
            ReceiveStock(sku="TEE-RED-M", warehouse="SH", quantity=3, reference="PO-7"),
            actor=STAFF,
        )
        level = shop.inventory.level("TEE-RED-M", "SH")
        assert (level.on_hand, level.reserved, level.available) == (15, 0, 15)
        moves = shop.inventory.movements("TEE-RED-M", PageRequest()).items
        assert [(m.reason, m.on_hand_delta, m.on_hand_after) for m in moves] == [
            (MovementReason.RECEIPT, 12, 12),
            (MovementReason.RECEIPT, 3, 15),
        ]
        assert moves[1].reference == "PO-7"
        assert moves[1].actor == "staff:keeper"
        assert shop.inventory.reconcile() == ()

    def test_receiving_into_an_unknown_warehouse_is_refused(self, shop: Commerce) -> None:
        with pytest.raises(WarehouseNotFound):
            shop.execute(ReceiveStock(sku="A", warehouse="NOPE", quantity=1), actor=STAFF)
        assert shop.inventory.stock("A") == ()

    def test_adjustment_records_reason_and_actor(self, shop: Commerce) -> None:
        shop.execute(ReceiveStock(sku="A", warehouse="SH", quantity=10), actor=STAFF)
        counter = Actor.staff("counter")
        shop.execute(
            AdjustStock(sku="A", warehouse="SH", delta=-3, reason_code="damaged", note="wet box"),
            actor=counter,
        )
        (last,) = shop.inventory.movements("A", PageRequest(limit=1, after=None)).items[:1] or ()
        moves = shop.inventory.movements("A", PageRequest()).items
        assert last == moves[0]
        adj = moves[-1]
        assert (adj.reason, adj.on_hand_delta, adj.on_hand_after) == (
            MovementReason.ADJUSTMENT,
            -3,
            7,
        )
        assert (adj.reason_code, adj.note, adj.actor) == ("damaged", "wet box", "staff:counter")

    def test_adjustment_never_takes_on_hand_below_reserved(self, shop: Commerce) -> None:
        shop.execute(ReceiveStock(sku="A", warehouse="SH", quantity=10), actor=STAFF)
        shop.execute(ReserveStock(order="o1", lines=(_line("A", 6),)), actor=STAFF)
        with pytest.raises(StockBelowReserved) as refused:
            shop.execute(
                AdjustStock(sku="A", warehouse="SH", delta=-5, reason_code="count"), actor=STAFF
            )
        assert (refused.value.on_hand, refused.value.reserved) == (10, 6)
        assert self._levels(shop, "A") == {"SH": (10, 6)}
        shop.execute(
            AdjustStock(sku="A", warehouse="SH", delta=-4, reason_code="count"), actor=STAFF
        )
        assert self._levels(shop, "A") == {"SH": (6, 6)}
        assert shop.inventory.reconcile() == ()

    def test_adjusting_stock_that_never_existed_is_not_found(self, shop: Commerce) -> None:
        with pytest.raises(StockNotFound):
            shop.execute(
                AdjustStock(sku="A", warehouse="SH", delta=-1, reason_code="x"), actor=STAFF
            )

    def test_returns_go_back_on_the_shelf(self, shop: Commerce) -> None:
        shop.execute(
            ReturnToStock(sku="A", warehouse="BJ", quantity=2, reference="RMA-1"), actor=STAFF
        )
        assert self._levels(shop, "A") == {"BJ": (2, 0)}
        (move,) = shop.inventory.movements("A", PageRequest()).items
        assert (move.reason, move.reference) == (MovementReason.RETURN, "RMA-1")

    # -- reservations ------------------------------------------------------------------------
    def test_reserve_refuses_more_than_available_naming_every_short_line(
        self, shop: Commerce
    ) -> None:
        shop.execute(ReceiveStock(sku="A", warehouse="SH", quantity=5), actor=STAFF)
        shop.execute(ReceiveStock(sku="B", warehouse="SH", quantity=5), actor=STAFF)
        shop.execute(ReceiveStock(sku="C", warehouse="BJ", quantity=1), actor=STAFF)
        with pytest.raises(InsufficientStock) as refused:
            shop.execute(
                ReserveStock(
                    order="o1", lines=(_line("A", 6), _line("B", 2), _line("C", 3), _line("D", 1))
                ),
                actor=STAFF,
            )
        assert refused.value.shortages == (
            Shortage("A", 6, 5),
            Shortage("C", 3, 1),
            Shortage("D", 1, 0),
        )
        assert refused.value.to_dict()["shortages"] == [
            {"sku": "A", "requested": 6, "available": 5},
            {"sku": "C", "requested": 3, "available": 1},
            {"sku": "D", "requested": 1, "available": 0},
        ]
        # All or nothing: B, which alone was fine, is not held either.
        assert self._levels(shop, "B") == {"SH": (5, 0)}
        assert shop.inventory.reconcile() == ()

    def test_a_refused_later_line_leaves_no_partial_hold(self, shop: Commerce) -> None:
        shop.execute(ReceiveStock(sku="A", warehouse="SH", quantity=5), actor=STAFF)
        with pytest.raises(InsufficientStock):
            shop.execute(
                ReserveStock(order="o1", lines=(_line("A", 5), _line("B", 1))), actor=STAFF
            )
        assert self._levels(shop, "A") == {"SH": (5, 0)}
        assert [m.reason for m in shop.inventory.movements("A", PageRequest()).items] == [
            MovementReason.RECEIPT
        ]

    def test_reserve_then_commit_takes_the_goods_away(self, shop: Commerce) -> None:
        shop.execute(ReceiveStock(sku="A", warehouse="SH", quantity=10), actor=STAFF)
        rid = shop.execute(ReserveStock(order="o1", lines=(_line("A", 4),)), actor=STAFF)
        assert self._levels(shop, "A") == {"SH": (10, 4)}
        assert shop.inventory.level("A", "SH").available == 6
        shop.execute(CommitReservation(reservation=rid), actor=STAFF)
        assert self._levels(shop, "A") == {"SH": (6, 0)}
        shop.execute(CommitReservation(reservation=rid), actor=STAFF)  # a repeat: no effect
        assert self._levels(shop, "A") == {"SH": (6, 0)}
        assert shop.inventory.reservation(rid).status == ReservationStatus.COMMITTED
        with pytest.raises(InvalidTransition):
            shop.execute(ReleaseReservation(reservation=rid), actor=STAFF)
        assert shop.inventory.reconcile() == ()

    def test_release_gives_the_units_back_once(self, shop: Commerce) -> None:
        shop.execute(ReceiveStock(sku="A", warehouse="SH", quantity=10), actor=STAFF)
        rid = shop.execute(ReserveStock(order="o1", lines=(_line("A", 4),)), actor=STAFF)
        shop.execute(ReleaseReservation(reservation=rid), actor=STAFF)
        shop.execute(ReleaseReservation(reservation=rid), actor=STAFF)
        assert self._levels(shop, "A") == {"SH": (10, 0)}
        assert shop.inventory.reservation(rid).status == ReservationStatus.RELEASED
        with pytest.raises(InvalidTransition):
            shop.execute(CommitReservation(reservation=rid), actor=STAFF)
        reasons = [m.reason for m in shop.inventory.movements("A", PageRequest()).items]
        assert reasons == [
            MovementReason.RECEIPT,
            MovementReason.RESERVATION,
            MovementReason.RELEASE,
        ]

    def test_unknown_reservations_are_not_found(self, shop: Commerce) -> None:
        with pytest.raises(ReservationNotFound):
            shop.execute(CommitReservation(reservation="nope"), actor=STAFF)
        with pytest.raises(ReservationNotFound):
            shop.inventory.reservation("nope")

    def test_a_repeated_reserve_with_the_same_key_holds_once(self, shop: Commerce) -> None:
        shop.execute(ReceiveStock(sku="A", warehouse="SH", quantity=10), actor=STAFF)
        cmd = ReserveStock(order="o1", lines=(_line("A", 4),))
        first = shop.execute(cmd, actor=STAFF, idempotency_key="o1:reserve")
        again = shop.execute(cmd, actor=STAFF, idempotency_key="o1:reserve")
        assert first == again
        assert self._levels(shop, "A") == {"SH": (10, 4)}

    def test_a_line_is_split_across_warehouses_by_priority_fewest_splits(
        self, shop: Commerce
    ) -> None:
        shop.execute(ReceiveStock(sku="A", warehouse="SH", quantity=2), actor=STAFF)
        shop.execute(ReceiveStock(sku="A", warehouse="BJ", quantity=5), actor=STAFF)
        shop.execute(ReceiveStock(sku="A", warehouse="GZ", quantity=6), actor=STAFF)
        # 5 fits in BJ alone (SH has too few): one warehouse, the first by priority.
        first = shop.execute(ReserveStock(order="o1", lines=(_line("A", 5),)), actor=STAFF)
        assert [
            (a.warehouse, a.quantity) for a in shop.inventory.reservation(first).allocations
        ] == [("BJ", 5)]
        # 7 fits nowhere alone: GZ (6) + SH (2) would do, taken in priority order.
        second = shop.execute(ReserveStock(order="o2", lines=(_line("A", 7),)), actor=STAFF)
        parts = [(a.warehouse, a.quantity) for a in shop.inventory.reservation(second).allocations]
        assert sorted(parts) == [("GZ", 6), ("SH", 1)] or sorted(parts) == [("GZ", 5), ("SH", 2)]
        assert sum(q for _, q in parts) == 7
        assert len(parts) == 2
        assert sum(s.reserved for s in shop.inventory.stock("A")) == 12
        assert shop.inventory.reconcile() == ()

    def test_inactive_warehouses_are_not_reserved_from(self, shop: Commerce) -> None:
        shop.execute(ReceiveStock(sku="A", warehouse="SH", quantity=5), actor=STAFF)
        shop.execute(DefineWarehouse(code="SH", name="Warehouse SH", active=False), actor=STAFF)
        with pytest.raises(InsufficientStock) as refused:
            shop.execute(ReserveStock(order="o1", lines=(_line("A", 1),)), actor=STAFF)
        assert refused.value.shortages == (Shortage("A", 1, 0),)

    # -- expiry --------------------------------------------------------------------------------
    def test_an_expired_reservation_is_released_by_the_timer(
        self, shop: Commerce, clock: FrozenClock
    ) -> None:
        shop.execute(ReceiveStock(sku="A", warehouse="SH", quantity=10), actor=STAFF)
        due = clock.now() + timedelta(minutes=15)
        rid = shop.execute(
            ReserveStock(order="o1", lines=(_line("A", 3),), expires_at=due), actor=STAFF
        )
        assert shop.scheduled(expiry_timer_key(rid)) is not None
        assert shop.run_due(due - timedelta(seconds=1)).done == ()
        report = shop.run_due(due)
        assert report.done == (expiry_timer_key(rid),)
        assert self._levels(shop, "A") == {"SH": (10, 0)}
        assert shop.inventory.reservation(rid).status == ReservationStatus.EXPIRED
        assert shop.inventory.movements("A", PageRequest()).items[-1].reason == (
            MovementReason.EXPIRY
        )

    def test_commit_cancels_the_expiry(self, shop: Commerce, clock: FrozenClock) -> None:
        shop.execute(ReceiveStock(sku="A", warehouse="SH", quantity=10), actor=STAFF)
        due = clock.now() + timedelta(minutes=15)
        rid = shop.execute(
            ReserveStock(order="o1", lines=(_line("A", 3),), expires_at=due), actor=STAFF
        )
        shop.execute(CommitReservation(reservation=rid), actor=STAFF)
        assert shop.scheduled(expiry_timer_key(rid)) is None
        assert shop.run_due(due + timedelta(hours=1)).done == ()
        assert self._levels(shop, "A") == {"SH": (7, 0)}

    def test_an_expiry_in_the_past_is_refused(self, shop: Commerce, clock: FrozenClock) -> None:
        with pytest.raises(InputError) as refused:
            shop.execute(
                ReserveStock(order="o1", lines=(_line("A", 1),), expires_at=clock.now()),
                actor=STAFF,
            )
        assert refused.value.field == "expires_at"

    # -- low stock -------------------------------------------------------------------------------
    def test_low_stock_fires_once_per_crossing(self, shop: Commerce) -> None:
        seen: list[DomainEvent] = []
        for kind in (LowStockReached, OutOfStock, BackInStock):
            shop.subscribe(kind, seen.append)
        shop.execute(SetInventoryDefaults(low_stock_threshold=5), actor=STAFF)
        shop.execute(ReceiveStock(sku="A", warehouse="SH", quantity=10), actor=STAFF)
        assert [type(e) for e in seen] == [BackInStock]
        seen.clear()
        r1 = shop.execute(ReserveStock(order="o1", lines=(_line("A", 6),)), actor=STAFF)
        shop.execute(ReserveStock(order="o2", lines=(_line("A", 1),)), actor=STAFF)
        assert [type(e) for e in seen] == [LowStockReached]
        assert shop.inventory.level("A", "SH").alert == AlertState.LOW
        shop.execute(ReserveStock(order="o3", lines=(_line("A", 3),)), actor=STAFF)
        assert [type(e) for e in seen] == [LowStockReached, OutOfStock]
        shop.execute(ReleaseReservation(reservation=r1), actor=STAFF)
        assert [type(e) for e in seen] == [LowStockReached, OutOfStock, BackInStock]
        seen.clear()
        shop.execute(ReserveStock(order="o4", lines=(_line("A", 3),)), actor=STAFF)
        assert [type(e) for e in seen] == [LowStockReached]
        low = shop.inventory.low_stock(PageRequest()).items
        assert [(s.sku, s.warehouse, s.available) for s in low] == [("A", "SH", 3)]

    def test_a_sku_threshold_overrides_the_shop_default(self, shop: Commerce) -> None:
        shop.execute(SetInventoryDefaults(low_stock_threshold=5), actor=STAFF)
        shop.execute(ReceiveStock(sku="A", warehouse="SH", quantity=10), actor=STAFF)
        shop.execute(ReceiveStock(sku="B", warehouse="SH", quantity=10), actor=STAFF)
        shop.execute(SetLowStockThreshold(sku="A", threshold=20), actor=STAFF)
        assert shop.inventory.level("A", "SH").threshold == 20
        shop.execute(SetInventoryDefaults(low_stock_threshold=2), actor=STAFF)
        assert shop.inventory.level("A", "SH").threshold == 20
        assert shop.inventory.level("B", "SH").threshold == 2
        shop.execute(SetLowStockThreshold(sku="A", threshold=None), actor=STAFF)
        assert shop.inventory.level("A", "SH").threshold == 2

    def test_the_low_stock_list_pages_by_sku(self, shop: Commerce) -> None:
        for sku in ("C", "A", "B"):
            shop.execute(ReceiveStock(sku=sku, warehouse="SH", quantity=1), actor=STAFF)
        shop.execute(SetInventoryDefaults(low_stock_threshold=3), actor=STAFF)
        first = shop.inventory.low_stock(PageRequest(limit=2))
        assert [s.sku for s in first.items] == ["A", "B"]
        assert first.next_cursor is not None
        rest = shop.inventory.low_stock(PageRequest(limit=2, after=first.next_cursor))
        assert ([s.sku for s in rest.items], rest.next_cursor) == (["C"], None)

    # -- queries ---------------------------------------------------------------------------------
    def test_movements_page_through_a_period(self, shop: Commerce, clock: FrozenClock) -> None:
        start = clock.now()
        for _ in range(5):
            shop.execute(ReceiveStock(sku="A", warehouse="SH", quantity=1), actor=STAFF)
            clock.advance(minutes=1)
        page = shop.inventory.movements(
            "A", PageRequest(limit=2), since=start + timedelta(minutes=1)
        )
        assert [m.on_hand_after for m in page.items] == [2, 3]
        assert page.next_cursor is not None
        rest = shop.inventory.movements(
            "A",
            PageRequest(limit=2, after=page.next_cursor),
            since=start + timedelta(minutes=1),
            until=start + timedelta(minutes=4),
        )
        assert ([m.on_hand_after for m in rest.items], rest.next_cursor) == ([4], None)

    def test_stock_is_valued_at_unit_cost_per_currency(self, shop: Commerce) -> None:
        shop.execute(
            ReceiveStock(sku="A", warehouse="SH", quantity=3, unit_cost=Money(1250)), actor=STAFF
        )
        shop.execute(ReceiveStock(sku="A", warehouse="BJ", quantity=2), actor=STAFF)
        shop.execute(ReceiveStock(sku="B", warehouse="SH", quantity=4), actor=STAFF)
        shop.execute(ReceiveStock(sku="C", warehouse="SH", quantity=1), actor=STAFF)
        shop.execute(SetUnitCost(sku="C", unit_cost=Money(500, "USD")), actor=STAFF)
        value = shop.inventory.stock_value()
        assert value.totals == (Money(6250, "CNY"), Money(500, "USD"))
        assert value.units_without_cost == 4

    def test_the_stock_policy_is_per_shop_with_per_sku_overrides(self, shop: Commerce) -> None:
        assert shop.inventory.policy("A") == StockPolicy.DEDUCT_ON_ORDER
        shop.execute(
            SetInventoryDefaults(low_stock_threshold=0, policy=StockPolicy.DEDUCT_ON_PAYMENT),
            actor=STAFF,
        )
        shop.execute(SetStockPolicy(sku="A", policy=StockPolicy.DEDUCT_ON_ORDER), actor=STAFF)
        assert shop.inventory.policy("A") == StockPolicy.DEDUCT_ON_ORDER
        assert shop.inventory.policy("B") == StockPolicy.DEDUCT_ON_PAYMENT
        assert shop.inventory.settings().policy == StockPolicy.DEDUCT_ON_PAYMENT

    def test_warehouses_are_listed_by_priority(self, shop: Commerce) -> None:
        shop.execute(DefineWarehouse(code="SZ", name="Shenzhen 深圳", priority=0), actor=STAFF)
        assert [w.code for w in shop.inventory.warehouses()] == ["SZ", "SH", "BJ", "GZ"]

    def test_bad_input_names_the_field_and_changes_nothing(self, shop: Commerce) -> None:
        cases: list[tuple[object, str]] = [
            (lambda: ReceiveStock(sku="A", warehouse="SH", quantity=True), "quantity"),
            (lambda: ReceiveStock(sku="A", warehouse="SH", quantity=0), "quantity"),
            (lambda: ReceiveStock(sku="A", warehouse="SH", quantity=2**63), "quantity"),
            (lambda: ReceiveStock(sku=" A", warehouse="SH", quantity=1), "sku"),
            (lambda: ReceiveStock(sku="A", warehouse="", quantity=1), "warehouse"),
            (lambda: ReservationLine("A", -1), "quantity"),
            (lambda: ReserveStock(order="o", lines=()), "lines"),
            (lambda: ReserveStock(order="o", lines=(_line("A", 1), _line("A", 2))), "lines[1].sku"),
            (lambda: AdjustStock(sku="A", warehouse="SH", delta=0, reason_code="x"), "delta"),
            (lambda: SetLowStockThreshold(sku="A", threshold=-1), "threshold"),
        ]
        for make, path in cases:
            with pytest.raises(InputError) as refused:
                make()  # type: ignore[operator]
            assert refused.value.field == path
        with pytest.raises(InputError):
            shop.execute_json(
                {"type": "inventory.receive_stock", "sku": "A", "warehouse": "SH", "quantity": 1.5},
                actor=STAFF,
            )
        assert shop.inventory.stock("A") == ()
        big = 2**63 - 1
        shop.execute(ReceiveStock(sku="A", warehouse="SH", quantity=big), actor=STAFF)
        with pytest.raises(InputError) as refused:
            shop.execute(ReceiveStock(sku="A", warehouse="SH", quantity=1), actor=STAFF)
        assert refused.value.field == "quantity"
        assert self._levels(shop, "A") == {"SH": (big, 0)}

    # -- WMS sync --------------------------------------------------------------------------------
    def test_a_snapshot_sets_on_hand_and_records_the_difference_once(self, shop: Commerce) -> None:
        shop.execute(ReceiveStock(sku="A", warehouse="SH", quantity=10), actor=STAFF)
        shop.execute(ReserveStock(order="o1", lines=(_line("A", 3),)), actor=STAFF)
        snapshot = ImportStockSnapshot(
            message_id="count-1",
            warehouse="SH",
            lines=(SnapshotLine("A", 7), SnapshotLine("B", 4), SnapshotLine("C", 0)),
        )
        assert shop.execute(snapshot, actor=STAFF) == 2
        assert self._levels(shop, "A") == {"SH": (7, 3)}
        assert self._levels(shop, "B") == {"SH": (4, 0)}
        last = shop.inventory.movements("A", PageRequest()).items[-1]
        assert (last.reason, last.on_hand_delta, last.reference) == (
            MovementReason.WMS_SYNC,
            -3,
            "count-1",
        )
        assert shop.execute(snapshot, actor=STAFF) == 0  # the same message again: no effect
        assert self._levels(shop, "A") == {"SH": (7, 3)}
        assert shop.inventory.reconcile() == ()

    def test_a_snapshot_below_reserved_is_refused_whole_and_can_be_resent(
        self, shop: Commerce
    ) -> None:
        shop.execute(ReceiveStock(sku="A", warehouse="SH", quantity=10), actor=STAFF)
        shop.execute(ReceiveStock(sku="B", warehouse="SH", quantity=10), actor=STAFF)
        rid = shop.execute(ReserveStock(order="o1", lines=(_line("A", 6),)), actor=STAFF)
        snapshot = ImportStockSnapshot(
            message_id="count-2",
            warehouse="SH",
            lines=(SnapshotLine("B", 8), SnapshotLine("A", 5)),
        )
        with pytest.raises(StockBelowReserved):
            shop.execute(snapshot, actor=STAFF)
        assert self._levels(shop, "B") == {"SH": (10, 0)}  # nothing of the message applied
        shop.execute(ReleaseReservation(reservation=rid), actor=STAFF)
        assert shop.execute(snapshot, actor=STAFF) == 2
        assert self._levels(shop, "A") == {"SH": (5, 0)}

    def test_deltas_apply_once_by_message_id(self, shop: Commerce) -> None:
        shop.execute(ReceiveStock(sku="A", warehouse="SH", quantity=10), actor=STAFF)
        deltas = ImportStockDeltas(
            message_id="d-1", warehouse="SH", lines=(DeltaLine("A", -4), DeltaLine("B", 2))
        )
        assert shop.execute(deltas, actor=STAFF) == 2
        assert shop.execute(deltas, actor=STAFF) == 0
        assert self._levels(shop, "A") == {"SH": (6, 0)}
        assert self._levels(shop, "B") == {"SH": (2, 0)}
        with pytest.raises(StockBelowReserved):
            shop.execute(
                ImportStockDeltas(message_id="d-2", warehouse="SH", lines=(DeltaLine("A", -7),)),
                actor=STAFF,
            )
        with pytest.raises(StockNotFound):
            shop.execute(
                ImportStockDeltas(message_id="d-3", warehouse="SH", lines=(DeltaLine("Z", -1),)),
                actor=STAFF,
            )
        assert shop.inventory.reconcile() == ()

    def test_movements_export_in_order_from_a_cursor(
        self, shop: Commerce, clock: FrozenClock
    ) -> None:
        for sku in ("B", "A", "C"):
            shop.execute(ReceiveStock(sku=sku, warehouse="SH", quantity=1), actor=STAFF)
            clock.advance(seconds=1)
        first = shop.inventory.movements_since(PageRequest(limit=2))
        assert [m.sku for m in first.items] == ["B", "A"]
        rest = shop.inventory.movements_since(PageRequest(limit=2, after=first.next_cursor))
        assert ([m.sku for m in rest.items], rest.next_cursor) == (["C"], None)
        before = shop.inventory.movements_since(
            PageRequest(), until=clock.now() - timedelta(seconds=1)
        )
        assert [m.sku for m in before.items] == ["B", "A"]
