"""A wrong URL, option or missing driver is a ConfigurationError that says what to do.

Missing drivers are simulated by blocking their import (``sys.modules[name] = None``), so
these tests need no uninstall and run on any machine.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from commerce_cli.main import app
from commerce_core import Commerce, ConfigurationError, SchemaOutdated

ROOT = Path(__file__).resolve().parents[2]

MISSING_DRIVERS = [
    ("mysql://shop@127.0.0.1/shop", "pymysql", "pip install 'commerce-core[mysql]'"),
    ("mariadb://shop@127.0.0.1/shop", "pymysql", "pip install 'commerce-core[mysql]'"),
    ("postgresql://shop@127.0.0.1/shop", "psycopg", "pip install 'commerce-core[postgresql]'"),
]


@pytest.mark.parametrize(("url", "module", "hint"), MISSING_DRIVERS)
def test_a_missing_driver_names_the_extra_to_install(
    monkeypatch: pytest.MonkeyPatch, url: str, module: str, hint: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)

    with pytest.raises(ConfigurationError) as caught:
        Commerce.from_url(url)

    assert hint in caught.value.message
    assert caught.value.code == "configuration_error"


@pytest.mark.parametrize(("url", "module", "hint"), MISSING_DRIVERS)
def test_the_cli_shows_a_missing_driver_in_one_line(
    monkeypatch: pytest.MonkeyPatch, url: str, module: str, hint: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    monkeypatch.delenv("COMMERCE_DB", raising=False)

    result = CliRunner().invoke(app, ["categories", "tree", "--db", url])

    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "[configuration_error]" in lines[0]
    assert hint in lines[0]


SQLALCHEMY_MISSING = """
import sys
sys.modules["sqlalchemy"] = None  # as if installed without the sqlalchemy extra
from commerce_core import Commerce, ConfigurationError, SchemaOutdated
for url, extra in [
    ("sqlite:///never.db", "sqlalchemy"),
    ("postgresql://u@h/db", "postgresql"),
    ("mysql://u@h/db", "mysql"),
]:
    try:
        Commerce.from_url(url)
    except ConfigurationError as exc:
        assert f"pip install 'commerce-core[{extra}]'" in str(exc), exc
    else:
        raise AssertionError(url)
print("ok")
"""


def test_any_sql_url_without_sqlalchemy_names_the_extra(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SQLALCHEMY_MISSING],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
    assert not (tmp_path / "never.db").exists()


@pytest.mark.parametrize(
    ("url", "options", "words"),
    [
        ("sqlite+nodriver:///x.db", {}, "unknown driver 'nodriver'"),
        ("postgresql+bogus://u@127.0.0.1/db", {}, "unknown driver 'bogus'"),
        ("postgresql://u:pw@127.0.0.1:notaport/db", {}, "not a database URL"),
        ("postgresql+asyncpg://u@127.0.0.1/db", {}, "asyncio driver 'asyncpg'"),
        ("postgresql+psycopg_async://u@127.0.0.1/db", {}, "asyncio driver"),
        ("sqlite://", {"pool_sizee": 5}, "pool_sizee"),
        ("postgresql://u@127.0.0.1/db", {"no_such_option": 1}, "no_such_option"),
    ],
)
def test_bad_urls_and_options_are_configuration_errors(
    url: str, options: dict[str, Any], words: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Commerce.from_url(url, **options)

    assert words in caught.value.message
    assert "pw" not in caught.value.message  # a password is never echoed


@pytest.mark.parametrize(
    "url",
    [
        "sqlite+nodriver:///x.db",
        "postgresql+bogus://u@127.0.0.1/db",
        "postgresql://u@127.0.0.1:notaport/db",
        "postgresql+asyncpg://u@127.0.0.1/db",
    ],
)
def test_the_cli_shows_a_bad_url_in_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, url: str
) -> None:
    monkeypatch.delenv("COMMERCE_DB", raising=False)
    monkeypatch.chdir(tmp_path)

    result = CliRunner().invoke(app, ["categories", "tree", "--db", url])

    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "[configuration_error]" in lines[0]
    assert list(tmp_path.iterdir()) == []


def test_an_unmigrated_database_says_not_migrated_yet(tmp_path: Path) -> None:
    sqlite3.connect(tmp_path / "empty.db").close()

    with pytest.raises(SchemaOutdated) as caught:
        Commerce.from_url(f"sqlite:///{tmp_path / 'empty.db'}", migrate=False)

    assert "not migrated yet" in caught.value.message
    assert "commerce db upgrade" in caught.value.message
