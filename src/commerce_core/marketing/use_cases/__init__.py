"""Commands of marketing and their handlers: coupons, and campaigns."""

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Final

from commerce_core.kernel.messages import Command
from commerce_core.marketing.ports import MarketingContext
from commerce_core.marketing.use_cases.campaigns import HANDLERS as CAMPAIGN_HANDLERS
from commerce_core.marketing.use_cases.campaigns import (
    CreateCampaign,
    EndCampaign,
    PauseCampaign,
    ResumeCampaign,
    ScheduleCampaign,
    StartCampaign,
    timer_key,
)
from commerce_core.marketing.use_cases.codes import HANDLERS as CODE_HANDLERS
from commerce_core.marketing.use_cases.codes import (
    CreateSharedCouponCode,
    GenerateCouponCodes,
    RedeemCouponCode,
)
from commerce_core.marketing.use_cases.coupons import HANDLERS as COUPON_HANDLERS
from commerce_core.marketing.use_cases.coupons import (
    CreateCouponTemplate,
    GiveBackCoupon,
    IssueCoupons,
    UseCoupon,
)
from commerce_core.marketing.use_cases.grants import HANDLERS as GRANT_HANDLERS
from commerce_core.marketing.use_cases.grants import (
    GrantCoupons,
    GrantCouponsToSegment,
    grant_coupons_to_segment,
)

__all__ = [
    "HANDLERS",
    "CreateCampaign",
    "CreateCouponTemplate",
    "CreateSharedCouponCode",
    "EndCampaign",
    "GenerateCouponCodes",
    "GiveBackCoupon",
    "GrantCoupons",
    "GrantCouponsToSegment",
    "IssueCoupons",
    "PauseCampaign",
    "RedeemCouponCode",
    "ResumeCampaign",
    "ScheduleCampaign",
    "StartCampaign",
    "UseCoupon",
    "grant_coupons_to_segment",
    "timer_key",
]

#: Every marketing command and its handler (``GrantCouponsToSegment`` needs segment members:
#: ``commerce_core.app`` wires it).
HANDLERS: Final[Mapping[type[Command[Any]], Callable[[Any, MarketingContext], Any]]] = (
    MappingProxyType({**COUPON_HANDLERS, **CODE_HANDLERS, **GRANT_HANDLERS, **CAMPAIGN_HANDLERS})
)
