"""Marketing composed with the customers context: grants to a segment read the segment's
stored members through the :class:`~commerce_core.marketing.SegmentMembers` port."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

from commerce_core.app.bus import Handler, HandlerContext
from commerce_core.app.ports import UnitOfWork
from commerce_core.customers.ids import SegmentId
from commerce_core.kernel.messages import Command
from commerce_core.marketing.codes import GrantReport
from commerce_core.marketing.use_cases import GrantCouponsToSegment, grant_coupons_to_segment

__all__ = ["HANDLERS", "StoredSegmentMembers"]


class StoredSegmentMembers:
    """Segment members as the customers context stored them (a static list, or a dynamic
    segment's last refresh), read in the command's own transaction."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    def members(self, segment: str) -> tuple[str, ...]:
        """The members, by id; SegmentNotFound if none has this id."""
        found = self._uow.customers.segments.get(SegmentId(segment))
        return tuple(sorted(found.members))


def _grant_to_segment(cmd: GrantCouponsToSegment, ctx: HandlerContext) -> GrantReport:
    return grant_coupons_to_segment(cmd, ctx, StoredSegmentMembers(ctx.uow))


#: The marketing handlers that need another context.
HANDLERS: Final[Mapping[type[Command[Any]], Handler]] = MappingProxyType(
    {GrantCouponsToSegment: _grant_to_segment}
)
