"""Differential test: the engine still gives every stored case the breakdown that main's
engine gave it before the throughput rewrite (``corpus/cases.json.gz``, made by
``corpus/generate.py``): generated carts, rules and contexts (coupons chosen automatically
and by hand), and the benchmark's own cart with 3 and with 10 held coupons."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from commerce_core import serialization
from commerce_core.pricing import PricingCase, price

CORPUS = Path(__file__).with_name("corpus") / "cases.json.gz"


def _rows() -> list[dict[str, Any]]:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        rows: list[dict[str, Any]] = json.load(f)
    return rows


ROWS = _rows()


def test_the_corpus_is_large_and_varied() -> None:
    assert len(ROWS) >= 3000
    chosen = {len(r["breakdown"]["coupons"]["chosen"]) for r in ROWS}
    assert {0, 1, 2} <= chosen
    assert any(r["breakdown"]["rejected"] for r in ROWS)
    assert any(r["breakdown"]["hints"] for r in ROWS)
    assert any(r["case"]["context"]["selected_coupons"] is not None for r in ROWS)


@pytest.mark.parametrize("start", range(0, len(ROWS), 250))
def test_every_stored_case_prices_exactly_as_before(start: int) -> None:
    for n, row in enumerate(ROWS[start : start + 250], start):
        case = serialization.structure(row["case"], PricingCase)
        got = serialization.unstructure(price(case.cart, case.context, case.rules))
        assert got == row["breakdown"], f"case {n} prices differently"
