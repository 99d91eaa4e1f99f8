"""Refusals of the marketing context."""

from __future__ import annotations

from commerce_core.kernel.errors import DomainError, NotFound

__all__ = [
    "CampaignNotFound",
    "CampaignRuleClash",
    "CouponBatchClash",
    "CouponBatchNotFound",
    "CouponCodeClash",
    "CouponCodeExpired",
    "CouponCodeNotFound",
    "CouponCodeUsed",
    "CouponExpired",
    "CouponGrantClash",
    "CouponLimitReached",
    "CouponNotFound",
    "CouponNotYetValid",
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


class CouponCodeNotFound(NotFound):
    """No redeem code matches what the customer typed."""

    code = "coupon_code_not_found"

    def __init__(self, id: str) -> None:
        super().__init__("coupon code", id)


class CouponBatchNotFound(NotFound):
    """No batch of generated codes has this id."""

    code = "coupon_batch_not_found"

    def __init__(self, id: str) -> None:
        super().__init__("coupon code batch", id)


class CouponCodeUsed(DomainError):
    """A single-use redeem code was already redeemed by another customer."""

    code = "coupon_code_used"

    def __init__(self, code: str) -> None:
        super().__init__(
            f"redeem code {code!r} has already been used; a single-use code gives one coupon",
            coupon_code=code,
        )
        self.coupon_code = code


class CouponCodeExpired(DomainError):
    """A redeem code can no longer be redeemed."""

    code = "coupon_code_expired"

    def __init__(self, code: str, expired_at: str) -> None:
        super().__init__(
            f"redeem code {code!r} expired at {expired_at}; ask the shop for a current code",
            coupon_code=code,
            expired_at=expired_at,
        )
        self.coupon_code = code


class CouponCodeClash(DomainError):
    """A new code reads the same as an existing one (see ``code_key``), or a shared code is
    created again with other parameters."""

    code = "coupon_code_clash"

    def __init__(self, code: str, key: str) -> None:
        super().__init__(
            f"code {code!r} reads the same as an existing code (key {key!r}); choose another",
            coupon_code=code,
            key=key,
        )
        self.coupon_code = code
        self.key = key


class CouponBatchClash(DomainError):
    """A batch id is reused with other parameters."""

    code = "coupon_batch_clash"

    def __init__(self, batch: str) -> None:
        super().__init__(
            f"code batch {batch!r} exists with other parameters; use a new batch id",
            batch=batch,
        )
        self.batch = batch


class CouponGrantClash(DomainError):
    """A grant id is reused with another template or another source."""

    code = "coupon_grant_clash"

    def __init__(self, grant: str) -> None:
        super().__init__(
            f"grant {grant!r} exists with another template or source; use a new grant id",
            grant=grant,
        )
        self.grant = grant


class CouponNotYetValid(DomainError):
    """The coupon's validity window has not started."""

    code = "coupon_not_yet_valid"

    def __init__(self, coupon: str, valid_from: str) -> None:
        super().__init__(
            f"coupon {coupon!r} is valid from {valid_from}; use it then",
            coupon=coupon,
            valid_from=valid_from,
        )
        self.coupon = coupon


class CouponExpired(DomainError):
    """The coupon's validity window has ended."""

    code = "coupon_expired"

    def __init__(self, coupon: str, valid_until: str) -> None:
        super().__init__(
            f"coupon {coupon!r} expired at {valid_until}; it can no longer be used",
            coupon=coupon,
            valid_until=valid_until,
        )
        self.coupon = coupon
