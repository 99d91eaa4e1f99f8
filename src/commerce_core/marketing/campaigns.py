"""Promotion campaigns (营销活动): a set of pricing rules with a schedule and a lifecycle.

The lifecycle is data: :data:`TRANSITIONS` is the only source of which moves exist, and
:meth:`Campaign._move_to` refuses any other with :class:`InvalidTransition`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from attrs import define, field, frozen

from commerce_core.kernel.errors import InputError, InvalidTransition
from commerce_core.kernel.messages import DomainEvent
from commerce_core.kernel.validation import check_text
from commerce_core.pricing import Rule, RuleSet

__all__ = [
    "TRANSITIONS",
    "Campaign",
    "CampaignCreated",
    "CampaignStatus",
    "CampaignStatusChanged",
]

NAME_MAX = 100


class CampaignStatus(StrEnum):
    """Where a campaign is in its lifecycle."""

    DRAFT = "draft"  # 草稿: being prepared, never applies
    SCHEDULED = "scheduled"  # 待开始: timers set for its start (and end)
    ACTIVE = "active"  # 进行中: its rules apply between starts_at and ends_at
    PAUSED = "paused"  # 已暂停: stopped by staff, may resume
    ENDED = "ended"  # 已结束: over for good


S = CampaignStatus
#: Every allowed move of a campaign.
TRANSITIONS: Final[Mapping[CampaignStatus, frozenset[CampaignStatus]]] = MappingProxyType(
    {
        S.DRAFT: frozenset({S.SCHEDULED, S.ENDED}),
        S.SCHEDULED: frozenset({S.ACTIVE, S.PAUSED, S.ENDED}),
        S.ACTIVE: frozenset({S.PAUSED, S.ENDED}),
        S.PAUSED: frozenset({S.ACTIVE, S.ENDED}),
        S.ENDED: frozenset(),
    }
)


@frozen(kw_only=True)
class CampaignCreated(DomainEvent):
    """A campaign was created as a draft."""

    type_name = "marketing.campaign_created"
    campaign: str
    name: str


@frozen(kw_only=True)
class CampaignStatusChanged(DomainEvent):
    """A campaign moved along its lifecycle."""

    type_name = "marketing.campaign_status_changed"
    campaign: str
    previous: CampaignStatus
    status: CampaignStatus


@define(eq=False)
class Campaign:
    """A promotion campaign: its pricing rules apply while it is active, from ``starts_at``
    until ``ends_at`` (exclusive; ``None``: until ended by staff)."""

    id: str
    name: str
    rules: tuple[Rule, ...]
    starts_at: datetime
    ends_at: datetime | None
    status: CampaignStatus = CampaignStatus.DRAFT
    version: int = 0
    events: list[DomainEvent] = field(factory=list, repr=False)

    @classmethod
    def create(
        cls,
        id: str,
        name: str,
        rules: tuple[Rule, ...],
        *,
        starts_at: datetime,
        ends_at: datetime | None,
        at: datetime,
    ) -> Campaign:
        """A new draft campaign; its rules must form a valid :class:`RuleSet`."""
        check_text(name, "name", max_length=NAME_MAX)
        if not rules:
            raise InputError.for_field("rules", "a campaign needs at least one rule")
        RuleSet(rules)  # unique ids, one currency
        if ends_at is not None and ends_at <= starts_at:
            raise InputError.for_field("ends_at", "must be after starts_at")
        campaign = cls(id, name, rules, starts_at, ends_at)
        campaign.events.append(CampaignCreated(campaign=id, name=name, at=at))
        return campaign

    def is_live(self, at: datetime) -> bool:
        """Whether its rules apply at ``at``."""
        return (
            self.status is CampaignStatus.ACTIVE
            and self.starts_at <= at
            and (self.ends_at is None or at < self.ends_at)
        )

    def schedule(self, *, at: datetime) -> None:
        """Draft → scheduled."""
        self._move_to(CampaignStatus.SCHEDULED, at)

    def start(self, *, at: datetime) -> None:
        """Scheduled → active (its start timer fired, or staff started it)."""
        self._move_to(CampaignStatus.ACTIVE, at)

    def pause(self, *, at: datetime) -> None:
        """Scheduled or active → paused."""
        self._move_to(CampaignStatus.PAUSED, at)

    def resume(self, *, at: datetime) -> None:
        """Paused → active."""
        if self.status is not CampaignStatus.PAUSED:
            raise InvalidTransition(self.status.value, "active", kind="campaign")
        self._move_to(CampaignStatus.ACTIVE, at)

    def end(self, *, at: datetime) -> None:
        """Any status but ended → ended."""
        self._move_to(CampaignStatus.ENDED, at)

    def _move_to(self, status: CampaignStatus, at: datetime) -> None:
        if status not in TRANSITIONS[self.status]:
            raise InvalidTransition(self.status.value, status.value, kind="campaign")
        previous, self.status = self.status, status
        self.events.append(
            CampaignStatusChanged(campaign=self.id, previous=previous, status=status, at=at)
        )
