"""import-linter really guards the pure core: a deliberate bad import breaks the lint."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(str(tree / p) for p in ("src", "adapters", "examples")),
    }
    lint = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(lint), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_importing_sqlalchemy_in_a_domain_module_fails_the_lint(tmp_path: Path) -> None:
    for part in ("src", "adapters", "examples"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    clean = _lint(tmp_path)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    model = tmp_path / "src" / "commerce_core" / "catalog" / "model.py"
    model.write_text(model.read_text(encoding="utf-8") + "\nimport sqlalchemy\n", encoding="utf-8")
    broken = _lint(tmp_path)
    assert broken.returncode != 0
    assert (
        "The domain and app layers import no adapter, driver, framework or test tool BROKEN"
        in broken.stdout
    )
