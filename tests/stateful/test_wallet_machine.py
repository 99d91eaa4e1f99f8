"""A state machine drives the wallet on a real backend against an independent model: a
running balance and the list of what happened. Balance = ledger, never negative; replays
change nothing; concurrent payments never overdraw."""

from __future__ import annotations

import threading
from typing import Any

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
    AdjustWallet,
    ConfigureCustomerProgram,
    CustomerProgram,
    DecideWithdrawal,
    InsufficientWalletBalance,
    PayFromWallet,
    Profile,
    RefundToWallet,
    RegisterCustomer,
    RequestWithdrawal,
    TopUpBonus,
    TopUpWallet,
)
from commerce_core.customers.ids import WithdrawalId
from commerce_core.kernel import Command
from commerce_core.testing import FrozenClock, SequentialIds

STAFF = Actor.staff("machine")
EXAMPLES = {"memory": 40, "sqlite": 15, "postgresql": 8, "mariadb": 8}
CENTS = st.integers(1, 80_000)


def yuan(cents: int) -> Money:
    return Money.from_minor(cents)


def make_machine(backend: Backend) -> type[RuleBasedStateMachine]:
    class WalletMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.shop = Commerce(
                backend.storage(), clock=FrozenClock(), ids=SequentialIds("w"), max_attempts=50
            )
            program = CustomerProgram(
                top_up_bonuses=(TopUpBonus(threshold=Money.of("500"), bonus=Money.of("50")),)
            )
            self.shop.execute(ConfigureCustomerProgram(program=program), actor=STAFF)
            self.cid = self.shop.execute(RegisterCustomer(profile=Profile(name="m")), actor=STAFF)
            self.balance = 0
            self.paid: dict[str, int] = {}  # order -> paid minus refunded
            self.pending: dict[WithdrawalId, int] = {}
            self.n = 0
            self.last: Command[Any] | None = None

        def teardown(self) -> None:
            self.shop.close()

        def next(self) -> str:
            self.n += 1
            return str(self.n)

        @rule(cents=CENTS)
        def top_up(self, cents: int) -> None:
            cmd = TopUpWallet(customer=self.cid, amount=yuan(cents), top_up=self.next())
            self.shop.execute(cmd, actor=STAFF)
            self.balance += cents + (5000 if cents >= 50_000 else 0)
            self.last = cmd

        @rule(cents=CENTS)
        def pay(self, cents: int) -> None:
            order = self.next()
            cmd = PayFromWallet(customer=self.cid, order=order, amount=yuan(cents))
            if cents > self.balance:
                try:
                    self.shop.execute(cmd, actor=STAFF)
                except InsufficientWalletBalance:
                    return
                raise AssertionError("a payment beyond the balance went through")
            self.shop.execute(cmd, actor=STAFF)
            self.balance -= cents
            self.paid[order] = cents
            self.last = cmd

        @precondition(lambda self: any(v > 0 for v in self.paid.values()))
        @rule(data=st.data())
        def refund(self, data: st.DataObject) -> None:
            order = data.draw(st.sampled_from(sorted(o for o, v in self.paid.items() if v > 0)))
            cents = data.draw(st.integers(1, self.paid[order]))
            cmd = RefundToWallet(
                customer=self.cid, order=order, refund=self.next(), amount=yuan(cents)
            )
            self.shop.execute(cmd, actor=STAFF)
            self.paid[order] -= cents
            self.balance += cents
            self.last = cmd

        @rule(cents=st.integers(-50_000, 50_000).filter(bool))
        def adjust(self, cents: int) -> None:
            cmd = AdjustWallet(
                customer=self.cid, adjustment=self.next(), amount=yuan(cents), reason="audit"
            )
            if self.balance + cents < 0:
                try:
                    self.shop.execute(cmd, actor=STAFF)
                except InsufficientWalletBalance:
                    return
                raise AssertionError("an adjustment took the wallet below zero")
            self.shop.execute(cmd, actor=STAFF)
            self.balance += cents

        @rule(cents=CENTS)
        def request_withdrawal(self, cents: int) -> None:
            cmd = RequestWithdrawal(customer=self.cid, amount=yuan(cents))
            if cents > self.balance:
                try:
                    self.shop.execute(cmd, actor=STAFF)
                except InsufficientWalletBalance:
                    return
                raise AssertionError("a withdrawal beyond the balance was held")
            wid = self.shop.execute(cmd, actor=STAFF)
            self.balance -= cents
            self.pending[wid] = cents

        @precondition(lambda self: bool(self.pending))
        @rule(data=st.data(), approve=st.booleans())
        def decide(self, data: st.DataObject, approve: bool) -> None:
            wid = data.draw(st.sampled_from(sorted(self.pending)))
            self.shop.execute(DecideWithdrawal(withdrawal=wid, approve=approve), actor=STAFF)
            cents = self.pending.pop(wid)
            if not approve:
                self.balance += cents

        @precondition(lambda self: self.last is not None)
        @rule()
        def replay_last(self) -> None:
            """Sending the last ledger command again changes nothing."""
            assert self.last is not None
            self.shop.execute(self.last, actor=STAFF)

        @rule(cents=CENTS, workers=st.integers(2, 4))
        def concurrent_payments(self, cents: int, workers: int) -> None:
            """Equal payments at once: exactly as many succeed as the balance covers (equal
            amounts keep the model's shape the same whichever threads win)."""
            orders = [self.next() for _ in range(workers)]
            done: list[str] = []
            errors: list[BaseException] = []
            lock = threading.Lock()
            start = threading.Barrier(workers)

            def pay(order: str) -> None:
                start.wait()
                try:
                    self.shop.execute(
                        PayFromWallet(customer=self.cid, order=order, amount=yuan(cents)),
                        actor=STAFF,
                    )
                except InsufficientWalletBalance:
                    return
                except ConcurrencyConflict as exc:
                    errors.append(exc)
                    return
                with lock:
                    done.append(order)

            threads = [threading.Thread(target=pay, args=(o,)) for o in orders]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=60)
            assert errors == []
            assert len(done) == min(workers, self.balance // cents)
            self.balance -= cents * len(done)
            for order in done:
                self.paid[order] = cents

        @invariant()
        def balance_is_the_ledger_and_never_negative(self) -> None:
            statement = self.shop.customers.wallet(self.cid)
            assert statement.balance.minor == self.balance >= 0
            running = 0
            for entry in statement.entries:
                running += entry.amount.minor
                assert entry.balance_after.minor == running >= 0
            assert running == self.balance

    return WalletMachine


def test_wallet_follows_the_model(backend: Backend) -> None:
    run_state_machine_as_test(
        make_machine(backend),
        settings=settings(max_examples=EXAMPLES[backend.name], stateful_step_count=20),
    )
