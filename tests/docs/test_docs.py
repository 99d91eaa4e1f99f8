"""The docs keep up with the code: links resolve and every error code is documented."""

from __future__ import annotations

import re
from pathlib import Path

import commerce_core.catalog  # noqa: F401  (registers the catalog's errors)
from commerce_core import pricing as _pricing  # noqa: F401  (registers the pricing errors)
from commerce_core.kernel.errors import CommerceError

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def _all_errors(cls: type[CommerceError]) -> list[type[CommerceError]]:
    out = [cls]
    for sub in cls.__subclasses__():
        out.extend(_all_errors(sub))
    return out


def test_relative_links_point_at_files_that_exist() -> None:
    broken = []
    for doc in DOCS:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", doc.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            if not (doc.parent / target).exists():
                broken.append(f"{doc.relative_to(ROOT)} -> {target}")
    assert broken == []


def test_every_error_code_is_documented() -> None:
    text = "\n".join(d.read_text(encoding="utf-8") for d in DOCS)
    codes = {cls.code for cls in _all_errors(CommerceError)}
    missing = sorted(c for c in codes if f"`{c}`" not in text)
    assert missing == []


def test_there_is_a_decision_record_for_each_foundation_choice() -> None:
    records = sorted(p.name for p in (ROOT / "docs" / "decisions").glob("*.md"))
    assert len(records) >= 5
    for record in records:
        assert re.match(r"\d{4}-[a-z0-9-]+\.md$", record), record
