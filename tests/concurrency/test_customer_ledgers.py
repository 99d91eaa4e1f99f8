"""Real threads against real servers: 20 workers spend from one wallet (and one points
balance) that holds enough for exactly 10; exactly 10 succeed and nothing is overdrawn."""

from __future__ import annotations

import threading

import pytest
from tests.backends import Backend
from tests.concurrency.test_real_threads import run_threads

from commerce_core import Actor, Commerce, Money
from commerce_core.app import SystemClock
from commerce_core.customers import (
    AdjustPoints,
    AwardOrderPoints,
    ConfigureCustomerProgram,
    CustomerPhoneTaken,
    CustomerProgram,
    InsufficientPoints,
    InsufficientWalletBalance,
    PayFromWallet,
    Profile,
    RedeemPoints,
    RegisterCustomer,
    ReversePointsForRefund,
    TopUpWallet,
)
from commerce_core.customers.ledgers import PointsEntryKind
from commerce_core.testing import SequentialIds

BACKENDS = ("postgresql", "mariadb", "sqlite")
pytestmark = pytest.mark.concurrency

STAFF = Actor.staff("load")
WORKERS = 20


def make_shop(backend: Backend) -> Commerce:
    return Commerce(backend.storage(), clock=SystemClock(), ids=SequentialIds("x"), max_attempts=50)


def test_twenty_payments_from_a_wallet_for_ten_exactly_ten_succeed(backend: Backend) -> None:
    shop = make_shop(backend)
    cid = shop.execute(RegisterCustomer(profile=Profile(name="load")), actor=STAFF)
    shop.execute(TopUpWallet(customer=cid, amount=Money.of("100"), top_up="t"), actor=STAFF)
    ok: list[int] = []
    lock = threading.Lock()

    def pay(i: int) -> None:
        try:
            shop.execute(
                PayFromWallet(customer=cid, order=f"o{i}", amount=Money.of("10")), actor=STAFF
            )
        except InsufficientWalletBalance:
            return
        with lock:
            ok.append(i)

    assert run_threads(WORKERS, pay) == []
    assert len(ok) == 10
    statement = shop.customers.wallet(cid)
    assert statement.balance == Money.zero()
    assert sum(e.amount.minor for e in statement.entries) == 0
    assert sorted(e.balance_after.minor for e in statement.entries[1:]) == list(
        range(0, 10_000, 1000)
    )
    shop.close()


def test_twenty_redemptions_of_points_for_ten_exactly_ten_succeed(backend: Backend) -> None:
    shop = make_shop(backend)
    cid = shop.execute(RegisterCustomer(profile=Profile(name="load")), actor=STAFF)
    for n, points in enumerate((300, 400, 300)):  # three lots: spending crosses lot edges
        shop.execute(
            AdjustPoints(customer=cid, adjustment=f"a{n}", points=points, reason="load"),
            actor=STAFF,
        )
    ok: list[int] = []
    lock = threading.Lock()

    def redeem(i: int) -> None:
        try:
            shop.execute(RedeemPoints(customer=cid, order=f"o{i}", points=100), actor=STAFF)
        except InsufficientPoints:
            return
        with lock:
            ok.append(i)

    assert run_threads(WORKERS, redeem) == []
    assert len(ok) == 10
    statement = shop.customers.points(cid)
    assert statement.balance == 0
    assert statement.lots == ()
    assert sum(e.points for e in statement.entries) == 0
    shop.close()


@pytest.mark.parametrize("growth_per_yuan", [0, 1])
def test_concurrent_refunds_of_one_order_take_back_its_share_once(
    backend: Backend, growth_per_yuan: int
) -> None:
    """Ten partial refunds of one order race (cumulative totals 10 % … 100 %): whatever order
    they commit in, exactly the order's points and growth come back out, never more. With no
    growth to take back, only the claimed membership row makes them queue."""
    shop = make_shop(backend)
    program = CustomerProgram(first_order_points=0, growth_per_yuan=growth_per_yuan)
    shop.execute(ConfigureCustomerProgram(program=program), actor=STAFF)
    cid = shop.execute(RegisterCustomer(profile=Profile(name="load")), actor=STAFF)
    # Spare points, so a double take-back would not be hidden by the balance running out.
    shop.execute(
        AdjustPoints(customer=cid, adjustment="a", points=5_000, reason="load"), actor=STAFF
    )
    shop.execute(AwardOrderPoints(customer=cid, order="o1", paid=Money.of("1000")), actor=STAFF)

    def refund(i: int) -> None:
        shop.execute(
            ReversePointsForRefund(
                customer=cid,
                order="o1",
                refund=f"r{i}",
                refunded_total=Money.of("100") * (i + 1),
                order_paid=Money.of("1000"),
            ),
            actor=STAFF,
        )

    assert run_threads(10, refund) == []
    points = shop.customers.points(cid)
    taken = -sum(e.points for e in points.entries if e.kind is PointsEntryKind.REVERSE)
    assert taken == 1000
    assert points.balance == 5_000
    growth = shop.customers.growth(cid)
    assert growth.growth == 0 == sum(e.growth for e in growth.entries)
    shop.close()


def test_concurrent_registrations_with_one_phone_keep_one(backend: Backend) -> None:
    shop = make_shop(backend)
    won: list[int] = []
    lock = threading.Lock()

    def register(i: int) -> None:
        try:
            shop.execute(
                RegisterCustomer(profile=Profile(name=f"p{i}", phone="+8613800138000")),
                actor=STAFF,
            )
        except CustomerPhoneTaken:
            return
        with lock:
            won.append(i)

    assert run_threads(8, register) == []
    assert len(won) == 1
    shop.close()
