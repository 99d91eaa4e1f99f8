"""The customers context on SQL: repositories joined to the unit of work's transaction.

Ledger balances change by one guarded statement each
(``UPDATE customer_wallets SET balance_minor = balance_minor + :d ... WHERE ... AND
balance_minor + :d >= 0``): the row lock it takes on PostgreSQL and MariaDB (SQLite: the
database write lock) holds until commit, so concurrent spenders queue on the balance row and
a balance never goes below zero; the ledger entry is written in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult, RowMapping

from commerce_adapters.sqlalchemy import customers_tables as t
from commerce_adapters.sqlalchemy.customers_segments import compile_rule
from commerce_adapters.sqlalchemy.errors import translating
from commerce_adapters.sqlalchemy.types import money_from_row, money_to_row
from commerce_core import serialization
from commerce_core.customers.behavior import BehaviorEvent
from commerce_core.customers.errors import (
    CustomerNotFound,
    SegmentNotFound,
    WithdrawalNotFound,
)
from commerce_core.customers.ids import AddressId, CustomerId, SegmentId, WithdrawalId
from commerce_core.customers.ledgers import (
    Cause,
    PointsEntry,
    PointsEntryKind,
    PointsLot,
    WalletEntry,
    WalletEntryKind,
    Withdrawal,
    WithdrawalStatus,
)
from commerce_core.customers.model import Address, Customer, CustomerStatus, Gender, Profile
from commerce_core.customers.program import CustomerProgram
from commerce_core.customers.segments import Segment, SegmentKind, SegmentRule
from commerce_core.customers.tiers import Membership
from commerce_core.kernel.errors import ConcurrencyConflict, CurrencyMismatch
from commerce_core.kernel.messages import DomainEvent
from commerce_core.kernel.money import Money

if TYPE_CHECKING:
    from commerce_adapters.sqlalchemy.storage import SqlUnitOfWork

__all__ = ["SqlCustomerStore", "customer_from_row", "segment_from_row"]

PROGRAM_ID = "default"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


# -- mapping functions ---------------------------------------------------------------------
def customer_to_row(c: Customer) -> dict[str, Any]:
    return {
        "id": c.id,
        "version": c.version,
        "name": c.profile.name,
        "phone": c.profile.phone,
        "email": c.profile.email,
        "birthday": c.profile.birthday,
        "gender": c.profile.gender.value,
        "channel": c.profile.channel,
        "status": c.status.value,
        "registered_at": c.registered_at,
        "addresses": _dumps(serialization.unstructure(list(c.addresses))),
        "default_address": c.default_address,
        "last_sign_in": c.last_sign_in,
        "sign_in_streak": c.sign_in_streak,
    }


def customer_from_row(row: RowMapping, tags: Collection[str]) -> Customer:
    return Customer(
        id=CustomerId(row["id"]),
        profile=Profile(
            name=row["name"],
            phone=row["phone"],
            email=row["email"],
            birthday=row["birthday"],
            gender=Gender(row["gender"]),
            channel=row["channel"],
        ),
        registered_at=row["registered_at"],
        status=CustomerStatus(row["status"]),
        tags=frozenset(tags),
        addresses=tuple(serialization.structure(json.loads(row["addresses"]), tuple[Address, ...])),
        default_address=AddressId(row["default_address"]) if row["default_address"] else None,
        last_sign_in=row["last_sign_in"],
        sign_in_streak=int(row["sign_in_streak"]),
        version=int(row["version"]),
    )


def wallet_entry_from_row(row: RowMapping) -> WalletEntry:
    amount = money_from_row("amount", row)
    after = money_from_row("balance_after", row)
    assert amount is not None
    assert after is not None
    return WalletEntry(
        id=row["id"],
        customer=CustomerId(row["customer_id"]),
        kind=WalletEntryKind(row["kind"]),
        amount=amount,
        balance_after=after,
        cause=Cause(row["cause"]),
        cause_id=row["cause_id"],
        reference=row["reference"],
        actor=row["actor"],
        reason=row["reason"],
        at=row["at"],
    )


def points_entry_from_row(row: RowMapping) -> PointsEntry:
    return PointsEntry(
        id=row["id"],
        customer=CustomerId(row["customer_id"]),
        kind=PointsEntryKind(row["kind"]),
        points=int(row["points"]),
        balance_after=int(row["balance_after"]),
        reference=row["reference"],
        order=row["order_id"],
        reason=row["reason"],
        at=row["at"],
    )


def lot_from_row(row: RowMapping) -> PointsLot:
    return PointsLot(
        id=row["id"],
        customer=CustomerId(row["customer_id"]),
        points=int(row["points"]),
        remaining=int(row["remaining"]),
        reference=row["reference"],
        earned_at=row["earned_at"],
        expires_at=row["expires_at"],
    )


def membership_from_row(row: RowMapping) -> Membership:
    return Membership(
        customer=CustomerId(row["customer_id"]),
        tier=row["tier"],
        next_review_at=row["next_review_at"],
        growth=int(row["growth"]),
        period_growth=int(row["period_growth"]),
        version=int(row["version"]),
    )


def segment_from_row(row: RowMapping, members: Collection[str]) -> Segment:
    rule = row["rule"]
    return Segment(
        id=SegmentId(row["id"]),
        name=row["name"],
        kind=SegmentKind(row["kind"]),
        rule=serialization.structure(json.loads(rule), SegmentRule) if rule else None,
        members=frozenset(CustomerId(m) for m in members),
        refresh_days=row["refresh_days"],
        version=int(row["version"]),
    )


def program_from_text(text: str | None) -> CustomerProgram:
    if text is None:
        return CustomerProgram()
    return serialization.structure(json.loads(text), CustomerProgram)


# -- the store -----------------------------------------------------------------------------
class _EventBox:
    def __init__(self) -> None:
        self.events: list[DomainEvent] = []


class SqlCustomerStore:
    """The customers repositories of one :class:`SqlUnitOfWork`."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow
        self._box = _EventBox()
        self.profiles = _Profiles(self)
        self.wallets = _Wallets(self)
        self.withdrawals = _Withdrawals(self)
        self.points = _Points(self)
        self.memberships = _Memberships(self)
        self.behavior = _Behavior(self)
        self.segments = _Segments(self)
        self.program = _Program(self)

    def execute(self, statement: Any, parameters: Any = None) -> CursorResult[Any]:
        with translating():
            return self._uow.connection.execute(statement, parameters)

    @property
    def row_locks(self) -> bool:
        return self._uow.supports_row_locks

    def seen(self, aggregate: Any) -> None:
        self._uow.seen.add(aggregate)

    def record(self, event: DomainEvent) -> None:
        self._box.events.append(event)
        self._uow.seen.add(self._box)


