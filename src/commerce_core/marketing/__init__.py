"""Marketing (营销): coupon templates (优惠券), issuing coupons to customers, and use limits
counted atomically when an order is placed and given back when it is cancelled."""

from commerce_core.marketing.errors import (
    CouponLimitReached,
    CouponNotFound,
    CouponTemplateNotFound,
    CouponUnavailable,
)
from commerce_core.marketing.model import CouponStatus, CouponTemplate, IssuedCoupon, TemplateUsage
from commerce_core.marketing.ports import (
    CouponLedger,
    MarketingContext,
    MarketingQueries,
    MarketingUnitOfWork,
)
from commerce_core.marketing.use_cases import (
    HANDLERS,
    CreateCouponTemplate,
    GiveBackCoupon,
    IssueCoupons,
    UseCoupon,
)

__all__ = [
    "HANDLERS",
    "CouponLedger",
    "CouponLimitReached",
    "CouponNotFound",
    "CouponStatus",
    "CouponTemplate",
    "CouponTemplateNotFound",
    "CouponUnavailable",
    "CreateCouponTemplate",
    "GiveBackCoupon",
    "IssueCoupons",
    "IssuedCoupon",
    "MarketingContext",
    "MarketingQueries",
    "MarketingUnitOfWork",
    "TemplateUsage",
    "UseCoupon",
]
