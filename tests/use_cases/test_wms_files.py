"""The WMS file adapter: messages in from JSONL and CSV, movements out to JSONL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from commerce_adapters.files import (
    CsvWmsFile,
    JsonlMovementFile,
    JsonlWmsFile,
    export_movements,
    import_wms,
)
from commerce_core import Actor, Commerce, InputError
from commerce_core.inventory import DefineWarehouse, ReceiveStock
from commerce_core.testing import FrozenClock, SequentialIds

WMS = Actor.system("wms")


@pytest.fixture
def shop() -> Commerce:
    commerce = Commerce.from_url("memory://", clock=FrozenClock(), ids=SequentialIds("w"))
    commerce.execute(DefineWarehouse(code="SH", name="Shanghai"), actor=WMS)
    commerce.execute(ReceiveStock(sku="A", warehouse="SH", quantity=10), actor=WMS)
    return commerce


def test_jsonl_messages_import_once(shop: Commerce, tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    messages = [
        {
            "type": "inventory.import_stock_snapshot",
            "message_id": "count-1",
            "warehouse": "SH",
            "lines": [{"sku": "A", "on_hand": 8}, {"sku": "B", "on_hand": 5}],
        },
        {
            "type": "inventory.import_stock_deltas",
            "message_id": "d-1",
            "warehouse": "SH",
            "lines": [{"sku": "B", "delta": -1}],
        },
    ]
    path.write_text("\n".join(json.dumps(m) for m in messages) + "\n\n", encoding="utf-8")
    assert import_wms(shop, JsonlWmsFile(path), actor=WMS) == 3
    assert import_wms(shop, JsonlWmsFile(path), actor=WMS) == 0
    assert shop.inventory.level("A", "SH").on_hand == 8
    assert shop.inventory.level("B", "SH").on_hand == 4


def test_csv_rows_group_into_messages(shop: Commerce, tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text(
        "message_id,kind,warehouse,sku,quantity\n"
        "c-1,snapshot,SH,A,3\n"
        "c-1,snapshot,SH,B,2\n"
        "d-9,delta,SH,A,4\n",
        encoding="utf-8",
    )
    messages = list(CsvWmsFile(path).read())
    assert [type(m).__name__ for m in messages] == ["ImportStockSnapshot", "ImportStockDeltas"]
    assert import_wms(shop, CsvWmsFile(path), actor=WMS) == 3
    assert shop.inventory.level("A", "SH").on_hand == 7


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ("message_id,kind,warehouse,sku\n", "line 1"),
        ("message_id,kind,warehouse,sku,quantity\nc,count,SH,A,1\n", "line 2: kind"),
        ("message_id,kind,warehouse,sku,quantity\nc,delta,SH,A,x\n", "line 2: quantity"),
        (
            "message_id,kind,warehouse,sku,quantity\nc,delta,SH,A,1\nc,delta,SH,A,0\n",
            "line 3: delta",
        ),
    ],
)
def test_a_bad_csv_row_is_named_and_nothing_is_imported(
    shop: Commerce, tmp_path: Path, content: str, field: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as refused:
        import_wms(shop, CsvWmsFile(path), actor=WMS)
    assert refused.value.field == field
    assert shop.inventory.level("A", "SH").on_hand == 10


def test_a_bad_jsonl_line_is_named_and_nothing_is_imported(shop: Commerce, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    good = {
        "type": "inventory.import_stock_deltas",
        "message_id": "d-1",
        "warehouse": "SH",
        "lines": [{"sku": "A", "delta": 1}],
    }
    bad = {**good, "message_id": "d-2", "lines": [{"sku": "A", "delta": 1.5}]}
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as refused:
        import_wms(shop, JsonlWmsFile(path), actor=WMS)
    assert refused.value.field == "line 2: lines[0].delta"
    assert shop.inventory.level("A", "SH").on_hand == 10


def test_movements_export_from_a_cursor(shop: Commerce, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    cursor = export_movements(shop, JsonlMovementFile(out), batch=1)
    shop.execute(ReceiveStock(sku="B", warehouse="SH", quantity=2), actor=WMS)
    cursor = export_movements(shop, JsonlMovementFile(out), after=cursor, batch=1)
    again = export_movements(shop, JsonlMovementFile(out), after=cursor)
    assert again == cursor
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["sku"], r["on_hand_delta"], r["reason"]) for r in rows] == [
        ("A", 10, "receipt"),
        ("B", 2, "receipt"),
    ]