class _Part:
    def __init__(self, store: SqlCustomerStore) -> None:
        self._s = store


def _versioned_update(
    store: SqlCustomerStore, table: sa.Table, key: str, id: str, *, version: int, values: Any
) -> None:
    done = store.execute(
        sa.update(table)
        .where(table.c[key] == id, table.c.version == version)
        .values(**values, version=version + 1)
    )
    if done.rowcount != 1:
        raise ConcurrencyConflict(table.name, f"{id!r} v{version} is not current")


class _Profiles(_Part):
    def get(self, id: CustomerId) -> Customer:
        row = self._s.execute(sa.select(t.customers).where(t.customers.c.id == id)).mappings()
        found = row.one_or_none()
        if found is None:
            raise CustomerNotFound(id)
        tags = self._s.execute(sa.select(t.tags.c.tag).where(t.tags.c.customer_id == id))
        return customer_from_row(found, list(tags.scalars()))

    def add(self, customer: Customer) -> None:
        self._s.execute(sa.insert(t.customers).values(customer_to_row(customer)))
        if customer.tags:
            rows = [{"customer_id": customer.id, "tag": tag} for tag in customer.tags]
            self._s.execute(sa.insert(t.tags), rows)
        self._s.seen(customer)

    def save(self, customer: Customer) -> None:
        row = customer_to_row(customer)
        del row["id"], row["version"]
        _versioned_update(
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


class _Wallets(_Part):
    def open(self, customer: CustomerId, currency: str) -> None:
        self._s.execute(
            sa.insert(t.wallets).values(
                customer_id=customer, version=0, **money_to_row("balance", Money.zero(currency))
            )
        )

    def change(self, customer: CustomerId, delta: Money) -> Money | None:
        w = t.wallets.c
        done = self._s.execute(
            sa.update(t.wallets)
            .where(
                w.customer_id == customer,
                w.balance_currency == delta.currency,
                w.balance_minor + delta.minor >= 0,
            )
            .values(balance_minor=w.balance_minor + delta.minor, version=w.version + 1)
        )
        balance = self.balance(customer)
        if done.rowcount == 1:
            return balance
        if balance.currency != delta.currency:
            raise CurrencyMismatch(balance.currency, delta.currency)
        return None

    def balance(self, customer: CustomerId) -> Money:
        row = (
            self._s.execute(sa.select(t.wallets).where(t.wallets.c.customer_id == customer))
            .mappings()
            .one_or_none()
        )
        if row is None:
            raise CustomerNotFound(customer)
        money = money_from_row("balance", row)
        assert money is not None
        return money

    def append(self, entry: WalletEntry) -> None:
        self._s.execute(
            sa.insert(t.wallet_entries).values(
                id=entry.id,
                customer_id=entry.customer,
                kind=entry.kind.value,
                **money_to_row("amount", entry.amount),
                **money_to_row("balance_after", entry.balance_after),
                cause=entry.cause.value,
                cause_id=entry.cause_id,
                reference=entry.reference,
                actor=entry.actor,
                reason=entry.reason,
                at=entry.at,
            )
        )

    def by_reference(self, customer: CustomerId, reference: str) -> WalletEntry | None:
        e = t.wallet_entries.c
        row = (
            self._s.execute(
                sa.select(t.wallet_entries).where(
                    e.customer_id == customer, e.reference == reference
                )
            )
            .mappings()
            .one_or_none()
        )
        return wallet_entry_from_row(row) if row is not None else None


class _Withdrawals(_Part):
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
        _versioned_update(
            self._s, t.withdrawals, "id", withdrawal.id, version=withdrawal.version, values=values
        )
        withdrawal.version += 1
        self._s.seen(withdrawal)


class _Points(_Part):
    def open(self, customer: CustomerId) -> None:
        self._s.execute(
            sa.insert(t.points_accounts).values(customer_id=customer, balance=0, version=0)
        )

    def change(self, customer: CustomerId, delta: int) -> int | None:
        p = t.points_accounts.c
        done = self._s.execute(
            sa.update(t.points_accounts)
            .where(p.customer_id == customer, p.balance + delta >= 0)
            .values(balance=p.balance + delta, version=p.version + 1)
        )
        balance = self.balance(customer)
        return balance if done.rowcount == 1 else None

    def balance(self, customer: CustomerId) -> int:
        p = t.points_accounts.c
        found = self._s.execute(
            sa.select(p.balance).where(p.customer_id == customer)
        ).scalar_one_or_none()
        if found is None:
            raise CustomerNotFound(customer)
        return int(found)

    def open_lots(self, customer: CustomerId) -> list[PointsLot]:
        lot = t.points_lots.c
        rows = self._s.execute(
            sa.select(t.points_lots).where(lot.customer_id == customer, lot.remaining > 0)
        ).mappings()
        return [lot_from_row(r) for r in rows]

    def due_lots(self, customer: CustomerId, at: datetime) -> list[PointsLot]:
        lot = t.points_lots.c
        rows = self._s.execute(
            sa.select(t.points_lots).where(
                lot.customer_id == customer, lot.remaining > 0, lot.expires_at <= at
            )
        ).mappings()
        return [lot_from_row(r) for r in rows]

    def add_lot(self, lot: PointsLot) -> None:
        self._s.execute(
            sa.insert(t.points_lots).values(
                id=lot.id,
                customer_id=lot.customer,
                points=lot.points,
                remaining=lot.remaining,
                reference=lot.reference,
                earned_at=lot.earned_at,
                expires_at=lot.expires_at,
            )
        )

    def take(self, lot: str, points: int) -> None:
        c = t.points_lots.c
        done = self._s.execute(
            sa.update(t.points_lots)
            .where(c.id == lot, c.remaining >= points)
            .values(remaining=c.remaining - points)
        )
        if done.rowcount != 1:
            raise ConcurrencyConflict("points lot", lot)

    def append(self, entry: PointsEntry) -> None:
        self._s.execute(
            sa.insert(t.points_entries).values(
                id=entry.id,
                customer_id=entry.customer,
                kind=entry.kind.value,
                points=entry.points,
                balance_after=entry.balance_after,
                reference=entry.reference,
                order_id=entry.order,
                reason=entry.reason,
                at=entry.at,
            )
        )

    def by_reference(self, customer: CustomerId, reference: str) -> PointsEntry | None:
        e = t.points_entries.c
        row = (
            self._s.execute(
                sa.select(t.points_entries).where(
                    e.customer_id == customer, e.reference == reference
                )
            )
            .mappings()
            .one_or_none()
        )
        return points_entry_from_row(row) if row is not None else None

    def for_order(self, customer: CustomerId, order: str) -> list[PointsEntry]:
        e = t.points_entries.c
        rows = self._s.execute(
            sa.select(t.points_entries)
            .where(e.customer_id == customer, e.order_id == order)
            .order_by(e.at, e.id)
        ).mappings()
        return [points_entry_from_row(r) for r in rows]


class _Memberships(_Part):
    def get(self, customer: CustomerId) -> Membership:
        row = (
            self._s.execute(sa.select(t.memberships).where(t.memberships.c.customer_id == customer))
            .mappings()
            .one_or_none()
        )
        if row is None:
            raise CustomerNotFound(customer)
        return membership_from_row(row)

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
        _versioned_update(
            self._s,
            t.memberships,
            "customer_id",
            membership.customer,
            version=membership.version,
            values=self._values(membership),
        )
        membership.version += 1
        self._s.seen(membership)


class _Behavior(_Part):
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


class _Segments(_Part):
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
        return _dumps(serialization.unstructure(segment.rule))

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
        _versioned_update(
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


class _Program(_Part):
    def get(self) -> CustomerProgram:
        p = t.program.c
        text = self._s.execute(sa.select(p.settings).where(p.id == PROGRAM_ID)).scalar_one_or_none()
        return program_from_text(text)

    def save(self, program: CustomerProgram) -> None:
        p = t.program.c
        settings = _dumps(serialization.unstructure(program))
        done = self._s.execute(
            sa.update(t.program)
            .where(p.id == PROGRAM_ID)
            .values(settings=settings, version=p.version + 1)
        )
        if done.rowcount == 0:
            self._s.execute(
                sa.insert(t.program).values(id=PROGRAM_ID, settings=settings, version=1)
            )
