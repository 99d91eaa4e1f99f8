"""Development sessions. On a fresh machine with only Python 3.11+, run this file directly:

    python3 noxfile.py -s demo      # the back-office demo on the embedded SQLite default
    python3 noxfile.py -s commerce -- categories tree --db sqlite:///commerce-demo.db
    python3 noxfile.py -s tests     # the test suite (COMMERCE_TEST_BACKENDS picks backends)

Run that way, the file first makes itself a small virtualenv with nox in it (.nox/_bootstrap)
and hands over to nox; with nox already installed, plain ``nox -s tests`` works too.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
BOOTSTRAP = ROOT / ".nox" / "_bootstrap"


def _bootstrap() -> None:
    """Re-run this file under a virtualenv that has nox, creating it once if needed."""
    try:
        import nox  # noqa: F401
    except ModuleNotFoundError:
        python = BOOTSTRAP / "bin" / "python"
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(BOOTSTRAP)], check=True)
            subprocess.run(
                [str(python), "-m", "pip", "install", "-q", "--upgrade", "pip", "nox>=2024.4.15"],
                check=True,
            )
        os.execv(str(python), [str(python), str(ROOT / "noxfile.py"), *sys.argv[1:]])


if __name__ == "__main__":
    _bootstrap()

import nox  # noqa: E402

nox.options.sessions = ["tests", "typing", "lint", "docs"]
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True

DEV = ".[dev]"
TYPED_PATHS = ["src", "adapters", "examples", "tests", "benchmarks", "noxfile.py", "conftest.py"]


@nox.session
def tests(session: nox.Session) -> None:
    """The whole suite on the backends named in COMMERCE_TEST_BACKENDS (default memory,sqlite)."""
    session.install("-e", DEV)  # the suite also checks that the import-linter contracts bite
    backends = os.environ.get("COMMERCE_TEST_BACKENDS", "memory,sqlite")
    session.log(f"backends: {backends}")
    session.run("pytest", *session.posargs, env={"COMMERCE_TEST_BACKENDS": backends})


@nox.session
def typing(session: nox.Session) -> None:
    """mypy --strict over the library, adapters, tests, examples, benchmarks and this file."""
    session.install("-e", DEV)
    session.run("mypy", *TYPED_PATHS)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (lint and format) and the import-linter layer contracts."""
    session.install("-e", DEV)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("lint-imports")


@nox.session
def docs(session: nox.Session) -> None:
    """Check the docs and build the site: every Python example in README.md and docs/ runs
    (Sybil), links resolve, every error code is documented, and the site with its API
    reference builds with ``mkdocs build --strict`` (into a temporary directory)."""
    session.install("-e", ".[dev,docs]")
    session.run(
        "pytest", "-q", "tests/docs", "README.md", "docs", env={"COMMERCE_TEST_BACKENDS": "memory"}
    )
    with tempfile.TemporaryDirectory(prefix="commerce-site-") as site:
        session.run(
            "mkdocs", "build", "--strict", "--site-dir", site, env={"NO_MKDOCS_2_WARNING": "1"}
        )


#: How the CLI's hints spell a command run through the ``commerce`` session below, so that
#: the demo's "Next: ..." line is a command that works as printed.
COMMERCE_PROG = "python3 noxfile.py -s commerce --"
CLI = ".[cli]"


@nox.session
def demo(session: nox.Session) -> None:
    """The back-office demo on the embedded SQLite default (a fresh commerce-demo.db)."""
    session.install("-e", CLI)
    session.run("commerce", "demo", *session.posargs, env={"COMMERCE_PROG": COMMERCE_PROG})


@nox.session
def commerce(session: nox.Session) -> None:
    """The ``commerce`` CLI; arguments after ``--`` go to it (``-- categories tree``)."""
    session.install("-e", CLI)
    session.run("commerce", *(session.posargs or ["--help"]), env={"COMMERCE_PROG": COMMERCE_PROG})


@nox.session
def bench(session: nox.Session) -> None:
    """Every benchmark in benchmarks/ (pass --quick for a short run, --url for a database)."""
    session.install("-e", ".[all]")
    for script in sorted((ROOT / "benchmarks").glob("*.py")):
        if not script.name.startswith("_"):
            session.run("python", str(script), *session.posargs)


if __name__ == "__main__":
    os.chdir(ROOT)
    if not any(a in ("-f", "--noxfile") or a.startswith("--noxfile=") for a in sys.argv[1:]):
        sys.argv[1:1] = ["-f", str(ROOT / "noxfile.py")]
    nox.main()
