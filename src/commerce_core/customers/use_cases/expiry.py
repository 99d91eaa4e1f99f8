"""Points postings and their expiry: every points entry goes through :func:`post_points`,
which schedules the durable timer (:class:`ExpirePoints`) of each new lot."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from attrs import field, frozen

from commerce_core.customers.errors import InsufficientPoints, LedgerReferenceConflict
from commerce_core.customers.events import PointsPosted
from commerce_core.customers.ids import CustomerId
from commerce_core.customers.ledgers import (
    PointsEntry,
    PointsEntryKind,
    PointsLot,
    take_oldest_first,
)
from commerce_core.customers.ports import CustomersContext
from commerce_core.customers.program import CustomerProgram
from commerce_core.customers.tiers import COUNT_MAX
from commerce_core.customers.use_cases._common import (
    EXPIRY_ACTOR,
    expiry_key,
    text,
)
from commerce_core.kernel.clock import ensure_utc
from commerce_core.kernel.errors import ConcurrencyConflict, InputError
from commerce_core.kernel.messages import Command

__all__ = ["ExpirePoints", "expire_due", "expire_points", "post_points"]


def _aware(_: object, __: object, value: Any) -> None:
    if value is not None:
        ensure_utc(value, "until")


@frozen(kw_only=True)
class ExpirePoints(Command[int]):
    """Expire a customer's lots that are due (run by the durable timers, one timer per
    customer and expiry time); returns the points expired."""

    type_name = "customers.expire_points"
    customer: CustomerId = field(validator=text("customer"))
    #: Expire the lots that expire by this time (None: by now). The timer sets it to the
    #: lots' expiry, so a worker whose clock lags a little still expires them.
    until: datetime | None = field(default=None, validator=_aware)


def expire_points(cmd: ExpirePoints, ctx: CustomersContext) -> int:
    return expire_due(ctx, cmd.customer, cmd.until)


def expire_due(ctx: CustomersContext, customer: CustomerId, until: datetime | None = None) -> int:
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
    if points > COUNT_MAX - ledger.balance(customer):
        raise InputError.for_field("points", f"would take the points of {customer!r} past 2**63-1")
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
