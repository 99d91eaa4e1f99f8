"""Wallet commands (账户余额): top up, pay, refund, adjust, withdraw."""

from __future__ import annotations

from typing import Any

from attrs import field, frozen

from commerce_core.customers.ids import CustomerId, WithdrawalId
from commerce_core.customers.ledgers import Cause, WalletEntry, WalletEntryKind, Withdrawal
from commerce_core.customers.ports import CustomersContext
from commerce_core.customers.use_cases._common import REF_MAX, positive_money, post_wallet, text
from commerce_core.kernel.errors import InputError
from commerce_core.kernel.messages import Command
from commerce_core.kernel.money import Money

__all__ = [
    "AdjustWallet",
    "DecideWithdrawal",
    "PayFromWallet",
    "RefundToWallet",
    "RequestWithdrawal",
    "TopUpWallet",
]


def _nonzero(_: object, __: object, value: Any) -> None:
    if not isinstance(value, Money) or value.is_zero():
        raise InputError.for_field("amount", "must be a non-zero amount (negative takes money)")


@frozen(kw_only=True)
class TopUpWallet(Command[WalletEntry]):
    """Credit a paid top-up (充值), plus the program's bonus (充500送50) as its own entry.

    ``top_up`` names the top-up payment: sending it again credits nothing more.
    """

    type_name = "customers.top_up_wallet"
    customer: CustomerId = field(validator=text("customer"))
    amount: Money = field(validator=positive_money())
    top_up: str = field(validator=text("top_up", REF_MAX))


@frozen(kw_only=True)
class PayFromWallet(Command[WalletEntry]):
    """Pay for an order from the wallet (余额支付); refused if the balance is short."""

    type_name = "customers.pay_from_wallet"
    customer: CustomerId = field(validator=text("customer"))
    order: str = field(validator=text("order", REF_MAX))
    amount: Money = field(validator=positive_money())


@frozen(kw_only=True)
class RefundToWallet(Command[WalletEntry]):
    """Refund (part of) an order to the wallet; ``refund`` names the refund."""

    type_name = "customers.refund_to_wallet"
    customer: CustomerId = field(validator=text("customer"))
    order: str = field(validator=text("order", REF_MAX))
    refund: str = field(validator=text("refund", REF_MAX))
    amount: Money = field(validator=positive_money())


@frozen(kw_only=True)
class AdjustWallet(Command[WalletEntry]):
    """A staff adjustment (人工调整): signed ``amount``, a reason, recorded with the actor."""

    type_name = "customers.adjust_wallet"
    customer: CustomerId = field(validator=text("customer"))
    adjustment: str = field(validator=text("adjustment", REF_MAX))
    amount: Money = field(validator=_nonzero)
    reason: str = field(validator=text("reason", 200))


@frozen(kw_only=True)
class RequestWithdrawal(Command[WithdrawalId]):
    """Ask to pay wallet money out (提现); the amount is held until a decision."""

    type_name = "customers.request_withdrawal"
    customer: CustomerId = field(validator=text("customer"))
    amount: Money = field(validator=positive_money())


@frozen(kw_only=True)
class DecideWithdrawal(Command[None]):
    """Approve (the money leaves) or reject (it returns to the wallet) a withdrawal."""

    type_name = "customers.decide_withdrawal"
    withdrawal: WithdrawalId = field(validator=text("withdrawal"))
    approve: bool


def top_up_wallet(cmd: TopUpWallet, ctx: CustomersContext) -> WalletEntry:
    store = ctx.uow.customers
    store.profiles.get(cmd.customer)
    entry = post_wallet(
        ctx,
        cmd.customer,
        kind=WalletEntryKind.TOP_UP,
        amount=cmd.amount,
        cause=Cause.TOP_UP,
        cause_id=cmd.top_up,
        reference=f"top_up:{cmd.top_up}",
    )
    bonus = store.program.get().top_up_bonus(cmd.amount)
    if bonus.is_positive():
        post_wallet(
            ctx,
            cmd.customer,
            kind=WalletEntryKind.TOP_UP_BONUS,
            amount=bonus,
            cause=Cause.TOP_UP,
            cause_id=cmd.top_up,
            reference=f"top_up_bonus:{cmd.top_up}",
        )
    return entry


def pay_from_wallet(cmd: PayFromWallet, ctx: CustomersContext) -> WalletEntry:
    ctx.uow.customers.profiles.get(cmd.customer).ensure_active()
    return post_wallet(
        ctx,
        cmd.customer,
        kind=WalletEntryKind.PAYMENT,
        amount=-cmd.amount,
        cause=Cause.ORDER,
        cause_id=cmd.order,
        reference=f"payment:{cmd.order}",
    )


def refund_to_wallet(cmd: RefundToWallet, ctx: CustomersContext) -> WalletEntry:
    ctx.uow.customers.profiles.get(cmd.customer)
    return post_wallet(
        ctx,
        cmd.customer,
        kind=WalletEntryKind.REFUND,
        amount=cmd.amount,
        cause=Cause.ORDER,
        cause_id=cmd.order,
        reference=f"refund:{cmd.refund}",
    )


def adjust_wallet(cmd: AdjustWallet, ctx: CustomersContext) -> WalletEntry:
    ctx.uow.customers.profiles.get(cmd.customer)
    return post_wallet(
        ctx,
        cmd.customer,
        kind=WalletEntryKind.ADJUSTMENT,
        amount=cmd.amount,
        cause=Cause.ADJUSTMENT,
        cause_id=cmd.adjustment,
        reference=f"adjustment:{cmd.adjustment}",
        reason=cmd.reason,
    )


def request_withdrawal(cmd: RequestWithdrawal, ctx: CustomersContext) -> WithdrawalId:
    store = ctx.uow.customers
    store.profiles.get(cmd.customer).ensure_active()
    withdrawal = Withdrawal(
        id=WithdrawalId(ctx.new_id()),
        customer=cmd.customer,
        amount=cmd.amount,
        requested_at=ctx.now(),
    )
    post_wallet(
        ctx,
        cmd.customer,
        kind=WalletEntryKind.WITHDRAWAL,
        amount=-cmd.amount,
        cause=Cause.WITHDRAWAL,
        cause_id=withdrawal.id,
        reference=f"withdrawal:{withdrawal.id}",
    )
    store.withdrawals.add(withdrawal)
    return withdrawal.id


def decide_withdrawal(cmd: DecideWithdrawal, ctx: CustomersContext) -> None:
    store = ctx.uow.customers
    withdrawal = store.withdrawals.get(cmd.withdrawal)
    withdrawal.decide(cmd.approve, actor=str(ctx.actor), at=ctx.now())
    store.withdrawals.save(withdrawal)
    if not cmd.approve:
        post_wallet(
            ctx,
            withdrawal.customer,
            kind=WalletEntryKind.WITHDRAWAL_RELEASED,
            amount=withdrawal.amount,
            cause=Cause.WITHDRAWAL,
            cause_id=withdrawal.id,
            reference=f"withdrawal_released:{withdrawal.id}",
        )
