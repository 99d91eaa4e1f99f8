"""What a bulk import costs through the public API, beside a raw ``executemany`` of the rows.

    python benchmarks/catalog_import.py --quick
    python benchmarks/catalog_import.py --url postgresql://postgres@127.0.0.1/bench

Figure (one ``BENCH {json}`` line):
- ``catalog_import``: SKU rows per second of ``Commerce.execute(ImportProducts(csv))`` for
  ``--products`` products with three SKUs each (10,000 / 30,000 by default) into an empty
  store: parsing, checking every row, building the aggregates, uniqueness checks, products,
  SKUs, price history and outbox. Baseline: the same product and SKU rows inserted with two
  raw ``executemany`` statements in one transaction. Target: ratio (value / baseline) ≥ 0.25.
  Raw and import runs alternate ``--repeat`` times (3 by default); the figures are medians.
- ``catalog_import_cpu``: the same on process CPU time, the fairer figure on a shared machine.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from commerce_adapters.sqlalchemy import create_engine, metadata
from commerce_core import Actor, Commerce
from commerce_core.catalog import CreateCategory, ImportProducts

COLORS = ("红 red", "蓝 blue", "黑 black")


def report(name: str, value: float, baseline: float, target: float) -> None:
    line = {
        "name": name,
        "value": round(value, 1),
        "unit": "rows/s",
        "baseline": round(baseline, 1),
        "ratio": round(value / baseline, 3),
        "target": target,
    }
    print("BENCH " + json.dumps(line))


def reset(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()


def make_csv(products: int, category: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["product_code", "title", "category", "sku_code", "options", "price"])
    for n in range(products):
        for c, color in enumerate(COLORS):
            writer.writerow(
                [
                    f"B{n:06d}",
                    f"商品 Product {n}" if c == 0 else "",
                    category if c == 0 else "",
                    f"B{n:06d}-{c}",
                    json.dumps({"颜色": color}, ensure_ascii=False),
                    f"{10 + n % 500}.{c}0",
                ]
            )
    return out.getvalue()


def raw_insert(url: str, products: int, category: str) -> tuple[float, float]:
    """Seconds (wall, CPU) to insert the same product and SKU rows with two executemany
    statements."""
    reset(url)
    engine = create_engine(url)
    p = metadata.tables["catalog_products"]
    s = metadata.tables["catalog_skus"]
    at = datetime.now(UTC)
    product_rows = [
        {
            "id": f"raw-{n}",
            "code": f"B{n:06d}",
            "title": f"商品 Product {n}",
            "subtitle": None,
            "description": "",
            "currency": "CNY",
            "brand_id": None,
            "category_id": category,
            "status": "draft",
            "specs": json.dumps([["颜色", list(COLORS)]], ensure_ascii=False),
            "media": "[]",
            "image": None,
            "version": 1,
            "created_at": at,
            "updated_at": at,
            "min_price_minor": 1000,
            "max_price_minor": 1020,
            "price_sort": 1000,
            "sku_count": 3,
        }
        for n in range(products)
    ]
    sku_rows = [
        {
            "id": f"raw-{n}-{c}",
            "product_id": f"raw-{n}",
            "position": c,
            "code": f"B{n:06d}-{c}",
            "barcode": None,
            "options": json.dumps([color], ensure_ascii=False),
            "price_minor": 1000 + c * 10,
            "price_currency": "CNY",
            "list_price_minor": None,
            "list_price_currency": None,
            "cost_minor": None,
            "cost_currency": None,
            "weight_grams": None,
            "media": "[]",
            "enabled": True,
        }
        for n in range(products)
        for c, color in enumerate(COLORS)
    ]
    start, cpu = time.perf_counter(), time.process_time()
    with engine.begin() as conn:
        conn.execute(sa.insert(p), product_rows)
        conn.execute(sa.insert(s), sku_rows)
    elapsed = time.perf_counter() - start, time.process_time() - cpu
    engine.dispose()
    return elapsed


def import_once(url: str, products: int, staff: Actor) -> tuple[float, float]:
    """Seconds (wall, CPU) to import the same rows through ``Commerce.execute(ImportProducts)``."""
    reset(url)
    with Commerce.from_url(url) as shop:
        category = shop.execute(CreateCategory(name="Bench"), actor=staff)
        data = make_csv(products, category)
        start, cpu = time.perf_counter(), time.process_time()
        result = shop.execute(ImportProducts(format="csv", data=data), actor=staff)
        elapsed = time.perf_counter() - start, time.process_time() - cpu
    assert result.created == products, result
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a short run (1,000 products)")
    parser.add_argument(
        "--url", default=None, help="database URL (default: a temporary SQLite file)"
    )
    parser.add_argument("--products", type=int, default=10_000, help="products to import")
    parser.add_argument(
        "--repeat", type=int, default=3, help="raw and import runs, alternated (medians)"
    )
    args = parser.parse_args()
    products = 1_000 if args.quick else args.products
    url = args.url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    staff = Actor.staff("bench")

    Commerce.from_url(url, migrate=True).close()
    raw: list[tuple[float, float]] = []
    ours: list[tuple[float, float]] = []
    # The machine is shared: alternate the two so a burst of load hits both alike.
    for _ in range(max(1, args.repeat)):
        raw.append(raw_insert(url, products, "cat"))
        ours.append(import_once(url, products, staff))
    rows = products * len(COLORS)
    for i, clock in enumerate(("wall", "cpu")):
        r, o = [x[i] for x in raw], [x[i] for x in ours]
        print(f"# {clock} s: raw {[round(x, 3) for x in r]}  import {[round(x, 3) for x in o]}")
    wall = statistics.median(x[0] for x in ours), statistics.median(x[0] for x in raw)
    cpu = statistics.median(x[1] for x in ours), statistics.median(x[1] for x in raw)
    report("catalog_import", rows / wall[0], rows / wall[1], 0.25)
    # The same on CPU time: what the figure is on a machine whose other work steals time.
    report("catalog_import_cpu", rows / cpu[0], rows / cpu[1], 0.25)


if __name__ == "__main__":
    main()
