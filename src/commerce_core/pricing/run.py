"""The mutable state of one pricing run, in integer minor units, and its bookkeeping.

Internal: :func:`commerce_core.pricing.price` drives it. Lines are kept in SKU order, so
nothing depends on the order the cart listed them in.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from functools import lru_cache

from commerce_core.kernel.money import Rounding, round_fraction
from commerce_core.pricing.breakdown import Reason
from commerce_core.pricing.cart import Cart, CartLine, HeldCoupon, PricingContext
from commerce_core.pricing.rules import (
    Coupon,
    PricingPolicy,
    Rule,
    ShippingCoupon,
    Stage,
    features,
)
from commerce_core.pricing.ruleset import RuleSet

#: (rule, stage, amount, [(line index, amount)], capped, coupon id, detail)
AppliedRow = tuple[Rule, Stage, int, list[tuple[int, int]], bool, str | None, str]
#: (rule id, kind, reason, needs, has, needs_items, has_items, coupon id, detail)
RejectedRow = tuple[
    str, str, Reason, int | None, int | None, int | None, int | None, str | None, str
]
#: (rule id, kind, missing, missing_items, gain, detail)
HintRow = tuple[str, str, int | None, int | None, int, str]


@lru_cache(maxsize=1024)
def ratio(rate: Decimal) -> tuple[int, int]:
    """``rate`` as an exact integer fraction (cached: rules reuse a few rates)."""
    return rate.as_integer_ratio()


def pay_rate(amount: int, rate: Decimal, rounding: Rounding) -> int:
    """What is paid on ``amount`` at ``rate`` (0.9 is 9折), rounded once."""
    num, den = ratio(rate)
    if rounding is Rounding.HALF_UP and amount >= 0:
        q, r = divmod(amount * num, den)
        return q + 1 if 2 * r >= den else q
    from fractions import Fraction

    return round_fraction(Fraction(amount * num, den), rounding)


def ineligible(rule: Rule, ctx: PricingContext) -> tuple[Reason, str] | None:
    """Why ``rule`` does not apply to this customer at this moment, or None."""
    e = rule.eligibility
    if e.valid_from is not None and ctx.at < e.valid_from:
        return Reason.NOT_STARTED, f"starts {e.valid_from.isoformat()}"
    if e.valid_until is not None and ctx.at >= e.valid_until:
        return Reason.EXPIRED, f"ended {e.valid_until.isoformat()}"
    if e.tiers and ctx.customer_tier not in e.tiers:
        return Reason.TIER_NOT_ELIGIBLE, f"for tiers {', '.join(e.tiers)}"
    if e.segments and not any(s in e.segments for s in ctx.segments):
        return Reason.SEGMENT_NOT_ELIGIBLE, f"for segments {', '.join(e.segments)}"
    if e.channels and ctx.channel not in e.channels:
        return Reason.CHANNEL_NOT_ELIGIBLE, f"for channels {', '.join(e.channels)}"
    if e.first_order_only and not ctx.first_order:
        return Reason.FIRST_ORDER_ONLY, "for a customer's first order only"
    return None


def coupon_invalid(
    rule: Coupon | ShippingCoupon, held: HeldCoupon, ctx: PricingContext
) -> tuple[Reason, str] | None:
    """Why this held coupon cannot be used now (its rule's and its own window), or None."""
    why = ineligible(rule, ctx)
    if why is not None:
        return why
    if rule.valid_from is not None and ctx.at < rule.valid_from:
        return Reason.NOT_STARTED, f"valid from {rule.valid_from.isoformat()}"
    if rule.valid_until is not None and ctx.at >= rule.valid_until:
        return Reason.EXPIRED, f"expired {rule.valid_until.isoformat()}"
    if rule.valid_days is not None:
        if held.issued_at is None:
            return Reason.EXPIRED, "valid for some days after issue, but no issue time is known"
        if ctx.at < held.issued_at:
            return Reason.NOT_STARTED, f"issued {held.issued_at.isoformat()}"
        if ctx.at >= held.issued_at + timedelta(days=rule.valid_days):
            return Reason.EXPIRED, f"valid {rule.valid_days} days after issue"
    return None


class Run:
    """One pass of pricing over one cart; cheap to copy for the coupon search."""

    __slots__ = (
        "applied",
        "cart",
        "coupon_entry",
        "ctx",
        "cur",
        "elig",
        "fmask",
        "groups",
        "hints",
        "item_unit",
        "lines",
        "no_coupon",
        "no_promo",
        "nothing",
        "points_used",
        "points_value",
        "policy",
        "rejected",
        "rules",
        "scopes",
        "shares",
        "shipping",
        "sku_index",
        "slots",
        "symbol",
    )

    def __init__(self, cart: Cart, ctx: PricingContext, rules: RuleSet) -> None:
        policy = rules.policy
        self.cart = cart
        self.ctx = ctx
        self.rules = rules
        self.policy: PricingPolicy = policy
        self.lines: list[CartLine] = sorted(cart.lines, key=lambda line: line.sku)
        self.item_unit = [line.unit_price.minor for line in self.lines]
        self.cur = [line.unit_price.minor * line.quantity for line in self.lines]
        self.no_promo = [
            (line.flash_sale and not policy.flash_sale_with_promotions)
            or (line.group_buy and not policy.group_buy_with_promotions)
            for line in self.lines
        ]
        self.no_coupon = [
            (line.flash_sale and not policy.flash_sale_with_coupons)
            or (line.group_buy and not policy.group_buy_with_coupons)
            for line in self.lines
        ]
        self.groups: list[set[str]] = [set() for _ in self.lines]
        self.shares: list[list[tuple[str, int]]] = [[] for _ in self.lines]
        self.applied: list[AppliedRow] = []
        self.rejected: list[RejectedRow] = []
        self.hints: list[HintRow] = []
        self.coupon_entry: list[int] | None = None
        self.points_used = 0
        self.points_value = 0
        #: (template id, fee, discount, free reason)
        self.shipping: tuple[str | None, int, int, str | None] = (None, 0, 0, None)
        #: rule id → bit mask of the lines in its scope; shared by copies (lines never change)
        self.scopes: dict[str, int] = {}
        #: scope feature → bit mask of the lines that have it (bit i is line i)
        fmask: dict[tuple[str, str], int] = {}
        for i, line in enumerate(self.lines):
            bit = 1 << i
            for feat in features(line):
                fmask[feat] = fmask.get(feat, 0) | bit
        self.fmask = fmask
        self.sku_index = {line.sku: i for i, line in enumerate(self.lines)}
        self.nothing = [False] * len(self.lines)
        #: bit mask → the line indexes it holds, in SKU order; shared by copies
        self.slots: dict[int, list[int]] = {}
        #: rule id → why it is ineligible for this context (None: eligible); shared
        self.elig: dict[str, tuple[Reason, str] | None] = {}
        info = cart.lines[0].unit_price.currency_info
        self.symbol = (info.symbol, info.exponent, info.scale)

    def copy(self) -> Run:
        """An independent copy (values are shared, lists are not)."""
        new = Run.__new__(Run)
        new.cart, new.ctx, new.rules, new.policy = self.cart, self.ctx, self.rules, self.policy
        new.lines = self.lines
        new.item_unit = self.item_unit[:]
        new.cur = self.cur[:]
        new.no_promo = self.no_promo[:]
        new.no_coupon = self.no_coupon[:]
        new.groups = [set(g) for g in self.groups]
        new.shares = [s[:] for s in self.shares]
        new.applied = self.applied[:]
        new.rejected = self.rejected[:]
        new.hints = self.hints[:]
        new.coupon_entry = self.coupon_entry
        new.points_used, new.points_value = self.points_used, self.points_value
        new.shipping = self.shipping
        new.scopes = self.scopes
        new.fmask = self.fmask
        new.sku_index = self.sku_index
        new.nothing = self.nothing
        new.slots = self.slots
        new.elig = self.elig
        new.symbol = self.symbol
        return new

    def fmt(self, minor: int) -> str:
        """An amount for an explanation (``¥1,234.50``), as ``Money.format`` writes it."""
        symbol, exponent, scale = self.symbol
        whole, frac = divmod(abs(minor), scale)
        text = f"{whole:,}" + (f".{frac:0{exponent}d}" if exponent else "")
        return f"{'-' if minor < 0 else ''}{symbol}{text}"

    # -- bookkeeping --------------------------------------------------------------------
    def reject(
        self,
        rule: Rule,
        reason: Reason,
        *,
        needs: int | None = None,
        has: int | None = None,
        needs_items: int | None = None,
        has_items: int | None = None,
        coupon: str | None = None,
        detail: str = "",
    ) -> None:
        """Record that ``rule`` did not apply, with the numbers behind it."""
        self.rejected.append(
            (rule.id, rule.kind, reason, needs, has, needs_items, has_items, coupon, detail)
        )

    def hint(
        self,
        rule: Rule,
        gain: int,
        detail: str,
        *,
        missing: int | None = None,
        items: int | None = None,
    ) -> None:
        """Record an upsell hint (only when it would gain something)."""
        if gain > 0:
            self.hints.append((rule.id, rule.kind, missing, items, gain, detail))

    def take(
        self,
        rule: Rule,
        stage: Stage,
        amount: int,
        idx: list[int],
        *,
        weights: list[int] | None = None,
        capped: bool = False,
        coupon: str | None = None,
        detail: str = "",
    ) -> int:
        """Take ``amount`` off the lines ``idx``, split by ``weights`` (default: what each
        line still pays) with the kernel's largest-remainder ``allocate``; never more than
        the lines pay. Returns the amount taken."""
        cur = self.cur
        if weights is None:
            weights = [cur[i] for i in idx]
        else:
            weights = [min(w, cur[i]) for w, i in zip(weights, idx, strict=True)]
        room = sum(weights)
        if amount > room:
            amount, capped = room, True
        if amount <= 0:
            self.reject(rule, Reason.NO_SAVING, coupon=coupon, detail="nothing left to discount")
            return 0
        parts = split(amount, weights, room)
        rows: list[tuple[int, int]] = []
        shares = self.shares
        rid = rule.id
        for i, part in zip(idx, parts, strict=True):
            if part:
                cur[i] -= part
                shares[i].append((rid, part))
                rows.append((i, part))
        self.applied.append((rule, stage, amount, rows, capped, coupon, detail))
        return amount

    def in_scope(self, rule: Rule) -> int:
        """Bit mask of the lines in the rule's scope (all lines for a rule without one)."""
        found = self.scopes.get(rule.id)
        if found is None:
            scope = getattr(rule, "scope", None)
            found = (1 << len(self.lines)) - 1
            if scope is not None:
                fmask = self.fmask
                include = scope.include_features
                if include:
                    found = 0
                    for feat in include:
                        found |= fmask.get(feat, 0)
                for feat in scope.exclude_features:
                    found &= ~fmask.get(feat, 0)
            self.scopes[rule.id] = found
        return found

    def scope_lines(self, rule: Rule, exclude: list[bool]) -> list[int]:
        """Indexes of lines in the rule's scope and not excluded by flags, in SKU order."""
        mask = self.in_scope(rule)
        lines = self.slots.get(mask)
        if lines is None:
            lines = self.slots[mask] = [i for i in range(len(self.lines)) if mask >> i & 1]
        return [i for i in lines if not exclude[i]]

    def ineligible(self, rule: Rule) -> tuple[Reason, str] | None:
        """:func:`ineligible` for this run's context, worked out once per rule."""
        elig = self.elig
        if rule.id in elig:
            return elig[rule.id]
        why = elig[rule.id] = ineligible(rule, self.ctx)
        return why

    def goods(self) -> int:
        """What the goods cost now."""
        return sum(self.cur)


def split(total: int, weights: list[int], denom: int) -> list[int]:
    """The kernel's :func:`~commerce_core.kernel.money.allocate` (largest remainder, ties
    to the larger weight then the earlier position) for trusted input: ``0 < total <=
    denom == sum(weights)``, weights ints >= 0. Same parts, without re-validating."""
    if total == denom:
        return weights[:]
    parts = [total * w // denom for w in weights]
    left = total - sum(parts)
    if left:
        order = sorted(
            [(-(total * w % denom), -w, i) for i, w in enumerate(weights)],
        )
        for _, _, i in order[:left]:
            parts[i] += 1
    return parts
