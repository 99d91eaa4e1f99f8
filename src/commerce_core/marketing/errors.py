"""Refusals of the marketing context."""

from __future__ import annotations

from commerce_core.kernel.errors import DomainError, NotFound

__all__ = ["CouponLimitReached", "CouponNotFound", "CouponTemplateNotFound", "CouponUnavailable"]


class CouponTemplateNotFound(NotFound):
    """No coupon template has this id."""

    code = "coupon_template_not_found"

    def __init__(self, id: str) -> None:
        super().__init__("coupon template", id)


class CouponNotFound(NotFound):
    """No issued coupon has this id (or it belongs to another customer)."""

    code = "coupon_not_found"

    def __init__(self, id: str) -> None:
        super().__init__("coupon", id)


class CouponLimitReached(DomainError):
    """A coupon template's total or per-customer use limit is used up."""

    code = "coupon_limit_reached"

    def __init__(self, template: str, limit: str, value: int) -> None:
        super().__init__(
            f"coupon template {template!r} has used up its {limit} limit of {value}; "
            "no more coupons of it can be used",
            template=template,
            limit=limit,
            value=value,
        )
        self.template = template
        self.limit = limit


class CouponUnavailable(DomainError):
    """The coupon is already used on another order (or not locked by this one)."""

    code = "coupon_unavailable"

    def __init__(self, coupon: str, status: str) -> None:
        super().__init__(
            f"coupon {coupon!r} is {status}; only an available coupon can be used",
            coupon=coupon,
            status=status,
        )
        self.coupon = coupon
        self.status = status
