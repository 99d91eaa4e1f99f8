"""The README's embedding example runs as written, and its Quick start stays two commands."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, re.S | re.M)
    assert match, f"README has no '## {title}' section"
    return match.group(1)


def test_the_embedding_example_runs() -> None:
    (code,) = re.findall(r"```python\n(.*?)```", _section("Embedding"), re.S)
    exec(compile(code, "README.md#embedding", "exec"), {"__name__": "readme"})


def test_the_quick_start_is_exactly_two_commands() -> None:
    (block,) = re.findall(r"```sh\n(.*?)```", _section("Quick start"), re.S)
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == ["python3 noxfile.py -s demo", "python3 noxfile.py -s tests"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert '"$PYTHON" noxfile.py -s tests' in ci
    assert "COMMERCE_TEST_BACKENDS=memory,sqlite,postgresql,mariadb" in ci
