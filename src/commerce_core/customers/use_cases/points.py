"""Points commands (积分): earn on completion, bonuses, sign-in, redeem, reverse, expire."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from attrs import field, frozen

from commerce_core.customers.errors import InsufficientPoints, LedgerReferenceConflict
from commerce_core.customers.events import PointsPosted
from commerce_core.customers.ids import CustomerId
from commerce_core.customers.ledgers import (
    PointsEntry,
    PointsEntryKind,
    PointsLot,
    refund_share,
    take_oldest_first,
)
from commerce_core.customers.ports import CustomersContext
from commerce_core.customers.program import CustomerProgram
from commerce_core.customers.use_cases._common import (
    EXPIRY_ACTOR,
    REF_MAX,
    expiry_key,
    positive_int,
    positive_money,
    text,
)
from commerce_core.kernel.clock import ensure_utc
from commerce_core.kernel.errors import ConcurrencyConflict, InputError
from commerce_core.kernel.messages import Command
from commerce_core.kernel.money import Money

__all__ = [
    "AdjustPoints",
    "AwardOrderPoints",
    "AwardReviewPoints",
    "ExpirePoints",
    "RedeemPoints",
    "ReversePointsForRefund",
    "SignIn",
]


def _money_at_least_zero(path: str) -> Any:
    def validate(_: object, __: object, value: Any) -> None:
        if not isinstance(value, Money) or value.is_negative():
            raise InputError.for_field(path, "must be an amount of at least zero")

    return validate


def _aware(_: object, __: object, value: Any) -> None:
    if value is not None:
        ensure_utc(value, "until")


def _date(_: object, __: object, value: Any) -> None:
    if not isinstance(value, date):
        raise InputError.for_field("day", "expected a date such as 2026-05-01")


def _nonzero(_: object, __: object, value: Any) -> None:
    if type(value) is not int or value == 0:
        raise InputError.for_field("points", "must be a non-zero integer (negative takes)")


@frozen(kw_only=True)
class AwardOrderPoints(Command[PointsEntry]):
    """Credit the points and growth of a completed order (credited on completion, not on
    payment, so a refund cannot be gamed). ``paid`` is what the customer paid; the customer's
    first order also earns the program's first-order bonus."""

    type_name = "customers.award_order_points"
    customer: CustomerId = field(validator=text("customer"))
    order: str = field(validator=text("order", REF_MAX))
    paid: Money = field(validator=_money_at_least_zero("paid"))


@frozen(kw_only=True)
class AwardReviewPoints(Command[PointsEntry]):
    """Credit the program's review bonus (points and growth) for a published review."""

    type_name = "customers.award_review_points"
    customer: CustomerId = field(validator=text("customer"))
    review: str = field(validator=text("review", REF_MAX))


@frozen(kw_only=True)
class SignIn(Command[int]):
    """A daily sign-in (签到); returns the streak. Every ``sign_in_streak_days`` in a row
    earn the streak bonus on top of the daily points."""

    type_name = "customers.sign_in"
    customer: CustomerId = field(validator=text("customer"))
    day: date = field(validator=_date)


@frozen(kw_only=True)
class RedeemPoints(Command[PointsEntry]):
    """Spend points on an order (抵扣), oldest lots first. The pricing engine decides how
    many (see ``PointsRedemptionTerms``); this takes them."""

    type_name = "customers.redeem_points"
    customer: CustomerId = field(validator=text("customer"))
    order: str = field(validator=text("order", REF_MAX))
    points: int = field(validator=positive_int("points"))


@frozen(kw_only=True)
class ReversePointsForRefund(Command[None]):
    """After a refund, take back the order's earned points and give back its spent points,
    each in exact proportion to ``refunded_total`` (all refunds of the order so far) out of
    ``order_paid``. A full refund reverses exactly what was earned and spent."""

    type_name = "customers.reverse_points_for_refund"
    customer: CustomerId = field(validator=text("customer"))
    order: str = field(validator=text("order", REF_MAX))
    refund: str = field(validator=text("refund", REF_MAX))
    refunded_total: Money = field(validator=positive_money("refunded_total"))
    order_paid: Money = field(validator=_money_at_least_zero("order_paid"))


@frozen(kw_only=True)
class ExpirePoints(Command[int]):
    """Expire a customer's lots that are due (run by the durable timers, one timer per
    customer and expiry time); returns the points expired."""

    type_name = "customers.expire_points"
    customer: CustomerId = field(validator=text("customer"))
    #: Expire the lots that expire by this time (None: by now). The timer sets it to the
    #: lots' expiry, so a worker whose clock lags a little still expires them.
    until: datetime | None = field(default=None, validator=_aware)


