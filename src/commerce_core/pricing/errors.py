"""Refusals of the pricing engine."""

from __future__ import annotations

from commerce_core.kernel.errors import DomainError

__all__ = ["CouponNotHeld"]


class CouponNotHeld(DomainError):
    """A coupon was selected for the cart that the customer does not hold."""

    code = "coupon_not_held"

    def __init__(self, coupon: str) -> None:
        super().__init__(
            f"coupon {coupon!r} is not among the coupons the customer holds; "
            "select one of PricingContext.coupons",
            coupon=coupon,
        )
        self.coupon = coupon
