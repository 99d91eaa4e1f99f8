"""Reservation throughput through the public API beside the raw guarded UPDATE, same run.

    python benchmarks/inventory_reserve.py --quick
    python benchmarks/inventory_reserve.py --url postgresql://postgres@127.0.0.1/bench

Figures (one ``BENCH {json}`` line each), reservations per second with 4 worker threads:
- ``reserve_hot``: every reservation takes 1 unit of one hot SKU;
- ``reserve_spread``: each takes 1 unit of a random SKU among 1,000;
- ``reserve_sqlite`` (SQLite only): the hot SKU with one worker, the embedded case.

``value`` is ``shop.execute(ReserveStock(...))`` (one transaction: the guarded UPDATE, the
reservation and its line, the ledger entry, the outbox event); ``baseline`` is the bare
guarded ``UPDATE ... WHERE on_hand - reserved >= :q`` in its own transaction through
SQLAlchemy; ``ratio`` = value / baseline.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from commerce_adapters.sqlalchemy import create_engine, metadata
from commerce_core import Actor, Commerce
from commerce_core.inventory import DefineWarehouse, ReceiveStock, ReservationLine, ReserveStock

WORKERS = 4
SPREAD = 1_000
PLENTY = 10**12


def report(name: str, value: float, baseline: float, target: float) -> None:
    line = {
        "name": name,
        "value": round(value, 1),
        "unit": "reservations/s",
        "baseline": round(baseline, 1),
        "ratio": round(value / baseline, 2),
        "target": target,
    }
    print("BENCH " + json.dumps(line), flush=True)


def reset(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()


def throughput(work: Callable[[int], None], workers: int, seconds: float) -> float:
    """Operations per second of ``work(worker)`` run in a loop by ``workers`` threads."""
    done = [0] * workers
    stop = threading.Event()
    start = threading.Barrier(workers + 1)

    def run(i: int) -> None:
        start.wait()
        while not stop.is_set():
            work(i)
            done[i] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    start.wait()
    began = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    return sum(done) / (time.perf_counter() - began)


def compare(
    lib: Callable[[int], None], raw: Callable[[int], None], workers: int, seconds: float
) -> tuple[float, float]:
    """Interleave the two, so drift on a shared, noisy machine hits both alike."""
    ours: list[float] = []
    base: list[float] = []
    for _ in range(3):
        base.append(throughput(raw, workers, seconds))
        ours.append(throughput(lib, workers, seconds))
    return statistics.median(ours), statistics.median(base)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a short run (well under a minute)")
    parser.add_argument(
        "--url", default=None, help="database URL (default: a temporary SQLite file)"
    )
    args = parser.parse_args()
    seconds = 1.5 if args.quick else 5.0
    url = args.url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"

    shop = Commerce.from_url(url, migrate=True)
    reset(url)
    dialect = shop.storage.engine.dialect.name  # type: ignore[attr-defined]
    target = 0.4 if dialect == "sqlite" else 0.7
    staff = Actor.staff("bench")
    shop.execute(DefineWarehouse(code="WH1", name="Main"), actor=staff)
    skus = [f"SKU-{i:04d}" for i in range(SPREAD)]
    for sku in ["HOT", *skus]:
        shop.execute(ReceiveStock(sku=sku, warehouse="WH1", quantity=PLENTY), actor=staff)

    engine = create_engine(url)
    stock = metadata.tables["inventory_stock"]
    c = stock.c
    guarded = (
        sa.update(stock)
        .where(
            c.sku == sa.bindparam("s"),
            c.warehouse == sa.bindparam("w"),
            c.on_hand - c.reserved >= sa.bindparam("q"),
        )
        .values(reserved=c.reserved + sa.bindparam("q"), version=c.version + 1)
    )
    orders = itertools.count()
    rng = [random.Random(i) for i in range(WORKERS)]

    def raw(sku_of: Callable[[int], str]) -> Callable[[int], None]:
        def run(i: int) -> None:
            with engine.begin() as conn:
                done = conn.execute(guarded, {"s": sku_of(i), "w": "WH1", "q": 1})
                assert done.rowcount == 1

        return run

    def lib(sku_of: Callable[[int], str]) -> Callable[[int], None]:
        def run(i: int) -> None:
            line = ReservationLine(sku_of(i), 1)
            shop.execute(ReserveStock(order=f"SO-{next(orders)}", lines=(line,)), actor=staff)

        return run

    def hot(_: int) -> str:
        return "HOT"

    def spread(i: int) -> str:
        return rng[i].choice(skus)

    value, baseline = compare(lib(hot), raw(hot), WORKERS, seconds)
    report("reserve_hot", value, baseline, target)
    value, baseline = compare(lib(spread), raw(spread), WORKERS, seconds)
    report("reserve_spread", value, baseline, target)
    if dialect == "sqlite":
        value, baseline = compare(lib(hot), raw(hot), 1, seconds)
        report("reserve_sqlite", value, baseline, target)
    engine.dispose()
    shop.close()


if __name__ == "__main__":
    main()
