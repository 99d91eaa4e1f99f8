"""Facts of the customers context. They name customers by id only: no names, phones,
emails, birthdays or addresses ever travel in an event (they reach logs and brokers)."""

from __future__ import annotations

from attrs import frozen

from commerce_core.customers.ids import AddressId, CustomerId, SegmentId, WithdrawalId
from commerce_core.kernel.messages import DomainEvent
from commerce_core.kernel.money import Money

__all__ = [
    "AddressAdded",
    "AddressRemoved",
    "CustomerAccountFrozen",
    "CustomerAccountUnfrozen",
    "CustomerProfileChanged",
    "CustomerRegistered",
    "CustomerTagged",
    "CustomerUntagged",
    "DefaultAddressChanged",
    "PointsPosted",
    "SegmentChanged",
    "SegmentRefreshed",
    "TierChanged",
    "WalletPosted",
    "WithdrawalDecided",
]


@frozen(kw_only=True)
class CustomerRegistered(DomainEvent):
    type_name = "customers.customer_registered"
    customer: CustomerId
    channel: str


@frozen(kw_only=True)
class CustomerProfileChanged(DomainEvent):
    type_name = "customers.profile_changed"
    customer: CustomerId


@frozen(kw_only=True)
class CustomerAccountFrozen(DomainEvent):
    type_name = "customers.customer_frozen"
    customer: CustomerId
    actor: str


@frozen(kw_only=True)
class CustomerAccountUnfrozen(DomainEvent):
    type_name = "customers.customer_unfrozen"
    customer: CustomerId
    actor: str


@frozen(kw_only=True)
class CustomerTagged(DomainEvent):
    type_name = "customers.customer_tagged"
    customer: CustomerId
    tag: str


@frozen(kw_only=True)
class CustomerUntagged(DomainEvent):
    type_name = "customers.customer_untagged"
    customer: CustomerId
    tag: str


@frozen(kw_only=True)
class AddressAdded(DomainEvent):
    type_name = "customers.address_added"
    customer: CustomerId
    address: AddressId


@frozen(kw_only=True)
class AddressRemoved(DomainEvent):
    type_name = "customers.address_removed"
    customer: CustomerId
    address: AddressId


@frozen(kw_only=True)
class DefaultAddressChanged(DomainEvent):
    type_name = "customers.default_address_changed"
    customer: CustomerId
    address: AddressId


@frozen(kw_only=True)
class WalletPosted(DomainEvent):
    """An entry was appended to a wallet ledger (top-up, bonus, payment, refund, ...)."""

    type_name = "customers.wallet_posted"
    customer: CustomerId
    entry: str
    kind: str
    amount: Money
    balance: Money
    reference: str


@frozen(kw_only=True)
class WithdrawalDecided(DomainEvent):
    type_name = "customers.withdrawal_decided"
    customer: CustomerId
    withdrawal: WithdrawalId
    approved: bool
    actor: str


@frozen(kw_only=True)
class PointsPosted(DomainEvent):
    """An entry was appended to a points ledger (earn, redeem, expire, reverse, restore)."""

    type_name = "customers.points_posted"
    customer: CustomerId
    kind: str
    points: int
    balance: int
    reference: str


@frozen(kw_only=True)
class TierChanged(DomainEvent):
    type_name = "customers.tier_changed"
    customer: CustomerId
    old_tier: str
    new_tier: str


@frozen(kw_only=True)
class SegmentChanged(DomainEvent):
    type_name = "customers.segment_changed"
    segment: SegmentId


@frozen(kw_only=True)
class SegmentRefreshed(DomainEvent):
    type_name = "customers.segment_refreshed"
    segment: SegmentId
    members: int
