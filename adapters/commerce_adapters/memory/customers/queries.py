"""Customer reads over the committed state of the memory backend."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from commerce_core.customers.behavior import (
    BehaviorKind,
    BehaviorProfile,
    Purchase,
)
from commerce_core.customers.errors import (
    CustomerNotFound,
    SegmentNotFound,
)
from commerce_core.customers.ids import CustomerId, SegmentId
from commerce_core.customers.ledgers import (
    oldest_first,
)
from commerce_core.customers.model import Customer
from commerce_core.customers.ports import (
    CustomerDetail,
    CustomerSummary,
    GrowthStatement,
    PointsRedemptionTerms,
    PointsStatement,
    SegmentView,
    WalletStatement,
)
from commerce_core.customers.program import CustomerProgram
from commerce_core.customers.segments import SegmentRule
from commerce_core.customers.tiers import TierView
from commerce_core.kernel.errors import InputError
from commerce_core.kernel.pagination import Page, PageRequest, decode_cursor, encode_cursor

if TYPE_CHECKING:
    from commerce_adapters.memory.storage import MemoryStorage
from commerce_adapters.memory.customers.state import STATE, CustomersState, facts, matching

__all__ = ["MemoryCustomerQueries"]


class MemoryCustomerQueries:
    """Customer reads over the committed state."""

    def __init__(self, storage: MemoryStorage) -> None:
        self._storage = storage

    def _state(self) -> CustomersState:
        with self._storage.lock:
            return self._storage.context_state(STATE, CustomersState).clone()

    def _customer(self, state: CustomersState, id: CustomerId) -> Customer:
        found = state.customers.get(id)
        if found is None:
            raise CustomerNotFound(id)
        return found

    def program(self) -> CustomerProgram:
        return self._state().program or CustomerProgram()

    def list(
        self, page: PageRequest, *, status: str | None = None, tag: str | None = None
    ) -> Page[CustomerSummary]:
        state = self._state()
        rows = sorted(state.customers.values(), key=lambda c: c.id)
        if status is not None:
            rows = [c for c in rows if c.status.value == status]
        if tag is not None:
            rows = [c for c in rows if tag in c.tags]
        if page.after is not None:
            (last,) = decode_cursor(page.after, arity=1)
            if not isinstance(last, str):
                raise InputError.for_field("after", "not a cursor of a customer listing")
            rows = [c for c in rows if c.id > last]
        items = tuple(
            CustomerSummary(
                id=c.id,
                name=c.profile.name,
                status=c.status.value,
                tier=state.memberships[c.id].tier,
                registered_at=c.registered_at,
            )
            for c in rows[: page.limit]
        )
        more = len(rows) > page.limit
        return Page(items, encode_cursor([items[-1].id]) if more else None)

    def get(self, customer: CustomerId) -> CustomerDetail:
        state = self._state()
        c = self._customer(state, customer)
        program = state.program or CustomerProgram()
        return CustomerDetail(
            id=c.id,
            profile=c.profile,
            status=c.status.value,
            tags=tuple(sorted(c.tags)),
            addresses=c.addresses,
            default_address=c.default_address,
            registered_at=c.registered_at,
            tier=state.memberships[c.id].view(program),
            wallet=state.wallets[c.id],
            points=state.points[c.id],
            segments=tuple(sorted(s.id for s in state.segments.values() if c.id in s.members)),
        )

    def wallet(self, customer: CustomerId) -> WalletStatement:
        state = self._state()
        self._customer(state, customer)
        entries = sorted(state.wallet_entries[customer], key=lambda e: (e.at, e.id))
        return WalletStatement(customer, state.wallets[customer], tuple(entries))

    def points(self, customer: CustomerId) -> PointsStatement:
        state = self._state()
        self._customer(state, customer)
        lots = oldest_first(
            lot for lot in state.lots.values() if lot.customer == customer and lot.remaining
        )
        entries = sorted(state.points_entries[customer], key=lambda e: (e.at, e.id))
        return PointsStatement(customer, state.points[customer], tuple(lots), tuple(entries))

    def growth(self, customer: CustomerId) -> GrowthStatement:
        state = self._state()
        self._customer(state, customer)
        entries = sorted(state.growth_entries.get(customer, []), key=lambda e: (e.at, e.id))
        return GrowthStatement(customer, state.memberships[customer].growth, tuple(entries))

    def points_balance(self, customer: CustomerId) -> int:
        state = self._state()
        self._customer(state, customer)
        return state.points[customer]

    def redemption_terms(self) -> PointsRedemptionTerms:
        program = self.program()
        return PointsRedemptionTerms(
            program.points_per_yuan_redeemed, program.max_points_share_percent
        )

    def tier(self, customer: CustomerId) -> TierView:
        state = self._state()
        self._customer(state, customer)
        return state.memberships[customer].view(state.program or CustomerProgram())

    def behavior(self, customer: CustomerId, at: datetime) -> BehaviorProfile:
        state = self._state()
        self._customer(state, customer)
        program = state.program or CustomerProgram()
        mine = sorted(
            (e for e in state.behavior.values() if e.customer == customer),
            key=lambda e: (e.at, e.id),
            reverse=True,
        )
        viewed: list[str] = []
        for e in mine:
            if e.kind is BehaviorKind.VIEWED and e.product and e.product not in viewed:
                viewed.append(e.product)
        favorites = sorted(
            ((at_, p) for (c, p), (on, at_) in state.favorites.items() if c == customer and on),
            reverse=True,
        )
        purchases = tuple(
            Purchase(e.order, e.amount, e.at)
            for e in mine
            if e.kind is BehaviorKind.PAID and e.order is not None and e.amount is not None
        )
        counts: dict[str, int] = {}
        for e in mine:
            if e.category is not None:
                counts[e.category] = counts.get(e.category, 0) + 1
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
        return BehaviorProfile(
            customer=customer,
            favorites=tuple(p for _, p in favorites),
            recently_viewed=tuple(viewed[: program.recently_viewed]),
            purchases=purchases,
            top_categories=tuple(top),
            last_active=state.active.get(customer, (None, None))[0],
            rfm=facts(state, customer, at, program).rfm,
        )

    def segments(self) -> tuple[SegmentView, ...]:
        state = self._state()
        return tuple(
            SegmentView(s.id, s.name, s.kind.value, s.rule, len(s.members))
            for s in sorted(state.segments.values(), key=lambda s: s.id)
        )

    def segment_members(self, segment: SegmentId) -> tuple[CustomerId, ...]:
        found = self._state().segments.get(segment)
        if found is None:
            raise SegmentNotFound(segment)
        return tuple(sorted(found.members))

    def evaluate(self, rule: SegmentRule, at: datetime) -> tuple[CustomerId, ...]:
        state = self._state()
        return tuple(sorted(matching(state, rule, at, state.program or CustomerProgram())))

    def segments_of(self, customer: CustomerId) -> tuple[SegmentId, ...]:
        state = self._state()
        self._customer(state, customer)
        return tuple(sorted(s.id for s in state.segments.values() if customer in s.members))