@frozen(kw_only=True)
class AdjustPoints(Command[PointsEntry]):
    """A staff adjustment of points, with a reason."""

    type_name = "customers.adjust_points"
    customer: CustomerId = field(validator=text("customer"))
    adjustment: str = field(validator=text("adjustment", REF_MAX))
    points: int = field(validator=_nonzero)
    reason: str = field(validator=text("reason", 200))


def _earn_growth(ctx: CustomersContext, customer: CustomerId, growth: int) -> None:
    store = ctx.uow.customers
    if growth > 0:
        membership = store.memberships.get(customer)
        membership.add_growth(growth, store.program.get(), at=ctx.now())
        store.memberships.save(membership)


def award_order_points(cmd: AwardOrderPoints, ctx: CustomersContext) -> PointsEntry:
    store = ctx.uow.customers
    store.profiles.get(cmd.customer)
    reference = f"earn:{cmd.order}"
    program = store.program.get()
    # The tier the customer held when the order completed sets the multiplier.
    tier = program.tier(store.memberships.get(cmd.customer).tier)
    earned = program.points_for(cmd.paid, tier.benefits.points_multiplier_percent)
    if store.points.by_reference(cmd.customer, reference) is None:
        _earn_growth(ctx, cmd.customer, program.growth_for(cmd.paid))
    entry = post_points(
        ctx,
        program,
        cmd.customer,
        kind=PointsEntryKind.EARN,
        points=earned,
        reference=reference,
        order=cmd.order,
    )
    if program.first_order_points:
        post_points(
            ctx,
            program,
            cmd.customer,
            kind=PointsEntryKind.BONUS,
            points=program.first_order_points,
            reference="first_order",
            order=cmd.order,
            reason="first order",
        )
    return entry


def award_review_points(cmd: AwardReviewPoints, ctx: CustomersContext) -> PointsEntry:
    store = ctx.uow.customers
    store.profiles.get(cmd.customer)
    program = store.program.get()
    reference = f"review:{cmd.review}"
    if store.points.by_reference(cmd.customer, reference) is None:
        _earn_growth(ctx, cmd.customer, program.review_growth)
    return post_points(
        ctx,
        program,
        cmd.customer,
        kind=PointsEntryKind.BONUS,
        points=program.review_points,
        reference=reference,
        reason="review",
    )


def sign_in(cmd: SignIn, ctx: CustomersContext) -> int:
    store = ctx.uow.customers
    customer = store.profiles.get(cmd.customer)
    if cmd.day > ctx.now().date():
        raise InputError.for_field("day", "must not be in the future")
    streak = customer.sign_in(cmd.day)
    if streak is None:
        return customer.sign_in_streak
    store.profiles.save(customer)
    program = store.program.get()
    if program.sign_in_points:
        post_points(
            ctx,
            program,
            cmd.customer,
            kind=PointsEntryKind.BONUS,
            points=program.sign_in_points,
            reference=f"sign_in:{cmd.day.isoformat()}",
            reason="sign-in",
        )
    if program.sign_in_streak_points and streak % program.sign_in_streak_days == 0:
        post_points(
            ctx,
            program,
            cmd.customer,
            kind=PointsEntryKind.BONUS,
            points=program.sign_in_streak_points,
            reference=f"sign_in_streak:{cmd.day.isoformat()}",
            reason=f"{streak}-day sign-in streak",
        )
    return streak


def redeem_points(cmd: RedeemPoints, ctx: CustomersContext) -> PointsEntry:
    store = ctx.uow.customers
    store.profiles.get(cmd.customer).ensure_active()
    program = store.program.get()
    if store.points.by_reference(cmd.customer, f"redeem:{cmd.order}") is None:
        # Points past their expiry are gone even if the timer has not run yet.
        _expire_due(ctx, cmd.customer)
    return post_points(
        ctx,
        program,
        cmd.customer,
        kind=PointsEntryKind.REDEEM,
        points=-cmd.points,
        reference=f"redeem:{cmd.order}",
        order=cmd.order,
    )


