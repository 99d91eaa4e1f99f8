"""Membership commands: the periodic tier review (downgrades happen only here)."""

from __future__ import annotations

from attrs import field, frozen

from commerce_core.customers.ids import CustomerId
from commerce_core.customers.ports import CustomersContext
from commerce_core.customers.use_cases._common import EXPIRY_ACTOR, text
from commerce_core.kernel.messages import Command

__all__ = ["ReviewTier", "review_key"]


def review_key(customer: CustomerId) -> str:
    """The timer key of a customer's next tier review."""
    return f"customers.tier_review:{customer}"


@frozen(kw_only=True)
class ReviewTier(Command[str]):
    """Close the review periods that have ended: set the tier from the period's growth
    (which may downgrade) and schedule the next review. Returns the tier code. Run by the
    durable timers; running it early changes nothing."""

    type_name = "customers.review_tier"
    customer: CustomerId = field(validator=text("customer"))


def review_tier(cmd: ReviewTier, ctx: CustomersContext) -> str:
    store = ctx.uow.customers
    membership = store.memberships.get(cmd.customer)
    program = store.program.get()
    membership.review(program, at=ctx.now())
    store.memberships.save(membership)
    ctx.schedule(
        ReviewTier(customer=cmd.customer),
        due_at=membership.next_review_at,
        key=review_key(cmd.customer),
        actor=EXPIRY_ACTOR,
    )
    return membership.tier
