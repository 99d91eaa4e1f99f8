"""Refusals of the marketing context."""

from __future__ import annotations

from commerce_core.kernel.errors import DomainError, NotFound

__all__ = [
    "CampaignNotFound",
    "CampaignRuleClash",
    "CouponLimitReached",
    "CouponNotFound",
    "CouponTemplateNotFound",
    "CouponUnavailable",
]


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


class CampaignNotFound(NotFound):
    """No campaign has this id."""

    code = "campaign_not_found"

    def __init__(self, id: str) -> None:
        super().__init__("campaign", id)


class CampaignRuleClash(DomainError):
    """A campaign cannot go live: a rule id is already used by another live campaign."""

    code = "campaign_rule_clash"

    def __init__(self, campaign: str, rule: str, other: str) -> None:
        super().__init__(
            f"campaign {campaign!r} cannot go live: rule {rule!r} is also in active campaign "
            f"{other!r}; give the rule another id or end {other!r} first",
            campaign=campaign,
            rule=rule,
            other=other,
        )
        self.campaign = campaign
        self.rule = rule
        self.other = other
