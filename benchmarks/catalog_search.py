"""What a filtered product search costs through the public API, beside the same raw SQL.

    python benchmarks/catalog_search.py --quick
    python benchmarks/catalog_search.py --url postgresql://postgres@127.0.0.1/bench

Figure (one ``BENCH {json}`` line):
- ``catalog_search_p50``: median milliseconds of ``shop.catalog.products.search(...)`` for a
  page of 50 on-shelf products in a top category (its descendants included) within a price
  range, sorted by price, over ``--products`` products (100,000 by default; seeded with
  bulk inserts of rows the adapter's own mapping makes). Baseline: the same SELECT sent by
  hand on a raw connection, rows fetched, no read models built. Targets: ≤ 20 ms and a
  ratio ≤ 2.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from commerce_adapters.sqlalchemy import create_engine, metadata
from commerce_adapters.sqlalchemy.catalog_queries import search_statement
from commerce_core import Actor, Commerce, Money, PageRequest
from commerce_core.catalog import (
    CategoryId,
    CreateCategory,
    ProductSearch,
    ProductSort,
    ProductStatus,
)


def report(name: str, value: float, baseline: float, target: float) -> None:
    line = {
        "name": name,
        "value": round(value, 2),
        "unit": "ms",
        "baseline": round(baseline, 2),
        "ratio": round(value / baseline, 2),
        "target": target,
    }
    print("BENCH " + json.dumps(line))


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        fn()
        samples.append((time.perf_counter_ns() - start) / 1e6)
    return statistics.median(samples)


def seed(url: str, products: int, leaves: Sequence[str]) -> None:
    engine = create_engine(url)
    p = metadata.tables["catalog_products"]
    s = metadata.tables["catalog_skus"]
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    statuses = ("on_shelf", "on_shelf", "on_shelf", "off_shelf", "draft")
    batch = 5_000
    with engine.begin() as conn:
        for start in range(0, products, batch):
            rows, sku_rows = [], []
            for n in range(start, min(products, start + batch)):
                low = 500 + (n * 7919) % 100_000
                at = t0 + timedelta(seconds=n)
                rows.append(
                    {
                        "id": f"p{n:07d}",
                        "code": f"S{n:07d}",
                        "title": f"商品 Product {n}",
                        "subtitle": None,
                        "description": "",
                        "currency": "CNY",
                        "brand_id": None,
                        "category_id": leaves[n % len(leaves)],
                        "status": statuses[n % len(statuses)],
                        "specs": '[["尺码",["S","M","L"]]]',
                        "media": "[]",
                        "image": None,
                        "version": 1,
                        "created_at": at,
                        "updated_at": at,
                        "min_price_minor": low,
                        "max_price_minor": low + 200,
                        "price_sort": low,
                        "sku_count": 3,
                    }
                )
                for c, size in enumerate(("S", "M", "L")):
                    sku_rows.append(
                        {
                            "id": f"p{n:07d}-{c}",
                            "product_id": f"p{n:07d}",
                            "position": c,
                            "code": f"S{n:07d}-{size}",
                            "barcode": f"69{n:09d}{c}",
                            "options": json.dumps([size]),
                            "price_minor": low + 100 * c,
                            "price_currency": "CNY",
                            "list_price_minor": None,
                            "list_price_currency": None,
                            "cost_minor": None,
                            "cost_currency": None,
                            "weight_grams": None,
                            "media": "[]",
                            "enabled": True,
                        }
                    )
            conn.execute(sa.insert(p), rows)
            conn.execute(sa.insert(s), sku_rows)
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(sa.text("ANALYZE"))
            conn.commit()
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a short run (10,000 products)")
    parser.add_argument(
        "--url", default=None, help="database URL (default: a temporary SQLite file)"
    )
    parser.add_argument("--products", type=int, default=100_000, help="products to search")
    args = parser.parse_args()
    products = 10_000 if args.quick else args.products
    repeat = 40 if args.quick else 200
    url = args.url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    staff = Actor.staff("bench")

    shop = Commerce.from_url(url, migrate=True)
    engine = create_engine(url)
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())
    tops = [shop.execute(CreateCategory(name=f"Top {i}"), actor=staff) for i in range(5)]
    leaves = [
        shop.execute(CreateCategory(name=f"Leaf {j}", parent=top), actor=staff)
        for top in tops
        for j in range(10)
    ]
    seed(url, products, leaves)
    query = ProductSearch(
        category=CategoryId(tops[2]),
        status=ProductStatus.ON_SHELF,
        min_price=Money.of("100"),
        max_price=Money.of("600"),
        sort=ProductSort.PRICE,
    )
    page = PageRequest(limit=50)
    found = shop.catalog.products.search(query, page)
    assert len(found.items) == 50, len(found.items)
    statement, params = search_statement(query, page)
    compiled = statement.params(params).compile(engine, compile_kwargs={"literal_binds": True})
    sql = str(compiled)

    def raw() -> None:
        with engine.connect() as conn:
            assert len(conn.exec_driver_sql(sql).all()) == 51

    def lib() -> None:
        shop.catalog.products.search(query, page)

    raws: list[float] = []
    libs: list[float] = []
    for _ in range(5):
        raws.append(median_ms(raw, repeat // 5))
        libs.append(median_ms(lib, repeat // 5))
    report("catalog_search_p50", statistics.median(libs), statistics.median(raws), 20.0)
    engine.dispose()
    shop.close()


if __name__ == "__main__":
    main()
