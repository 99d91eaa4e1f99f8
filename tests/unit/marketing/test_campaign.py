"""The campaign lifecycle as data: every move in the table works, every other is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from commerce_core.kernel import InputError, InvalidTransition, Money
from commerce_core.marketing import (
    TRANSITIONS,
    Campaign,
    CampaignCreated,
    CampaignStatus,
    CampaignStatusChanged,
)
from commerce_core.pricing import Coupon, ReductionTier, TieredReduction

T0 = datetime(2026, 6, 1, tzinfo=UTC)
RULE = TieredReduction(id="mj", tiers=(ReductionTier(Money.of("300"), Money.of("50")),))


def _campaign(status: CampaignStatus = CampaignStatus.DRAFT) -> Campaign:
    c = Campaign.create("c1", "618", (RULE,), starts_at=T0, ends_at=T0 + timedelta(days=2), at=T0)
    c.status = status
    c.events.clear()
    return c


MOVES = {
    CampaignStatus.SCHEDULED: Campaign.schedule,
    CampaignStatus.PAUSED: Campaign.pause,
    CampaignStatus.ENDED: Campaign.end,
}


@pytest.mark.parametrize("current", list(CampaignStatus))
@pytest.mark.parametrize("target", list(MOVES))
def test_a_move_works_exactly_when_the_table_has_it(
    current: CampaignStatus, target: CampaignStatus
) -> None:
    campaign = _campaign(current)
    if target in TRANSITIONS[current]:
        MOVES[target](campaign, at=T0)
        assert campaign.status is target
        (event,) = campaign.events
        assert isinstance(event, CampaignStatusChanged)
        assert (event.previous, event.status) == (current, target)
    else:
        with pytest.raises(InvalidTransition) as err:
            MOVES[target](campaign, at=T0)
        assert (err.value.current, err.value.requested) == (current.value, target.value)
        assert campaign.status is current


@pytest.mark.parametrize("current", list(CampaignStatus))
def test_start_and_resume_follow_the_table(current: CampaignStatus) -> None:
    started = _campaign(current)
    if current is CampaignStatus.SCHEDULED or current is CampaignStatus.PAUSED:
        started.start(at=T0)
        assert started.status is CampaignStatus.ACTIVE
    else:
        with pytest.raises(InvalidTransition):
            started.start(at=T0)
    resumed = _campaign(current)
    if current is CampaignStatus.PAUSED:
        resumed.resume(at=T0)
        assert resumed.status is CampaignStatus.ACTIVE
    else:
        with pytest.raises(InvalidTransition):
            resumed.resume(at=T0)


def test_ended_is_final() -> None:
    assert TRANSITIONS[CampaignStatus.ENDED] == frozenset()


def test_creation_records_an_event_and_checks_its_input() -> None:
    c = Campaign.create("c1", "618", (RULE,), starts_at=T0, ends_at=None, at=T0)
    assert c.status is CampaignStatus.DRAFT
    assert isinstance(c.events[0], CampaignCreated)
    with pytest.raises(InputError) as err:
        Campaign.create("c1", "618", (RULE,), starts_at=T0, ends_at=T0, at=T0)
    assert err.value.field == "ends_at"
    with pytest.raises(InputError):
        Campaign.create("c1", "618", (), starts_at=T0, ends_at=None, at=T0)
    with pytest.raises(InputError):
        Campaign.create(
            "c1",
            "618",
            (RULE, Coupon(id="mj", amount_off=Money.of("1"))),
            starts_at=T0,
            ends_at=None,
            at=T0,
        )


def test_is_live_only_while_active_and_in_its_window() -> None:
    c = _campaign(CampaignStatus.ACTIVE)
    assert not c.is_live(T0 - timedelta(seconds=1))
    assert c.is_live(T0)
    assert not c.is_live(T0 + timedelta(days=2))
    c.status = CampaignStatus.PAUSED
    assert not c.is_live(T0)
