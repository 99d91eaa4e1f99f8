"""Wallet, points and tiers through the facade, on every backend."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from commerce_core import Actor, Commerce, InvalidTransition, Money
from commerce_core.customers import (
    AdjustPoints,
    AdjustWallet,
    AwardOrderPoints,
    AwardReviewPoints,
    ConfigureCustomerProgram,
    CustomerProgram,
    DecideWithdrawal,
    InsufficientPoints,
    InsufficientWalletBalance,
    LedgerReferenceConflict,
    PayFromWallet,
    PointsEntryKind,
    Profile,
    RedeemPoints,
    RefundToWallet,
    RegisterCustomer,
    RequestWithdrawal,
    ReversePointsForRefund,
    SignIn,
    Tier,
    TopUpBonus,
    TopUpWallet,
    WalletEntryKind,
)
from commerce_core.customers.ids import CustomerId
from commerce_core.testing import FrozenClock


def register(shop: Commerce, staff: Actor) -> CustomerId:
    return shop.execute(RegisterCustomer(profile=Profile(name="韩梅梅")), actor=staff)


def ledger_sum(shop: Commerce, cid: CustomerId) -> Money:
    return Money.sum(e.amount for e in shop.customers.wallet(cid).entries)


def test_top_up_bonus_payment_refund_and_adjustment(shop: Commerce, staff: Actor) -> None:
    program = CustomerProgram(
        top_up_bonuses=(
            TopUpBonus(threshold=Money.of("500"), bonus=Money.of("50")),
            TopUpBonus(threshold=Money.of("1000"), bonus=Money.of("120")),
        )
    )
    shop.execute(ConfigureCustomerProgram(program=program), actor=staff)
    cid = register(shop, staff)
    shop.execute(TopUpWallet(customer=cid, amount=Money.of("600"), top_up="t1"), actor=staff)
    shop.execute(PayFromWallet(customer=cid, order="o1", amount=Money.of("99.90")), actor=staff)
    shop.execute(
        RefundToWallet(customer=cid, order="o1", refund="r1", amount=Money.of("19.90")),
        actor=staff,
    )
    shop.execute(
        AdjustWallet(customer=cid, adjustment="a1", amount=Money.of("-0.50"), reason="rounding"),
        actor=staff,
    )
    statement = shop.customers.wallet(cid)
    assert statement.balance == Money.of("569.50")
    assert statement.balance == ledger_sum(shop, cid)
    assert [e.kind for e in statement.entries] == [
        WalletEntryKind.TOP_UP,
        WalletEntryKind.TOP_UP_BONUS,
        WalletEntryKind.PAYMENT,
        WalletEntryKind.REFUND,
        WalletEntryKind.ADJUSTMENT,
    ]
    assert [e.cause_id for e in statement.entries] == ["t1", "t1", "o1", "o1", "a1"]
    adjustment = statement.entries[-1]
    assert adjustment.actor == "staff:alice"
    assert adjustment.reason == "rounding"
    assert [e.balance_after for e in statement.entries][-1] == statement.balance


def test_wallet_commands_are_idempotent_by_reference(shop: Commerce, staff: Actor) -> None:
    cid = register(shop, staff)
    first = shop.execute(TopUpWallet(customer=cid, amount=Money.of("10"), top_up="t"), actor=staff)
    again = shop.execute(TopUpWallet(customer=cid, amount=Money.of("10"), top_up="t"), actor=staff)
    assert again == first
    assert shop.customers.wallet(cid).balance == Money.of("10")
    with pytest.raises(LedgerReferenceConflict):
        shop.execute(TopUpWallet(customer=cid, amount=Money.of("11"), top_up="t"), actor=staff)


def test_a_payment_beyond_the_balance_changes_nothing(shop: Commerce, staff: Actor) -> None:
    cid = register(shop, staff)
    shop.execute(TopUpWallet(customer=cid, amount=Money.of("10"), top_up="t"), actor=staff)
    with pytest.raises(InsufficientWalletBalance):
        shop.execute(PayFromWallet(customer=cid, order="o", amount=Money.of("10.01")), actor=staff)
    with pytest.raises(InsufficientWalletBalance):
        shop.execute(
            AdjustWallet(customer=cid, adjustment="a", amount=Money.of("-11"), reason="x"),
            actor=staff,
        )
    statement = shop.customers.wallet(cid)
    assert statement.balance == Money.of("10")
    assert len(statement.entries) == 1


def test_withdrawals_hold_then_leave_or_come_back(shop: Commerce, staff: Actor) -> None:
    cid = register(shop, staff)
    shop.execute(TopUpWallet(customer=cid, amount=Money.of("100"), top_up="t"), actor=staff)
    kept = shop.execute(RequestWithdrawal(customer=cid, amount=Money.of("30")), actor=staff)
    back = shop.execute(RequestWithdrawal(customer=cid, amount=Money.of("20")), actor=staff)
    assert shop.customers.wallet(cid).balance == Money.of("50")
    shop.execute(DecideWithdrawal(withdrawal=kept, approve=True), actor=staff)
    shop.execute(DecideWithdrawal(withdrawal=back, approve=False), actor=staff)
    assert shop.customers.wallet(cid).balance == Money.of("70")
    assert shop.customers.wallet(cid).balance == ledger_sum(shop, cid)
    with pytest.raises(InvalidTransition):
        shop.execute(DecideWithdrawal(withdrawal=back, approve=True), actor=staff)


def test_points_are_earned_on_completion_and_spent_oldest_first(
    shop: Commerce, staff: Actor, clock: FrozenClock
) -> None:
    cid = register(shop, staff)
    shop.execute(AwardOrderPoints(customer=cid, order="o1", paid=Money.of("88.80")), actor=staff)
    clock.advance(days=400)
    shop.execute(AwardOrderPoints(customer=cid, order="o2", paid=Money.of("50")), actor=staff)
    statement = shop.customers.points(cid)
    # 88 for o1, 100 first-order bonus, 50 for o2
    assert statement.balance == 238
    shop.execute(RedeemPoints(customer=cid, order="o3", points=150), actor=staff)
    lots = shop.customers.points(cid).lots
    assert [(lot.reference, lot.remaining) for lot in lots] == [
        ("first_order", 38),
        ("earn:o2", 50),
    ]


def test_a_full_refund_restores_spent_and_removes_earned_points(
    shop: Commerce, staff: Actor
) -> None:
    cid = register(shop, staff)
    shop.execute(AdjustPoints(customer=cid, adjustment="a", points=500, reason="gift"), actor=staff)
    shop.execute(RedeemPoints(customer=cid, order="o1", points=300), actor=staff)
    shop.execute(AwardOrderPoints(customer=cid, order="o1", paid=Money.of("99.99")), actor=staff)
    before = shop.customers.points(cid).balance  # 200 + 99 + 100 (first order)
    assert before == 399
    for i, part in enumerate(("33.33", "33.33", "33.33")):
        total = Money.of(part) * (i + 1)
        shop.execute(
            ReversePointsForRefund(
                customer=cid,
                order="o1",
                refund=f"r{i}",
                refunded_total=total,
                order_paid=Money.of("99.99"),
            ),
            actor=staff,
        )
    entries = [e for e in shop.customers.points(cid).entries if e.order == "o1"]
    restored = sum(e.points for e in entries if e.kind is PointsEntryKind.RESTORE)
    reversed_ = -sum(e.points for e in entries if e.kind is PointsEntryKind.REVERSE)
    assert (restored, reversed_) == (300, 99)
    assert shop.customers.points(cid).balance == before + 300 - 99


def test_expiry_runs_on_the_durable_timers(
    shop: Commerce, staff: Actor, clock: FrozenClock
) -> None:
    program = CustomerProgram(points_valid_years=0, first_order_points=0)
    shop.execute(ConfigureCustomerProgram(program=program), actor=staff)
    cid = register(shop, staff)
    shop.execute(AwardOrderPoints(customer=cid, order="o1", paid=Money.of("120")), actor=staff)
    year_end = datetime(2027, 1, 1, tzinfo=UTC)
    assert shop.customers.points(cid).lots[0].expires_at == year_end
    assert shop.run_due(year_end - timedelta(seconds=1)).done == ()
    report = shop.run_due(year_end)
    assert any(key.startswith("customers.points_expiry:") for key in report.done)
    statement = shop.customers.points(cid)
    assert statement.balance == 0
    assert statement.entries[-1].kind is PointsEntryKind.EXPIRE
    assert statement.entries[-1].points == -120


def test_redeeming_more_than_held_is_refused(shop: Commerce, staff: Actor) -> None:
    cid = register(shop, staff)
    with pytest.raises(InsufficientPoints):
        shop.execute(RedeemPoints(customer=cid, order="o", points=1), actor=staff)


def test_sign_in_streaks_and_reviews_earn_bonuses(
    shop: Commerce, staff: Actor, clock: FrozenClock
) -> None:
    cid = register(shop, staff)
    clock.set(datetime(2026, 3, 10, tzinfo=UTC))
    streaks = [
        shop.execute(SignIn(customer=cid, day=date(2026, 3, d)), actor=staff) for d in range(1, 9)
    ]
    assert streaks == [1, 2, 3, 4, 5, 6, 7, 8]
    assert shop.execute(SignIn(customer=cid, day=date(2026, 3, 8)), actor=staff) == 8
    shop.execute(AwardReviewPoints(customer=cid, review="rv1"), actor=staff)
    assert shop.customers.points(cid).balance == 8 * 1 + 20 + 10
    assert shop.customers.tier(cid).growth == 5


def test_tiers_upgrade_at_once_and_downgrade_at_review(
    shop: Commerce, staff: Actor, clock: FrozenClock
) -> None:
    program = CustomerProgram(
        tiers=(
            Tier(code="v0", name="V0", threshold=0),
            Tier(code="v1", name="V1", threshold=100),
        ),
        tier_review_days=30,
        first_order_points=0,
    )
    shop.execute(ConfigureCustomerProgram(program=program), actor=staff)
    cid = register(shop, staff)
    shop.execute(AwardOrderPoints(customer=cid, order="o1", paid=Money.of("150")), actor=staff)
    assert shop.customers.tier(cid).tier == "v1"
    clock.advance(days=30)
    shop.run_due()
    # The period that ended earned 150: the tier holds; the next period starts at zero.
    assert shop.customers.tier(cid).tier == "v1"
    clock.advance(days=30)
    shop.run_due()
    view = shop.customers.tier(cid)
    assert view.tier == "v0"
    assert view.growth == 150
    assert view.period_growth == 0
