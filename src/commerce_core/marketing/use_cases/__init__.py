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
from commerce_core.marketing.use_cases.coupons import HANDLERS as COUPON_HANDLERS
from commerce_core.marketing.use_cases.coupons import (
    CreateCouponTemplate,
    GiveBackCoupon,
    IssueCoupons,
    UseCoupon,
)

__all__ = [
    "HANDLERS",
    "CreateCampaign",
    "CreateCouponTemplate",
    "EndCampaign",
    "GiveBackCoupon",
    "IssueCoupons",
    "PauseCampaign",
    "ResumeCampaign",
    "ScheduleCampaign",
    "StartCampaign",
    "UseCoupon",
    "timer_key",
]

#: Every marketing command and its handler.
HANDLERS: Final[Mapping[type[Command[Any]], Callable[[Any, MarketingContext], Any]]] = (
    MappingProxyType({**COUPON_HANDLERS, **CAMPAIGN_HANDLERS})
)
