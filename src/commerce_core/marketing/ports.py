"""What the marketing context needs from storage, as Protocols it owns."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from commerce_core.marketing.model import CouponTemplate, IssuedCoupon, TemplateUsage

__all__ = ["CouponLedger", "MarketingContext", "MarketingQueries", "MarketingUnitOfWork"]


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


class MarketingUnitOfWork(Protocol):
    """The repositories of marketing inside one transaction."""

    @property
    def coupons(self) -> CouponLedger: ...


class MarketingContext(Protocol):
    """What a marketing command handler is given."""

    @property
    def uow(self) -> MarketingUnitOfWork: ...

    def now(self) -> datetime: ...

    def new_id(self) -> str: ...


class MarketingQueries(Protocol):
    """Marketing reads (read-only transactions)."""

    def usage(self, template: str) -> TemplateUsage:
        """A template with its issued and used counts; CouponTemplateNotFound if none."""
        ...

    def coupons_of(self, customer: str) -> tuple[IssuedCoupon, ...]:
        """The coupons a customer holds, by id."""
        ...
