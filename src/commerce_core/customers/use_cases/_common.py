"""Validators and ledger postings shared by the customers handlers."""

from __future__ import annotations

from typing import Any

from commerce_core.customers.errors import (
    InsufficientWalletBalance,
    LedgerReferenceConflict,
)
from commerce_core.customers.events import WalletPosted
from commerce_core.customers.ids import CustomerId
from commerce_core.customers.ledgers import (
    Cause,
    PointsLot,
    WalletEntry,
    WalletEntryKind,
)
from commerce_core.customers.ports import CustomersContext
from commerce_core.kernel.actors import Actor
from commerce_core.kernel.errors import InputError
from commerce_core.kernel.money import Money
from commerce_core.kernel.validation import check_text

__all__ = [
    "EXPIRY_ACTOR",
    "ID_MAX",
    "REF_MAX",
    "expiry_key",
    "non_negative_int",
    "positive_int",
    "positive_money",
    "post_wallet",
    "text",
]

ID_MAX = 64
REF_MAX = 120
EXPIRY_ACTOR = Actor.system("customers")


def text(path: str, max_length: int = ID_MAX) -> Any:
    """An attrs validator for a required single-line text field."""

    def validate(_: object, __: object, value: Any) -> None:
        check_text(value, path, max_length=max_length)

    return validate


def positive_money(path: str = "amount") -> Any:
    """An attrs validator: a :class:`Money` above zero."""

    def validate(_: object, __: object, value: Any) -> None:
        if not isinstance(value, Money):
            raise InputError.for_field(path, "expected an amount of money")
        if not value.is_positive():
            raise InputError.for_field(path, "must be above zero")

    return validate


def positive_int(path: str) -> Any:
    """An attrs validator: an int above zero (bools refused)."""

    def validate(_: object, __: object, value: Any) -> None:
        if type(value) is not int or not 0 < value < 2**63:
            raise InputError.for_field(path, "must be an integer from 1 to 2**63-1")

    return validate


def non_negative_int(path: str) -> Any:
    """An attrs validator: an int of at least zero (bools refused)."""

    def validate(_: object, __: object, value: Any) -> None:
        if type(value) is not int or not 0 <= value < 2**63:
            raise InputError.for_field(path, "must be an integer from 0 to 2**63-1")

    return validate


def expiry_key(customer: CustomerId, lot: PointsLot) -> str:
    """The timer that expires a customer's lots due at one time (one timer for all)."""
    return f"customers.points_expiry:{customer}:{lot.expires_at.isoformat()}"


def post_wallet(
    ctx: CustomersContext,
    customer: CustomerId,
    *,
    kind: WalletEntryKind,
    amount: Money,
    cause: Cause,
    cause_id: str,
    reference: str,
    reason: str | None = None,
) -> WalletEntry:
    """Append a wallet entry once per reference; the balance stays >= 0 or nothing moves."""
    wallets = ctx.uow.customers.wallets
    existing = wallets.by_reference(customer, reference)
    if existing is not None:
        if existing.kind is not kind or existing.amount != amount:
            raise LedgerReferenceConflict(customer, reference)
        return existing
    balance = wallets.change(customer, amount)
    if balance is None:
        raise InsufficientWalletBalance(customer, str(-amount), str(wallets.balance(customer)))
    at = ctx.now()
    entry = WalletEntry(
        id=ctx.new_id(),
        customer=customer,
        kind=kind,
        amount=amount,
        balance_after=balance,
        cause=cause,
        cause_id=cause_id,
        reference=reference,
        actor=str(ctx.actor),
        reason=reason,
        at=at,
    )
    wallets.append(entry)
    ctx.uow.customers.record(
        WalletPosted(
            customer=customer,
            entry=entry.id,
            kind=kind.value,
            amount=amount,
            balance=balance,
            reference=reference,
            at=at,
        )
    )
    return entry
