"""``commerce price cart.json``: price a cart stated as JSON, and show why.

The file is a :class:`commerce_core.pricing.PricingCase` — ``cart``, ``context`` and
``rules`` — read through the strict JSON edge, so a frontend, a fixture or a support
ticket can state a pricing case and get the same answer the shop would compute.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from attrs import evolve
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from commerce_cli.render import make_console, print_json
from commerce_cli.session import refusals
from commerce_core import Actor, Commerce, InputError, serialization
from commerce_core.kernel import Money
from commerce_core.marketing import (
    CouponTemplate,
    CreateCampaign,
    CreateCouponTemplate,
    GenerateCouponCodes,
    IssueCoupons,
    RedeemCouponCode,
    ScheduleCampaign,
)
from commerce_core.pricing import (
    BuyXGetY,
    Cart,
    CartLine,
    Coupon,
    EveryReduction,
    FixedPrice,
    HeldCoupon,
    MemberDiscount,
    PointsRedemption,
    PriceBreakdown,
    PricingCase,
    PricingContext,
    ReductionTier,
    RuleSet,
    Scope,
    ShippingCoupon,
    ShippingTemplate,
    TieredReduction,
    TierRate,
    TierThreshold,
    price,
)

__all__ = ["SAMPLE_CASE", "price_command", "read_case", "render_breakdown", "run_pricing_demo"]


def read_case(path: Path) -> PricingCase:
    """Read a pricing case from a JSON file; malformed input is an :class:`InputError`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError.for_field("", f"not JSON: {exc.msg} at line {exc.lineno}") from None
    except UnicodeDecodeError:
        raise InputError.for_field("", "the file is not UTF-8 text") from None
    return serialization.structure(data, PricingCase)


def _money(value: Money) -> str:
    return value.format()


def render_breakdown(b: PriceBreakdown) -> Group:
    """The breakdown for people: lines, what applied, what did not and why, hints, total."""
    lines = Table(title="Lines 商品", title_justify="left")
    for name, justify in (
        ("sku", "left"),
        ("qty", "right"),
        ("unit", "right"),
        ("item price", "right"),
        ("discount", "right"),
        ("pays", "right"),
    ):
        lines.add_column(name, justify=justify)  # type: ignore[arg-type]
    for line in b.lines:
        lines.add_row(
            Text(line.sku),
            str(line.quantity),
            _money(line.unit_price),
            _money(line.item_unit_price),
            _money(line.discount),
            _money(line.total),
        )
    applied = Table(title="Applied 已享优惠", title_justify="left")
    for name in ("rule", "stage", "amount", "detail"):
        applied.add_column(name)
    for a in b.applied:
        detail = a.detail + (" (capped)" if a.capped and "capped" not in a.detail else "")
        who = a.rule if a.coupon is None else f"{a.rule} ({a.coupon})"
        applied.add_row(Text(who), a.stage.value, _money(a.amount), Text(detail))
    rejected = Table(title="Not applied 未享优惠", title_justify="left")
    for name in ("rule", "reason", "numbers"):
        rejected.add_column(name)
    for r in b.rejected:
        numbers = r.detail
        if r.needs is not None and r.has is not None:
            numbers = f"needs {_money(r.needs)}, has {_money(r.has)}"
        elif r.needs_items is not None:
            numbers = f"needs {r.needs_items}, has {r.has_items}"
        who = r.rule if r.coupon is None else f"{r.rule} ({r.coupon})"
        rejected.add_row(Text(who), r.reason.value, Text(numbers))
    parts: list[Table | Text] = [lines, applied]
    if b.rejected:
        parts.append(rejected)
    for h in b.hints:
        parts.append(Text(f"💡 {h.detail}", style="yellow"))
    parts.append(Text(f"Coupons: {b.coupons.detail}", style="dim"))
    ship = b.shipping
    parts.append(
        Text(
            f"Goods {_money(b.goods_total)} · shipping {_money(ship.total)}"
            f" (fee {_money(ship.fee)}, off {_money(ship.discount)})"
            f" · points {b.points_used} = {_money(b.points_value)}"
        )
    )
    parts.append(Text(f"Total 应付 {_money(b.total)}", style="bold green"))
    return Group(*parts)


