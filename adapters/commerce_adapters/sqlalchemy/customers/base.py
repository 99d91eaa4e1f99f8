"""What every customers repository on SQL shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from commerce_core.kernel.errors import ConcurrencyConflict
from commerce_core.kernel.messages import DomainEvent

if TYPE_CHECKING:
    from commerce_adapters.sqlalchemy.customers.store import SqlCustomerStore

__all__ = ["EventBox", "StorePart", "versioned_update"]


class EventBox:
    """Holds the events of ledger entries until the unit of work collects them."""

    def __init__(self) -> None:
        self.events: list[DomainEvent] = []


class StorePart:
    """A repository of the customers store, running statements in its transaction."""

    def __init__(self, store: SqlCustomerStore) -> None:
        self._s = store


def versioned_update(
    store: SqlCustomerStore, table: sa.Table, key: str, id: str, *, version: int, values: Any
) -> None:
    """Write ``values`` if the row is still at ``version`` (and bump it); else a conflict."""
    done = store.execute(
        sa.update(table)
        .where(table.c[key] == id, table.c.version == version)
        .values(**values, version=version + 1)
    )
    if done.rowcount != 1:
        raise ConcurrencyConflict(table.name, f"{id!r} v{version} is not current")
