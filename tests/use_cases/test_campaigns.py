"""Campaigns through the Commerce facade: scheduled by durable timers, rules go live."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from commerce_core import Actor, Commerce, InvalidTransition
from commerce_core.kernel import Money
from commerce_core.marketing import (
    CampaignNotFound,
    CampaignRuleClash,
    CampaignStatus,
    CreateCampaign,
    EndCampaign,
    PauseCampaign,
    ResumeCampaign,
    ScheduleCampaign,
    StartCampaign,
)
from commerce_core.marketing.use_cases import timer_key
from commerce_core.pricing import (
    Cart,
    CartLine,
    PricingContext,
    ReductionTier,
    TieredReduction,
    price,
)
from commerce_core.testing import FrozenClock

T0 = datetime(2026, 6, 1, tzinfo=UTC)
START, END = T0 + timedelta(days=17), T0 + timedelta(days=19)
STAFF = Actor.staff("ops")


def _rule(id: str = "618-mj") -> TieredReduction:
    return TieredReduction(id=id, tiers=(ReductionTier(Money.of("300"), Money.of("50")),))


@pytest.fixture
def shop() -> Commerce:
    return Commerce.from_url("memory://", clock=FrozenClock(T0))


def _create(shop: Commerce, rule_id: str = "618-mj", ends: datetime | None = END) -> str:
    command = CreateCampaign(
        name="618 大促", rules=(_rule(rule_id),), starts_at=START, ends_at=ends
    )
    campaign: str = shop.execute(command, actor=STAFF)
    return campaign


def test_a_scheduled_campaign_goes_live_and_ends_by_its_timers(shop: Commerce) -> None:
    cid = _create(shop)
    assert shop.marketing.campaign(cid).status is CampaignStatus.DRAFT
    shop.execute(ScheduleCampaign(campaign=cid), actor=STAFF)
    assert shop.scheduled(timer_key(cid, "start")) is not None
    during = START + timedelta(hours=1)
    assert shop.marketing.active_rules(during).rules == ()  # not started yet
    assert shop.run_due(during).done == (timer_key(cid, "start"),)
    rules = shop.marketing.active_rules(during)
    cart = Cart((CartLine("A", 1, Money.of("300")),))
    assert price(cart, PricingContext(at=during), rules).total == Money.of("250")
    assert shop.run_due(END).done == (timer_key(cid, "end"),)
    assert shop.marketing.campaign(cid).status is CampaignStatus.ENDED
    assert shop.marketing.active_rules(during).rules == ()


def test_paused_before_its_start_the_start_timer_does_nothing(shop: Commerce) -> None:
    cid = _create(shop, ends=None)
    shop.execute(ScheduleCampaign(campaign=cid), actor=STAFF)
    shop.execute(PauseCampaign(campaign=cid), actor=STAFF)
    assert shop.run_due(START).done == (timer_key(cid, "start"),)
    assert shop.marketing.campaign(cid).status is CampaignStatus.PAUSED
    shop.execute(ResumeCampaign(campaign=cid), actor=STAFF)
    assert shop.marketing.campaign(cid).status is CampaignStatus.ACTIVE


def test_ending_early_cancels_the_timers(shop: Commerce) -> None:
    cid = _create(shop)
    shop.execute(ScheduleCampaign(campaign=cid), actor=STAFF)
    shop.execute(EndCampaign(campaign=cid), actor=STAFF)
    shop.execute(EndCampaign(campaign=cid), actor=STAFF)  # again: nothing changes
    assert shop.scheduled(timer_key(cid, "start")) is None
    assert shop.scheduled(timer_key(cid, "end")) is None
    with pytest.raises(InvalidTransition):
        shop.execute(ResumeCampaign(campaign=cid), actor=STAFF)


def test_two_live_campaigns_may_not_share_a_rule_id(shop: Commerce) -> None:
    first, second = _create(shop), _create(shop)
    for cid in (first, second):
        shop.execute(ScheduleCampaign(campaign=cid), actor=STAFF)
    shop.execute(StartCampaign(campaign=first), actor=STAFF)
    with pytest.raises(CampaignRuleClash) as err:
        shop.execute(StartCampaign(campaign=second), actor=STAFF)
    assert (err.value.code, err.value.rule, err.value.other) == (
        "campaign_rule_clash",
        "618-mj",
        first,
    )


def test_an_unknown_campaign_is_not_found(shop: Commerce) -> None:
    with pytest.raises(CampaignNotFound):
        shop.execute(PauseCampaign(campaign="nope"), actor=STAFF)


def test_a_campaign_is_created_from_json(shop: Commerce) -> None:
    cid = shop.execute_json(
        {
            "type": "marketing.create_campaign",
            "name": "双11",
            "starts_at": "2026-11-11T00:00:00+08:00",
            "ends_at": None,
            "rules": [
                {
                    "kind": "every_reduction",
                    "id": "every-100",
                    "every": {"amount": "100"},
                    "off": {"amount": "10"},
                }
            ],
        },
        actor=STAFF,
    )
    view = shop.marketing.campaign(cid)
    assert view.starts_at == datetime(2026, 11, 10, 16, 0, tzinfo=UTC)
    assert [r.id for r in view.rules] == ["every-100"]
