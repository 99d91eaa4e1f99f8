"""Staff grants (发券): one coupon to each customer of a list or of a segment, idempotent per
(grant id, customer), skipping customers who could not use the coupon anyway."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Final

from attrs import field, frozen

from commerce_core.kernel.messages import Command
from commerce_core.kernel.validation import check_text
from commerce_core.marketing.codes import CouponGrant, GrantReport, GrantSkip
from commerce_core.marketing.errors import CouponGrantClash, CouponTemplateNotFound
from commerce_core.marketing.model import ID_MAX, IssuedCoupon
from commerce_core.marketing.ports import MarketingContext, SegmentMembers
from commerce_core.marketing.use_cases.coupons import _customers

__all__ = [
    "HANDLERS",
    "GrantCoupons",
    "GrantCouponsToSegment",
    "grant_coupons_to_segment",
]


def _id(path: str) -> Any:
    def validate(_: Any, __: Any, value: Any) -> None:
        check_text(value, path, max_length=ID_MAX)

    return validate


@frozen(kw_only=True)
class GrantCoupons(Command[GrantReport]):
    """Grant one coupon of ``template`` to each listed customer, as grant ``grant``.

    Running the same grant again (say after a timeout) gives nobody a second coupon; the
    same grant id may take more customers later (a long list sent in pages)."""

    type_name = "marketing.grant_coupons"
    grant: str = field(validator=_id("grant"))
    template: str = field(validator=_id("template"))
    customers: tuple[str, ...] = field(validator=_customers)


@frozen(kw_only=True)
class GrantCouponsToSegment(Command[GrantReport]):
    """Grant one coupon of ``template`` to each stored member of a customer segment."""

    type_name = "marketing.grant_coupons_to_segment"
    grant: str = field(validator=_id("grant"))
    template: str = field(validator=_id("template"))
    segment: str = field(validator=_id("segment"))


def _grant(ctx: MarketingContext, grant: CouponGrant, customers: tuple[str, ...]) -> GrantReport:
    codes, coupons = ctx.uow.coupon_codes, ctx.uow.coupons
    template = coupons.template(grant.template)
    if template is None:
        raise CouponTemplateNotFound(grant.template)
    stored = codes.grant(grant.id)
    if stored is None:
        codes.add_grant(grant)
    elif stored != grant:
        raise CouponGrantClash(grant.id)
    done = codes.granted(grant.id, customers)
    at = ctx.now()
    new: dict[str, str] = {}
    skipped: list[GrantSkip] = []
    for customer in customers:
        if customer in done:
            continue
        total, mine = codes.uses(grant.template, customer)
        if template.total_limit is not None and total >= template.total_limit:
            skipped.append(GrantSkip(customer, "total"))
            continue
        if template.per_customer_limit is not None and mine >= template.per_customer_limit:
            skipped.append(GrantSkip(customer, "per_customer"))
            continue
        coupon = IssuedCoupon(ctx.new_id(), grant.template, customer, at)
        coupons.issue(coupon)
        new[customer] = coupon.id
    if new:
        codes.add_granted(grant.id, new)
    given = {**done, **new}
    granted = tuple((c, given[c]) for c in customers if c in given)
    return GrantReport(grant.id, grant.template, granted, tuple(skipped))


def grant_coupons(cmd: GrantCoupons, ctx: MarketingContext) -> GrantReport:
    return _grant(ctx, CouponGrant(cmd.grant, cmd.template, "list"), cmd.customers)


def grant_coupons_to_segment(
    cmd: GrantCouponsToSegment, ctx: MarketingContext, segments: SegmentMembers
) -> GrantReport:
    """The handler of :class:`GrantCouponsToSegment`, given where segment members are
    stored (``commerce_core.app`` wires it to the customers context)."""
    grant = CouponGrant(cmd.grant, cmd.template, f"segment:{cmd.segment}")
    return _grant(ctx, grant, tuple(sorted(set(segments.members(cmd.segment)))))


HANDLERS: Final[Mapping[type[Command[Any]], Callable[[Any, MarketingContext], Any]]] = (
    MappingProxyType({GrantCoupons: grant_coupons})
)
