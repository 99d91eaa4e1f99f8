"""Commands of the customers context and their handlers (``HANDLERS``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Final

from commerce_core.customers.ports import CustomersContext
from commerce_core.customers.use_cases.behavior import IngestBehavior, ingest_behavior
from commerce_core.customers.use_cases.expiry import ExpirePoints, expire_points
from commerce_core.customers.use_cases.membership import ReviewTier, review_tier
from commerce_core.customers.use_cases.points import (
    AdjustPoints,
    AwardOrderPoints,
    AwardReviewPoints,
    RedeemPoints,
    ReversePointsForRefund,
    SignIn,
    adjust_points,
    award_order_points,
    award_review_points,
    redeem_points,
    reverse_points_for_refund,
    sign_in,
)
from commerce_core.customers.use_cases.profiles import (
    AddAddress,
    ChangeProfile,
    ConfigureCustomerProgram,
    FreezeCustomer,
    RegisterCustomer,
    RemoveAddress,
    SetDefaultAddress,
    TagCustomer,
    UnfreezeCustomer,
    UntagCustomer,
    add_address,
    change_profile,
    configure_program,
    freeze_customer,
    register_customer,
    remove_address,
    set_default_address,
    tag_customer,
    unfreeze_customer,
    untag_customer,
)
from commerce_core.customers.use_cases.segments import (
    CreateSegment,
    RefreshSegment,
    SetSegmentMembers,
    create_segment,
    refresh_segment,
    set_segment_members,
)
from commerce_core.customers.use_cases.wallet import (
    AdjustWallet,
    DecideWithdrawal,
    PayFromWallet,
    RefundToWallet,
    RequestWithdrawal,
    TopUpWallet,
    adjust_wallet,
    decide_withdrawal,
    pay_from_wallet,
    refund_to_wallet,
    request_withdrawal,
    top_up_wallet,
)
from commerce_core.kernel.messages import Command

__all__ = [
    "HANDLERS",
    "AddAddress",
    "AdjustPoints",
    "AdjustWallet",
    "AwardOrderPoints",
    "AwardReviewPoints",
    "ChangeProfile",
    "ConfigureCustomerProgram",
    "CreateSegment",
    "DecideWithdrawal",
    "ExpirePoints",
    "FreezeCustomer",
    "IngestBehavior",
    "PayFromWallet",
    "RedeemPoints",
    "RefreshSegment",
    "RefundToWallet",
    "RegisterCustomer",
    "RemoveAddress",
    "RequestWithdrawal",
    "ReversePointsForRefund",
    "ReviewTier",
    "SetDefaultAddress",
    "SetSegmentMembers",
    "SignIn",
    "TagCustomer",
    "TopUpWallet",
    "UnfreezeCustomer",
    "UntagCustomer",
]

HANDLERS: Final[Mapping[type[Command[Any]], Callable[[Any, CustomersContext], Any]]] = (
    MappingProxyType(
        {
            RegisterCustomer: register_customer,
            ChangeProfile: change_profile,
            FreezeCustomer: freeze_customer,
            UnfreezeCustomer: unfreeze_customer,
            TagCustomer: tag_customer,
            UntagCustomer: untag_customer,
            AddAddress: add_address,
            RemoveAddress: remove_address,
            SetDefaultAddress: set_default_address,
            ConfigureCustomerProgram: configure_program,
            TopUpWallet: top_up_wallet,
            PayFromWallet: pay_from_wallet,
            RefundToWallet: refund_to_wallet,
            AdjustWallet: adjust_wallet,
            RequestWithdrawal: request_withdrawal,
            DecideWithdrawal: decide_withdrawal,
            AwardOrderPoints: award_order_points,
            AwardReviewPoints: award_review_points,
            SignIn: sign_in,
            RedeemPoints: redeem_points,
            ReversePointsForRefund: reverse_points_for_refund,
            ExpirePoints: expire_points,
            AdjustPoints: adjust_points,
            ReviewTier: review_tier,
            IngestBehavior: ingest_behavior,
            CreateSegment: create_segment,
            SetSegmentMembers: set_segment_members,
            RefreshSegment: refresh_segment,
        }
    )
)