def reverse_points_for_refund(cmd: ReversePointsForRefund, ctx: CustomersContext) -> None:
    store = ctx.uow.customers
    store.profiles.get(cmd.customer)
    program = store.program.get()
    entries = store.points.for_order(cmd.customer, cmd.order)
    earned = sum(e.points for e in entries if e.kind is PointsEntryKind.EARN)
    spent = -sum(e.points for e in entries if e.kind is PointsEntryKind.REDEEM)
    reversed_ = -sum(e.points for e in entries if e.kind is PointsEntryKind.REVERSE)
    restored = sum(e.points for e in entries if e.kind is PointsEntryKind.RESTORE)
    give_back = refund_share(spent, cmd.refunded_total, cmd.order_paid) - restored
    if give_back > 0:
        post_points(
            ctx,
            program,
            cmd.customer,
            kind=PointsEntryKind.RESTORE,
            points=give_back,
            reference=f"restore:{cmd.refund}",
            order=cmd.order,
        )
    take_back = refund_share(earned, cmd.refunded_total, cmd.order_paid) - reversed_
    take_back = min(take_back, store.points.balance(cmd.customer))
    if take_back > 0:
        post_points(
            ctx,
            program,
            cmd.customer,
            kind=PointsEntryKind.REVERSE,
            points=-take_back,
            reference=f"reverse:{cmd.refund}",
            order=cmd.order,
            first=f"earn:{cmd.order}",
        )


def expire_points(cmd: ExpirePoints, ctx: CustomersContext) -> int:
    return _expire_due(ctx, cmd.customer, cmd.until)


def _expire_due(ctx: CustomersContext, customer: CustomerId, until: datetime | None = None) -> int:
    store = ctx.uow.customers
    program = store.program.get()
    total = 0
    for lot in store.points.due_lots(customer, until or ctx.now()):
        post_points(
            ctx,
            program,
            customer,
            kind=PointsEntryKind.EXPIRE,
            points=-lot.remaining,
            reference=f"expire:{lot.id}",
            first=lot.reference,
        )
        total += lot.remaining
    return total


def adjust_points(cmd: AdjustPoints, ctx: CustomersContext) -> PointsEntry:
    store = ctx.uow.customers
    store.profiles.get(cmd.customer)
    return post_points(
        ctx,
        store.program.get(),
        cmd.customer,
        kind=PointsEntryKind.ADJUST,
        points=cmd.points,
        reference=f"adjustment:{cmd.adjustment}",
        reason=cmd.reason,
    )


def post_points(
    ctx: CustomersContext,
    program: CustomerProgram,
    customer: CustomerId,
    *,
    kind: PointsEntryKind,
    points: int,
    reference: str,
    order: str | None = None,
    reason: str | None = None,
    first: str | None = None,
) -> PointsEntry:
    """Append a points entry once per reference.

    Positive points make a new lot expiring by the program (with a durable timer to expire
    it); negative points come out of the lots oldest first (``first``: a lot reference to
    take from before the others), and never below zero.
    """
    ledger = ctx.uow.customers.points
    existing = ledger.by_reference(customer, reference)
    if existing is not None:
        if existing.kind is not kind or existing.points != points:
            raise LedgerReferenceConflict(customer, reference)
        return existing
    at = ctx.now()
    balance = ledger.change(customer, points)
    if balance is None:
        raise InsufficientPoints(customer, -points, ledger.balance(customer))
    if points > 0:
        lot = PointsLot(
            id=ctx.new_id(),
            customer=customer,
            points=points,
            remaining=points,
            reference=reference,
            earned_at=at,
            expires_at=program.points_expiry(at),
        )
        ledger.add_lot(lot)
        ctx.schedule(
            ExpirePoints(customer=customer, until=lot.expires_at),
            due_at=lot.expires_at,
            key=expiry_key(customer, lot),
            actor=EXPIRY_ACTOR,
        )
    elif points < 0:
        lots = ledger.open_lots(customer)
        preferred = [lot for lot in lots if lot.reference == first]
        takes = take_oldest_first(preferred, min(-points, sum(x.remaining for x in preferred)))
        left = -points - sum(n for _, n in takes)
        others = [lot for lot in lots if lot.reference != first]
        try:
            takes += take_oldest_first(others, left)
        except InputError:
            # The balance row said yes, the lots say no: they were changed under us.
            raise ConcurrencyConflict("points lots", f"of customer {customer!r}") from None
        for lot, n in takes:
            ledger.take(lot.id, n)
    entry = PointsEntry(
        id=ctx.new_id(),
        customer=customer,
        kind=kind,
        points=points,
        balance_after=balance,
        reference=reference,
        order=order,
        reason=reason,
        at=at,
    )
    ledger.append(entry)
    ctx.uow.customers.record(
        PointsPosted(
            customer=customer,
            kind=kind.value,
            points=points,
            balance=balance,
            reference=reference,
            at=at,
        )
    )
    return entry
