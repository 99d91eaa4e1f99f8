"""What evaluating a segment rule costs, beside the hand-written SQL of the same rule.

    python benchmarks/segments.py --quick
    python benchmarks/segments.py --url postgresql://postgres@127.0.0.1/bench

The store gets ``--customers`` customers (100,000; 10,000 with ``--quick``), each with three
payments spread over the last 180 days and a last-active time; the rule is "spent at least
¥1,000 in the last 90 days and inactive for 30 days" (高消费沉睡用户).

Figures (one ``BENCH {json}`` line each):
- ``segment_eval_ms``: median milliseconds of ``shop.customers.evaluate(rule, at)``, the
  rule compiled from data to one query; baseline: the same rule as raw SQL (a grouped
  window of payments, filtered in HAVING, joined to the customers), rows fetched the same
  way. Both run on the same database, so the raw SQL has the same indexes, the covering
  ``(customer_id, kind, at, amount_minor)`` payments index among them (migration 0007).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from commerce_adapters.sqlalchemy import UtcDateTime, create_engine, metadata
from commerce_core import Commerce, Money
from commerce_core.customers import Condition, SegmentRule

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        fn()
        samples.append((time.perf_counter_ns() - start) / 1e6)
    return statistics.median(samples)


def report(name: str, value: float, baseline: float, target: float) -> None:
    line = {
        "name": name,
        "value": round(value, 1),
        "unit": "ms",
        "baseline": round(baseline, 1),
        "ratio": round(value / baseline, 2),
        "target": target,
    }
    print("BENCH " + json.dumps(line))


def populate(url: str, customers: int) -> None:
    """Empty the store and fill it with generated customers, straight through SQL."""
    engine = create_engine(url)
    t = metadata.tables
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())
    batch = 5_000
    for first in range(0, customers, batch):
        ids = range(first, min(first + batch, customers))
        people, members, points, active, paid = [], [], [], [], []
        for i in ids:
            cid = f"c{i:07d}"
            registered = NOW - timedelta(days=400 + i % 300)
            people.append(
                {
                    "id": cid,
                    "version": 0,
                    "name": f"客户{i}",
                    "gender": "unstated",
                    "channel": "web",
                    "status": "active",
                    "registered_at": registered,
                    "addresses": "[]",
                    "sign_in_streak": 0,
                }
            )
            members.append(
                {
                    "customer_id": cid,
                    "tier": "regular",
                    "growth": 0,
                    "period_growth": 0,
                    "next_review_at": NOW,
                    "version": 0,
                }
            )
            points.append({"customer_id": cid, "balance": 0, "version": 0})
            last = NOW - timedelta(days=i % 60, hours=i % 24)
            active.append({"customer_id": cid, "last_active": last, "last_paid": last})
            for k in range(3):
                paid.append(
                    {
                        "id": f"e{i:07d}-{k}",
                        "customer_id": cid,
                        "kind": "paid",
                        "at": NOW - timedelta(days=(i * 7 + k * 61) % 180),
                        "order_id": f"o{i:07d}-{k}",
                        "amount_minor": 10_000 * (1 + (i * 13 + k * 5) % 80),
                        "amount_currency": "CNY",
                    }
                )
        with engine.begin() as conn:
            conn.execute(sa.insert(t["customers"]), people)
            conn.execute(sa.insert(t["customer_memberships"]), members)
            conn.execute(sa.insert(t["customer_points"]), points)
            conn.execute(sa.insert(t["customer_activity"]), active)
            conn.execute(sa.insert(t["customer_behavior_events"]), paid)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if engine.dialect.name == "postgresql":
            # What autovacuum does soon after a bulk load: statistics, and the visibility
            # map that lets the covering payments index answer without the table.
            conn.execute(sa.text("VACUUM ANALYZE"))
        elif engine.dialect.name == "sqlite":
            conn.execute(sa.text("ANALYZE"))
        else:
            for name in ("customers", "customer_activity", "customer_behavior_events"):
                conn.execute(sa.text(f"ANALYZE TABLE {name}"))
    engine.dispose()


RAW = """
SELECT c.id FROM customers c
JOIN (
    SELECT customer_id FROM customer_behavior_events
    WHERE kind = 'paid' AND at >= :since AND at <= :now
    GROUP BY customer_id HAVING SUM(amount_minor) >= :spent
) w ON w.customer_id = c.id
JOIN customer_activity a ON a.customer_id = c.id
WHERE a.last_active <= :idle
ORDER BY c.id
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a short run (10,000 customers)")
    parser.add_argument(
        "--url", default=None, help="database URL (default: a temporary SQLite file)"
    )
    parser.add_argument("--customers", type=int, default=None, help="customers to generate")
    args = parser.parse_args()
    customers = args.customers or (10_000 if args.quick else 100_000)
    repeat = 5 if args.quick else 15
    url = args.url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"

    shop = Commerce.from_url(url, migrate=True)
    populate(url, customers)
    rule = SegmentRule(
        all_of=(Condition.spent_at_least(Money.of("1000"), days=90), Condition.inactive_for(30))
    )
    engine = create_engine(url)
    params = {
        "since": NOW - timedelta(days=90),
        "now": NOW,
        "spent": 100_000,
        "idle": NOW - timedelta(days=30),
    }
    # Times bound as the tables store them (SQLite compares the stored text).
    query = sa.text(RAW).bindparams(
        *(sa.bindparam(name, type_=UtcDateTime()) for name in ("since", "now", "idle"))
    )

    def raw() -> list[str]:
        with engine.connect() as conn:
            return [r[0] for r in conn.execute(query, params)]

    expected = raw()
    got = shop.customers.evaluate(rule, NOW)
    assert list(got) == expected, (len(got), len(expected))
    assert expected, "the generated data must put someone in the segment"

    raw_ms: list[float] = []
    lib_ms: list[float] = []
    for _ in range(3):  # interleaved, so drift on a shared machine hits both alike
        raw_ms.append(median_ms(raw, repeat))
        lib_ms.append(median_ms(lambda: shop.customers.evaluate(rule, NOW), repeat))
    print(f"# {customers} customers, {len(expected)} in the segment, {engine.dialect.name}")
    report("segment_eval_ms", statistics.median(lib_ms), statistics.median(raw_ms), 500.0)
    engine.dispose()
    shop.close()


if __name__ == "__main__":
    main()
