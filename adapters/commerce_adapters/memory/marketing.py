"""Marketing on the memory backend: coupon templates, issued coupons, use counters.

The ledger joins its unit of work as a participant: uses are staged as deltas and checked
against the committed counters under the storage lock at commit, so two concurrent orders
can never count past a limit (the loser conflicts and its command is retried).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING

from attrs import define, evolve, field

from commerce_core.kernel.errors import ConcurrencyConflict
from commerce_core.marketing.campaigns import Campaign, CampaignStatus
from commerce_core.marketing.errors import CampaignNotFound, CouponTemplateNotFound
from commerce_core.marketing.model import (
    CouponStatus,
    CouponTemplate,
    IssuedCoupon,
    TemplateUsage,
)
from commerce_core.marketing.ports import CampaignView, live_rule_set
from commerce_core.pricing import PricingPolicy, RuleSet

if TYPE_CHECKING:
    from commerce_adapters.memory.storage import MemoryStorage, MemoryUnitOfWork

__all__ = [
    "MarketingState",
    "MemoryCampaignRepository",
    "MemoryCouponLedger",
    "MemoryMarketingQueries",
]


@define
class MarketingState:
    """What marketing has committed on a :class:`MemoryStorage`."""

    templates: dict[str, CouponTemplate] = field(factory=dict)
    coupons: dict[str, IssuedCoupon] = field(factory=dict)
    issued: Counter[str] = field(factory=Counter)
    used: Counter[str] = field(factory=Counter)
    customer_used: Counter[tuple[str, str]] = field(factory=Counter)
    campaigns: dict[str, CampaignView] = field(factory=dict)
    #: Bumped by every campaign write; the active rule sets are cached per generation.
    generation: int = 0
    rule_sets: dict[tuple[frozenset[str], PricingPolicy], RuleSet] = field(factory=dict)


class MemoryCampaignRepository:
    """Campaigns of one memory unit of work, saved with an optimistic version check."""

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._storage: MemoryStorage = uow.storage
        self._state = self._storage.context_state("marketing", MarketingState)
        self.reset()
        uow.join(self)

    def reset(self) -> None:
        self._writes: dict[str, tuple[int | None, CampaignView]] = {}

    def check(self) -> None:
        for cid, (base, _) in self._writes.items():
            committed = self._state.campaigns.get(cid)
            if (committed.version if committed is not None else None) != base:
                raise ConcurrencyConflict("campaign", cid)

    def apply(self) -> None:
        if not self._writes:
            return
        for cid, (_, view) in self._writes.items():
            self._state.campaigns[cid] = view
        self._state.generation += 1
        self._state.rule_sets.clear()

    def _view(self, id: str) -> CampaignView | None:
        if id in self._writes:
            return self._writes[id][1]
        with self._storage.lock:
            return self._state.campaigns.get(id)

    def add(self, campaign: Campaign) -> None:
        if self._view(campaign.id) is not None:
            raise ConcurrencyConflict("campaign", f"{campaign.id} exists")
        self._writes[campaign.id] = (None, CampaignView.of(campaign))

    def get(self, id: str) -> Campaign | None:
        view = self._view(id)
        if view is None:
            return None
        return Campaign(
            view.id, view.name, view.rules, view.starts_at, view.ends_at, view.status, view.version
        )

    def save(self, campaign: Campaign) -> None:
        current = self._view(campaign.id)
        if current is None or current.version != campaign.version:
            raise ConcurrencyConflict("campaign", campaign.id)
        base = self._writes[campaign.id][0] if campaign.id in self._writes else current.version
        campaign.version += 1
        self._writes[campaign.id] = (base, CampaignView.of(campaign))

    def active(self) -> list[Campaign]:
        with self._storage.lock:
            ids = set(self._state.campaigns) | set(self._writes)
        found = [self.get(i) for i in sorted(ids)]
        return [c for c in found if c is not None and c.status is CampaignStatus.ACTIVE]


class MemoryCouponLedger:
    """The coupon ledger of one memory unit of work."""

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._storage: MemoryStorage = uow.storage
        self._state = self._storage.context_state("marketing", MarketingState)
        self.reset()
        uow.join(self)

    # -- participant ----------------------------------------------------------------------
    def reset(self) -> None:
        self._templates: dict[str, CouponTemplate] = {}
        self._writes: dict[str, IssuedCoupon] = {}
        self._reads: dict[str, IssuedCoupon | None] = {}
        self._issued: Counter[str] = Counter()
        self._used: Counter[str] = Counter()
        self._customer_used: Counter[tuple[str, str]] = Counter()

    def check(self) -> None:
        state = self._state
        for tid in self._templates:
            if tid in state.templates:
                raise ConcurrencyConflict("coupon template", tid)
        for cid, seen in self._reads.items():
            if state.coupons.get(cid) != seen:
                raise ConcurrencyConflict("coupon", cid)
        for tid, delta in self._used.items():
            template = self._template(tid)
            limit = template.total_limit if template is not None else None
            if limit is not None and state.used[tid] + delta > limit:
                raise ConcurrencyConflict("coupon template", f"{tid}: total limit")
        for key, delta in self._customer_used.items():
            template = self._template(key[0])
            limit = template.per_customer_limit if template is not None else None
            if limit is not None and state.customer_used[key] + delta > limit:
                raise ConcurrencyConflict("coupon template", f"{key[0]}: per-customer limit")

    def apply(self) -> None:
        state = self._state
        state.templates.update(self._templates)
        state.coupons.update(self._writes)
        state.issued.update(self._issued)
        for counter, deltas in (
            (state.used, self._used),
            (state.customer_used, self._customer_used),
        ):
            for key, delta in deltas.items():
                counter[key] += delta  # type: ignore[index]

    # -- ledger ---------------------------------------------------------------------------
    def _template(self, id: str) -> CouponTemplate | None:
        return self._templates.get(id) or self._state.templates.get(id)

    def add_template(self, template: CouponTemplate) -> None:
        if self.template(template.id) is not None:
            raise ConcurrencyConflict("coupon template", f"{template.id} exists")
        self._templates[template.id] = template

    def template(self, id: str) -> CouponTemplate | None:
        with self._storage.lock:
            return self._template(id)

    def issue(self, coupon: IssuedCoupon) -> None:
        self._read(coupon.id)
        self._writes[coupon.id] = coupon
        self._issued[coupon.template] += 1

    def _read(self, id: str) -> IssuedCoupon | None:
        if id not in self._reads:
            with self._storage.lock:
                self._reads[id] = self._state.coupons.get(id)
        return self._reads[id]

    def coupon(self, id: str) -> IssuedCoupon | None:
        committed = self._read(id)
        return self._writes.get(id, committed)

    def try_use(self, coupon: IssuedCoupon, order: str) -> str | None:
        current = self.coupon(coupon.id)
        if current is None or current.status is not CouponStatus.AVAILABLE:
            return "unavailable"
        tid, key = coupon.template, (coupon.template, coupon.customer)
        with self._storage.lock:
            template = self._template(tid)
            used = self._state.used[tid] + self._used[tid]
            mine = self._state.customer_used[key] + self._customer_used[key]
        if template is None:
            raise CouponTemplateNotFound(tid)
        if template.total_limit is not None and used >= template.total_limit:
            return "total"
        if template.per_customer_limit is not None and mine >= template.per_customer_limit:
            return "per_customer"
        self._writes[coupon.id] = evolve(current, status=CouponStatus.LOCKED, order=order)
        self._used[tid] += 1
        self._customer_used[key] += 1
        return None

    def give_back(self, coupon: IssuedCoupon, order: str) -> bool:
        current = self.coupon(coupon.id)
        if current is None or current.status is not CouponStatus.LOCKED or current.order != order:
            return False
        self._writes[coupon.id] = evolve(current, status=CouponStatus.AVAILABLE, order=None)
        self._used[coupon.template] -= 1
        self._customer_used[(coupon.template, coupon.customer)] -= 1
        return True


class MemoryMarketingQueries:
    """Marketing reads over the committed state."""

    def __init__(self, storage: MemoryStorage) -> None:
        self._storage = storage

    def usage(self, template: str) -> TemplateUsage:
        with self._storage.lock:
            state = self._storage.context_state("marketing", MarketingState)
            found = state.templates.get(template)
            if found is None:
                raise CouponTemplateNotFound(template)
            return TemplateUsage(found, state.issued[template], state.used[template])

    def coupons_of(self, customer: str) -> tuple[IssuedCoupon, ...]:
        with self._storage.lock:
            state = self._storage.context_state("marketing", MarketingState)
            mine = [c for c in state.coupons.values() if c.customer == customer]
        return tuple(sorted(mine, key=lambda c: c.id))

    def campaign(self, id: str) -> CampaignView:
        with self._storage.lock:
            view = self._storage.context_state("marketing", MarketingState).campaigns.get(id)
        if view is None:
            raise CampaignNotFound(id)
        return view

    def active_rules(self, at: datetime, policy: PricingPolicy | None = None) -> RuleSet:
        policy = policy or PricingPolicy()
        with self._storage.lock:
            state = self._storage.context_state("marketing", MarketingState)
            active = [c for c in state.campaigns.values() if c.status is CampaignStatus.ACTIVE]
            live = frozenset(
                c.id for c in active if c.starts_at <= at and (c.ends_at is None or at < c.ends_at)
            )
            cached = state.rule_sets.get((live, policy))
            if cached is None:
                cached = state.rule_sets[(live, policy)] = live_rule_set(active, at, policy)
            return cached
