"""``price()``: the pure, deterministic pricing engine, and the best choice of coupons."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations, product

from commerce_core.pricing.breakdown import PriceBreakdown, PricedLine, Reason
from commerce_core.pricing.cart import Cart, PricingContext
from commerce_core.pricing.errors import CouponNotHeld
from commerce_core.pricing.result import (
    applied,
    breakdown,
    check_bounds,
    coupon_choice,
    hint,
    line_discount,
    line_share,
    money_maker,
    priced_line,
    rejected,
    shipping_charge,
)
from commerce_core.pricing.rules import Coupon, PointsRedemption, Rule, ShippingCoupon, Stage
from commerce_core.pricing.ruleset import RuleSet
from commerce_core.pricing.run import HintRow, Run, coupon_invalid
from commerce_core.pricing.settle import (
    Pick,
    coupon_stage,
    coupon_value,
    pick_key,
    points_stage,
    points_value,
    shipping_stage,
)
from commerce_core.pricing.stages import fmt, item_stage, promotion_stage

__all__ = ["price"]


def _stage(run: Run, stage: Stage, picks: list[Pick]) -> None:
    if stage is Stage.ITEM:
        item_stage(run)
    elif stage is Stage.PROMOTION:
        promotion_stage(run)
    elif stage is Stage.COUPON:
        coupon_stage(run, picks)
    elif stage is Stage.POINTS:
        points_stage(run)
    else:
        shipping_stage(run, picks)


def _total(run: Run) -> int:
    _, fee, discount, _ = run.shipping
    return sum(run.cur) + fee - discount


def price(
    cart: Cart, context: PricingContext, rules: RuleSet | Iterable[Rule] = ()
) -> PriceBreakdown:
    """Price ``cart`` for ``context`` under ``rules``: every discount allocated to the lines,
    every applied and rejected rule explained, upsell hints, and the coupons chosen.

    Pure and deterministic: the same inputs give the same breakdown whatever the order of
    the cart's lines or of rules with equal priority. Coupons: ``context.selected_coupons``
    applies exactly those; ``None`` chooses the combination of held coupons that makes the
    customer pay least under the policy's per-kind limits.
    """
    ruleset = rules if isinstance(rules, RuleSet) else RuleSet(tuple(rules))
    ruleset.check(cart)
    stages = ruleset.policy.stages
    at = stages.index(Stage.COUPON)
    base = Run(cart, context, ruleset)
    for stage in stages[:at]:
        _stage(base, stage, [])
    later = stages[at:]
    picks = _candidates(base)
    automatic = context.selected_coupons is None
    if automatic:
        best, chosen, evaluated, bare = _best(base, picks, later)
    else:
        chosen = _selected(base, picks, context.selected_coupons or ())
        best = _finish(base, chosen, later)
        bare = _finish(base, [], later)
        evaluated = 1
    _explain_unchosen(best, picks, chosen, context.selected_coupons)
    ids = tuple(h.id for h, _ in sorted(chosen, key=pick_key))
    total, without = _total(best), _total(bare)
    how = "chosen automatically" if automatic else "as selected"
    detail = (
        f"{' + '.join(ids) or 'no coupon'} {how}: pays {fmt(best, total)}, "
        f"{fmt(best, without - total)} less than without coupons"
    )
    if automatic:
        detail += f"; {evaluated} combination(s) evaluated"
    return _breakdown(best, (ids, automatic, evaluated, without, detail))


def _finish(base: Run, picks: list[Pick], later: tuple[Stage, ...]) -> Run:
    run = base.copy()
    for stage in later:
        _stage(run, stage, picks)
    return run


def _candidates(base: Run) -> list[Pick]:
    """Held coupons that could apply now; the others are explained on ``base``."""
    out: list[Pick] = []
    kept: dict[str, int] = {}
    policy = base.policy
    for held in sorted(base.ctx.coupons, key=lambda h: h.id):
        rule = base.rules.by_id.get(held.template)
        if not isinstance(rule, Coupon | ShippingCoupon):
            base.rejected.append(
                (
                    held.template,
                    "coupon",
                    Reason.UNKNOWN_COUPON,
                    None,
                    None,
                    None,
                    None,
                    held.id,
                    "no coupon rule has this id",
                )
            )
            continue
        why = coupon_invalid(rule, held, base.ctx)
        if why is not None:
            base.reject(rule, why[0], coupon=held.id, detail=why[1])
            continue
        # Copies of one template are interchangeable: keep as many as the kind allows.
        if kept.get(rule.id, 0) >= policy.coupon_limit(rule.coupon_kind):
            base.reject(
                rule,
                Reason.COUPON_NOT_CHOSEN,
                coupon=held.id,
                detail="another copy of this coupon is used",
            )
            continue
        kept[rule.id] = kept.get(rule.id, 0) + 1
        out.append((held, rule))
    return out


def _selected(base: Run, picks: list[Pick], ids: tuple[str, ...]) -> list[Pick]:
    held = {h.id for h in base.ctx.coupons}
    usable = {h.id: (h, r) for h, r in picks}
    chosen: list[Pick] = []
    used: dict[str, int] = {}
    for cid in sorted(set(ids)):
        if cid not in held:
            raise CouponNotHeld(cid)
    for pick in sorted((usable[c] for c in set(ids) if c in usable), key=pick_key):
        kind = pick[1].coupon_kind
        if used.get(kind, 0) >= base.policy.coupon_limit(kind):
            base.reject(
                pick[1],
                Reason.COUPON_LIMIT_REACHED,
                coupon=pick[0].id,
                detail=f"at most {base.policy.coupon_limit(kind)} {kind} coupon(s)",
            )
            continue
        used[kind] = used.get(kind, 0) + 1
        chosen.append(pick)
    return chosen


def _bound(base: Run, pick: Pick) -> int:
    """The most a shop coupon can take off the goods (0 for shipping coupons)."""
    rule = pick[1]
    if not isinstance(rule, Coupon):
        return 0
    eligible = sum(base.cur[i] for i in base.scope_lines(rule, base.no_coupon))
    nominal = rule.amount_off or rule.cap
    return eligible if nominal is None else min(eligible, nominal.minor)


def _best(
    base: Run, picks: list[Pick], later: tuple[Stage, ...]
) -> tuple[Run, list[Pick], int, Run]:
    """The combination of coupons the customer pays least with (exact branch and bound).

    Ties: fewer coupons, then the smaller coupon ids. A combination is skipped when even
    its most optimistic total (goods minus every coupon's most, minus the most points)
    cannot beat the best found; that bound only holds when nothing but points and shipping
    follow the coupons, so otherwise every combination is evaluated.
    """
    by_kind: dict[str, list[Pick]] = {}
    for pick in sorted(picks, key=pick_key):
        by_kind.setdefault(pick[1].coupon_kind, []).append(pick)
    options = [
        [
            list(c)
            for n in range(min(base.policy.coupon_limit(k), len(ps)) + 1)
            for c in combinations(ps, n)
        ]
        for k, ps in sorted(by_kind.items())
    ]
    combos = [[p for part in parts for p in part] for parts in product(*options)]
    prunable = set(later) <= {Stage.COUPON, Stage.POINTS, Stage.SHIPPING}
    goods = base.goods()
    most_points = _most_points(base, goods)
    bounds = {id(p): _bound(base, p) for p in picks}

    def lower(combo: list[Pick]) -> int:
        if not prunable:
            return 0
        return max(0, goods - sum(bounds[id(p)] for p in combo) - most_points)

    def ids(combo: list[Pick]) -> list[str]:
        return sorted(h.id for h, _ in combo)

    ranked = sorted(combos, key=lambda c: (lower(c), len(c), ids(c)))
    bare = best_run = _finish(base, [], later)
    best: list[Pick] = []
    best_key: tuple[int, int, list[str]] = (_total(best_run), 0, [])
    evaluated = 1
    for combo in ranked:
        if not combo:
            continue
        if lower(combo) > best_key[0]:
            break
        run = _finish(base, combo, later)
        evaluated += 1
        key = (_total(run), len(combo), ids(combo))
        if key < best_key:
            best_run, best, best_key = run, combo, key
    return best_run, best, evaluated, bare


def _most_points(base: Run, goods: int) -> int:
    for rule in base.rules.by_stage[Stage.POINTS]:
        if isinstance(rule, PointsRedemption) and base.ineligible(rule) is None:
            return points_value(rule, goods, base.ctx.points)[1]
    return 0


def _explain_unchosen(
    run: Run, picks: list[Pick], chosen: list[Pick], selected: tuple[str, ...] | None
) -> None:
    taken = {h.id for h, _ in chosen} | set(selected or ())
    entry = run.coupon_entry if run.coupon_entry is not None else run.cur
    why = (
        "not selected"
        if selected is not None
        else "another combination makes the customer pay less"
    )
    for pick in picks:
        held, rule = pick
        if held.id in taken:
            continue
        if isinstance(rule, Coupon) and coupon_value(run, rule, held, entry) is None:
            continue
        if isinstance(rule, ShippingCoupon) and run.shipping[1] == run.shipping[2]:
            run.reject(rule, Reason.ALREADY_FREE, coupon=held.id)
            continue
        if isinstance(rule, ShippingCoupon) and rule.threshold is not None:
            goods = run.goods()
            if goods < rule.threshold.minor:
                run.reject(
                    rule,
                    Reason.THRESHOLD_NOT_MET,
                    needs=rule.threshold.minor,
                    has=goods,
                    coupon=held.id,
                )
                continue
        run.reject(rule, Reason.COUPON_NOT_CHOSEN, coupon=held.id, detail=why)


def _breakdown(run: Run, choice_row: tuple[tuple[str, ...], bool, int, int, str]) -> PriceBreakdown:
    code = run.cart.currency
    money = money_maker(code)
    lines: list[PricedLine] = []
    subtotal = 0
    cur = run.cur
    item_unit = run.item_unit
    shares = run.shares
    for i, line in enumerate(run.lines):
        sub = line.unit_price.minor * line.quantity
        subtotal += sub
        now = cur[i]
        lines.append(
            priced_line(
                line.sku,
                line.quantity,
                line.unit_price,
                money(item_unit[i]),
                money(sub),
                tuple([line_discount(r, money(a)) for r, a in shares[i]]),
                money(sub - now),
                money(now),
            )
        )
    goods = sum(cur)
    tid, fee, off, free = run.shipping
    check_bounds(subtotal, fee)
    shipping = shipping_charge(tid, money(fee), money(off), money(fee - off), free)
    skus = [line.sku for line in run.lines]
    applied_rows = tuple(
        [
            applied(
                rule.id,
                rule.kind,
                stage,
                money(amount),
                tuple([line_share(skus[i], money(a)) for i, a in rows]),
                capped,
                coupon,
                detail,
            )
            for rule, stage, amount, rows, capped, coupon, detail in run.applied
        ]
    )
    rejected_rows = tuple(
        [
            rejected(
                rid,
                kind,
                reason,
                None if needs is None else money(needs),
                None if has is None else money(has),
                needs_items,
                has_items,
                coupon,
                detail,
            )
            for rid, kind, reason, needs, has, needs_items, has_items, coupon, detail in (
                run.rejected
            )
        ]
    )
    hints = tuple(
        [
            hint(
                rid,
                kind,
                None if missing is None else money(missing),
                items,
                money(gain),
                detail,
            )
            for rid, kind, missing, items, gain, detail in _best_hints(run.hints)
        ]
    )
    ids, automatic, evaluated, without, detail = choice_row
    choice = coupon_choice(ids, automatic, evaluated, money(without), detail)
    return breakdown(
        code,
        tuple(lines),
        money(subtotal),
        money(subtotal - goods),
        money(goods),
        shipping,
        run.points_used,
        money(run.points_value),
        money(goods + fee - off),
        applied_rows,
        rejected_rows,
        hints,
        choice,
    )


def _best_hints(rows: list[HintRow]) -> list[HintRow]:
    """One hint per rule (the cheapest to reach), cheapest first."""
    best: dict[str, HintRow] = {}

    def key(row: HintRow) -> tuple[int, int, int, str]:
        return (row[2] or 0, row[3] or 0, -row[4], row[0])

    for row in rows:
        prev = best.get(row[0])
        if prev is None or key(row) < key(prev):
            best[row[0]] = row
    return sorted(best.values(), key=key)
