"""Growth value (成长值) and membership tiers (会员等级): upgrades at once, downgrades at review.

A customer's tier follows the growth earned in the current review period. Crossing a higher
threshold upgrades at once; at the end of each period (``tier_review_days``) the tier is set
from that period's growth, which may be a downgrade, and a new period starts.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from attrs import define, field, frozen

from commerce_core.customers.events import TierChanged
from commerce_core.customers.ids import CustomerId
from commerce_core.customers.program import CustomerProgram, TierBenefits
from commerce_core.kernel.errors import InputError
from commerce_core.kernel.messages import DomainEvent

__all__ = ["COUNT_MAX", "GrowthEntry", "GrowthEntryKind", "Membership", "TierView"]

#: Growth, points and every count the stores keep are 64-bit signed integers.
COUNT_MAX: Final = 2**63 - 1


class GrowthEntryKind(StrEnum):
    """What moved a customer's growth value."""

    EARN = "earn"  # an order or an activity (a review)
    REVERSE = "reverse"  # a refund took back its share of an order's growth
    OPENING = "opening"  # growth held before the ledger existed (migration 0007)


@frozen(kw_only=True)
class GrowthEntry:
    """One line of the growth ledger: signed ``growth``; a member's growth is their sum.

    ``reference`` is unique per customer (``earn:<order>``, ``review:<review>``,
    ``reverse:<refund>``), so a command run twice posts once.
    """

    id: str
    customer: CustomerId
    kind: GrowthEntryKind
    growth: int
    reference: str
    order: str | None
    at: datetime


@frozen
class TierView:
    """A customer's tier as other contexts read it (pricing: ``TierReader``)."""

    customer: CustomerId
    tier: str
    name: str
    benefits: TierBenefits
    growth: int
    period_growth: int
    next_review_at: datetime


@define(eq=False)
class Membership:
    """A customer's growth and tier."""

    customer: CustomerId
    tier: str
    next_review_at: datetime
    growth: int = 0
    period_growth: int = 0
    version: int = 0
    events: list[DomainEvent] = field(factory=list, repr=False)

    @classmethod
    def start(cls, customer: CustomerId, program: CustomerProgram, *, at: datetime) -> Membership:
        """A new member: the lowest tier, the first review one period from now."""
        return cls(
            customer=customer,
            tier=program.tiers[0].code,
            next_review_at=at + timedelta(days=program.tier_review_days),
        )

    def add_growth(self, amount: int, program: CustomerProgram, *, at: datetime) -> bool:
        """Add growth value; upgrade at once if it reaches a higher tier. True if upgraded."""
        if type(amount) is not int or amount < 0:
            raise InputError.for_field("growth", "must be an integer >= 0")
        if amount > COUNT_MAX - self.growth:
            raise InputError.for_field(
                "growth", f"would take the growth of {self.customer!r} past 2**63-1"
            )
        self.growth += amount
        self.period_growth += amount
        reached = program.tier_for(self.period_growth)
        if reached.threshold > program.tier(self.tier).threshold:
            self._set(reached.code, at=at)
            return True
        return False

    def remove_growth(self, amount: int) -> None:
        """Take back growth (a refund's share). The tier stays: a refund never downgrades at
        once; the next review sets the tier from the period's growth, now lower."""
        if type(amount) is not int or not 0 <= amount <= self.growth:
            raise InputError.for_field("growth", f"must be an integer from 0 to {self.growth}")
        self.growth -= amount
        self.period_growth = max(0, self.period_growth - amount)

    def review(self, program: CustomerProgram, *, at: datetime) -> bool:
        """Close every period that has ended by ``at``: set the tier from the growth of the
        period (a downgrade if it fell short) and start the next. True if the tier changed."""
        changed = False
        while self.next_review_at <= at:
            earned = program.tier_for(self.period_growth)
            if earned.code != self.tier:
                self._set(earned.code, at=at)
                changed = True
            self.period_growth = 0
            self.next_review_at += timedelta(days=program.tier_review_days)
        return changed

    def _set(self, code: str, *, at: datetime) -> None:
        self.events.append(
            TierChanged(customer=self.customer, old_tier=self.tier, new_tier=code, at=at)
        )
        self.tier = code

    def view(self, program: CustomerProgram) -> TierView:
        """This membership as a :class:`TierView`."""
        tier = program.tier(self.tier)
        return TierView(
            customer=self.customer,
            tier=tier.code,
            name=tier.name,
            benefits=tier.benefits,
            growth=self.growth,
            period_growth=self.period_growth,
            next_review_at=self.next_review_at,
        )
