"""The membership program (会员体系) as data: limits, bonus rules, points, tiers, RFM bands.

A shop configures it once with :class:`ConfigureCustomerProgram`; every rule here is a value,
so the program can be stored, shown in an admin page and diffed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from attrs import field, frozen

from commerce_core.kernel.errors import InputError
from commerce_core.kernel.money import Money
from commerce_core.kernel.validation import check_text

__all__ = [
    "DEFAULT_TIERS",
    "CustomerProgram",
    "RfmBands",
    "Tier",
    "TierBenefits",
    "TopUpBonus",
]


def _count(path: str, *, low: int = 0, high: int = 1_000_000) -> Any:
    def validate(_: object, __: object, value: Any) -> None:
        if type(value) is not int or not low <= value <= high:
            raise InputError.for_field(path, f"must be an integer from {low} to {high}")

    return validate


def _non_negative(path: str) -> Any:
    def validate(_: object, __: object, value: Any) -> None:
        if not isinstance(value, Money) or value.is_negative():
            raise InputError.for_field(path, "must be an amount of at least zero")

    return validate


def _positive(path: str) -> Any:
    def validate(_: object, __: object, value: Any) -> None:
        if not isinstance(value, Money) or not value.is_positive():
            raise InputError.for_field(path, "must be an amount above zero")

    return validate


def _rate(_: object, __: object, value: Any) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or not 0 < value <= 1:
        raise InputError.for_field("discount_rate", "must be a Decimal above 0 and at most 1")


def _tuple(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


@frozen(kw_only=True)
class TopUpBonus:
    """Top up at least ``threshold``, get ``bonus`` on top (充500送50)."""

    threshold: Money = field(validator=_positive("threshold"))
    bonus: Money = field(validator=_positive("bonus"))


@frozen(kw_only=True)
class TierBenefits:
    """What a tier gives: read by the pricing context through ``TierReader``.

    ``discount_rate`` is what members pay of the list price (``Decimal("0.95")``: 5% off;
    1 means none) unless a product has a member price; ``free_shipping_threshold`` is the goods
    amount from which shipping is free (None: no member free shipping);
    ``points_multiplier_percent`` scales points earned (150: ×1.5); ``birthday_coupon`` is a
    coupon template id the marketing context issues in the birthday month.
    """

    discount_rate: Decimal = field(default=Decimal(1), validator=_rate)
    free_shipping_threshold: Money | None = None
    points_multiplier_percent: int = field(default=100, validator=_count("points_multiplier"))
    birthday_coupon: str | None = None


@frozen(kw_only=True)
class Tier:
    """A membership tier (会员等级): reached at ``threshold`` growth value (成长值)."""

    code: str = field(validator=lambda _, __, v: check_text(v, "tier.code", max_length=32))
    name: str = field(validator=lambda _, __, v: check_text(v, "tier.name", max_length=64))
    threshold: int = field(validator=_count("tier.threshold", high=10**12))
    benefits: TierBenefits = field(factory=TierBenefits)


DEFAULT_TIERS: tuple[Tier, ...] = (
    Tier(code="regular", name="普通会员 Regular", threshold=0),
    Tier(
        code="silver",
        name="白银会员 Silver",
        threshold=1_000,
        benefits=TierBenefits(discount_rate=Decimal("0.98"), points_multiplier_percent=120),
    ),
    Tier(
        code="gold",
        name="黄金会员 Gold",
        threshold=5_000,
        benefits=TierBenefits(
            discount_rate=Decimal("0.95"),
            free_shipping_threshold=Money.of("99"),
            points_multiplier_percent=150,
            birthday_coupon="birthday-gold",
        ),
    ),
)


@frozen(kw_only=True)
class RfmBands:
    """Score boundaries for RFM (1 worst … 5 best), each a tuple of four ascending limits.

    Recency scores 5 when the last payment is at most ``recency_days[0]`` days ago; frequency
    and monetary score 5 from ``frequency[3]`` payments and ``monetary[3]`` spent, counted over
    the last ``window_days``.
    """

    window_days: int = field(default=365, validator=_count("window_days", low=1, high=3650))
    recency_days: tuple[int, ...] = (7, 30, 90, 180)
    frequency: tuple[int, ...] = (2, 4, 8, 16)
    monetary: tuple[Money, ...] = (
        Money.of("100"),
        Money.of("500"),
        Money.of("2000"),
        Money.of("10000"),
    )


@frozen(kw_only=True)
class CustomerProgram:
    """Every setting of the customers context, with defaults a shop can start from."""

    currency: str = "CNY"
    max_addresses: int = field(default=20, validator=_count("max_addresses", low=1, high=100))
    top_up_bonuses: tuple[TopUpBonus, ...] = field(default=(), converter=_tuple)
    points_per_yuan: int = field(default=1, validator=_count("points_per_yuan"))
    points_valid_years: int = field(default=1, validator=_count("points_valid_years", high=50))
    first_order_points: int = field(default=100, validator=_count("first_order_points"))
    review_points: int = field(default=10, validator=_count("review_points"))
    sign_in_points: int = field(default=1, validator=_count("sign_in_points"))
    sign_in_streak_days: int = field(default=7, validator=_count("sign_in_streak_days", low=1))
    sign_in_streak_points: int = field(default=20, validator=_count("sign_in_streak_points"))
    #: How many points make one yuan at checkout (100: 100 points = ¥1), and the largest
    #: share of an order points may pay, in percent.
    points_per_yuan_redeemed: int = field(
        default=100, validator=_count("points_per_yuan_redeemed", low=1)
    )
    max_points_share_percent: int = field(
        default=50, validator=_count("max_points_share", high=100)
    )
    growth_per_yuan: int = field(default=1, validator=_count("growth_per_yuan"))
    review_growth: int = field(default=5, validator=_count("review_growth"))
    tiers: tuple[Tier, ...] = field(default=DEFAULT_TIERS, converter=_tuple)
    tier_review_days: int = field(
        default=365, validator=_count("tier_review_days", low=1, high=3650)
    )
    recently_viewed: int = field(default=20, validator=_count("recently_viewed", low=1, high=200))
    rfm: RfmBands = field(factory=RfmBands)

    def __attrs_post_init__(self) -> None:
        if not self.tiers or self.tiers[0].threshold != 0:
            raise InputError.for_field("tiers", "the first tier must start at growth 0")
        thresholds = [t.threshold for t in self.tiers]
        if thresholds != sorted(set(thresholds)):
            raise InputError.for_field("tiers", "thresholds must strictly increase")
        if len({t.code for t in self.tiers}) != len(self.tiers):
            raise InputError.for_field("tiers", "tier codes must be unique")
        for i, rule in enumerate(self.top_up_bonuses):
            if rule.threshold.currency != self.currency or rule.bonus.currency != self.currency:
                raise InputError.for_field(f"top_up_bonuses[{i}]", f"must be in {self.currency}")

    # -- rules ----------------------------------------------------------------------------
    def top_up_bonus(self, amount: Money) -> Money:
        """The bonus for topping up ``amount``: the rule with the highest threshold reached."""
        best = Money.zero(amount.currency)
        reached = [r for r in self.top_up_bonuses if r.threshold <= amount]
        if reached:
            best = max(reached, key=lambda r: r.threshold.minor).bonus
        return best

    def points_for(self, paid: Money, multiplier_percent: int = 100) -> int:
        """Points earned by paying ``paid``: whole yuan × rate × tier multiplier, rounded down."""
        whole = paid.minor // paid.currency_info.scale
        return max(0, whole * self.points_per_yuan * multiplier_percent // 100)

    def growth_for(self, paid: Money) -> int:
        """Growth value (成长值) earned by paying ``paid``: whole yuan × rate."""
        return max(0, paid.minor // paid.currency_info.scale * self.growth_per_yuan)

    def points_expiry(self, earned_at: datetime) -> datetime:
        """When points earned at ``earned_at`` expire: the end of the year
        ``points_valid_years`` after (1: the end of next year, 0: the end of this year)."""
        return datetime(earned_at.year + self.points_valid_years + 1, 1, 1, tzinfo=UTC)

    def tier_for(self, growth: int) -> Tier:
        """The highest tier whose threshold ``growth`` reaches."""
        reached = [t for t in self.tiers if t.threshold <= growth]
        return reached[-1]

    def tier(self, code: str) -> Tier:
        """The tier with this code (the lowest tier if the code is no longer configured)."""
        for t in self.tiers:
            if t.code == code:
                return t
        return self.tiers[0]
