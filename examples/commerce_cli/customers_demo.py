"""The customers part of ``commerce demo``: members top up, earn and redeem points, move up
tiers and fall into segments (会员演示)."""

from __future__ import annotations

from datetime import timedelta

from attrs import frozen
from rich.console import Console
from rich.table import Table
from rich.text import Text

from commerce_core import Actor, Commerce, CommerceError, Money
from commerce_core.customers import (
    AwardOrderPoints,
    BehaviorEvent,
    BehaviorKind,
    Condition,
    ConfigureCustomerProgram,
    CreateSegment,
    CustomerProgram,
    IngestBehavior,
    PayFromWallet,
    Profile,
    RedeemPoints,
    RegisterCustomer,
    SegmentRule,
    TagCustomer,
    TopUpBonus,
    TopUpWallet,
)
from commerce_core.customers.ids import CustomerId, SegmentId

__all__ = ["CustomersDemoResult", "run_customers_demo"]

MEMBERS = (
    ("李雷 Li Lei", "13800138000", "6200"),
    ("韩梅梅 Han Meimei", "13900139000", "1500"),
    ("张伟 Zhang Wei", "13700137000", "80"),
)


@frozen
class CustomersDemoResult:
    """What the customers demo made: members by name, their tiers, and the segments."""

    members: dict[str, CustomerId]
    tiers: dict[str, str]
    segments: dict[str, tuple[CustomerId, ...]]
    refusals: tuple[str, ...]


def run_customers_demo(
    commerce: Commerce, console: Console, *, actor: Actor
) -> CustomersDemoResult:
    """Register three members, run their money and points through the ledgers, print them."""
    bonus = TopUpBonus(threshold=Money.of("500"), bonus=Money.of("50"))
    program = CustomerProgram(top_up_bonuses=(bonus,))
    commerce.execute(ConfigureCustomerProgram(program=program), actor=actor)
    members: dict[str, CustomerId] = {}
    refusals: list[str] = []
    now = commerce.clock.now()
    events = []
    for n, (name, phone, spent) in enumerate(MEMBERS):
        cid = commerce.execute(
            RegisterCustomer(profile=Profile(name=name, phone=phone)), actor=actor
        )
        members[name] = cid
        commerce.execute(
            TopUpWallet(customer=cid, amount=Money.of("500"), top_up=f"demo-top-up-{n}"),
            actor=actor,
        )
        order = f"DEMO-{n}"
        commerce.execute(
            PayFromWallet(customer=cid, order=order, amount=Money.of("80")), actor=actor
        )
        commerce.execute(
            AwardOrderPoints(customer=cid, order=order, paid=Money.of(spent)), actor=actor
        )
        events.append(
            BehaviorEvent(
                id=f"demo-pay-{n}",
                customer=cid,
                kind=BehaviorKind.PAID,
                at=now - timedelta(days=40 * n),
                order=order,
                amount=Money.of(spent),
            )
        )
    commerce.execute(IngestBehavior(events=tuple(events)), actor=actor)
    li = members[MEMBERS[0][0]]
    commerce.execute(TagCustomer(customer=li, tag="vip"), actor=actor)
    commerce.execute(RedeemPoints(customer=li, order="DEMO-3", points=500), actor=actor)
    try:
        commerce.execute(
            PayFromWallet(customer=li, order="DEMO-4", amount=Money.of("9999")), actor=actor
        )
    except CommerceError as exc:
        refusals.append(exc.code)

    rules = {
        "高消费 spent ≥ ¥1,000 in 90 days": SegmentRule(
            all_of=(Condition.spent_at_least(Money.of("1000"), days=90),)
        ),
        "沉睡 inactive 30+ days": SegmentRule(all_of=(Condition.inactive_for(30),)),
        "VIP": SegmentRule(all_of=(Condition.has_tag("vip"),)),
    }
    segments: dict[str, tuple[CustomerId, ...]] = {}
    for title, rule in rules.items():
        sid = commerce.execute(CreateSegment(name=title, rule=rule, refresh_days=1), actor=actor)
        segments[title] = commerce.customers.segment_members(SegmentId(sid))

    table = Table("member", "tier", "wallet", "points", "segments", title="会员 Members")
    tiers: dict[str, str] = {}
    names = {cid: name for name, cid in members.items()}
    for name, cid in members.items():
        detail = commerce.customers.get(cid)
        tiers[name] = detail.tier.tier
        mine = [title.split(" ")[0] for title, ids in segments.items() if cid in ids]
        table.add_row(
            name, detail.tier.name, str(detail.wallet), str(detail.points), ", ".join(mine)
        )
    console.print(table)
    line = Text(
        f"{len(members)} members; top-up bonus ¥50 each; {names[li]} redeemed 500 points; "
        f"refused: {', '.join(refusals) or 'nothing'}",
        style="green",
    )
    console.print(line)
    return CustomersDemoResult(members, tiers, segments, tuple(refusals))
