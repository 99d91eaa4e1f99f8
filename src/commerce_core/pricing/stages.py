"""The item-price and order-promotion stages."""

from __future__ import annotations

from commerce_core.pricing.breakdown import Reason
from commerce_core.pricing.rules import (
    BundlePrice,
    BuyXGetY,
    DiscountTier,
    EveryReduction,
    FixedPrice,
    ItemDiscount,
    MemberDiscount,
    MemberPrice,
    Rule,
    Stage,
    TieredDiscount,
    TieredReduction,
)
from commerce_core.pricing.run import Run, pay_rate


def fmt(run: Run, minor: int) -> str:
    """An amount for an explanation, in the cart's currency (``¥12.30``)."""
    return run.fmt(minor)


def _item_price(run: Run, rule: Rule, i: int) -> int | None:
    """The unit price ``rule`` gives line ``i``, or None when it does not cover the line."""
    line = run.lines[i]
    unit = run.item_unit[i]
    if isinstance(rule, FixedPrice):
        return rule.price.minor if line.sku == rule.sku else None
    if isinstance(rule, MemberPrice):
        if line.sku != rule.sku:
            return None
        for tp in rule.prices:
            if tp.tier == run.ctx.customer_tier:
                return tp.price.minor
        return None
    if isinstance(rule, MemberDiscount):
        if not run.in_scope(rule) >> i & 1:
            return None
        for tr in rule.rates:
            if tr.tier == run.ctx.customer_tier:
                return pay_rate(unit, tr.rate, run.policy.rounding)
        return None
    if isinstance(rule, ItemDiscount):
        if not run.in_scope(rule) >> i & 1:
            return None
        if rule.rate is not None:
            return pay_rate(unit, rule.rate, run.policy.rounding)
        assert rule.amount_off is not None
        return max(0, unit - rule.amount_off.minor)
    raise AssertionError(rule.kind)


def _item_lines(run: Run, rule: Rule) -> list[int]:
    """The lines ``rule`` may price, in SKU order: its SKU's line, or the lines in scope."""
    if isinstance(rule, FixedPrice | MemberPrice):
        i = run.sku_index.get(rule.sku)
        return [] if i is None else [i]
    return run.scope_lines(rule, run.nothing)


def _item_detail(run: Run, rule: Rule) -> str:
    if isinstance(rule, FixedPrice):
        what = "flash price" if rule.flash else "fixed price"
        return f"{what} {fmt(run, rule.price.minor)}"
    if isinstance(rule, MemberPrice):
        return f"member price for {run.ctx.customer_tier}"
    if isinstance(rule, MemberDiscount):
        rate = next(r.rate for r in rule.rates if r.tier == run.ctx.customer_tier)
        return f"{run.ctx.customer_tier} members pay {rate}"
    if isinstance(rule, ItemDiscount) and rule.amount_off is not None:
        return f"{fmt(run, rule.amount_off.minor)} off each unit"
    assert isinstance(rule, ItemDiscount)
    return f"pay {rule.rate}"


def item_stage(run: Run) -> None:
    """Item prices, line by line: in a stacking group the first rule (exclusive first, then
    priority, then id) that lowers the line's price wins; an exclusive rule applies alone."""
    exclusive_on = [False] * len(run.lines)
    for rule in run.rules.by_stage[Stage.ITEM]:
        why = run.ineligible(rule)
        if why is not None:
            run.reject(rule, why[0], detail=why[1])
            continue
        rows: list[tuple[int, int]] = []
        blocked: Reason | None = None
        capped = False
        lines = run.lines
        for i in _item_lines(run, rule):
            line = lines[i]
            new = _item_price(run, rule, i)
            if new is None:
                continue
            if exclusive_on[i] or (rule.exclusive and run.groups[i]):
                blocked = Reason.EXCLUDED_BY_EXCLUSIVE
                continue
            group = rule.stacking_group
            if group is not None and group in run.groups[i]:
                blocked = blocked or Reason.STACKING_GROUP_TAKEN
                continue
            if new >= run.item_unit[i]:
                blocked = blocked or Reason.NO_SAVING
                continue
            off = (run.item_unit[i] - new) * line.quantity
            if off > run.cur[i]:
                # Item prices after promotions (a custom order): the saving is capped at
                # what the line still pays, so it never goes below zero.
                off, capped = run.cur[i], True
                if off <= 0:
                    blocked = blocked or Reason.NO_SAVING
                    continue
            run.item_unit[i] = new
            run.cur[i] -= off
            run.shares[i].append((rule.id, off))
            rows.append((i, off))
            run.groups[i].add(group or rule.id)
            exclusive_on[i] = rule.exclusive
            if isinstance(rule, FixedPrice) and rule.flash:
                policy = run.policy
                run.no_promo[i] = run.no_promo[i] or not policy.flash_sale_with_promotions
                run.no_coupon[i] = run.no_coupon[i] or not policy.flash_sale_with_coupons
            if not rule.with_promotions:
                run.no_promo[i] = True
            if not rule.with_coupons:
                run.no_coupon[i] = True
        if rows:
            total = sum(p for _, p in rows)
            run.applied.append(
                (rule, Stage.ITEM, total, rows, capped, None, _item_detail(run, rule))
            )
        else:
            run.reject(rule, blocked or Reason.NO_ELIGIBLE_LINES)


