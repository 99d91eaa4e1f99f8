"""The coupon, points and shipping stages."""

from __future__ import annotations

from commerce_core.pricing.breakdown import Reason
from commerce_core.pricing.cart import HeldCoupon
from commerce_core.pricing.rules import (
    Coupon,
    PointsRedemption,
    ShippingBasis,
    ShippingCoupon,
    ShippingTemplate,
    Stage,
)
from commerce_core.pricing.run import Run, pay_rate
from commerce_core.pricing.stages import fmt

#: A held coupon with its template rule.
Pick = tuple[HeldCoupon, Coupon | ShippingCoupon]


def pick_key(pick: Pick) -> tuple[bool, int, str, str]:
    """Order of application: exclusive first, priority, rule id, then coupon id."""
    held, rule = pick
    return (not rule.exclusive, -rule.priority, rule.id, held.id)


def coupon_value(run: Run, rule: Coupon, held: HeldCoupon, entry: list[int]) -> int | None:
    """What ``rule`` would take off now, or None (recording why) when it cannot apply."""
    idx = run.scope_lines(rule, run.no_coupon)
    if not idx:
        run.reject(rule, Reason.NO_ELIGIBLE_LINES, coupon=held.id)
        return None
    base = sum(entry[i] for i in idx)
    if rule.threshold is not None and base < rule.threshold.minor:
        missing = rule.threshold.minor - base
        run.reject(
            rule, Reason.THRESHOLD_NOT_MET, needs=rule.threshold.minor, has=base, coupon=held.id
        )
        gain = rule.amount_off.minor if rule.amount_off is not None else 0
        run.hint(
            rule, gain, f"spend {fmt(run, missing)} more to use coupon {held.id}", missing=missing
        )
        return None
    return 0


def coupon_stage(run: Run, picks: list[Pick]) -> None:
    """Apply the chosen shop coupons in order; thresholds measured at the stage's start."""
    entry = run.cur[:]
    run.coupon_entry = entry
    taken: set[str] = set()
    exclusive: str | None = None
    for held, rule in sorted(picks, key=pick_key):
        if not isinstance(rule, Coupon):
            continue
        if exclusive is not None:
            run.reject(
                rule,
                Reason.EXCLUDED_BY_EXCLUSIVE,
                coupon=held.id,
                detail=f"{exclusive} applies alone",
            )
            continue
        if rule.stacking_group is not None and rule.stacking_group in taken:
            run.reject(
                rule, Reason.STACKING_GROUP_TAKEN, coupon=held.id, detail=rule.stacking_group
            )
            continue
        if rule.exclusive and run.applied and any(a[1] is Stage.COUPON for a in run.applied):
            run.reject(rule, Reason.EXCLUDED_BY_EXCLUSIVE, coupon=held.id)
            continue
        if coupon_value(run, rule, held, entry) is None:
            continue
        idx = run.scope_lines(rule, run.no_coupon)
        now = sum(run.cur[i] for i in idx)
        capped = False
        if rule.amount_off is not None:
            amount = rule.amount_off.minor
            detail = f"{fmt(run, amount)} off"
        else:
            assert rule.rate is not None
            amount = now - pay_rate(now, rule.rate, run.policy.rounding)
            detail = f"pay {rule.rate}"
            if rule.cap is not None and amount > rule.cap.minor:
                amount, capped = rule.cap.minor, True
                detail += f", capped at {fmt(run, amount)}"
        if run.take(rule, Stage.COUPON, amount, idx, capped=capped, coupon=held.id, detail=detail):
            if rule.stacking_group is not None:
                taken.add(rule.stacking_group)
            if rule.exclusive:
                exclusive = rule.id


