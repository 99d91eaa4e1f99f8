"""The contract of the customers context's storage: every adapter runs it.

Subclass it like :class:`~commerce_core.testing.contracts.StorageContract`::

    class TestMyCustomers(CustomerStoreContract):
        def make_storage(self) -> Storage:
            return MyStorage(...)   # empty

It fixes what the handlers rely on: balance guards that never go below zero and change
nothing when they refuse, references unique per customer, lots that cannot be overdrawn,
the growth ledger, phone numbers and emails unique per shop, optimistic versions, rollback,
behavior kept once by id, and rule evaluation.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from commerce_core.app.ports import Storage
from commerce_core.customers.behavior import BehaviorEvent, BehaviorKind
from commerce_core.customers.errors import (
    CustomerEmailTaken,
    CustomerNotFound,
    CustomerPhoneTaken,
)
from commerce_core.customers.ids import CustomerId
from commerce_core.customers.ledgers import (
    Cause,
    PointsEntry,
    PointsEntryKind,
    PointsLot,
    WalletEntry,
    WalletEntryKind,
)
from commerce_core.customers.model import Customer, Profile
from commerce_core.customers.program import CustomerProgram
from commerce_core.customers.segments import Condition, SegmentRule
from commerce_core.customers.tiers import GrowthEntry, GrowthEntryKind, Membership
from commerce_core.kernel.errors import ConcurrencyConflict
from commerce_core.kernel.money import Money

__all__ = ["CustomerStoreContract"]

T0 = datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)
C1 = CustomerId("c1")


def _register(
    storage: Storage, id: CustomerId = C1, name: str = "李雷", profile: Profile | None = None
) -> None:
    with storage.unit_of_work() as uow:
        store = uow.customers
        store.profiles.add(Customer.register(id, profile or Profile(name=name), at=T0))
        store.wallets.open(id, "CNY")
        store.points.open(id)
        store.memberships.add(Membership.start(id, CustomerProgram(), at=T0))
        uow.commit()


def _entry(reference: str, amount: Money, balance: Money) -> WalletEntry:
    return WalletEntry(
        id=f"w-{reference}",
        customer=C1,
        kind=WalletEntryKind.TOP_UP,
        amount=amount,
        balance_after=balance,
        cause=Cause.TOP_UP,
        cause_id=reference,
        reference=reference,
        actor="staff:alice",
        reason=None,
        at=T0,
    )


def _growth(id: str, growth: int, order: str | None, minutes: int) -> GrowthEntry:
    return GrowthEntry(
        id=id,
        customer=C1,
        kind=GrowthEntryKind.EARN if growth > 0 else GrowthEntryKind.REVERSE,
        growth=growth,
        reference=f"ref-{id}",
        order=order,
        at=T0 + timedelta(minutes=minutes),
    )


def _lot(id: str, points: int, expires_days: int) -> PointsLot:
    return PointsLot(
        id=id,
        customer=C1,
        points=points,
        remaining=points,
        reference=f"ref-{id}",
        earned_at=T0,
        expires_at=T0 + timedelta(days=expires_days),
    )


class CustomerStoreContract:
    """The behaviour of ``uow.customers`` and ``storage.customers``."""

    def make_storage(self) -> Storage:
        """Return a new, empty storage. Override this."""
        raise NotImplementedError

    @pytest.fixture
    def storage(self) -> Iterator[Storage]:
        store = self.make_storage()
        try:
            yield store
        finally:
            store.close()

    def test_a_customer_reads_back_equal_and_as_a_copy(self, storage: Storage) -> None:
        _register(storage)
        with storage.unit_of_work() as uow:
            customer = uow.customers.profiles.get(C1)
            customer.tag("vip", at=T0)
            again = uow.customers.profiles.get(C1)
        assert again.tags == frozenset()
        assert customer.profile.name == "李雷"
        assert customer.registered_at == T0
        assert customer.version == 0

    def test_a_stale_customer_conflicts(self, storage: Storage) -> None:
        _register(storage)
        with storage.unit_of_work() as uow:
            stale = uow.customers.profiles.get(C1)
        with storage.unit_of_work() as uow:
            fresh = uow.customers.profiles.get(C1)
            fresh.tag("a", at=T0)
            uow.customers.profiles.save(fresh)
            uow.commit()
        with storage.unit_of_work() as uow:
            stale.tag("b", at=T0)
            with pytest.raises(ConcurrencyConflict):
                uow.customers.profiles.save(stale)
                uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.customers.profiles.get(C1).tags == frozenset({"a"})

    def test_an_unknown_customer_is_not_found(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            with pytest.raises(CustomerNotFound):
                uow.customers.profiles.get(C1)
            with pytest.raises(CustomerNotFound):
                uow.customers.wallets.balance(C1)

    def test_the_wallet_guard_never_goes_below_zero(self, storage: Storage) -> None:
        _register(storage)
        with storage.unit_of_work() as uow:
            wallets = uow.customers.wallets
            assert wallets.change(C1, Money.of("10")) == Money.of("10")
            assert wallets.change(C1, Money.of("-10.01")) is None
            assert wallets.balance(C1) == Money.of("10")
            assert wallets.change(C1, Money.of("-10")) == Money.zero()
            uow.commit()
        assert storage.customers.wallet(C1).balance == Money.zero()

    def test_a_wallet_reference_is_unique_per_customer(self, storage: Storage) -> None:
        _register(storage)
        with storage.unit_of_work() as uow:
            uow.customers.wallets.append(_entry("t1", Money.of("1"), Money.of("1")))
            uow.commit()
        with storage.unit_of_work() as uow:
            found = uow.customers.wallets.by_reference(C1, "t1")
            assert found == _entry("t1", Money.of("1"), Money.of("1"))
            assert uow.customers.wallets.by_reference(C1, "T1") is None
            with pytest.raises(ConcurrencyConflict):
                uow.customers.wallets.append(_entry("t1", Money.of("2"), Money.of("3")))
                uow.commit()

    def test_lots_cannot_be_overdrawn_and_due_lots_are_found(self, storage: Storage) -> None:
        _register(storage)
        with storage.unit_of_work() as uow:
            points = uow.customers.points
            points.add_lot(_lot("a", 10, 30))
            points.add_lot(_lot("b", 5, 10))
            assert points.change(C1, 15) == 15
            points.take("a", 4)
            with pytest.raises(ConcurrencyConflict):
                points.take("b", 6)
            uow.commit()
        with storage.unit_of_work() as uow:
            points = uow.customers.points
            lots = {lot.id: lot.remaining for lot in points.open_lots(C1)}
            assert lots == {"a": 6, "b": 5}
            assert [lot.id for lot in points.due_lots(C1, T0 + timedelta(days=10))] == ["b"]
            assert points.change(C1, -16) is None
            assert points.balance(C1) == 15

    def test_points_entries_are_found_by_order(self, storage: Storage) -> None:
        _register(storage)
        entry = PointsEntry(
            id="p1",
            customer=C1,
            kind=PointsEntryKind.REDEEM,
            points=-3,
            balance_after=0,
            reference="redeem:o1",
            order="o1",
            reason=None,
            at=T0,
        )
        with storage.unit_of_work() as uow:
            uow.customers.points.append(entry)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.customers.points.for_order(C1, "o1") == [entry]
            assert uow.customers.points.by_reference(C1, "redeem:o1") == entry

    def test_growth_entries_read_back_oldest_first_and_by_order(self, storage: Storage) -> None:
        _register(storage)
        later = _growth("g2", -4, "o1", 5)
        first = _growth("g1", 10, "o1", 1)
        other = _growth("g3", 7, None, 3)
        with storage.unit_of_work() as uow:
            membership = uow.customers.memberships.claim(C1)
            assert membership.customer == C1
            for entry in (later, first, other):
                uow.customers.memberships.append_growth(entry)
            uow.commit()
        with storage.unit_of_work() as uow:
            memberships = uow.customers.memberships
            assert memberships.growth_entries(C1) == [first, other, later]
            assert memberships.growth_entries(C1, "o1") == [first, later]
            assert memberships.growth_entries(C1, "o2") == []
            with pytest.raises(ConcurrencyConflict):
                reused = GrowthEntry(
                    id="g4",
                    customer=C1,
                    kind=GrowthEntryKind.EARN,
                    growth=1,
                    reference="ref-g1",
                    order=None,
                    at=T0,
                )
                memberships.append_growth(reused)
                uow.commit()
        assert storage.customers.growth(C1).entries == (first, other, later)

    def test_a_phone_or_email_belongs_to_one_customer(self, storage: Storage) -> None:
        _register(storage, profile=Profile(name="a", phone="+8613800138000", email="A@x.cn"))
        _register(storage, CustomerId("c2"), profile=Profile(name="b"))
        with storage.unit_of_work() as uow, pytest.raises(CustomerPhoneTaken):
            taken = Profile(name="c", phone="+8613800138000")
            uow.customers.profiles.add(Customer.register(CustomerId("c3"), taken, at=T0))
        with storage.unit_of_work() as uow:
            second = uow.customers.profiles.get(CustomerId("c2"))
            second.change_profile(Profile(name="b", email="a@X.cn"), at=T0)
            with pytest.raises(CustomerEmailTaken):
                uow.customers.profiles.save(second)
        with storage.unit_of_work() as uow:
            mine = uow.customers.profiles.get(C1)
            mine.change_profile(Profile(name="a2", email="a@X.CN"), at=T0)
            uow.customers.profiles.save(mine)
            uow.commit()
        assert storage.customers.get(CustomerId("c2")).profile.email is None

    def test_leaving_without_commit_discards_ledger_writes(self, storage: Storage) -> None:
        _register(storage)
        with storage.unit_of_work() as uow:
            uow.customers.wallets.change(C1, Money.of("5"))
            uow.customers.points.change(C1, 5)
        assert storage.customers.wallet(C1).balance == Money.zero()
        assert storage.customers.points_balance(C1) == 0

    def test_behavior_is_kept_once_and_favorites_follow_the_latest(self, storage: Storage) -> None:
        _register(storage)
        seen = BehaviorEvent(id="e1", customer=C1, kind=BehaviorKind.FAVORITED, at=T0, product="p1")
        with storage.unit_of_work() as uow:
            log = uow.customers.behavior
            log.add([seen])
            log.set_favorite(C1, "p1", True, T0 + timedelta(hours=2))
            log.set_favorite(C1, "p1", False, T0 + timedelta(hours=1))
            log.touch(C1, T0, paid=False)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.customers.behavior.known(["e1", "e2"]) == {"e1"}
        profile = storage.customers.behavior(C1, T0 + timedelta(days=1))
        assert profile.favorites == ("p1",)
        assert profile.last_active == T0

    def test_the_program_defaults_until_saved(self, storage: Storage) -> None:
        assert storage.customers.program() == CustomerProgram()
        custom = CustomerProgram(max_addresses=3, points_per_yuan=2)
        with storage.unit_of_work() as uow:
            uow.customers.program.save(custom)
            uow.commit()
        assert storage.customers.program() == custom

    def test_rules_evaluate_inside_and_outside_a_unit_of_work(self, storage: Storage) -> None:
        _register(storage, C1, "a")
        _register(storage, CustomerId("c2"), "b")
        with storage.unit_of_work() as uow:
            customer = uow.customers.profiles.get(C1)
            customer.tag("vip", at=T0)
            uow.customers.profiles.save(customer)
            uow.commit()
        rule = SegmentRule(all_of=(Condition.has_tag("vip"),))
        assert storage.customers.evaluate(rule, T0) == (C1,)
        with storage.unit_of_work() as uow:
            assert uow.customers.segments.evaluate(rule, T0, CustomerProgram()) == {C1}
