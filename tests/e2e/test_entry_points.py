"""How a user reaches the CLI: the console script, and the nox sessions of a checkout."""

from __future__ import annotations

import functools
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from commerce_cli import launcher

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("module", ["typer", "rich"])
def test_the_console_script_without_the_cli_extra_names_it_and_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], module: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)

    with pytest.raises(SystemExit) as exited:
        launcher.main()

    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "pip install 'commerce-core[cli]'" in err
    assert f"missing module: {module}" in err


def test_the_console_script_points_at_the_launcher() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'commerce = "commerce_cli.launcher:main"' in pyproject


class FakeSession:
    """Records what a nox session would install and run."""

    def __init__(self, posargs: list[str]) -> None:
        self.posargs = posargs
        self.installed: list[tuple[str, ...]] = []
        self.ran: list[tuple[tuple[str, ...], dict[str, Any]]] = []

    def install(self, *args: str) -> None:
        self.installed.append(args)

    def run(self, *args: str, **kwargs: Any) -> None:
        self.ran.append((args, kwargs))


@functools.cache  # nox registers sessions by name: load the file once
def _noxfile() -> ModuleType:
    spec = importlib.util.spec_from_file_location("project_noxfile", ROOT / "noxfile.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _session(module: ModuleType, name: str) -> Callable[[FakeSession], None]:
    function: Callable[[FakeSession], None] = getattr(module, name)
    return function


def test_the_commerce_session_forwards_its_arguments_to_the_cli() -> None:
    noxfile = _noxfile()
    session = FakeSession(["categories", "tree", "--db", "sqlite:///commerce-demo.db"])

    _session(noxfile, "commerce")(session)

    assert any("[cli]" in arg for args in session.installed for arg in args)
    ((args, kwargs),) = session.ran
    assert args == ("commerce", "categories", "tree", "--db", "sqlite:///commerce-demo.db")
    assert kwargs["env"]["COMMERCE_PROG"] == noxfile.COMMERCE_PROG


def test_the_demo_session_makes_the_hint_name_the_commerce_session() -> None:
    noxfile = _noxfile()
    session = FakeSession([])

    _session(noxfile, "demo")(session)

    ((args, kwargs),) = session.ran
    assert args == ("commerce", "demo")
    assert kwargs["env"]["COMMERCE_PROG"] == "python3 noxfile.py -s commerce --"
