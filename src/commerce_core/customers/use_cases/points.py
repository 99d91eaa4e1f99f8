"""Points commands (积分): earn on completion, bonuses, sign-in, redeem, reverse, expire."""

from __future__ import annotations

from datetime import date
from typing import Any

from attrs import field, frozen

from commerce_core.customers.ids import CustomerId
from commerce_core.customers.ledgers import (
    PointsEntry,
    PointsEntryKind,
    refund_share,
)
from commerce_core.customers.ports import CustomersContext
from commerce_core.customers.tiers import COUNT_MAX, GrowthEntry, GrowthEntryKind, Membership
from commerce_core.customers.use_cases._common import (
    REF_MAX,
    positive_int,
    positive_money,
    text,
)
from commerce_core.customers.use_cases.expiry import (
    ExpirePoints,
    expire_due,
    post_points,
)
from commerce_core.kernel.errors import InputError
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


def _date(_: object, __: object, value: Any) -> None:
    if not isinstance(value, date):
        raise InputError.for_field("day", "expected a date such as 2026-05-01")


def _nonzero(_: object, __: object, value: Any) -> None:
    if type(value) is not int or value == 0 or not -COUNT_MAX <= value <= COUNT_MAX:
        raise InputError.for_field(
            "points", "must be a non-zero integer within ±(2**63-1) (negative takes)"
        )


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
    """After a refund, take back the order's earned points and growth and give back its spent
    points, each in exact proportion to ``refunded_total`` (all refunds of the order so far)
    out of ``order_paid``. A full refund reverses exactly what was earned and spent. The
    tier stays until the next review (a refund never downgrades at once)."""

    type_name = "customers.reverse_points_for_refund"
    customer: CustomerId = field(validator=text("customer"))
    order: str = field(validator=text("order", REF_MAX))
    refund: str = field(validator=text("refund", REF_MAX))
    refunded_total: Money = field(validator=positive_money("refunded_total"))
    order_paid: Money = field(validator=_money_at_least_zero("order_paid"))


@frozen(kw_only=True)
class AdjustPoints(Command[PointsEntry]):
    """A staff adjustment of points, with a reason."""

    type_name = "customers.adjust_points"
    customer: CustomerId = field(validator=text("customer"))
    adjustment: str = field(validator=text("adjustment", REF_MAX))
    points: int = field(validator=_nonzero)
    reason: str = field(validator=text("reason", 200))


def _post_growth(
    ctx: CustomersContext,
    membership: Membership,
    *,
    kind: GrowthEntryKind,
    growth: int,
    reference: str,
    order: str | None,
) -> None:
    """Write the growth ledger's entry beside the membership's running total."""
    ctx.uow.customers.memberships.append_growth(
        GrowthEntry(
            id=ctx.new_id(),
            customer=membership.customer,
            kind=kind,
            growth=growth,
            reference=reference,
            order=order,
            at=ctx.now(),
        )
    )


def _earn_growth(
    ctx: CustomersContext,
    customer: CustomerId,
    growth: int,
    *,
    reference: str,
    order: str | None = None,
) -> None:
    store = ctx.uow.customers
    if growth > 0:
        membership = store.memberships.claim(customer)
        membership.add_growth(growth, store.program.get(), at=ctx.now())
        _post_growth(
            ctx,
            membership,
            kind=GrowthEntryKind.EARN,
            growth=growth,
            reference=reference,
            order=order,
        )
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
        _earn_growth(
            ctx, cmd.customer, program.growth_for(cmd.paid), reference=reference, order=cmd.order
        )
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
        _earn_growth(ctx, cmd.customer, program.review_growth, reference=reference)
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
        expire_due(ctx, cmd.customer)
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
    # Claim the membership first: concurrent refunds of one customer queue here, so each
    # reads the entries the one before it posted and none takes back a share twice.
    membership = store.memberships.claim(cmd.customer)
    program = store.program.get()
    _reverse_growth(cmd, ctx, membership)
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


def _reverse_growth(
    cmd: ReversePointsForRefund, ctx: CustomersContext, membership: Membership
) -> None:
    """Take back the order's growth in exact proportion to the refunded total. The tier
    stays until the next review."""
    entries = ctx.uow.customers.memberships.growth_entries(cmd.customer, cmd.order)
    earned = sum(e.growth for e in entries if e.kind is GrowthEntryKind.EARN)
    reversed_ = -sum(e.growth for e in entries if e.kind is GrowthEntryKind.REVERSE)
    take_back = min(
        refund_share(earned, cmd.refunded_total, cmd.order_paid) - reversed_, membership.growth
    )
    if take_back <= 0:
        return
    membership.remove_growth(take_back)
    _post_growth(
        ctx,
        membership,
        kind=GrowthEntryKind.REVERSE,
        growth=-take_back,
        reference=f"reverse:{cmd.refund}",
        order=cmd.order,
    )
    ctx.uow.customers.memberships.save(membership)


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
