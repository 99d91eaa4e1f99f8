"""WMS sync through files: messages in as JSONL or CSV, movements out as JSONL.

JSONL in: one command per line, as the JSON edge reads it::

    {"type": "inventory.import_stock_snapshot", "message_id": "cnt-0412", "warehouse": "SH",
     "lines": [{"sku": "TEE-RED-M", "on_hand": 98}]}
    {"type": "inventory.import_stock_deltas", "message_id": "d-77", "warehouse": "SH",
     "lines": [{"sku": "TEE-RED-M", "delta": -2}]}

CSV in: a header ``message_id,kind,warehouse,sku,quantity`` (kind ``snapshot`` or ``delta``);
consecutive rows with the same message id form one message.

Every file is checked whole before anything is applied: a bad line is an ``InputError`` naming
the line and the field, and nothing is imported.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from commerce_core import serialization
from commerce_core.app.commerce import Commerce
from commerce_core.inventory import (
    DeltaLine,
    ImportStockDeltas,
    ImportStockSnapshot,
    Movement,
    MovementSink,
    SnapshotLine,
    WmsSource,
)
from commerce_core.inventory.ports import movement_cursor
from commerce_core.kernel.actors import Actor
from commerce_core.kernel.errors import FieldError, InputError
from commerce_core.kernel.messages import Command
from commerce_core.kernel.pagination import PageRequest

__all__ = ["CsvWmsFile", "JsonlMovementFile", "JsonlWmsFile", "export_movements", "import_wms"]

CSV_COLUMNS = ("message_id", "kind", "warehouse", "sku", "quantity")


def _at_line(number: int, exc: InputError) -> InputError:
    return InputError(FieldError(f"line {number}: {e.path}", e.message) for e in exc.errors)


class JsonlWmsFile:
    """WMS messages from a JSONL file (a :class:`WmsSource`)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def read(self) -> Iterator[Command[int]]:
        """Every message of the file, each checked; an InputError names a bad line."""
        out: list[Command[int]] = []
        with self.path.open(encoding="utf-8") as handle:
            for number, text in enumerate(handle, 1):
                if not text.strip():
                    continue
                try:
                    data = json.loads(text)
                except json.JSONDecodeError:
                    raise InputError.for_field(f"line {number}", "not a JSON object") from None
                try:
                    command = serialization.structure_command(data)
                except InputError as exc:
                    raise _at_line(number, exc) from None
                if not isinstance(command, ImportStockSnapshot | ImportStockDeltas):
                    raise InputError.for_field(
                        f"line {number}: type", "expected a stock snapshot or stock deltas"
                    )
                out.append(command)
        return iter(out)


class CsvWmsFile:
    """WMS messages from a CSV file (a :class:`WmsSource`)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def read(self) -> Iterator[Command[int]]:
        """Every message of the file, each checked; an InputError names a bad row."""
        groups: list[tuple[tuple[str, str, str], list[tuple[int, dict[str, str]]]]] = []
        with self.path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if tuple(reader.fieldnames or ()) != CSV_COLUMNS:
                raise InputError.for_field("line 1", f"the header must be {','.join(CSV_COLUMNS)}")
            for row in reader:
                number = reader.line_num
                key = (row["message_id"], row["kind"], row["warehouse"])
                if groups and groups[-1][0] == key:
                    groups[-1][1].append((number, row))
                else:
                    groups.append((key, [(number, row)]))
        return iter([self._message(key, rows) for key, rows in groups])

    @staticmethod
    def _message(key: tuple[str, str, str], rows: list[tuple[int, dict[str, str]]]) -> Command[int]:
        message_id, kind, warehouse = key
        first = rows[0][0]
        if kind not in ("snapshot", "delta"):
            raise InputError.for_field(f"line {first}: kind", "must be snapshot or delta")
        lines: list[Any] = []
        for number, row in rows:
            try:
                quantity = int(row["quantity"])
            except (TypeError, ValueError):
                raise InputError.for_field(
                    f"line {number}: quantity", "must be a whole number"
                ) from None
            try:
                lines.append(
                    SnapshotLine(row["sku"], quantity)
                    if kind == "snapshot"
                    else DeltaLine(row["sku"], quantity)
                )
            except InputError as exc:
                raise _at_line(number, exc) from None
        try:
            if kind == "snapshot":
                return ImportStockSnapshot(
                    message_id=message_id, warehouse=warehouse, lines=tuple(lines)
                )
            return ImportStockDeltas(message_id=message_id, warehouse=warehouse, lines=tuple(lines))
        except InputError as exc:
            raise _at_line(first, exc) from None


class JsonlMovementFile:
    """Exported movements appended to a JSONL file (a :class:`MovementSink`)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def write(self, movements: Sequence[Movement]) -> None:
        with self.path.open("a", encoding="utf-8") as handle:
            for m in movements:
                handle.write(
                    json.dumps(serialization.unstructure(m), ensure_ascii=False, sort_keys=True)
                    + "\n"
                )


def import_wms(shop: Commerce, source: WmsSource, *, actor: Actor) -> int:
    """Apply every message of ``source`` (each idempotent by its id); the rows changed.

    Messages apply in order, one transaction each; a refused one stops the import with its
    error, the ones before it stay applied, and re-running the import skips them.
    """
    changed = 0
    for command in list(source.read()):
        changed += int(shop.execute(command, actor=actor))
    return changed


def export_movements(
    shop: Commerce,
    sink: MovementSink,
    *,
    after: str | None = None,
    until: datetime | None = None,
    batch: int = 500,
) -> str | None:
    """Write every movement after the cursor ``after`` (and before ``until``) to ``sink``;
    returns the cursor to pass next time (``after`` itself when there was nothing new).

    Keep ``until`` a few seconds behind the clock so a transaction still committing with an
    earlier time is not passed over.
    """
    cursor = after
    while True:
        page = shop.inventory.movements_since(PageRequest(limit=batch, after=cursor), until=until)
        if page.items:
            sink.write(page.items)
            cursor = page.next_cursor or movement_cursor(page.items[-1])
        if page.next_cursor is None:
            return cursor
