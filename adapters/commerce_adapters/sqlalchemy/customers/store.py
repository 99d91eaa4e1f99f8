"""The customers context on SQL: repositories joined to the unit of work's transaction.

Ledger balances change by one guarded statement each
(``UPDATE customer_wallets SET balance_minor = balance_minor + :d ... WHERE ... AND
balance_minor + :d >= 0``): the row lock it takes on PostgreSQL and MariaDB (SQLite: the
database write lock) holds until commit, so concurrent spenders queue on the balance row and
a balance never goes below zero; the ledger entry is written in the same transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import CursorResult

from commerce_adapters.sqlalchemy.customers.base import EventBox
from commerce_adapters.sqlalchemy.customers.ledgers import SqlPointsLedger, SqlWalletLedger
from commerce_adapters.sqlalchemy.customers.records import (
    SqlBehaviorLog,
    SqlCustomerRepository,
    SqlMembershipRepository,
    SqlProgramRepository,
    SqlSegmentRepository,
    SqlWithdrawalRepository,
)
from commerce_adapters.sqlalchemy.errors import translating
from commerce_core.kernel.messages import DomainEvent

if TYPE_CHECKING:
    from commerce_adapters.sqlalchemy.storage import SqlUnitOfWork

__all__ = ["SqlCustomerStore"]


class SqlCustomerStore:
    """The customers repositories of one :class:`SqlUnitOfWork`."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow
        self._box = EventBox()
        self.profiles = SqlCustomerRepository(self)
        self.wallets = SqlWalletLedger(self)
        self.withdrawals = SqlWithdrawalRepository(self)
        self.points = SqlPointsLedger(self)
        self.memberships = SqlMembershipRepository(self)
        self.behavior = SqlBehaviorLog(self)
        self.segments = SqlSegmentRepository(self)
        self.program = SqlProgramRepository(self)

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
