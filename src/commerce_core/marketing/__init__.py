"""Marketing (营销): promotion campaigns with a scheduled lifecycle, coupon templates
(优惠券), issuing coupons to customers, and use limits counted atomically when an order is
placed and given back when it is cancelled."""

from commerce_core.marketing.campaigns import (
    TRANSITIONS,
    Campaign,
    CampaignCreated,
    CampaignStatus,
    CampaignStatusChanged,
)
from commerce_core.marketing.errors import (
    CampaignNotFound,
    CampaignRuleClash,
    CouponLimitReached,
    CouponNotFound,
    CouponTemplateNotFound,
    CouponUnavailable,
)
from commerce_core.marketing.model import CouponStatus, CouponTemplate, IssuedCoupon, TemplateUsage
from commerce_core.marketing.ports import (
    CampaignRepository,
    CampaignView,
    CouponLedger,
    MarketingContext,
    MarketingQueries,
    MarketingUnitOfWork,
)
from commerce_core.marketing.use_cases import (
    HANDLERS,
    CreateCampaign,
    CreateCouponTemplate,
    EndCampaign,
    GiveBackCoupon,
    IssueCoupons,
    PauseCampaign,
    ResumeCampaign,
    ScheduleCampaign,
    StartCampaign,
    UseCoupon,
)

__all__ = [
    "HANDLERS",
    "TRANSITIONS",
    "Campaign",
    "CampaignCreated",
    "CampaignNotFound",
    "CampaignRepository",
    "CampaignRuleClash",
    "CampaignStatus",
    "CampaignStatusChanged",
    "CampaignView",
    "CouponLedger",
    "CouponLimitReached",
    "CouponNotFound",
    "CouponStatus",
    "CouponTemplate",
    "CouponTemplateNotFound",
    "CouponUnavailable",
    "CreateCampaign",
    "CreateCouponTemplate",
    "EndCampaign",
    "GiveBackCoupon",
    "IssueCoupons",
    "IssuedCoupon",
    "MarketingContext",
    "MarketingQueries",
    "MarketingUnitOfWork",
    "PauseCampaign",
    "ResumeCampaign",
    "ScheduleCampaign",
    "StartCampaign",
    "TemplateUsage",
    "UseCoupon",
]
