"""Bulk inserts through the driver's ``executemany``, in batches.

``Connection.execute(insert(table), rows)`` builds a parameter dict per row through the
compiled statement (``construct_params``), which costs more than the insert itself on
SQLite for tens of thousands of rows. Here the statement is compiled once per batch shape,
each column's bind processor is applied directly (so ``UtcDateTime`` and friends still
convert), and the rows go to the driver as one ``executemany`` per batch. Errors still
pass through SQLAlchemy (``exec_driver_sql``), so the unique-constraint mapping applies.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

__all__ = ["BATCH", "insert_rows"]

#: Rows per ``executemany`` call: large enough to amortise the call, small enough to keep
#: a batch's parameters well under every driver's packet and placeholder limits.
BATCH = 1000


def _processors(
    conn: Connection, table: sa.Table, keys: Sequence[str]
) -> list[Callable[[Any], Any] | None]:
    dialect = conn.dialect
    return [table.c[k].type.dialect_impl(dialect).bind_processor(dialect) for k in keys]


def insert_rows(
    conn: Connection, table: sa.Table, rows: Sequence[Mapping[str, Any]], *, batch: int = BATCH
) -> None:
    """Insert ``rows`` (all with the same keys) into ``table`` in batches of ``batch``."""
    if not rows:
        return
    keys = list(rows[0])
    compiled = sa.insert(table).compile(dialect=conn.dialect, column_keys=keys)
    if compiled.positional:
        keys = list(compiled.positiontup or [])
    processors = [(i, p) for i, p in enumerate(_processors(conn, table, keys)) if p is not None]
    # Bulk rows share a few values per converted column (every row of an import has the
    # same timestamp): convert each distinct value once.
    memos: list[dict[Any, Any]] = [{} for _ in processors]
    sql = str(compiled)
    for start in range(0, len(rows), batch):
        values = [[r[k] for k in keys] for r in rows[start : start + batch]]
        for row in values:
            for (i, process), memo in zip(processors, memos, strict=True):
                value = row[i]
                try:
                    row[i] = memo[value]
                except KeyError:
                    row[i] = memo[value] = process(value)
                except TypeError:  # unhashable: convert it every time
                    row[i] = process(value)
        if compiled.positional:
            params: list[Any] = [tuple(v) for v in values]
        else:
            params = [dict(zip(keys, v, strict=True)) for v in values]
        conn.exec_driver_sql(sql, params)
