"""Regenerate the regression corpus: pricing cases and the breakdowns the engine gave them.

    python tests/unit/pricing/corpus/generate.py

The stored breakdowns were produced by main's engine *before* the 2026-11 throughput
rewrite (commit 8f3d394); ``test_regression_corpus.py`` checks the current engine still
gives them, byte for byte. Only regenerate when a change of results is intended, and say
so in the CHANGELOG.
"""

from __future__ import annotations

import gzip
import importlib
import json
import random
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from commerce_core import serialization  # noqa: E402
from commerce_core.pricing import PricingCase, PricingContext, RuleSet, price  # noqa: E402
from commerce_core.testing.pricing import carts, contexts, rules  # noqa: E402

OUT = Path(__file__).with_name("cases.json.gz")
TEMPLATES = ("k0", "k1", "k2", "k3")


def main(count: int = 3000) -> None:
    cases: list[PricingCase] = []

    @settings(
        max_examples=count,
        database=None,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(carts(max_lines=6), rules(max_rules=8, coupons=4), st.data())
    def collect(cart, rs, data):  # type: ignore[no-untyped-def]
        ctx = data.draw(contexts(TEMPLATES))
        if data.draw(st.integers(0, 5)) == 0:  # some carts with coupons selected by hand
            rng = random.Random(len(cases))
            chosen = tuple(h.id for h in ctx.coupons if rng.random() < 0.5)
            ctx = PricingContext(
                at=ctx.at,
                customer_tier=ctx.customer_tier,
                points=ctx.points,
                first_order=ctx.first_order,
                coupons=ctx.coupons,
                selected_coupons=chosen,
            )
        cases.append(PricingCase(cart, ctx, RuleSet(rs)))

    collect()
    bench = importlib.import_module("pricing")  # the benchmark's cart, rules and contexts

    cases.append(PricingCase(bench.cart(), bench.context(bench.THREE), bench.rules()))
    cases.append(PricingCase(bench.cart(), bench.context(bench.TEN), bench.rules(extra_coupons=6)))
    rows = []
    for case in cases:
        breakdown = price(case.cart, case.context, case.rules)
        rows.append(
            {
                "case": serialization.unstructure(case),
                "breakdown": serialization.unstructure(breakdown),
            }
        )
    with gzip.open(OUT, "wt", encoding="utf-8") as f:
        json.dump(rows, f, sort_keys=True, separators=(",", ":"))
    print(f"{len(rows)} cases written to {OUT}")


if __name__ == "__main__":
    main()
