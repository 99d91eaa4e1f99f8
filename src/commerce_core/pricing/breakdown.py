"""What the engine answers: a priced breakdown with every amount allocated and explained."""

from __future__ import annotations

from enum import StrEnum

from attrs import field, frozen

from commerce_core.kernel.money import Money, allocate
from commerce_core.pricing.cart import enum_of
from commerce_core.pricing.rules import Stage

__all__ = [
    "Applied",
    "CouponChoice",
    "Hint",
    "LineDiscount",
    "LineShare",
    "PriceBreakdown",
    "PricedLine",
    "Reason",
    "Rejected",
    "ShippingCharge",
]


class Reason(StrEnum):
    """Why a rule did not apply (stable codes a frontend maps to messages)."""

    THRESHOLD_NOT_MET = "threshold_not_met"  # needs / has are amounts
    ITEMS_NOT_MET = "items_not_met"  # needs / has are item counts
    NO_ELIGIBLE_LINES = "no_eligible_lines"  # nothing in scope (or excluded by flags)
    NOT_STARTED = "not_started"
    EXPIRED = "expired"
    TIER_NOT_ELIGIBLE = "tier_not_eligible"
    SEGMENT_NOT_ELIGIBLE = "segment_not_eligible"
    CHANNEL_NOT_ELIGIBLE = "channel_not_eligible"
    FIRST_ORDER_ONLY = "first_order_only"
    STACKING_GROUP_TAKEN = "stacking_group_taken"  # another rule of its group applied
    EXCLUDED_BY_EXCLUSIVE = "excluded_by_exclusive"  # an exclusive rule took the stage
    NO_SAVING = "no_saving"  # it would not lower the price
    COUPON_NOT_CHOSEN = "coupon_not_chosen"  # a better combination was chosen
    COUPON_LIMIT_REACHED = "coupon_limit_reached"  # the per-kind limit is used up
    UNKNOWN_COUPON = "unknown_coupon"  # a held coupon whose template is not in the rules
    NO_POINTS_REQUESTED = "no_points_requested"
    POINTS_BELOW_STEP = "points_below_step"
    REGION_NOT_COVERED = "region_not_covered"
    ALREADY_FREE = "already_free"  # shipping was free already


def _to_stage(value: object) -> Stage:
    return enum_of(Stage, "stage")(value)


def _to_reason(value: object) -> Reason:
    return enum_of(Reason, "reason")(value)


@frozen
class LineShare:
    """The part of one discount that falls on one line."""

    sku: str
    amount: Money


@frozen
class Applied:
    """A rule that applied: how much it took off, and from which lines.

    ``capped`` says the rule was worth more than what it could take (e.g. a ¥50 coupon
    on ¥30 of eligible goods); ``coupon`` names the held coupon for coupon rules.
    """

    rule: str
    kind: str
    stage: Stage = field(converter=_to_stage)
    amount: Money
    lines: tuple[LineShare, ...]
    capped: bool = False
    coupon: str | None = None
    detail: str = ""


@frozen
class Rejected:
    """A rule that did not apply, with a reason code and the numbers behind it.

    ``needs`` / ``has`` are amounts (``threshold_not_met``); ``needs_items`` /
    ``has_items`` are counts (``items_not_met``).
    """

    rule: str
    kind: str
    reason: Reason = field(converter=_to_reason)
    needs: Money | None = None
    has: Money | None = None
    needs_items: int | None = None
    has_items: int | None = None
    coupon: str | None = None
    detail: str = ""


@frozen
class Hint:
    """An upsell hint: spend ``missing`` more (or add ``missing_items``) to unlock ``gain``
    more off (for free shipping: the fee saved)."""

    rule: str
    kind: str
    missing: Money | None
    missing_items: int | None
    gain: Money
    detail: str


@frozen
class LineDiscount:
    """One rule's share of the discount on one line."""

    rule: str
    amount: Money


@frozen
class PricedLine:
    """One cart line, priced: list subtotal, each discount on it, and what it pays."""

    sku: str
    quantity: int
    unit_price: Money
    item_unit_price: Money  # after the item stage (flash, member or direct price)
    subtotal: Money
    discounts: tuple[LineDiscount, ...]
    discount: Money
    total: Money

    def unit_totals(self) -> tuple[Money, ...]:
        """What each unit paid, for refunds that split the line (sums to ``total``)."""
        parts = allocate(self.total.minor, [1] * self.quantity)
        return tuple(Money(p, self.total.currency) for p in parts)


@frozen
class ShippingCharge:
    """The shipping fee: the template used, the fee, what was taken off, what is paid."""

    template: str | None
    fee: Money
    discount: Money
    total: Money
    free_reason: str | None = None


@frozen
class CouponChoice:
    """How the coupons were chosen: the chosen ids, and the combinations compared."""

    chosen: tuple[str, ...]
    automatic: bool
    combinations_evaluated: int
    total_without_coupons: Money
    detail: str


@frozen
class PriceBreakdown:
    """The priced cart. ``total`` = sum of line totals + shipping total, never below zero."""

    currency: str
    lines: tuple[PricedLine, ...]
    subtotal: Money
    discount: Money
    goods_total: Money
    shipping: ShippingCharge
    points_used: int
    points_value: Money
    total: Money
    applied: tuple[Applied, ...]
    rejected: tuple[Rejected, ...]
    hints: tuple[Hint, ...]
    coupons: CouponChoice

    def line(self, sku: str) -> PricedLine:
        """The priced line of ``sku``."""
        for line in self.lines:
            if line.sku == sku:
                return line
        raise KeyError(sku)
