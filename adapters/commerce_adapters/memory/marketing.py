"""Marketing on the memory backend: coupon templates, issued coupons, use counters.

The ledger joins its unit of work as a participant: uses are staged as deltas and checked
against the committed counters under the storage lock at commit, so two concurrent orders
can never count past a limit (the loser conflicts and its command is retried).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from attrs import define, evolve, field

from commerce_core.kernel.errors import ConcurrencyConflict
from commerce_core.marketing.errors import CouponTemplateNotFound
from commerce_core.marketing.model import (
    CouponStatus,
    CouponTemplate,
    IssuedCoupon,
    TemplateUsage,
)

if TYPE_CHECKING:
    from commerce_adapters.memory.storage import MemoryStorage, MemoryUnitOfWork

__all__ = ["MarketingState", "MemoryCouponLedger", "MemoryMarketingQueries"]


@define
class MarketingState:
    """What marketing has committed on a :class:`MemoryStorage`."""

    templates: dict[str, CouponTemplate] = field(factory=dict)
    coupons: dict[str, IssuedCoupon] = field(factory=dict)
    issued: Counter[str] = field(factory=Counter)
    used: Counter[str] = field(factory=Counter)
    customer_used: Counter[tuple[str, str]] = field(factory=Counter)


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
