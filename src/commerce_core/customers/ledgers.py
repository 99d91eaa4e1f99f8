"""The wallet (账户余额) and points (积分) ledgers: entries, lots, withdrawals, and the pure
rules that spend lots oldest first and share a refund out exactly."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from attrs import define, field, frozen

from commerce_core.customers.events import WithdrawalDecided
from commerce_core.customers.ids import CustomerId, WithdrawalId
from commerce_core.kernel.errors import InputError, InvalidTransition
from commerce_core.kernel.messages import DomainEvent
from commerce_core.kernel.money import Money, allocate

__all__ = [
    "WITHDRAWAL_TRANSITIONS",
    "Cause",
    "PointsEntry",
    "PointsEntryKind",
    "PointsLot",
    "WalletEntry",
    "WalletEntryKind",
    "Withdrawal",
    "WithdrawalStatus",
    "oldest_first",
    "refund_share",
    "take_oldest_first",
]


class WalletEntryKind(StrEnum):
    """What moved money in or out of a wallet."""

    TOP_UP = "top_up"  # 充值
    TOP_UP_BONUS = "top_up_bonus"  # 充值赠送
    PAYMENT = "payment"  # 余额支付
    REFUND = "refund"  # 退款到余额
    ADJUSTMENT = "adjustment"  # 人工调整 (staff, with a reason)
    WITHDRAWAL = "withdrawal"  # 提现 (held when requested)
    WITHDRAWAL_RELEASED = "withdrawal_released"  # a rejected withdrawal comes back


class Cause(StrEnum):
    """What an entry is about; ``cause_id`` names the thing."""

    ORDER = "order"
    TOP_UP = "top_up"
    ADJUSTMENT = "adjustment"
    WITHDRAWAL = "withdrawal"
    ACTIVITY = "activity"


@frozen(kw_only=True)
class WalletEntry:
    """One line of a wallet ledger: signed ``amount`` and the balance right after it.

    ``reference`` is unique per customer: posting the same reference again returns this
    entry instead of a second one.
    """

    id: str
    customer: CustomerId
    kind: WalletEntryKind
    amount: Money
    balance_after: Money
    cause: Cause
    cause_id: str
    reference: str
    actor: str
    reason: str | None
    at: datetime


class WithdrawalStatus(StrEnum):
    """A withdrawal request's life: requested → approved or rejected."""

    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"


WITHDRAWAL_TRANSITIONS: Final[Mapping[WithdrawalStatus, frozenset[WithdrawalStatus]]] = (
    MappingProxyType(
        {
            WithdrawalStatus.REQUESTED: frozenset(
                {WithdrawalStatus.APPROVED, WithdrawalStatus.REJECTED}
            ),
            WithdrawalStatus.APPROVED: frozenset(),
            WithdrawalStatus.REJECTED: frozenset(),
        }
    )
)


@define(eq=False)
class Withdrawal:
    """A request to pay wallet money out (提现). The amount is held (debited) when requested;
    approval lets it go, rejection releases it back to the wallet."""

    id: WithdrawalId
    customer: CustomerId
    amount: Money
    requested_at: datetime
    status: WithdrawalStatus = WithdrawalStatus.REQUESTED
    decided_at: datetime | None = None
    decided_by: str | None = None
    version: int = 0
    events: list[DomainEvent] = field(factory=list, repr=False)

    def decide(self, approve: bool, *, actor: str, at: datetime) -> None:
        """Approve or reject; a decided request cannot be decided again."""
        new = WithdrawalStatus.APPROVED if approve else WithdrawalStatus.REJECTED
        if new not in WITHDRAWAL_TRANSITIONS[self.status]:
            raise InvalidTransition(self.status.value, new.value, kind="withdrawal")
        self.status = new
        self.decided_at = at
        self.decided_by = actor
        self.events.append(
            WithdrawalDecided(
                customer=self.customer, withdrawal=self.id, approved=approve, actor=actor, at=at
            )
        )


class PointsEntryKind(StrEnum):
    """What moved points in or out."""

    EARN = "earn"  # for an order, credited on completion
    BONUS = "bonus"  # first order, review, sign-in, campaigns
    REDEEM = "redeem"  # 抵扣 at checkout
    EXPIRE = "expire"  # a lot reached its expiry
    REVERSE = "reverse"  # earned points taken back on a refund
    RESTORE = "restore"  # spent points given back on a refund
    ADJUST = "adjust"  # staff, with a reason


@frozen(kw_only=True)
class PointsLot:
    """Points earned together, spent together: ``remaining`` of ``points`` until
    ``expires_at``."""

    id: str
    customer: CustomerId
    points: int
    remaining: int
    reference: str
    earned_at: datetime
    expires_at: datetime


@frozen(kw_only=True)
class PointsEntry:
    """One line of a points statement: signed ``points`` and the balance right after."""

    id: str
    customer: CustomerId
    kind: PointsEntryKind
    points: int
    balance_after: int
    reference: str
    order: str | None
    reason: str | None
    at: datetime


def oldest_first(lots: Iterable[PointsLot]) -> list[PointsLot]:
    """Lots in spending order: soonest to expire first, then earliest earned, then id."""
    return sorted(lots, key=lambda lot: (lot.expires_at, lot.earned_at, lot.id))


def take_oldest_first(lots: Sequence[PointsLot], points: int) -> list[tuple[PointsLot, int]]:
    """Which lots give how many of ``points``, oldest first; every lot taken is emptied
    except perhaps the last. Fewer points on hand than asked is an :class:`InputError`."""
    if type(points) is not int or points < 0:
        raise InputError.for_field("points", "must be an integer >= 0")
    out: list[tuple[PointsLot, int]] = []
    left = points
    for lot in oldest_first(lots):
        if left == 0:
            break
        take = min(lot.remaining, left)
        if take > 0:
            out.append((lot, take))
            left -= take
    if left:
        raise InputError.for_field("points", f"{points} asked, {points - left} on hand")
    return out


def refund_share(total: int, refunded: Money, paid: Money) -> int:
    """The part of ``total`` points that a refund of ``refunded`` (cumulative) out of
    ``paid`` accounts for, split with the kernel's :func:`allocate`: the part and the rest
    always sum to ``total``, and a full refund gives all of it."""
    if refunded.currency != paid.currency:
        refunded - paid  # raises CurrencyMismatch
    if not paid.is_positive():
        return total
    covered = min(max(refunded.minor, 0), paid.minor)
    return allocate(total, [covered, paid.minor - covered])[0]