def promotion_stage(run: Run) -> None:
    """Order promotions: thresholds measured on the amounts at the start of the stage."""
    entry = run.cur[:]
    taken: set[str] = set()
    exclusive: Rule | None = None
    for rule in run.rules.by_stage[Stage.PROMOTION]:
        why = run.ineligible(rule)
        if why is not None:
            run.reject(rule, why[0], detail=why[1])
            continue
        if exclusive is not None:
            run.reject(rule, Reason.EXCLUDED_BY_EXCLUSIVE, detail=f"{exclusive.id} applies alone")
            continue
        if rule.stacking_group is not None and rule.stacking_group in taken:
            run.reject(rule, Reason.STACKING_GROUP_TAKEN, detail=rule.stacking_group)
            continue
        idx = run.scope_lines(rule, run.no_promo)
        if not idx:
            run.reject(rule, Reason.NO_ELIGIBLE_LINES)
            continue
        if _promotion(run, rule, idx, sum(entry[i] for i in idx)):
            if rule.stacking_group is not None:
                taken.add(rule.stacking_group)
            if rule.exclusive:
                exclusive = rule
            for i in idx:
                if not rule.with_coupons:
                    run.no_coupon[i] = True


def _promotion(run: Run, rule: Rule, idx: list[int], base: int) -> bool:
    """Apply one order promotion to lines ``idx`` whose entry amount is ``base``."""
    if isinstance(rule, TieredReduction):
        return _tiered_reduction(run, rule, idx, base)
    if isinstance(rule, EveryReduction):
        return _every_reduction(run, rule, idx, base)
    if isinstance(rule, TieredDiscount):
        return _tiered_discount(run, rule, idx, base)
    if isinstance(rule, BuyXGetY | BundlePrice):
        return _multi_buy(run, rule, idx)
    raise AssertionError(rule.kind)


def _tiered_reduction(run: Run, rule: TieredReduction, idx: list[int], base: int) -> bool:
    tiers = sorted(rule.tiers, key=lambda t: (t.threshold.minor, t.off.minor))
    met = [t for t in tiers if t.threshold.minor <= base]
    got = max((t.off.minor for t in met), default=0)
    nxt = next((t for t in tiers if t.threshold.minor > base and t.off.minor > got), None)
    if nxt is not None:
        missing = nxt.threshold.minor - base
        run.hint(
            rule,
            nxt.off.minor - got,
            f"spend {fmt(run, missing)} more for {fmt(run, nxt.off.minor)} off",
            missing=missing,
        )
    if not met:
        run.reject(rule, Reason.THRESHOLD_NOT_MET, needs=tiers[0].threshold.minor, has=base)
        return False
    best = max(met, key=lambda t: (t.off.minor, t.threshold.minor))
    detail = f"满{fmt(run, best.threshold.minor)}减{fmt(run, best.off.minor)}"
    return run.take(rule, Stage.PROMOTION, best.off.minor, idx, detail=detail) > 0


