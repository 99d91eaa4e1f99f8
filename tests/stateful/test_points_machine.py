"""A state machine drives the points ledger on a real backend against an independent model:
lots as (expiry, creation order, remaining), spent oldest first, expired by the timers,
reversed on refunds in exact proportion. Concurrent redemptions never overdraw. Growth value
follows its ledger: it always equals the sum of its entries, and a refund takes back the
order's growth in exact proportion (a full refund: exactly the growth the order earned)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from attrs import define
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from tests.backends import Backend

from commerce_core import Actor, Commerce, ConcurrencyConflict, Money
from commerce_core.customers import (
    AdjustPoints,
    AwardOrderPoints,
    ConfigureCustomerProgram,
    CustomerProgram,
    InsufficientPoints,
    Profile,
    RedeemPoints,
    RegisterCustomer,
    ReversePointsForRefund,
    Tier,
)
from commerce_core.testing import FrozenClock, SequentialIds

STAFF = Actor.staff("machine")
EXAMPLES = {"memory": 40, "sqlite": 15, "postgresql": 8, "mariadb": 8}
T0 = datetime(2026, 1, 1, tzinfo=UTC)


@define
class Lot:
    reference: str
    expires_at: datetime
    seq: int
    remaining: int


def share(total: int, part: int, whole: int) -> int:
    """Largest-remainder share of ``total`` for ``part`` of ``whole`` (two parts), written
    out independently of the kernel's allocate()."""
    if whole <= 0:
        return total
    part = min(part, whole)
    first, first_rem = divmod(total * part, whole)
    second, second_rem = divmod(total * (whole - part), whole)
    if first + second < total and (first_rem, part) >= (second_rem, whole - part):
        first += 1
    return first


@define
class Order:
    paid: int  # cents
    earned: int = 0
    spent: int = 0
    refunded: int = 0
    reversed: int = 0
    restored: int = 0
    growth: int = 0
    growth_reversed: int = 0