def price_command(
    case_file: Annotated[
        Path,
        typer.Argument(
            help="A JSON pricing case: {cart, context, rules}.",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the breakdown as JSON.")] = False,
) -> None:
    """Price a cart stated as JSON, with every discount explained (see docs/pricing.md)."""
    with refusals(as_json=as_json):
        case = read_case(case_file)
        breakdown = price(case.cart, case.context, case.rules)
    if as_json:
        print_json(serialization.unstructure(breakdown))
    else:
        make_console().print(render_breakdown(breakdown))


def _m(amount: str) -> Money:
    return Money.of(amount)


#: A 618 shopping-festival case: campaigns (满减, 每满减, flash sale, buy 2 get 1, member
#: discount), held coupons, points and shipping.
SAMPLE_CASE = PricingCase(
    cart=Cart(
        (
            CartLine(
                "TEE-WHITE-M",
                2,
                _m("79"),
                category_path=("apparel", "tees"),
                brand="acme",
                weight_grams=250,
            ),
            CartLine(
                "JACKET-NAVY-L",
                1,
                _m("399"),
                category_path=("apparel", "jackets"),
                brand="acme",
                weight_grams=900,
            ),
            CartLine(
                "SOCKS-3PK", 3, _m("19.90"), category_path=("apparel", "socks"), weight_grams=120
            ),
            CartLine(
                "EARBUDS-X",
                1,
                _m("299"),
                category_path=("electronics",),
                brand="zen",
                weight_grams=200,
            ),
            CartLine("OOLONG-250G", 1, _m("68"), category_path=("food", "tea"), weight_grams=300),
        )
    ),
    context=PricingContext(
        at=datetime(2026, 6, 18, 20, 0, tzinfo=timezone(timedelta(hours=8))),
        customer_tier="gold",
        region="CN-31",
        points=2500,
        coupons=(
            HeldCoupon("cp-1001", "apparel-30"),
            HeldCoupon("cp-1002", "all-9z"),
            HeldCoupon("cp-1003", "big-100"),
            HeldCoupon("cp-1004", "free-ship"),
        ),
    ),
    rules=RuleSet(
        (
            MemberDiscount(
                id="gold-95",
                name="金卡95折",
                rates=(TierRate("gold", Decimal("0.95")),),
                scope=Scope(categories=("apparel",)),
            ),
            FixedPrice(
                id="flash-earbuds",
                name="秒杀 earbuds",
                sku="EARBUDS-X",
                price=_m("249"),
                flash=True,
            ),
            BuyXGetY(
                id="socks-b2g1",
                name="袜子买二送一",
                buy=2,
                free=1,
                scope=Scope(categories=("socks",)),
            ),
            TieredReduction(
                id="618-mj",
                name="618 满减",
                tiers=(ReductionTier(_m("300"), _m("30")), ReductionTier(_m("600"), _m("70"))),
            ),
            EveryReduction(
                id="tea-every",
                name="茶叶每满50减5",
                every=_m("50"),
                off=_m("5"),
                cap=_m("20"),
                scope=Scope(categories=("tea",)),
            ),
            Coupon(
                id="apparel-30",
                name="服装券 满200减30",
                amount_off=_m("30"),
                threshold=_m("200"),
                scope=Scope(categories=("apparel",)),
            ),
            Coupon(id="all-9z", name="全场9折券 最高减50", rate=Decimal("0.9"), cap=_m("50")),
            Coupon(id="big-100", name="满1000减100", amount_off=_m("100"), threshold=_m("1000")),
            ShippingCoupon(id="free-ship", name="包邮券"),
            PointsRedemption(
                id="points",
                name="积分抵扣",
                points_per_unit=100,
                unit_value=_m("1"),
                step=100,
                max_share=Decimal("0.1"),
            ),
            ShippingTemplate(
                id="ship-cn",
                name="全国运费",
                first=1000,
                first_fee=_m("10"),
                additional=1000,
                additional_fee=_m("5"),
                free_above=_m("999"),
                tier_free_above=(TierThreshold("gold", _m("599")),),
            ),
        )
    ),
)


def run_pricing_demo(commerce: Commerce, console: Console, *, actor: Actor) -> PriceBreakdown:
    """Store :data:`SAMPLE_CASE`'s rules as a 618 campaign (scheduled, started by its timer)
    and its coupons as templates issued to the customer, then price the cart with the
    store's active rules and the customer's coupons, and print it with its explanations."""
    at = SAMPLE_CASE.context.at
    starts = at.replace(hour=0, minute=0, second=0, microsecond=0)
    campaign = commerce.execute(
        CreateCampaign(
            name="618 大促",
            rules=SAMPLE_CASE.rules.rules,
            starts_at=starts,
            ends_at=starts + timedelta(days=3),
        ),
        actor=actor,
    )
    commerce.execute(ScheduleCampaign(campaign=campaign), actor=actor)
    commerce.run_due(starts)  # what `commerce worker` does when the start timer is due
    customer = "ann"
    redeemed = ""
    for i, held in enumerate(SAMPLE_CASE.context.coupons):
        rule = SAMPLE_CASE.rules.by_id[held.template]
        assert isinstance(rule, Coupon | ShippingCoupon)
        template = CouponTemplate(rule, total_limit=10_000, per_customer_limit=1)
        commerce.execute(CreateCouponTemplate(template=template), actor=actor)
        if i == 0:
            # The first coupon comes from a redeem code (兑换码) printed on a poster; the
            # customer types it in lower case with spaces, and it still matches.
            codes = commerce.execute(
                GenerateCouponCodes(batch="618-poster", template=rule.id, count=3, prefix="618"),
                actor=actor,
            )
            redeemed = codes[0].lower().replace("-", " ")
            commerce.execute(RedeemCouponCode(code=redeemed, customer=customer), actor=actor)
        else:
            commerce.execute(IssueCoupons(template=rule.id, customers=(customer,)), actor=actor)
    console.print(
        Text(
            f"▸ Stored campaign 618 大促 ({len(SAMPLE_CASE.rules.rules)} rules) and "
            f"{len(SAMPLE_CASE.context.coupons)} coupon templates; {customer} redeemed "
            f"code {redeemed!r} and was issued the others",
            style="bold",
        )
    )
    context = evolve(
        SAMPLE_CASE.context,
        coupons=tuple(c.held() for c in commerce.marketing.coupons_of(customer)),
    )
    b = price(SAMPLE_CASE.cart, context, commerce.marketing.active_rules(at))
    console.print(Text(f"▸ Priced a 618 cart for a gold member ({customer})", style="bold"))
    console.print(render_breakdown(b))
    return b