def _every_reduction(run: Run, rule: EveryReduction, idx: list[int], base: int) -> bool:
    every, off = rule.every.minor, rule.off.minor
    cap = rule.cap.minor if rule.cap is not None else None
    times = base // every
    amount = times * off
    capped = cap is not None and amount > cap
    if cap is not None and amount >= cap:
        amount = cap
    else:
        missing = (times + 1) * every - base
        gain = off if cap is None else min(off, cap - amount)
        what = f"spend {fmt(run, missing)} more for {fmt(run, gain)} more off"
        run.hint(rule, gain, what, missing=missing)
    if times == 0:
        run.reject(rule, Reason.THRESHOLD_NOT_MET, needs=every, has=base)
        return False
    detail = f"每满{fmt(run, every)}减{fmt(run, off)} × {times}"
    if capped:
        detail += f", capped at {fmt(run, amount)}"
    return run.take(rule, Stage.PROMOTION, amount, idx, capped=capped, detail=detail) > 0


def _need(tier: DiscountTier) -> int:
    if tier.min_items is not None:
        return tier.min_items
    assert tier.min_amount is not None
    return tier.min_amount.minor


def _tiered_discount(run: Run, rule: TieredDiscount, idx: list[int], base: int) -> bool:
    by_items = rule.tiers[0].min_items is not None
    measure = sum(run.lines[i].quantity for i in idx) if by_items else base
    tiers = sorted(rule.tiers, key=lambda t: (_need(t), -t.rate))
    met = [t for t in tiers if _need(t) <= measure]
    best = min(met, key=lambda t: (t.rate, _need(t))) if met else None
    now = sum(run.cur[i] for i in idx)
    rounding = run.policy.rounding
    pay_now = pay_rate(now, best.rate, rounding) if best is not None else now
    for nxt in tiers:
        if _need(nxt) <= measure or (best is not None and nxt.rate >= best.rate):
            continue
        missing = _need(nxt) - measure
        what = f"{missing} more item(s)" if by_items else f"{fmt(run, missing)} more"
        run.hint(
            rule,
            pay_now - pay_rate(now, nxt.rate, rounding),
            f"add {what} to pay {nxt.rate} of the price",
            missing=None if by_items else missing,
            items=missing if by_items else None,
        )
        break
    if best is None:
        first = _need(tiers[0])
        if by_items:
            run.reject(rule, Reason.ITEMS_NOT_MET, needs_items=first, has_items=measure)
        else:
            run.reject(rule, Reason.THRESHOLD_NOT_MET, needs=first, has=measure)
        return False
    label = f"满{_need(best)}件" if by_items else f"满{fmt(run, _need(best))}"
    detail = f"{label} pay {best.rate}"
    return run.take(rule, Stage.PROMOTION, now - pay_now, idx, detail=detail) > 0


def _multi_buy(run: Run, rule: BuyXGetY | BundlePrice, idx: list[int]) -> bool:
    units = sum(run.lines[i].quantity for i in idx)
    size = rule.buy + rule.free if isinstance(rule, BuyXGetY) else rule.count
    groups = units // size
    if groups == 0:
        run.reject(rule, Reason.ITEMS_NOT_MET, needs_items=size, has_items=units)
        cheapest = min(run.item_unit[i] for i in idx)
        if isinstance(rule, BuyXGetY):
            run.hint(
                rule,
                cheapest * rule.free,
                f"add {size - units} more item(s) to get {rule.free} free",
                items=size - units,
            )
        return False
    weights = [0] * len(idx)
    if isinstance(rule, BuyXGetY):
        # The cheapest free units (ties: SKU order) are free.
        order = sorted(range(len(idx)), key=lambda k: (run.item_unit[idx[k]], k))
        left = groups * rule.free
        for k in order:
            n = min(left, run.lines[idx[k]].quantity)
            weights[k] = n * run.item_unit[idx[k]]
            left -= n
            if not left:
                break
        amount = sum(weights)
        detail = f"buy {rule.buy} get {rule.free} free × {groups}"
    else:
        # The dearest units are bundled (best for the customer); ties in SKU order.
        order = sorted(range(len(idx)), key=lambda k: (-run.item_unit[idx[k]], k))
        left = groups * rule.count
        for k in order:
            n = min(left, run.lines[idx[k]].quantity)
            weights[k] = n * run.item_unit[idx[k]]
            left -= n
            if not left:
                break
        amount = sum(weights) - groups * rule.price.minor
        detail = f"{rule.count} for {fmt(run, rule.price.minor)} × {groups}"
        if amount <= 0:
            run.reject(rule, Reason.NO_SAVING, detail=detail)
            return False
    return run.take(rule, Stage.PROMOTION, amount, idx, weights=weights, detail=detail) > 0
