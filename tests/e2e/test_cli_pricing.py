"""``commerce price cart.json`` and the pricing part of the demo, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from commerce_cli.main import app
from commerce_cli.pricing import SAMPLE_CASE, run_pricing_demo
from commerce_core import Actor, Commerce, serialization
from commerce_core.kernel import Money
from commerce_core.pricing import PriceBreakdown, Reason, price


def _write_sample(tmp_path: Path) -> Path:
    path = tmp_path / "cart.json"
    path.write_text(
        json.dumps(serialization.unstructure(SAMPLE_CASE), ensure_ascii=False), encoding="utf-8"
    )
    return path


def test_price_prints_lines_explanations_hints_and_the_total(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["price", str(_write_sample(tmp_path))])
    assert result.exit_code == 0, result.output
    expected = price(SAMPLE_CASE.cart, SAMPLE_CASE.context, SAMPLE_CASE.rules)
    assert f"Total 应付 {expected.total.format()}" in result.output
    assert "618-mj" in result.output
    assert "threshold_not_met" in result.output
    assert "needs ¥1,000.00" in result.output
    assert "💡" in result.output


def test_price_json_round_trips_to_the_same_breakdown(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["price", str(_write_sample(tmp_path)), "--json"])
    assert result.exit_code == 0, result.output
    printed = serialization.structure(json.loads(result.stdout), PriceBreakdown)
    assert printed == price(SAMPLE_CASE.cart, SAMPLE_CASE.context, SAMPLE_CASE.rules)


def test_price_refuses_bad_input_naming_the_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    data = serialization.unstructure(SAMPLE_CASE)
    data["cart"]["lines"][0]["unit_price"] = {"amount": 79.0}
    path.write_text(json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(app, ["price", str(path)])
    assert result.exit_code == 1
    assert "invalid_input" in result.output
    assert "cart.lines[0].unit_price" in result.output
    assert "Traceback" not in result.output


def test_price_refuses_a_file_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(app, ["price", str(path), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stderr)["error"]["code"] == "invalid_input"


def test_the_demo_stores_campaigns_and_coupons_and_prices_with_them() -> None:
    console = Console(record=True, width=140)
    shop = Commerce.from_url("memory://")
    b = run_pricing_demo(shop, console, actor=Actor.staff("demo"))
    text = console.export_text()
    direct = price(SAMPLE_CASE.cart, SAMPLE_CASE.context, SAMPLE_CASE.rules)
    assert b.total == direct.total  # the stored campaign and coupons price the same
    assert len(shop.marketing.coupons_of("ann")) == len(SAMPLE_CASE.context.coupons)
    codes = shop.marketing.batch_codes("618-poster")
    assert sorted(c.redemptions for c in codes) == [0, 0, 1]  # one code redeemed
    assert "redeemed code '618 " in text
    assert "Total 应付" in text
    assert b.hints
    assert b.applied
    assert {r.reason for r in b.rejected} >= {Reason.THRESHOLD_NOT_MET}
    assert b.total == b.goods_total + b.shipping.total
    assert b.total > Money.zero()
