"""Campaign commands: create, schedule (through durable timers), start, pause, resume, end."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final

from attrs import field, frozen

from commerce_core.kernel.clock import ensure_utc
from commerce_core.kernel.messages import Command
from commerce_core.kernel.validation import check_text
from commerce_core.marketing.campaigns import Campaign, CampaignStatus
from commerce_core.marketing.errors import CampaignNotFound, CampaignRuleClash
from commerce_core.marketing.model import ID_MAX
from commerce_core.marketing.ports import MarketingContext
from commerce_core.pricing import Rule

__all__ = [
    "HANDLERS",
    "CreateCampaign",
    "EndCampaign",
    "PauseCampaign",
    "ResumeCampaign",
    "ScheduleCampaign",
    "StartCampaign",
    "timer_key",
]


def _id(_: Any, __: Any, value: Any) -> None:
    check_text(value, "campaign", max_length=ID_MAX)


def _utc(value: datetime) -> datetime:
    return ensure_utc(value, "starts_at")


def _utc_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else ensure_utc(value, "ends_at")


def timer_key(campaign: str, edge: str) -> str:
    """The durable timer key of a campaign's ``start`` or ``end``."""
    return f"marketing.campaign.{campaign}.{edge}"


@frozen(kw_only=True)
class CreateCampaign(Command[str]):
    """Create a draft campaign of pricing rules; returns its id."""

    type_name = "marketing.create_campaign"
    name: str
    rules: tuple[Rule, ...]
    starts_at: datetime = field(converter=_utc)
    ends_at: datetime | None = field(default=None, converter=_utc_or_none)


@frozen(kw_only=True)
class ScheduleCampaign(Command[None]):
    """Draft → scheduled: durable timers start it at ``starts_at`` and end it at ``ends_at``."""

    type_name = "marketing.schedule_campaign"
    campaign: str = field(validator=_id)


@frozen(kw_only=True)
class StartCampaign(Command[None]):
    """Scheduled → active (what the start timer runs). A campaign paused or ended before
    its start stays as it is."""

    type_name = "marketing.start_campaign"
    campaign: str = field(validator=_id)


@frozen(kw_only=True)
class PauseCampaign(Command[None]):
    """Scheduled or active → paused."""

    type_name = "marketing.pause_campaign"
    campaign: str = field(validator=_id)


@frozen(kw_only=True)
class ResumeCampaign(Command[None]):
    """Paused → active."""

    type_name = "marketing.resume_campaign"
    campaign: str = field(validator=_id)


@frozen(kw_only=True)
class EndCampaign(Command[None]):
    """→ ended (what the end timer runs; ending an ended campaign changes nothing)."""

    type_name = "marketing.end_campaign"
    campaign: str = field(validator=_id)


def _get(ctx: MarketingContext, id: str) -> Campaign:
    campaign = ctx.uow.campaigns.get(id)
    if campaign is None:
        raise CampaignNotFound(id)
    return campaign


def _check_clash(ctx: MarketingContext, campaign: Campaign) -> None:
    mine = {r.id for r in campaign.rules}
    for other in ctx.uow.campaigns.active():
        if other.id == campaign.id:
            continue
        for rule in other.rules:
            if rule.id in mine:
                raise CampaignRuleClash(campaign.id, rule.id, other.id)


def create_campaign(cmd: CreateCampaign, ctx: MarketingContext) -> str:
    campaign = Campaign.create(
        ctx.new_id(),
        cmd.name,
        cmd.rules,
        starts_at=cmd.starts_at,
        ends_at=cmd.ends_at,
        at=ctx.now(),
    )
    ctx.uow.campaigns.add(campaign)
    return campaign.id


def schedule_campaign(cmd: ScheduleCampaign, ctx: MarketingContext) -> None:
    campaign = _get(ctx, cmd.campaign)
    campaign.schedule(at=ctx.now())
    ctx.schedule(
        StartCampaign(campaign=campaign.id),
        due_at=campaign.starts_at,
        key=timer_key(campaign.id, "start"),
    )
    if campaign.ends_at is not None:
        ctx.schedule(
            EndCampaign(campaign=campaign.id),
            due_at=campaign.ends_at,
            key=timer_key(campaign.id, "end"),
        )
    ctx.uow.campaigns.save(campaign)


def start_campaign(cmd: StartCampaign, ctx: MarketingContext) -> None:
    campaign = _get(ctx, cmd.campaign)
    if campaign.status is not CampaignStatus.SCHEDULED:
        return  # paused or ended before its start: the timer has nothing to do
    _check_clash(ctx, campaign)
    campaign.start(at=ctx.now())
    ctx.uow.campaigns.save(campaign)


def pause_campaign(cmd: PauseCampaign, ctx: MarketingContext) -> None:
    campaign = _get(ctx, cmd.campaign)
    campaign.pause(at=ctx.now())
    ctx.uow.campaigns.save(campaign)


def resume_campaign(cmd: ResumeCampaign, ctx: MarketingContext) -> None:
    campaign = _get(ctx, cmd.campaign)
    _check_clash(ctx, campaign)
    campaign.resume(at=ctx.now())
    ctx.uow.campaigns.save(campaign)


def end_campaign(cmd: EndCampaign, ctx: MarketingContext) -> None:
    campaign = _get(ctx, cmd.campaign)
    if campaign.status is CampaignStatus.ENDED:
        return
    campaign.end(at=ctx.now())
    ctx.cancel_schedule(timer_key(campaign.id, "start"))
    ctx.cancel_schedule(timer_key(campaign.id, "end"))
    ctx.uow.campaigns.save(campaign)


HANDLERS: Final[Mapping[type[Command[Any]], Callable[[Any, MarketingContext], Any]]] = (
    MappingProxyType(
        {
            CreateCampaign: create_campaign,
            ScheduleCampaign: schedule_campaign,
            StartCampaign: start_campaign,
            PauseCampaign: pause_campaign,
            ResumeCampaign: resume_campaign,
            EndCampaign: end_campaign,
        }
    )
)
