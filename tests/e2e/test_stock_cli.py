"""End-to-end tests of ``commerce stock`` on a SQLite file, as a user runs it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from commerce_cli.demo import run_demo
from commerce_cli.main import app
from commerce_core import Actor, Commerce, PageRequest

ADMIN = Actor.staff("admin")


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("COMMERCE_DB", raising=False)
    monkeypatch.delenv("COMMERCE_ACTOR", raising=False)
    return CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'shop.db'}"


def invoke(runner: CliRunner, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, (result.output, result.exception)
    assert "Traceback" not in result.output
    return result.output


def test_receive_show_adjust_and_the_ledger(runner: CliRunner, db: str) -> None:
    invoke(runner, "stock", "warehouse", "SH", "上海仓", "--priority", "1", "--db", db)
    out = invoke(runner, "stock", "receive", "TEE-M", "SH", "20", "--cost", "25.00", "--db", db)
    assert "on hand 20" in out
    out = invoke(
        runner, "stock", "adjust", "TEE-M", "SH", "--by", "-2", "--reason", "damaged", "--db", db
    )
    assert "on hand 18" in out
    shown = json.loads(invoke(runner, "stock", "show", "TEE-M", "--db", db, "--json"))
    assert shown == [
        {
            "sku": "TEE-M",
            "warehouse": "SH",
            "on_hand": 18,
            "reserved": 0,
            "available": 18,
            "threshold": 0,
            "alert": "ok",
        }
    ]
    ledger = json.loads(invoke(runner, "stock", "movements", "TEE-M", "--db", db, "--json"))
    assert [(m["reason"], m["on_hand_delta"], m["actor"]) for m in ledger["items"]] == [
        ("receipt", 20, "staff:cli"),
        ("adjustment", -2, "staff:cli"),
    ]
    assert ledger["items"][1]["reason_code"] == "damaged"
    with Commerce.from_url(db) as shop:
        assert shop.inventory.reconcile() == ()


def test_refusals_print_their_code_and_change_nothing(runner: CliRunner, db: str) -> None:
    out = invoke(runner, "stock", "receive", "TEE-M", "NOPE", "1", "--db", db, code=1)
    assert "warehouse_not_found" in out
    invoke(runner, "stock", "warehouse", "SH", "Shanghai", "--db", db)
    invoke(runner, "stock", "receive", "TEE-M", "SH", "3", "--db", db)
    out = invoke(
        runner, "stock", "adjust", "TEE-M", "SH", "--by", "-4", "--reason", "x", "--db", db, code=1
    )
    assert "stock_below_reserved" in out
    out = invoke(runner, "stock", "receive", "TEE-M", "SH", "0", "--db", db, code=1)
    assert "invalid_input" in out
    assert "quantity" in out
    out = invoke(runner, "stock", "movements", "TEE-M", "--since", "yesterday", "--db", db, code=1)
    assert "since" in out
    with Commerce.from_url(db) as shop:
        assert shop.inventory.level("TEE-M", "SH").on_hand == 3


def test_the_low_stock_list(runner: CliRunner, db: str) -> None:
    assert "Nothing is low" in invoke(runner, "stock", "low", "--db", db)
    invoke(runner, "stock", "warehouse", "SH", "Shanghai", "--db", db)
    invoke(runner, "stock", "receive", "MUG", "SH", "1", "--db", db)
    invoke(runner, "stock", "adjust", "MUG", "SH", "--by", "-1", "--reason", "lost", "--db", db)
    low = json.loads(invoke(runner, "stock", "low", "--db", db, "--json"))
    assert [(s["sku"], s["available"], s["alert"]) for s in low["items"]] == [("MUG", 0, "out")]


def test_the_demo_receives_stock_and_shows_a_low_stock_alert() -> None:
    output = io.StringIO()
    with Commerce.from_url("memory://") as shop:
        run_demo(shop, Console(file=output, width=200), actor=ADMIN)
        assert shop.inventory.reconcile() == ()
        assert [s.sku for s in shop.inventory.low_stock(PageRequest()).items] == ["PHONE-X1-128G"]
    text = output.getvalue()
    assert "low stock: PHONE-X1-128G" in text
    assert "insufficient_stock" in text
