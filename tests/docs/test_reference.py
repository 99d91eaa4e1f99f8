"""The API reference covers every public module, and every page is in the site's navigation;
``mkdocs build --strict`` (the docs session) then fails on any target that breaks."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import commerce_adapters
import commerce_core

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "docs" / "reference"
PUBLIC_MODULES = (
    "commerce_core",
    "commerce_core.kernel",
    "commerce_core.catalog",
    "commerce_core.app",
    "commerce_core.serialization",
    "commerce_core.testing",
    "commerce_core.testing.strategies",
    "commerce_core.testing.contracts",
    "commerce_adapters.memory",
    "commerce_adapters.sqlalchemy",
    "commerce_core.inventory",
    "commerce_core.testing.inventory",
    "commerce_core.testing.customer_contracts",
    "commerce_core.testing.product_contracts",
    "commerce_core.testing.pricing",
    "commerce_core.testing.marketing",
    "commerce_adapters.files",
)


def _packages() -> set[str]:
    """Every package of the library and its adapters: a context or adapter package that
    lands without a reference page fails here."""
    return {
        info.name
        for root in (commerce_core, commerce_adapters)
        for info in pkgutil.iter_modules(root.__path__, f"{root.__name__}.")
        if info.ispkg and not info.name.endswith(".migrations")
    }


def _targets() -> list[str]:
    return [
        target
        for page in sorted(REFERENCE.glob("*.md"))
        for target in re.findall(r"^::: ([\w.]+)", page.read_text(encoding="utf-8"), re.M)
    ]


def test_every_public_module_has_a_reference_entry() -> None:
    assert sorted((set(PUBLIC_MODULES) | _packages()) - set(_targets())) == []


def test_every_reference_target_imports() -> None:
    for target in _targets():
        importlib.import_module(target)


def test_every_page_is_in_the_site_navigation_and_the_build_is_strict_and_offline() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    pages = sorted(p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md"))
    missing = [page for page in pages if page not in config]
    assert missing == []
    assert re.search(r"^strict: true$", config, re.M)
    assert re.search(r"^\s+font: false", config, re.M)
    noxfile = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    assert '"mkdocs", "build", "--strict"' in noxfile