def points_value(rule: PointsRedemption, goods: int, wanted: int) -> tuple[int, int]:
    """(points used, their value) for ``wanted`` points on ``goods``: in whole steps, at
    most ``max_share`` of the goods (rounded down: the share is a ceiling)."""
    num, den = rule.max_share.as_integer_ratio()
    most = goods * num // den
    usable = min(wanted, most * rule.points_per_unit // rule.unit_value.minor)
    usable -= usable % rule.step
    return usable, usable * rule.unit_value.minor // rule.points_per_unit


def points_stage(run: Run) -> None:
    """Redeem the points the customer asked for under the first eligible points rule."""
    used = False
    for rule in run.rules.by_stage[Stage.POINTS]:
        assert isinstance(rule, PointsRedemption)
        why = run.ineligible(rule)
        if why is not None:
            run.reject(rule, why[0], detail=why[1])
            continue
        if used:
            run.reject(rule, Reason.STACKING_GROUP_TAKEN, detail="one points rule per order")
            continue
        used = True
        wanted = run.ctx.points
        if wanted == 0:
            run.reject(rule, Reason.NO_POINTS_REQUESTED)
            continue
        points, value = points_value(rule, run.goods(), wanted)
        if points == 0:
            run.reject(
                rule,
                Reason.POINTS_BELOW_STEP,
                needs_items=rule.step,
                has_items=wanted,
                detail=f"redeemed in steps of {rule.step}, up to {rule.max_share} of the goods",
            )
            continue
        idx = list(range(len(run.lines)))
        detail = f"{points} points = {fmt(run, value)}"
        if points < wanted:
            detail += f" ({wanted} asked; capped by step and {rule.max_share} of the goods)"
        run.points_used, run.points_value = points, value
        run.take(rule, Stage.POINTS, value, idx, capped=points < wanted, detail=detail)


def _fee(run: Run, t: ShippingTemplate) -> int:
    if t.basis is ShippingBasis.WEIGHT:
        measure = sum(line.weight_grams * line.quantity for line in run.lines)
    else:
        measure = sum(line.quantity for line in run.lines)
    extra = max(0, measure - t.first)
    steps = -(-extra // t.additional)
    return t.first_fee.minor + steps * t.additional_fee.minor


def shipping_stage(run: Run, picks: list[Pick]) -> None:
    """The fee from the destination's template; free-shipping thresholds measured on the
    goods after every discount; then shipping coupons."""
    region = run.ctx.region
    template: ShippingTemplate | None = None
    fallback: ShippingTemplate | None = None
    templates = [r for r in run.rules.by_stage[Stage.SHIPPING] if isinstance(r, ShippingTemplate)]
    for t in templates:
        if run.ineligible(t) is not None:
            continue
        if t.regions and region in t.regions and template is None:
            template = t
        elif not t.regions and fallback is None:
            fallback = t
    template = template or fallback
    if template is None:
        for t in templates:
            run.reject(t, Reason.REGION_NOT_COVERED, detail=f"no template covers {region}")
        run.shipping = (None, 0, 0, None)
        _shipping_coupons(run, picks, 0)
        return
    fee = _fee(run, template)
    goods = run.goods()
    thresholds: list[tuple[int, str]] = []
    if template.free_above is not None:
        thresholds.append((template.free_above.minor, "free_above"))
    for tt in template.tier_free_above:
        if tt.tier == run.ctx.customer_tier:
            thresholds.append((tt.threshold.minor, f"tier_free_above:{tt.tier}"))
    thresholds.sort()
    free = next((why for limit, why in thresholds if goods >= limit), None)
    if free is None and thresholds and fee > 0:
        missing = thresholds[0][0] - goods
        run.hint(
            template, fee, f"spend {fmt(run, missing)} more for free shipping", missing=missing
        )
    if free is not None and fee > 0:
        run.applied.append((template, Stage.SHIPPING, fee, [], False, None, f"free: {free}"))
        run.shipping = (template.id, fee, fee, free)
        _shipping_coupons(run, picks, 0)
        return
    run.shipping = (template.id, fee, 0, None)
    _shipping_coupons(run, picks, fee)


def _shipping_coupons(run: Run, picks: list[Pick], left: int) -> None:
    goods = run.goods()
    tid, fee, discount, free = run.shipping
    for held, rule in sorted(picks, key=pick_key):
        if not isinstance(rule, ShippingCoupon):
            continue
        if left <= 0:
            run.reject(rule, Reason.ALREADY_FREE, coupon=held.id)
            continue
        if rule.threshold is not None and goods < rule.threshold.minor:
            missing = rule.threshold.minor - goods
            run.reject(
                rule,
                Reason.THRESHOLD_NOT_MET,
                needs=rule.threshold.minor,
                has=goods,
                coupon=held.id,
            )
            run.hint(
                rule,
                left,
                f"spend {fmt(run, missing)} more to use shipping coupon {held.id}",
                missing=missing,
            )
            continue
        off = left if rule.amount_off is None else min(left, rule.amount_off.minor)
        capped = rule.amount_off is not None and rule.amount_off.minor > left
        run.applied.append(
            (
                rule,
                Stage.SHIPPING,
                off,
                [],
                capped,
                held.id,
                "free shipping" if off == left else f"{fmt(run, off)} off shipping",
            )
        )
        left -= off
        discount += off
        free = free or ("coupon" if left == 0 else None)
    run.shipping = (tid, fee, discount, free)
