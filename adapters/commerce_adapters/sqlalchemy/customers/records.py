"""Customer, withdrawal, membership, segment and program records, and the behavior log, on SQL."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from commerce_adapters.sqlalchemy.customers import tables as t
from commerce_adapters.sqlalchemy.customers.base import StorePart, versioned_update
from commerce_adapters.sqlalchemy.customers.mapping import (
    PROGRAM_ID,
    customer_from_row,
    customer_to_row,
    dumps,
    growth_entry_from_row,
    membership_from_row,
    program_from_text,
    segment_from_row,
)
from commerce_adapters.sqlalchemy.customers.segments import compile_rule
from commerce_adapters.sqlalchemy.errors import register_business_key
from commerce_adapters.sqlalchemy.types import money_from_row, money_to_row
from commerce_core import serialization
from commerce_core.customers.behavior import BehaviorEvent
from commerce_core.customers.errors import (
    CustomerEmailTaken,
    CustomerNotFound,
    CustomerPhoneTaken,
    SegmentNotFound,
    WithdrawalNotFound,
)
from commerce_core.customers.ids import CustomerId, SegmentId, WithdrawalId
from commerce_core.customers.ledgers import (
    Withdrawal,
    WithdrawalStatus,
)
from commerce_core.customers.model import Customer
from commerce_core.customers.program import CustomerProgram
from commerce_core.customers.segments import Segment, SegmentRule
from commerce_core.customers.tiers import GrowthEntry, Membership

__all__ = [
    "SqlBehaviorLog",
    "SqlCustomerRepository",
    "SqlMembershipRepository",
    "SqlProgramRepository",
    "SqlSegmentRepository",
    "SqlWithdrawalRepository",
]

# Contacts are business keys: a second customer with a number or address is a domain error.
register_business_key("uq_customers_phone", "customers.phone", CustomerPhoneTaken)
register_business_key("uq_customers_email_key", "customers.email_key", CustomerEmailTaken)


class SqlCustomerRepository(StorePart):
    """Customer aggregates in ``customers`` and ``customer_tags``, versioned."""

    def get(self, id: CustomerId) -> Customer:
        row = self._s.execute(sa.select(t.customers).where(t.customers.c.id == id)).mappings()
        found = row.one_or_none()
        if found is None:
            raise CustomerNotFound(id)
        tags = self._s.execute(sa.select(t.tags.c.tag).where(t.tags.c.customer_id == id))
        return customer_from_row(found, list(tags.scalars()))

    def _contacts_free(self, customer: Customer) -> None:
        """Refuse a phone or email another customer holds (decision 0011: check, then let
        the unique indexes catch writers that race past the check)."""
        c = t.customers.c
        phone, email = customer.profile.phone, customer.profile.email
        for column, value, error in (
            (c.phone, phone, CustomerPhoneTaken),
            (c.email_key, email.lower() if email is not None else None, CustomerEmailTaken),
        ):
            if value is None:
                continue
            query = sa.select(c.id).where(column == value, c.id != customer.id).limit(1)
            if self._s.execute(query).first() is not None:
                raise error(value)

    def add(self, customer: Customer) -> None:
        self._contacts_free(customer)
        self._s.execute(sa.insert(t.customers).values(customer_to_row(customer)))
        if customer.tags:
            rows = [{"customer_id": customer.id, "tag": tag} for tag in customer.tags]
            self._s.execute(sa.insert(t.tags), rows)
        self._s.seen(customer)

    def save(self, customer: Customer) -> None:
        self._contacts_free(customer)
        row = customer_to_row(customer)
        del row["id"], row["version"]
        versioned_update(
            self._s, t.customers, "id", customer.id, version=customer.version, values=row
        )
        stored = set(
            self._s.execute(
                sa.select(t.tags.c.tag).where(t.tags.c.customer_id == customer.id)
            ).scalars()
        )
        gone = stored - customer.tags
        if gone:
            self._s.execute(
                sa.delete(t.tags).where(t.tags.c.customer_id == customer.id, t.tags.c.tag.in_(gone))
            )
        new = customer.tags - stored
        if new:
            self._s.execute(
                sa.insert(t.tags), [{"customer_id": customer.id, "tag": x} for x in new]
            )
        customer.version += 1
        self._s.seen(customer)


class SqlWithdrawalRepository(StorePart):
    """Withdrawal requests in ``customer_withdrawals``, versioned."""

    def get(self, id: WithdrawalId) -> Withdrawal:
        row = (
            self._s.execute(sa.select(t.withdrawals).where(t.withdrawals.c.id == id))
            .mappings()
            .one_or_none()
        )
        if row is None:
            raise WithdrawalNotFound(id)
        amount = money_from_row("amount", row)
        assert amount is not None
        return Withdrawal(
            id=WithdrawalId(row["id"]),
            customer=CustomerId(row["customer_id"]),
            amount=amount,
            requested_at=row["requested_at"],
            status=WithdrawalStatus(row["status"]),
            decided_at=row["decided_at"],
            decided_by=row["decided_by"],
            version=int(row["version"]),
        )

    def add(self, withdrawal: Withdrawal) -> None:
        self._s.execute(
            sa.insert(t.withdrawals).values(
                id=withdrawal.id,
                customer_id=withdrawal.customer,
                **money_to_row("amount", withdrawal.amount),
                status=withdrawal.status.value,
                requested_at=withdrawal.requested_at,
                decided_at=withdrawal.decided_at,
                decided_by=withdrawal.decided_by,
                version=withdrawal.version,
            )
        )
        self._s.seen(withdrawal)

    def save(self, withdrawal: Withdrawal) -> None:
        values = {
            "status": withdrawal.status.value,
            "decided_at": withdrawal.decided_at,
            "decided_by": withdrawal.decided_by,
        }
        versioned_update(
            self._s, t.withdrawals, "id", withdrawal.id, version=withdrawal.version, values=values
        )
        withdrawal.version += 1
        self._s.seen(withdrawal)


class SqlMembershipRepository(StorePart):
    """Growth and tier per customer in ``customer_memberships``, versioned."""

    def get(self, customer: CustomerId) -> Membership:
        return self._load(customer, lock=False)

    def claim(self, customer: CustomerId) -> Membership:
        return self._load(customer, lock=self._s.row_locks)

    def _load(self, customer: CustomerId, *, lock: bool) -> Membership:
        query = sa.select(t.memberships).where(t.memberships.c.customer_id == customer)
        if lock:
            query = query.with_for_update()
        row = self._s.execute(query).mappings().one_or_none()
        if row is None:
            raise CustomerNotFound(customer)
        return membership_from_row(row)

    def append_growth(self, entry: GrowthEntry) -> None:
        self._s.execute(
            sa.insert(t.growth_entries).values(
                id=entry.id,
                customer_id=entry.customer,
                kind=entry.kind.value,
                growth=entry.growth,
                reference=entry.reference,
                order_id=entry.order,
                at=entry.at,
            )
        )

    def growth_entries(self, customer: CustomerId, order: str | None = None) -> list[GrowthEntry]:
        g = t.growth_entries.c
        query = sa.select(t.growth_entries).where(g.customer_id == customer)
        if order is not None:
            query = query.where(g.order_id == order)
        rows = self._s.execute(query.order_by(g.at, g.id)).mappings()
        return [growth_entry_from_row(r) for r in rows]

    def _values(self, m: Membership) -> dict[str, Any]:
        return {
            "tier": m.tier,
            "growth": m.growth,
            "period_growth": m.period_growth,
            "next_review_at": m.next_review_at,
        }

    def add(self, membership: Membership) -> None:
        self._s.execute(
            sa.insert(t.memberships).values(
                customer_id=membership.customer,
                version=membership.version,
                **self._values(membership),
            )
        )
        self._s.seen(membership)

    def save(self, membership: Membership) -> None:
        versioned_update(
            self._s,
            t.memberships,
            "customer_id",
            membership.customer,
            version=membership.version,
            values=self._values(membership),
        )
        membership.version += 1
        self._s.seen(membership)


class SqlBehaviorLog(StorePart):
    """Behavior events (kept once by id), last-active times and favorites."""

    def known(self, ids: Collection[str]) -> set[str]:
        e = t.behavior_events.c
        rows = self._s.execute(sa.select(e.id).where(e.id.in_(list(ids))))
        return set(rows.scalars())

    def add(self, events: Sequence[BehaviorEvent]) -> None:
        self._s.execute(
            sa.insert(t.behavior_events),
            [
                {
                    "id": e.id,
                    "customer_id": e.customer,
                    "kind": e.kind.value,
                    "at": e.at,
                    "product_id": e.product,
                    "category_id": e.category,
                    "query": e.query,
                    "order_id": e.order,
                    **money_to_row("amount", e.amount),
                }
                for e in events
            ],
        )

    def touch(self, customer: CustomerId, at: datetime, *, paid: bool) -> None:
        a = t.activity.c
        row = (
            self._s.execute(sa.select(t.activity).where(a.customer_id == customer))
            .mappings()
            .one_or_none()
        )
        if row is None:
            self._s.execute(
                sa.insert(t.activity).values(
                    customer_id=customer, last_active=at, last_paid=at if paid else None
                )
            )
            return
        values: dict[str, Any] = {}
        if at > row["last_active"]:
            values["last_active"] = at
        if paid and (row["last_paid"] is None or at > row["last_paid"]):
            values["last_paid"] = at
        if values:
            self._s.execute(sa.update(t.activity).where(a.customer_id == customer).values(values))

    def set_favorite(self, customer: CustomerId, product: str, on: bool, at: datetime) -> None:
        f = t.favorites.c
        key = sa.and_(f.customer_id == customer, f.product_id == product)
        stored = self._s.execute(sa.select(f.at).where(key)).scalar_one_or_none()
        if stored is None:
            self._s.execute(
                sa.insert(t.favorites).values(
                    customer_id=customer, product_id=product, favorited=on, at=at
                )
            )
        elif stored <= at:
            self._s.execute(sa.update(t.favorites).where(key).values(favorited=on, at=at))


class SqlSegmentRepository(StorePart):
    """Segments and their stored members; rules evaluated as one query."""

    def get(self, id: SegmentId) -> Segment:
        row = (
            self._s.execute(sa.select(t.segments).where(t.segments.c.id == id))
            .mappings()
            .one_or_none()
        )
        if row is None:
            raise SegmentNotFound(id)
        sm = t.segment_members.c
        members = self._s.execute(sa.select(sm.customer_id).where(sm.segment_id == id))
        return segment_from_row(row, list(members.scalars()))

    def _rule(self, segment: Segment) -> str | None:
        if segment.rule is None:
            return None
        return dumps(serialization.unstructure(segment.rule))

    def add(self, segment: Segment) -> None:
        self._s.execute(
            sa.insert(t.segments).values(
                id=segment.id,
                name=segment.name,
                kind=segment.kind.value,
                rule=self._rule(segment),
                refresh_days=segment.refresh_days,
                version=segment.version,
            )
        )
        self._write_members(segment, set())
        self._s.seen(segment)

    def save(self, segment: Segment) -> None:
        values = {"name": segment.name, "rule": self._rule(segment)}
        versioned_update(
            self._s, t.segments, "id", segment.id, version=segment.version, values=values
        )
        sm = t.segment_members.c
        stored = set(
            self._s.execute(sa.select(sm.customer_id).where(sm.segment_id == segment.id)).scalars()
        )
        self._write_members(segment, stored)
        segment.version += 1
        self._s.seen(segment)

    def _write_members(self, segment: Segment, stored: set[str]) -> None:
        sm = t.segment_members.c
        gone = sorted(stored - segment.members)
        for i in range(0, len(gone), 500):
            self._s.execute(
                sa.delete(t.segment_members).where(
                    sm.segment_id == segment.id, sm.customer_id.in_(gone[i : i + 500])
                )
            )
        new = sorted(segment.members - stored)
        if new:
            self._s.execute(
                sa.insert(t.segment_members),
                [{"segment_id": segment.id, "customer_id": c} for c in new],
            )

    def evaluate(
        self, rule: SegmentRule, at: datetime, program: CustomerProgram
    ) -> set[CustomerId]:
        rows = self._s.execute(compile_rule(rule, at, program)).scalars()
        return {CustomerId(r) for r in rows}


class SqlProgramRepository(StorePart):
    """The store's one membership program, as JSON in ``customer_program``."""

    def get(self) -> CustomerProgram:
        p = t.program.c
        text = self._s.execute(sa.select(p.settings).where(p.id == PROGRAM_ID)).scalar_one_or_none()
        return program_from_text(text)

    def save(self, program: CustomerProgram) -> None:
        p = t.program.c
        settings = dumps(serialization.unstructure(program))
        done = self._s.execute(
            sa.update(t.program)
            .where(p.id == PROGRAM_ID)
            .values(settings=settings, version=p.version + 1)
        )
        if done.rowcount == 0:
            self._s.execute(
                sa.insert(t.program).values(id=PROGRAM_ID, settings=settings, version=1)
            )
