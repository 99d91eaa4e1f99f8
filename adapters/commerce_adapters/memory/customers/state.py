"""The committed state of the customers context on the memory backend, and the facts
segment rules see in it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from attrs import define, field

from commerce_core.customers.behavior import (
    BehaviorEvent,
    BehaviorKind,
    rfm_score,
)
from commerce_core.customers.ids import CustomerId, SegmentId, WithdrawalId
from commerce_core.customers.ledgers import (
    PointsEntry,
    PointsLot,
    WalletEntry,
    Withdrawal,
)
from commerce_core.customers.model import Customer
from commerce_core.customers.program import CustomerProgram
from commerce_core.customers.segments import CustomerFacts, Segment, SegmentRule
from commerce_core.customers.tiers import GrowthEntry, Membership
from commerce_core.kernel.money import Money

__all__ = ["STATE", "CustomersState", "facts", "matching"]

STATE = "customers"


@define
class CustomersState:
    """Everything the customers context has committed (or a unit of work has staged)."""

    version: int = 0
    program: CustomerProgram | None = None
    customers: dict[CustomerId, Customer] = field(factory=dict)
    wallets: dict[CustomerId, Money] = field(factory=dict)
    wallet_entries: dict[CustomerId, list[WalletEntry]] = field(factory=dict)
    withdrawals: dict[WithdrawalId, Withdrawal] = field(factory=dict)
    points: dict[CustomerId, int] = field(factory=dict)
    lots: dict[str, PointsLot] = field(factory=dict)
    points_entries: dict[CustomerId, list[PointsEntry]] = field(factory=dict)
    memberships: dict[CustomerId, Membership] = field(factory=dict)
    growth_entries: dict[CustomerId, list[GrowthEntry]] = field(factory=dict)
    behavior: dict[str, BehaviorEvent] = field(factory=dict)
    active: dict[CustomerId, tuple[datetime | None, datetime | None]] = field(factory=dict)
    favorites: dict[tuple[CustomerId, str], tuple[bool, datetime]] = field(factory=dict)
    segments: dict[SegmentId, Segment] = field(factory=dict)

    def clone(self) -> CustomersState:
        """A copy whose containers can change without touching this one (values are either
        frozen or copied again on the way out)."""
        return CustomersState(
            version=self.version,
            program=self.program,
            customers=dict(self.customers),
            wallets=dict(self.wallets),
            wallet_entries={k: list(v) for k, v in self.wallet_entries.items()},
            withdrawals=dict(self.withdrawals),
            points=dict(self.points),
            lots=dict(self.lots),
            points_entries={k: list(v) for k, v in self.points_entries.items()},
            memberships=dict(self.memberships),
            growth_entries={k: list(v) for k, v in self.growth_entries.items()},
            behavior=dict(self.behavior),
            active=dict(self.active),
            favorites=dict(self.favorites),
            segments=dict(self.segments),
        )


def _payments(state: CustomersState, customer: CustomerId) -> list[BehaviorEvent]:
    return [
        e for e in state.behavior.values() if e.customer == customer and e.kind is BehaviorKind.PAID
    ]


def facts(
    state: CustomersState, customer: CustomerId, at: datetime, program: CustomerProgram
) -> CustomerFacts:
    """What segment rules see of one customer."""
    c = state.customers[customer]
    paid = _payments(state, customer)
    window = at - timedelta(days=program.rfm.window_days)
    in_window = [e for e in paid if window <= e.at <= at]
    spent = Money.sum((e.amount for e in in_window if e.amount is not None), program.currency)
    active, last_paid = state.active.get(customer, (None, None))
    return CustomerFacts(
        customer=customer,
        at=at,
        status=c.status.value,
        tags=c.tags,
        tier=state.memberships[customer].tier,
        gender=c.profile.gender.value,
        channel=c.profile.channel,
        growth=state.memberships[customer].growth,
        points=state.points.get(customer, 0),
        registered_at=c.registered_at,
        last_active=active,
        payments=tuple((e.at, e.amount.minor if e.amount else 0) for e in paid),
        rfm=rfm_score(
            program.rfm,
            last_paid=last_paid if last_paid is not None and last_paid <= at else None,
            payments=len(in_window),
            spent=spent,
            at=at,
        ),
    )


def matching(
    state: CustomersState, rule: SegmentRule, at: datetime, program: CustomerProgram
) -> Iterable[CustomerId]:
    """The customers of ``state`` matching ``rule`` at ``at``."""
    return (c for c in state.customers if rule.matches(facts(state, c, at, program)))
