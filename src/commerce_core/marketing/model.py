"""Coupon templates and the coupons issued from them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from attrs import field, frozen

from commerce_core.kernel.errors import InputError
from commerce_core.kernel.validation import check_text
from commerce_core.pricing import Coupon, HeldCoupon, ShippingCoupon

__all__ = ["CouponStatus", "CouponTemplate", "IssuedCoupon", "TemplateUsage"]

ID_MAX = 64


def _id(path: str) -> Any:
    def validate(_: Any, __: Any, value: Any) -> None:
        check_text(value, path, max_length=ID_MAX)

    return validate


def _limit(path: str) -> Any:
    def validate(_: Any, __: Any, value: Any) -> None:
        if value is not None and (type(value) is not int or not 1 <= value <= 2**31 - 1):
            raise InputError.for_field(path, "a limit is a whole number >= 1 (or none)")

    return validate


@frozen
class CouponTemplate:
    """A coupon template (优惠券模板): the pricing rule its coupons apply, and how many uses
    it allows in all and per customer (``None``: no limit).

    The template's id is its rule's id, so a held coupon names its rule.
    """

    rule: Coupon | ShippingCoupon
    total_limit: int | None = field(default=None, validator=_limit("total_limit"))
    per_customer_limit: int | None = field(default=None, validator=_limit("per_customer_limit"))

    @property
    def id(self) -> str:
        """The template id: its rule's id."""
        return self.rule.id

    def __attrs_post_init__(self) -> None:
        check_text(self.rule.id, "rule.id", max_length=ID_MAX)


class CouponStatus(StrEnum):
    """Where an issued coupon is: available, or locked by an order (its use counted)."""

    AVAILABLE = "available"
    LOCKED = "locked"


@frozen
class IssuedCoupon:
    """A coupon a customer holds (领券 / 发券 / 兑换码)."""

    id: str = field(validator=_id("id"))
    template: str = field(validator=_id("template"))
    customer: str = field(validator=_id("customer"))
    issued_at: datetime
    status: CouponStatus = CouponStatus.AVAILABLE
    order: str | None = None

    def held(self) -> HeldCoupon:
        """The coupon as the pricing engine takes it."""
        return HeldCoupon(self.id, self.template, self.issued_at)


@frozen
class TemplateUsage:
    """A template with how many coupons were issued and how many uses are counted."""

    template: CouponTemplate
    issued: int
    used: int
