"""What the bus, unit of work, version check and outbox cost per command, and what a tree read
costs, each beside a raw SQLAlchemy baseline doing the same database work by hand.

    python benchmarks/command_overhead.py --quick
    python benchmarks/command_overhead.py --url postgresql://postgres@127.0.0.1/bench

Figures (one ``BENCH {json}`` line each):
- ``rename_category_us``: median microseconds of ``Commerce.execute(RenameCategory)`` on a
  tree of ``--size`` categories; baseline: one raw transaction that reads the tree rows,
  bumps a version row, updates one row and inserts one outbox row.
- ``category_tree_read_us``: median microseconds of ``commerce.categories.tree()``;
  baseline: the raw ``SELECT`` of the same rows.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from commerce_adapters.sqlalchemy import create_engine, metadata
from commerce_core import Actor, Commerce
from commerce_core.catalog import CategoryId, CreateCategory, RenameCategory


def median_us(fn: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        fn()
        samples.append((time.perf_counter_ns() - start) / 1000)
    return statistics.median(samples)


def report(name: str, value: float, baseline: float, target: float) -> None:
    line = {
        "name": name,
        "value": round(value, 1),
        "unit": "us",
        "baseline": round(baseline, 1),
        "ratio": round(value / baseline, 2),
        "target": target,
    }
    print("BENCH " + json.dumps(line))


def reset(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a short run (well under a minute)")
    parser.add_argument(
        "--url", default=None, help="database URL (default: a temporary SQLite file)"
    )
    parser.add_argument("--size", type=int, default=200, help="categories in the tree")
    args = parser.parse_args()
    repeat = 60 if args.quick else 400
    url = args.url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"

    shop = Commerce.from_url(url, migrate=True)
    reset(url)
    staff = Actor.staff("bench")
    top = shop.execute(CreateCategory(name="Top"), actor=staff)
    ids = [top]
    for i in range(args.size - 1):
        parent = ids[i // 10]  # ten children per node: a realistic few levels deep
        ids.append(shop.execute(CreateCategory(name=f"Category {i}", parent=parent), actor=staff))
    target = ids[len(ids) // 2]

    engine = create_engine(url)
    cats = metadata.tables["catalog_categories"]
    version = metadata.tables["catalog_category_tree"]
    outbox = metadata.tables["outbox_messages"]
    counter = iter(range(10**9))

    def raw_rename() -> None:
        n = next(counter)
        with engine.begin() as conn:
            rows = conn.execute(sa.select(cats)).all()
            assert rows
            conn.execute(sa.update(version).values(version=version.c.version + 1))
            conn.execute(sa.update(cats).where(cats.c.id == target).values(name=f"raw {n}"))
            conn.execute(
                sa.insert(outbox).values(
                    id=f"raw-{n}",
                    type="bench",
                    payload="{}",
                    actor_kind="staff",
                    actor_id="bench",
                    occurred_at=shop.clock.now(),
                )
            )

    def lib_rename() -> None:
        n = next(counter)
        shop.execute(RenameCategory(category=CategoryId(target), name=f"lib {n}"), actor=staff)

    # Interleave the two so drift on a shared, noisy machine hits both alike.
    raw: list[float] = []
    lib: list[float] = []
    for _ in range(5):
        raw.append(median_us(raw_rename, repeat // 5))
        lib.append(median_us(lib_rename, repeat // 5))
    report("rename_category_us", statistics.median(lib), statistics.median(raw), 3.0)

    def raw_read() -> None:
        with engine.connect() as conn:
            assert conn.execute(sa.select(cats)).all()

    raw_r: list[float] = []
    lib_r: list[float] = []
    for _ in range(5):
        raw_r.append(median_us(raw_read, repeat // 5))
        lib_r.append(median_us(shop.categories.tree, repeat // 5))
    report("category_tree_read_us", statistics.median(lib_r), statistics.median(raw_r), 3.0)
    engine.dispose()
    shop.close()


if __name__ == "__main__":
    main()
