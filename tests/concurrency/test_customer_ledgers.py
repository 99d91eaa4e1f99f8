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
    InsufficientPoints,
    InsufficientWalletBalance,
    PayFromWallet,
    Profile,
    RedeemPoints,
    RegisterCustomer,
    TopUpWallet,
)
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
