"""Commands of marketing: coupon templates, issuing coupons, using and giving back uses."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any, Final

from attrs import field, frozen

from commerce_core.kernel.errors import InputError
from commerce_core.kernel.messages import Command
from commerce_core.kernel.validation import check_text
from commerce_core.marketing.errors import (
    CouponExpired,
    CouponLimitReached,
    CouponNotFound,
    CouponNotYetValid,
    CouponTemplateNotFound,
    CouponUnavailable,
)
from commerce_core.marketing.model import ID_MAX, CouponStatus, CouponTemplate, IssuedCoupon
from commerce_core.marketing.ports import MarketingContext

__all__ = [
    "HANDLERS",
    "CreateCouponTemplate",
    "GiveBackCoupon",
    "IssueCoupons",
    "UseCoupon",
]

#: Most customers one grant may name (a bigger campaign is several grants).
GRANT_MAX = 1000


def _id(path: str) -> Any:
    def validate(_: Any, __: Any, value: Any) -> None:
        check_text(value, path, max_length=ID_MAX)

    return validate


def _customers(_: Any, __: Any, value: Any) -> None:
    if not isinstance(value, tuple) or not 1 <= len(value) <= GRANT_MAX:
        raise InputError.for_field("customers", f"list 1 to {GRANT_MAX} customer ids")
    for i, item in enumerate(value):
        check_text(item, f"customers[{i}]", max_length=ID_MAX)
    if len(set(value)) != len(value):
        raise InputError.for_field("customers", "each customer once")


@frozen(kw_only=True)
class CreateCouponTemplate(Command[str]):
    """Create a coupon template; returns its id (its rule's id)."""

    type_name = "marketing.create_coupon_template"
    template: CouponTemplate


@frozen(kw_only=True)
class IssueCoupons(Command[tuple[str, ...]]):
    """Issue one coupon of ``template`` to each customer (a claim is a list of one; a staff
    grant lists many); returns the new coupon ids in the order of ``customers``."""

    type_name = "marketing.issue_coupons"
    template: str = field(validator=_id("template"))
    customers: tuple[str, ...] = field(validator=_customers)


@frozen(kw_only=True)
class UseCoupon(Command[None]):
    """Count one use of a customer's coupon for an order being placed. Checked in this
    order: the coupon is the customer's, it is available, it is inside its validity window
    (the template's ``valid_from``/``valid_until``, or ``valid_days`` after issue), and then
    the template's total and per-customer limits (counted atomically)."""

    type_name = "marketing.use_coupon"
    coupon: str = field(validator=_id("coupon"))
    customer: str = field(validator=_id("customer"))
    order: str = field(validator=_id("order"))


@frozen(kw_only=True)
class GiveBackCoupon(Command[None]):
    """Give back the use an order took (the order was cancelled): the coupon is available
    again and the limits count one use less."""

    type_name = "marketing.give_back_coupon"
    coupon: str = field(validator=_id("coupon"))
    order: str = field(validator=_id("order"))


def create_coupon_template(cmd: CreateCouponTemplate, ctx: MarketingContext) -> str:
    ctx.uow.coupons.add_template(cmd.template)
    return cmd.template.id


def issue_coupons(cmd: IssueCoupons, ctx: MarketingContext) -> tuple[str, ...]:
    if ctx.uow.coupons.template(cmd.template) is None:
        raise CouponTemplateNotFound(cmd.template)
    at = ctx.now()
    ids = []
    for customer in cmd.customers:
        coupon = IssuedCoupon(ctx.new_id(), cmd.template, customer, at)
        ctx.uow.coupons.issue(coupon)
        ids.append(coupon.id)
    return tuple(ids)


def use_coupon(cmd: UseCoupon, ctx: MarketingContext) -> None:
    ledger = ctx.uow.coupons
    coupon = ledger.coupon(cmd.coupon)
    if coupon is None or coupon.customer != cmd.customer:
        raise CouponNotFound(cmd.coupon)
    if coupon.status is CouponStatus.LOCKED and coupon.order == cmd.order:
        return  # already counted for this order: placing it again changes nothing
    if coupon.status is not CouponStatus.AVAILABLE:
        raise CouponUnavailable(cmd.coupon, coupon.status.value)
    template = ledger.template(coupon.template)
    if template is None:
        raise CouponTemplateNotFound(coupon.template)
    _check_window(template, coupon, ctx.now())
    stopped = ledger.try_use(coupon, cmd.order)
    if stopped is None:
        return
    if stopped == "unavailable":
        raise CouponUnavailable(cmd.coupon, CouponStatus.LOCKED.value)
    value = template.total_limit if stopped == "total" else template.per_customer_limit
    raise CouponLimitReached(coupon.template, stopped, value or 0)


def _check_window(template: CouponTemplate, coupon: IssuedCoupon, at: datetime) -> None:
    """Refuse a coupon used outside its validity window."""
    rule = template.rule
    ends = [] if rule.valid_until is None else [rule.valid_until]
    if rule.valid_days is not None:
        ends.append(coupon.issued_at + timedelta(days=rule.valid_days))
    if rule.valid_from is not None and at < rule.valid_from:
        raise CouponNotYetValid(coupon.id, rule.valid_from.isoformat())
    if ends and at >= min(ends):
        raise CouponExpired(coupon.id, min(ends).isoformat())


def give_back_coupon(cmd: GiveBackCoupon, ctx: MarketingContext) -> None:
    ledger = ctx.uow.coupons
    coupon = ledger.coupon(cmd.coupon)
    if coupon is None:
        raise CouponNotFound(cmd.coupon)
    if coupon.status is CouponStatus.AVAILABLE:
        return  # given back already
    if not ledger.give_back(coupon, cmd.order):
        raise CouponUnavailable(cmd.coupon, f"locked by another order ({coupon.order})")


HANDLERS: Final[Mapping[type[Command[Any]], Callable[[Any, MarketingContext], Any]]] = (
    MappingProxyType(
        {
            CreateCouponTemplate: create_coupon_template,
            IssueCoupons: issue_coupons,
            UseCoupon: use_coupon,
            GiveBackCoupon: give_back_coupon,
        }
    )
)
