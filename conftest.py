"""Collects the Python examples in README.md and docs/ as tests (configured in
tests/docs/markdown.py), so a doc example that stops working fails the suite."""

from __future__ import annotations

from tests.docs.markdown import SYBIL

pytest_collect_file = SYBIL.pytest()
