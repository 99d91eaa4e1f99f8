"""Customer reads on SQL, each in a read-only transaction, answered by indexed queries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from commerce_adapters.sqlalchemy.customers import tables as t
from commerce_adapters.sqlalchemy.customers.mapping import (
    PROGRAM_ID,
    customer_from_row,
    growth_entry_from_row,
    lot_from_row,
    membership_from_row,
    points_entry_from_row,
    program_from_text,
    segment_from_row,
    wallet_entry_from_row,
)
from commerce_adapters.sqlalchemy.customers.segments import compile_rule
from commerce_adapters.sqlalchemy.engine import SQLITE_BEGIN
from commerce_adapters.sqlalchemy.errors import translating
from commerce_adapters.sqlalchemy.types import money_from_row
from commerce_core.customers.behavior import BehaviorKind, BehaviorProfile, Purchase, rfm_score
from commerce_core.customers.errors import CustomerNotFound, SegmentNotFound
from commerce_core.customers.ids import CustomerId, SegmentId
from commerce_core.customers.ledgers import oldest_first
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
from commerce_core.kernel.money import Money
from commerce_core.kernel.pagination import Page, PageRequest, decode_cursor, encode_cursor

if TYPE_CHECKING:
    from commerce_adapters.sqlalchemy.storage import SqlStorage

__all__ = ["SqlCustomerQueries"]


class SqlCustomerQueries:
    """``shop.customers`` on a SQL backend."""

    def __init__(self, storage: SqlStorage) -> None:
        self._storage = storage

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        # Reads must not take SQLite's write lock (see engine.py).
        with translating(), self._storage.engine.connect() as conn:
            yield conn.execution_options(**{SQLITE_BEGIN: "DEFERRED"})

    def _program(self, conn: Connection) -> CustomerProgram:
        p = t.program.c
        return program_from_text(
            conn.execute(sa.select(p.settings).where(p.id == PROGRAM_ID)).scalar_one_or_none()
        )

    def _exists(self, conn: Connection, customer: CustomerId) -> None:
        found = conn.execute(
            sa.select(t.customers.c.id).where(t.customers.c.id == customer)
        ).scalar_one_or_none()
        if found is None:
            raise CustomerNotFound(customer)

    def program(self) -> CustomerProgram:
        with self._read() as conn:
            return self._program(conn)

    def list(
        self, page: PageRequest, *, status: str | None = None, tag: str | None = None
    ) -> Page[CustomerSummary]:
        c = t.customers.c
        query = (
            sa.select(c.id, c.name, c.status, c.registered_at, t.memberships.c.tier)
            .join(t.memberships, t.memberships.c.customer_id == c.id)
            .order_by(c.id)
            .limit(page.limit + 1)
        )
        if status is not None:
            query = query.where(c.status == status)
        if tag is not None:
            query = query.where(
                sa.exists().where(t.tags.c.customer_id == c.id, t.tags.c.tag == tag)
            )
        if page.after is not None:
            (last,) = decode_cursor(page.after, arity=1)
            if not isinstance(last, str):
                raise InputError.for_field("after", "not a cursor of a customer listing")
            query = query.where(c.id > last)
        with self._read() as conn:
            rows = conn.execute(query).mappings().all()
        items = tuple(
            CustomerSummary(
                id=CustomerId(r["id"]),
                name=r["name"],
                status=r["status"],
                tier=r["tier"],
                registered_at=r["registered_at"],
            )
            for r in rows[: page.limit]
        )
        more = len(rows) > page.limit
        return Page(items, encode_cursor([items[-1].id]) if more else None)

    def get(self, customer: CustomerId) -> CustomerDetail:
        with self._read() as conn:
            row = (
                conn.execute(sa.select(t.customers).where(t.customers.c.id == customer))
                .mappings()
                .one_or_none()
            )
            if row is None:
                raise CustomerNotFound(customer)
            tags = conn.execute(sa.select(t.tags.c.tag).where(t.tags.c.customer_id == customer))
            c = customer_from_row(row, list(tags.scalars()))
            program = self._program(conn)
            membership = membership_from_row(
                conn.execute(
                    sa.select(t.memberships).where(t.memberships.c.customer_id == customer)
                )
                .mappings()
                .one()
            )
            wallet = money_from_row(
                "balance",
                conn.execute(sa.select(t.wallets).where(t.wallets.c.customer_id == customer))
                .mappings()
                .one(),
            )
            points = conn.execute(
                sa.select(t.points_accounts.c.balance).where(
                    t.points_accounts.c.customer_id == customer
                )
            ).scalar_one()
            segments = self._segments_of(conn, customer)
        assert wallet is not None
        return CustomerDetail(
            id=c.id,
            profile=c.profile,
            status=c.status.value,
            tags=tuple(sorted(c.tags)),
            addresses=c.addresses,
            default_address=c.default_address,
            registered_at=c.registered_at,
            tier=membership.view(program),
            wallet=wallet,
            points=int(points),
            segments=segments,
        )

    def wallet(self, customer: CustomerId) -> WalletStatement:
        e = t.wallet_entries.c
        with self._read() as conn:
            row = (
                conn.execute(sa.select(t.wallets).where(t.wallets.c.customer_id == customer))
                .mappings()
                .one_or_none()
            )
            if row is None:
                raise CustomerNotFound(customer)
            entries = conn.execute(
                sa.select(t.wallet_entries).where(e.customer_id == customer).order_by(e.at, e.id)
            ).mappings()
            items = tuple(wallet_entry_from_row(r) for r in entries)
        balance = money_from_row("balance", row)
        assert balance is not None
        return WalletStatement(customer, balance, items)

    def points(self, customer: CustomerId) -> PointsStatement:
        e = t.points_entries.c
        lot = t.points_lots.c
        with self._read() as conn:
            balance = conn.execute(
                sa.select(t.points_accounts.c.balance).where(
                    t.points_accounts.c.customer_id == customer
                )
            ).scalar_one_or_none()
            if balance is None:
                raise CustomerNotFound(customer)
            lots = conn.execute(
                sa.select(t.points_lots).where(lot.customer_id == customer, lot.remaining > 0)
            ).mappings()
            open_lots = oldest_first(lot_from_row(r) for r in lots)
            entries = conn.execute(
                sa.select(t.points_entries).where(e.customer_id == customer).order_by(e.at, e.id)
            ).mappings()
            items = tuple(points_entry_from_row(r) for r in entries)
        return PointsStatement(customer, int(balance), tuple(open_lots), items)

    def growth(self, customer: CustomerId) -> GrowthStatement:
        g = t.growth_entries.c
        with self._read() as conn:
            growth = conn.execute(
                sa.select(t.memberships.c.growth).where(t.memberships.c.customer_id == customer)
            ).scalar_one_or_none()
            if growth is None:
                raise CustomerNotFound(customer)
            rows = conn.execute(
                sa.select(t.growth_entries).where(g.customer_id == customer).order_by(g.at, g.id)
            ).mappings()
            entries = tuple(growth_entry_from_row(r) for r in rows)
        return GrowthStatement(customer, int(growth), entries)

    def points_balance(self, customer: CustomerId) -> int:
        p = t.points_accounts.c
        with self._read() as conn:
            found = conn.execute(
                sa.select(p.balance).where(p.customer_id == customer)
            ).scalar_one_or_none()
        if found is None:
            raise CustomerNotFound(customer)
        return int(found)

    def redemption_terms(self) -> PointsRedemptionTerms:
        program = self.program()
        return PointsRedemptionTerms(
            program.points_per_yuan_redeemed, program.max_points_share_percent
        )

    def tier(self, customer: CustomerId) -> TierView:
        with self._read() as conn:
            row = (
                conn.execute(
                    sa.select(t.memberships).where(t.memberships.c.customer_id == customer)
                )
                .mappings()
                .one_or_none()
            )
            if row is None:
                raise CustomerNotFound(customer)
            return membership_from_row(row).view(self._program(conn))

    def behavior(self, customer: CustomerId, at: datetime) -> BehaviorProfile:
        e = t.behavior_events.c
        f = t.favorites.c
        a = t.activity.c
        with self._read() as conn:
            self._exists(conn, customer)
            program = self._program(conn)
            viewed_at = sa.func.max(e.at)
            viewed = conn.execute(
                sa.select(e.product_id, viewed_at)
                .where(e.customer_id == customer, e.kind == BehaviorKind.VIEWED.value)
                .group_by(e.product_id)
                .order_by(viewed_at.desc(), e.product_id.desc())
                .limit(program.recently_viewed)
            ).all()
            favorites = conn.execute(
                sa.select(f.product_id)
                .where(f.customer_id == customer, f.favorited.is_(True))
                .order_by(f.at.desc(), f.product_id.desc())
            ).scalars()
            paid = conn.execute(
                sa.select(t.behavior_events)
                .where(e.customer_id == customer, e.kind == BehaviorKind.PAID.value)
                .order_by(e.at.desc(), e.id.desc())
            ).mappings()
            purchases = []
            for r in paid:
                amount = money_from_row("amount", r)
                assert amount is not None
                purchases.append(Purchase(r["order_id"], amount, r["at"]))
            count = sa.func.count()
            top = conn.execute(
                sa.select(e.category_id, count)
                .where(e.customer_id == customer, e.category_id.is_not(None))
                .group_by(e.category_id)
                .order_by(count.desc(), e.category_id)
                .limit(5)
            ).all()
            activity = conn.execute(
                sa.select(a.last_active, a.last_paid).where(a.customer_id == customer)
            ).one_or_none()
        window = at - timedelta(days=program.rfm.window_days)
        in_window = [p for p in purchases if window <= p.at <= at]
        last_paid = activity[1] if activity is not None else None
        return BehaviorProfile(
            customer=customer,
            favorites=tuple(favorites),
            recently_viewed=tuple(r[0] for r in viewed),
            purchases=tuple(purchases),
            top_categories=tuple((r[0], int(r[1])) for r in top),
            last_active=activity[0] if activity is not None else None,
            rfm=rfm_score(
                program.rfm,
                last_paid=last_paid if last_paid is not None and last_paid <= at else None,
                payments=len(in_window),
                spent=Money.sum((p.amount for p in in_window), program.currency),
                at=at,
            ),
        )

    def segments(self) -> tuple[SegmentView, ...]:
        s = t.segments.c
        sm = t.segment_members.c
        members = (
            sa.select(sa.func.count())
            .where(sm.segment_id == s.id)
            .scalar_subquery()
            .label("members")
        )
        with self._read() as conn:
            rows = conn.execute(sa.select(t.segments, members).order_by(s.id)).mappings().all()
        out = []
        for r in rows:
            seg = segment_from_row(r, ())
            out.append(SegmentView(seg.id, seg.name, seg.kind.value, seg.rule, int(r["members"])))
        return tuple(out)

    def segment_members(self, segment: SegmentId) -> tuple[CustomerId, ...]:
        sm = t.segment_members.c
        with self._read() as conn:
            found = conn.execute(
                sa.select(t.segments.c.id).where(t.segments.c.id == segment)
            ).scalar_one_or_none()
            if found is None:
                raise SegmentNotFound(segment)
            rows = conn.execute(
                sa.select(sm.customer_id).where(sm.segment_id == segment).order_by(sm.customer_id)
            ).scalars()
            return tuple(CustomerId(r) for r in rows)

    def evaluate(self, rule: SegmentRule, at: datetime) -> tuple[CustomerId, ...]:
        with self._read() as conn:
            program = self._program(conn)
            query = compile_rule(rule, at, program).order_by(t.customers.c.id)
            return tuple(CustomerId(r) for r in conn.execute(query).scalars())

    def _segments_of(self, conn: Connection, customer: CustomerId) -> tuple[SegmentId, ...]:
        sm = t.segment_members.c
        rows = conn.execute(
            sa.select(sm.segment_id).where(sm.customer_id == customer).order_by(sm.segment_id)
        ).scalars()
        return tuple(SegmentId(r) for r in rows)

    def segments_of(self, customer: CustomerId) -> tuple[SegmentId, ...]:
        with self._read() as conn:
            self._exists(conn, customer)
            return self._segments_of(conn, customer)
