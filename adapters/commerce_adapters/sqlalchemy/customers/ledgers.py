"""The wallet and points ledgers on SQL: balances change by one guarded statement each."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from commerce_adapters.sqlalchemy.customers import tables as t
from commerce_adapters.sqlalchemy.customers.base import StorePart
from commerce_adapters.sqlalchemy.customers.mapping import (
    lot_from_row,
    points_entry_from_row,
    wallet_entry_from_row,
)
from commerce_adapters.sqlalchemy.types import money_from_row, money_to_row
from commerce_core.customers.errors import (
    CustomerNotFound,
)
from commerce_core.customers.ids import CustomerId
from commerce_core.customers.ledgers import (
    PointsEntry,
    PointsLot,
    WalletEntry,
)
from commerce_core.kernel.errors import ConcurrencyConflict, CurrencyMismatch
from commerce_core.kernel.money import Money

__all__ = ["SqlPointsLedger", "SqlWalletLedger"]


class SqlWalletLedger(StorePart):
    """Wallet balances (guarded) and their entries (``customer_wallets``,
    ``customer_wallet_entries``)."""

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


class SqlPointsLedger(StorePart):
    """Points balances (guarded), lots and entries (``customer_points``,
    ``customer_points_lots``, ``customer_points_entries``)."""

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