def make_machine(backend: Backend) -> type[RuleBasedStateMachine]:
    class PointsMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.clock = FrozenClock(T0)
            self.shop = Commerce(
                backend.storage(), clock=self.clock, ids=SequentialIds("p"), max_attempts=50
            )
            program = CustomerProgram(
                first_order_points=0,
                points_valid_years=0,  # lots expire at the end of the year they are earned
                tiers=(Tier(code="one", name="One", threshold=0),),
            )
            self.shop.execute(ConfigureCustomerProgram(program=program), actor=STAFF)
            self.cid = self.shop.execute(RegisterCustomer(profile=Profile(name="m")), actor=STAFF)
            self.lots: list[Lot] = []
            self.orders: dict[str, Order] = {}
            self.seq = 0
            self.growth = 0

        def teardown(self) -> None:
            self.shop.close()

        # -- the model -------------------------------------------------------------------
        def balance(self) -> int:
            return sum(lot.remaining for lot in self.lots)

        def add_lot(self, reference: str, points: int) -> None:
            self.seq += 1
            year_end = datetime(self.clock.now().year + 1, 1, 1, tzinfo=UTC)
            self.lots.append(Lot(reference, year_end, self.seq, points))

        def take(self, points: int, first: str | None = None) -> None:
            order = sorted(
                self.lots, key=lambda lot: (lot.reference != first, lot.expires_at, lot.seq)
            )
            for lot in order:
                n = min(lot.remaining, points)
                lot.remaining -= n
                points -= n
            assert points == 0

        def expire_due(self) -> None:
            for lot in self.lots:
                if lot.expires_at <= self.clock.now():
                    lot.remaining = 0

        def new_order(self, paid: int) -> str:
            self.seq += 1
            name = f"o{self.seq}"
            self.orders[name] = Order(paid=paid)
            return name

        # -- rules -----------------------------------------------------------------------
        @rule(cents=st.integers(0, 300_000))
        def complete_an_order(self, cents: int) -> None:
            order = self.new_order(cents)
            cmd = AwardOrderPoints(customer=self.cid, order=order, paid=Money.from_minor(cents))
            self.shop.execute(cmd, actor=STAFF)
            earned = cents // 100
            self.orders[order].earned = earned
            self.orders[order].growth = earned  # growth_per_yuan = 1
            self.growth += earned
            if earned:
                self.add_lot(f"earn:{order}", earned)

        @rule(points=st.integers(1, 2_000))
        def gift(self, points: int) -> None:
            self.seq += 1
            ref = f"g{self.seq}"
            self.shop.execute(
                AdjustPoints(customer=self.cid, adjustment=ref, points=points, reason="gift"),
                actor=STAFF,
            )
            self.add_lot(f"adjustment:{ref}", points)

        @rule(points=st.integers(1, 3_000), cents=st.integers(1, 300_000))
        def redeem(self, points: int, cents: int) -> None:
            order = self.new_order(cents)
            self.expire_due()
            cmd = RedeemPoints(customer=self.cid, order=order, points=points)
            if points > self.balance():
                try:
                    self.shop.execute(cmd, actor=STAFF)
                except InsufficientPoints:
                    return
                raise AssertionError("a redemption beyond the balance went through")
            self.shop.execute(cmd, actor=STAFF)
            self.take(points)
            self.orders[order].spent = points

        @precondition(lambda self: any(o.refunded < o.paid for o in self.orders.values()))
        @rule(data=st.data(), full=st.booleans())
        def refund(self, data: st.DataObject, full: bool) -> None:
            name = data.draw(
                st.sampled_from(sorted(n for n, o in self.orders.items() if o.refunded < o.paid))
            )
            o = self.orders[name]
            amount = o.paid - o.refunded if full else data.draw(st.integers(1, o.paid - o.refunded))
            o.refunded += amount
            self.seq += 1
            refund = f"r{self.seq}"
            self.shop.execute(
                ReversePointsForRefund(
                    customer=self.cid,
                    order=name,
                    refund=refund,
                    refunded_total=Money.from_minor(o.refunded),
                    order_paid=Money.from_minor(o.paid),
                ),
                actor=STAFF,
            )
            give_back = share(o.spent, o.refunded, o.paid) - o.restored
            if give_back > 0:
                o.restored += give_back
                self.add_lot(f"restore:{refund}", give_back)
            take_back = min(share(o.earned, o.refunded, o.paid) - o.reversed, self.balance())
            if take_back > 0:
                o.reversed += take_back
                self.take(take_back, first=f"earn:{name}")
            growth_back = share(o.growth, o.refunded, o.paid) - o.growth_reversed
            o.growth_reversed += growth_back
            self.growth -= growth_back
            if o.refunded == o.paid:
                assert o.growth_reversed == o.growth
                # A full refund gives back exactly what was spent, and takes back exactly
                # what was earned whenever the customer still holds that many points.
                assert o.restored == o.spent
                assert o.reversed == o.earned or self.balance() == 0

        @rule(days=st.integers(1, 400))
        def time_passes(self, days: int) -> None:
            self.clock.advance(days=days)
            self.shop.run_due()
            self.expire_due()

        @rule(amounts=st.lists(st.integers(1, 1_500), min_size=2, max_size=4))
        def concurrent_redemptions(self, amounts: list[int]) -> None:
            self.expire_due()
            orders = [self.new_order(10_000) for _ in amounts]
            done: list[int] = []
            errors: list[BaseException] = []
            lock = threading.Lock()
            start = threading.Barrier(len(amounts))

            def redeem(i: int) -> None:
                start.wait()
                try:
                    self.shop.execute(
                        RedeemPoints(customer=self.cid, order=orders[i], points=amounts[i]),
                        actor=STAFF,
                    )
                except InsufficientPoints:
                    return
                except ConcurrencyConflict as exc:
                    errors.append(exc)
                    return
                with lock:
                    done.append(i)

            threads = [threading.Thread(target=redeem, args=(i,)) for i in range(len(amounts))]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=60)
            assert errors == []
            spent = sum(amounts[i] for i in done)
            assert spent <= self.balance()
            for i in set(range(len(amounts))) - set(done):
                assert amounts[i] > self.balance() - spent
            # Oldest-first spending drains the same lots whatever order the winners ran in.
            self.take(spent)
            for i in done:
                self.orders[orders[i]].spent = amounts[i]

        @invariant()
        def store_matches_model(self) -> None:
            statement = self.shop.customers.points(self.cid)
            assert statement.balance == self.balance() >= 0
            assert sum(e.points for e in statement.entries) == statement.balance
            assert sum(lot.remaining for lot in statement.lots) == statement.balance
            stored = {lot.reference: lot.remaining for lot in statement.lots}
            assert stored == {lot.reference: lot.remaining for lot in self.lots if lot.remaining}
            # Statement order is spending order: soonest expiry first.
            expiries = [lot.expires_at for lot in statement.lots]
            assert expiries == sorted(expiries)
            growth = self.shop.customers.growth(self.cid)
            assert growth.growth == sum(e.growth for e in growth.entries) == self.growth >= 0
            for name, o in self.orders.items():
                mine = [e.growth for e in growth.entries if e.order == name]
                assert sum(mine) == o.growth - o.growth_reversed

    return PointsMachine


def test_points_follow_the_model(backend: Backend) -> None:
    run_state_machine_as_test(
        make_machine(backend),
        settings=settings(max_examples=EXAMPLES[backend.name], stateful_step_count=20),
    )


def test_the_model_share_agrees_on_examples() -> None:
    assert share(99, 3333, 9999) == 33
    assert share(100, 9999, 9999) == 100
    assert share(1, 1, 2) == 1
    assert share(7, 0, 10) == 0
