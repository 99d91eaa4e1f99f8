"""What the marketing context needs from storage, as Protocols it owns."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from attrs import frozen

from commerce_core.kernel.actors import Actor
from commerce_core.kernel.messages import Command
from commerce_core.marketing.campaigns import Campaign, CampaignStatus
from commerce_core.marketing.codes import CodeBatch, CouponCode, CouponGrant
from commerce_core.marketing.model import CouponTemplate, IssuedCoupon, TemplateUsage
from commerce_core.pricing import PricingPolicy, Rule, RuleSet

__all__ = [
    "CampaignRepository",
    "CampaignView",
    "CouponCodeLedger",
    "CouponLedger",
    "MarketingContext",
    "MarketingQueries",
    "MarketingUnitOfWork",
    "SegmentMembers",
    "live_rule_set",
]


class CampaignRepository(Protocol):
    """Campaigns inside a unit of work, saved with an optimistic version check."""

    def add(self, campaign: Campaign) -> None: ...

    def get(self, id: str) -> Campaign | None: ...

    def save(self, campaign: Campaign) -> None:
        """Write a changed campaign; ConcurrencyConflict if it changed since it was read.
        Every save also invalidates the cached active rule sets."""
        ...

    def active(self) -> list[Campaign]:
        """The campaigns whose status is active, by id."""
        ...


@frozen
class CampaignView:
    """A campaign as read."""

    id: str
    name: str
    status: CampaignStatus
    starts_at: datetime
    ends_at: datetime | None
    rules: tuple[Rule, ...]
    version: int

    @classmethod
    def of(cls, c: Campaign) -> CampaignView:
        """The read model of a campaign."""
        return cls(c.id, c.name, c.status, c.starts_at, c.ends_at, c.rules, c.version)


def live_rule_set(
    campaigns: list[CampaignView], at: datetime, policy: PricingPolicy | None = None
) -> RuleSet:
    """The rules of the active campaigns live at ``at``, as one rule set (campaign order:
    by id, so the set is the same whatever order storage returns them in)."""
    rules = [
        rule
        for c in sorted(campaigns, key=lambda c: c.id)
        if c.status is CampaignStatus.ACTIVE
        and c.starts_at <= at
        and (c.ends_at is None or at < c.ends_at)
        for rule in c.rules
    ]
    return RuleSet(tuple(rules), policy or PricingPolicy())


class CouponLedger(Protocol):
    """Coupon templates, issued coupons and their use counters, inside a unit of work.

    ``try_use`` and ``give_back`` are the hot path: each is a guarded change (in SQL one
    ``UPDATE … WHERE used < limit``), so concurrent orders can never exceed a limit.
    """

    def add_template(self, template: CouponTemplate) -> None:
        """Store a new template; ConcurrencyConflict if the id exists."""
        ...

    def template(self, id: str) -> CouponTemplate | None: ...

    def issue(self, coupon: IssuedCoupon) -> None:
        """Store a newly issued coupon."""
        ...

    def coupon(self, id: str) -> IssuedCoupon | None: ...

    def try_use(self, coupon: IssuedCoupon, order: str) -> str | None:
        """Lock an available coupon for ``order`` and count one use against the template's
        total and the customer's limit, all or nothing. Returns None on success, else what
        stopped it: ``"total"``, ``"per_customer"`` or ``"unavailable"``."""
        ...

    def give_back(self, coupon: IssuedCoupon, order: str) -> bool:
        """Undo :meth:`try_use` for a coupon locked by ``order``; False if it is not."""
        ...


class CouponCodeLedger(Protocol):
    """Redeem codes, their batches and redemptions, and staff grants, inside a unit of work.

    Codes are stored and found by their key (``code_key``), which is unique: two codes that
    read the same cannot both exist. ``try_redeem`` is the hot path: one guarded change
    (in SQL ``UPDATE … WHERE redemptions < limit``), so a single-use code has one winner.
    """

    def add_batch(self, batch: CodeBatch) -> None:
        """Store a new batch; ConcurrencyConflict if the id exists."""
        ...

    def batch(self, id: str) -> CodeBatch | None: ...

    def batch_codes(self, batch: str) -> tuple[CouponCode, ...]:
        """The codes of a batch, by key."""
        ...

    def taken(self, keys: Collection[str]) -> set[str]:
        """Which of ``keys`` are keys of stored codes."""
        ...

    def add_codes(self, codes: Sequence[CouponCode]) -> None:
        """Store new codes; ConcurrencyConflict if a key exists."""
        ...

    def code(self, key: str) -> CouponCode | None: ...

    def redemption(self, key: str, customer: str) -> str | None:
        """The coupon id ``customer`` got from the code, if they redeemed it."""
        ...

    def try_redeem(self, key: str, customer: str, coupon: str, limit: int | None) -> bool:
        """Count one redemption of the code by ``customer`` (who got ``coupon``) unless it
        was redeemed ``limit`` times already; False (nothing changed) if so."""
        ...

    def grant(self, id: str) -> CouponGrant | None: ...

    def add_grant(self, grant: CouponGrant) -> None:
        """Store a new grant; ConcurrencyConflict if the id exists."""
        ...

    def granted(self, grant: str, customers: Collection[str]) -> dict[str, str]:
        """Of ``customers``, those the grant already gave a coupon to, with its id."""
        ...

    def add_granted(self, grant: str, coupons: Mapping[str, str]) -> None:
        """Record the coupon given to each customer; ConcurrencyConflict if one has one."""
        ...

    def uses(self, template: str, customer: str) -> tuple[int, int]:
        """The committed uses of a template: in all, and by ``customer``."""
        ...


class SegmentMembers(Protocol):
    """The stored members of a customer segment, for grants to a segment (the customers
    context fills it; ``commerce_core.app`` wires it)."""

    def members(self, segment: str) -> tuple[str, ...]:
        """The members, by id; NotFound if no segment has this id."""
        ...


class MarketingUnitOfWork(Protocol):
    """The repositories of marketing inside one transaction."""

    @property
    def coupon_codes(self) -> CouponCodeLedger: ...

    @property
    def coupons(self) -> CouponLedger: ...

    @property
    def campaigns(self) -> CampaignRepository: ...


class MarketingContext(Protocol):
    """What a marketing command handler is given."""

    @property
    def uow(self) -> MarketingUnitOfWork: ...

    def now(self) -> datetime: ...

    def new_id(self) -> str: ...

    def schedule(
        self, command: Command[Any], *, due_at: datetime, key: str, actor: Actor | None = None
    ) -> None: ...

    def cancel_schedule(self, key: str) -> bool: ...


class MarketingQueries(Protocol):
    """Marketing reads (read-only transactions)."""

    def usage(self, template: str) -> TemplateUsage:
        """A template with its issued and used counts; CouponTemplateNotFound if none."""
        ...

    def coupons_of(self, customer: str) -> tuple[IssuedCoupon, ...]:
        """The coupons a customer holds, by id."""
        ...

    def campaign(self, id: str) -> CampaignView:
        """One campaign; CampaignNotFound if none."""
        ...

    def code(self, code: str) -> CouponCode:
        """The redeem code that ``code`` reads as (see ``code_key``); CouponCodeNotFound."""
        ...

    def batch_codes(self, batch: str) -> tuple[CouponCode, ...]:
        """The codes of a generated batch, by key; CouponBatchNotFound if none."""
        ...

    def active_rules(self, at: datetime, policy: PricingPolicy | None = None) -> RuleSet:
        """The rules of every campaign live at ``at``, ready for ``price()``: active
        campaigns are loaded in one query and cached until a campaign changes."""
        ...
