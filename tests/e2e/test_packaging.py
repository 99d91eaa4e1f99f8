"""A user installs only what they need: the bare wheel imports and runs on memory, and a
backend whose extra is missing says which extra to install."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

BARE = """
import importlib.util, sys
from commerce_core import Actor, Commerce, ConfigurationError
from commerce_core.catalog import CreateCategory

assert importlib.util.find_spec("sqlalchemy") is None, "sqlalchemy leaked into the core install"
shop = Commerce.from_url("memory://")
shop.execute(CreateCategory(name="Bare"), actor=Actor.staff("a"))
assert [n.name for n in shop.categories.tree()] == ["Bare"]
try:
    Commerce.from_url("postgresql://u@h/db")
except ConfigurationError as exc:
    assert "commerce-core[postgresql]" in str(exc), exc
else:
    raise AssertionError("expected ConfigurationError")
import commerce_core.serialization  # the edge needs only cattrs
print("bare install ok")
"""


def run(*args: str | Path) -> str:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_core_wheel_installs_and_runs_without_any_extra(tmp_path: Path) -> None:
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", tmp_path / "dist", ROOT)
    (wheel,) = (tmp_path / "dist").glob("commerce_core-*.whl")
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv)
    python = venv / "bin" / "python"
    run(python, "-m", "pip", "install", "-q", wheel)
    assert "bare install ok" in run(python, "-c", BARE)
    listed = run(python, "-m", "pip", "list", "--format=freeze").lower()
    assert "sqlalchemy" not in listed
    assert "cattrs" in listed
    # Without [cli] the script exists; it must say what to install, not crash on typer.
    cli = subprocess.run(
        [str(venv / "bin" / "commerce"), "categories", "tree"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert cli.returncode == 1
    assert "pip install 'commerce-core[cli]'" in cli.stderr
    assert "Traceback" not in cli.stderr
