"""End-to-end tests of ``commerce products …`` on a SQLite file, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from commerce_cli.main import app
from commerce_core import Commerce, PageRequest
from commerce_core.catalog import ProductSearch, ProductStatus


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("COMMERCE_DB", raising=False)
    monkeypatch.delenv("COMMERCE_ACTOR", raising=False)
    return CliRunner()


def run(runner: CliRunner, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, (result.output, result.exception)
    assert "Traceback" not in result.output
    return result.output


def test_create_publish_list_show_export_import(runner: CliRunner, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'shop.db'}"
    cat = run(runner, "categories", "create", "服装 Apparel", "-q", "--db", db).strip()
    out = run(
        runner,
        "products",
        "create",
        "TEE",
        "纯棉T恤",
        "--db",
        db,
        "--category",
        cat,
        "--spec",
        "颜色=红,蓝",
        "--spec",
        "尺码=S,M,L",
        "--price",
        "59.00",
        "--image",
        "https://img.example.com/t.jpg",
    )
    assert "6 SKUs" in out
    run(runner, "products", "publish", "TEE", "--db", db)
    listed = json.loads(
        run(runner, "products", "list", "--db", db, "--json", "--status", "on_shelf")
    )
    assert [p["code"] for p in listed["items"]] == ["TEE"]
    assert "TEE-6" in run(runner, "products", "show", "TEE", "--db", db)
    run(runner, "products", "unpublish", "TEE", "--db", db)
    export = tmp_path / "catalog.csv"
    run(runner, "products", "export", str(export), "--db", db)
    assert "unchanged" in run(runner, "products", "import", str(export), "--db", db)
    jsonl = tmp_path / "more.jsonl"
    lines = [
        json.dumps(
            {
                "product_code": f"J{n}",
                "title": f"商品 {n}",
                "category": cat,
                "skus": [{"sku_code": f"J{n}-1", "price": "9.90"}],
            },
            ensure_ascii=False,
        )
        for n in range(1200)
    ]
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = run(runner, "products", "import", str(jsonl), "--db", db)
    assert "1200 created" in out
    with Commerce.from_url(db) as shop:
        found = shop.catalog.products.search(ProductSearch(), PageRequest(limit=500))
        assert found.next_cursor is not None
        off = shop.catalog.products.by_code("TEE")
        assert off.status is ProductStatus.OFF_SHELF


def test_a_bad_file_is_refused_whole_with_every_row_named(
    runner: CliRunner, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'shop.db'}"
    bad = tmp_path / "bad.csv"
    bad.write_text("product_code,title,sku_code,price\nA,Ok,A-1,1\nB,,B-1,abc\n", encoding="utf-8")
    out = run(runner, "products", "import", str(bad), "--db", db, code=1)
    assert "import_rejected" in out
    assert "line[3].price" in out
    assert "line[3].title" in out
    assert "No products found." in run(runner, "products", "list", "--db", db)
    out = run(runner, "products", "import", str(bad), "--db", db, "--partial")
    assert "1 created" in out
    assert "1 bad rows skipped" in out
