"""Development sessions. On a fresh machine with only Python 3.11+, run this file directly:

    python3 noxfile.py -s demo      # the back-office demo on the embedded SQLite default
    python3 noxfile.py -s commerce -- categories tree --db sqlite:///commerce-demo.db
    python3 noxfile.py -s tests     # the test suite (COMMERCE_TEST_BACKENDS picks backends)

Run that way, the file first makes itself a small virtualenv with nox in it (.nox/_bootstrap)
and hands over to nox; with nox already installed, plain ``nox -s tests`` works too.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
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


# -- mutation testing (docs/testing/mutation.md) -------------------------------------------
MUTMUT = "mutmut==3.8.1"
#: mutmut 3 only maps ``src/<package>`` to module names, so each package is staged there.
PACKAGE_DIRS = {
    "src/commerce_core": "src/commerce_core",
    "adapters/commerce_adapters": "src/commerce_adapters",
    "examples/commerce_cli": "src/commerce_cli",
}
#: The tests that exercise each file; a mutant only runs the tests that reach its function,
#: and a narrow selection also keeps the one-off statistics run short.
MUTATION_TESTS = {
    "src/commerce_core/kernel/": ["tests/unit/kernel", "tests/regressions/test_kernel_defects.py"],
    "src/commerce_core/serialization.py": [
        "tests/unit/kernel",
        "tests/regressions/test_kernel_defects.py",
    ],
    "src/commerce_core/catalog/model.py": [
        "tests/unit/catalog",
        "tests/use_cases",
        "tests/regressions",
    ],
    "src/commerce_core/app/": ["tests/use_cases", "tests/regressions"],
    "adapters/commerce_adapters/": [
        "tests/contract",
        "tests/adapters",
        "tests/use_cases",
        "tests/sql",
        "tests/regressions",
    ],
}
MUTATION_STAGE = ROOT / ".mutation"


def _toml_value(value: object) -> str:
    # JSON arrays of strings, strings, numbers and booleans are valid TOML as written.
    return json.dumps(value)


def _stage_for_mutation(targets: list[str], tests: list[str]) -> list[str]:
    """Copy the packages into ``.mutation/src`` with a mutmut config naming the targets."""
    if MUTATION_STAGE.exists():
        shutil.rmtree(MUTATION_STAGE)  # a fresh run: no verdict is reused from older code
    (MUTATION_STAGE / "src").mkdir(parents=True)
    for source, staged in PACKAGE_DIRS.items():
        shutil.copytree(ROOT / source, MUTATION_STAGE / staged, ignore=_IGNORED)
    shutil.copytree(ROOT / "tests", MUTATION_STAGE / "tests", ignore=_IGNORED)
    staged_targets = []
    for target in targets:
        for source, staged in PACKAGE_DIRS.items():
            if target.startswith(source + "/"):
                staged_targets.append(staged + target[len(source) :])
                break
        else:
            raise ValueError(f"{target} is not under {', '.join(PACKAGE_DIRS)}")
    config = {
        "source_paths": ["src"],
        "only_mutate": staged_targets,
        "pytest_add_cli_args_test_selection": tests,
        "pytest_add_cli_args": ["-p", "no:cacheprovider"],
        "process_isolation": "forkserver",
    }
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    pyproject += "\n[tool.mutmut]\n" + "".join(
        f"{key} = {_toml_value(value)}\n" for key, value in config.items()
    )
    (MUTATION_STAGE / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    return staged_targets


_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", ".pytest_cache")


@nox.session
def mutation(session: nox.Session) -> None:
    """Mutation-test the files given as arguments (mutmut, memory and SQLite backends).

    ``nox -s mutation -- src/commerce_core/kernel/money.py [--tests tests/unit/kernel ...]``
    prints the score and every surviving mutant. Not part of CI: it takes minutes per file.
    MUTATION_JOBS sets the number of parallel workers (default 2).
    """
    args = list(session.posargs)
    tests: list[str] = []
    if "--tests" in args:
        at = args.index("--tests")
        tests, args = args[at + 1 :], args[:at]
    if not args:
        session.error(
            "name the files to mutate: nox -s mutation -- src/commerce_core/kernel/money.py"
        )
    targets = [Path(a).resolve().relative_to(ROOT).as_posix() for a in args]
    if not tests:
        for target in targets:
            for prefix, selection in MUTATION_TESTS.items():
                if target.startswith(prefix):
                    tests += [t for t in selection if t not in tests]
                    break
            else:
                tests = ["tests"]
                break
    session.install("-e", DEV, MUTMUT)
    env = {
        "COMMERCE_TEST_BACKENDS": "memory,sqlite",
        "HYPOTHESIS_PROFILE": "ci",  # derandomized: a verdict does not depend on luck
    }
    jobs = os.environ.get("MUTATION_JOBS", "2")
    with (ROOT / ".nox" / "mutation.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            session.error("another mutation run is using .mutation/ in this tree; wait for it")
        staged = _stage_for_mutation(targets, tests)
        session.log(f"mutating {', '.join(targets)} against {' '.join(tests)}")
        with session.chdir(MUTATION_STAGE):
            session.run("mutmut", "run", "--max-children", jobs, env=env, silent=True)
            _report_mutation(session, staged, targets)


#: mutmut's exit codes per mutant (mutmut/stats.py); a timeout is a kill, "no tests" is not.
KILLED_CODES = {1, 3, 36, 24, -24, 152, 255}
UNCHECKED_CODES = {None, 34}
EQUIVALENTS = ROOT / "docs" / "testing" / "mutation-equivalents.toml"


def _changed_lines(diff: str) -> tuple[str, str]:
    """The removed and added lines of a mutant's diff, whitespace-normalised."""

    def pick(sign: str) -> str:
        return " | ".join(
            " ".join(line[1:].split())
            for line in diff.splitlines()
            if line.startswith(sign) and not line.startswith(sign * 3)
        )

    return pick("-"), pick("+")


def _function_of(mutant: str) -> str:
    """``Money.__ge__`` from a mutmut name such as ``money.xǁMoneyǁ__ge____mutmut_3``."""
    key = mutant.rsplit(".", 1)[-1].rsplit("__mutmut_", 1)[0]
    if key.startswith("xǁ"):
        return key[2:].replace("ǁ", ".", 1)
    return key.removeprefix("x_")


_STATUS: dict[int | None, str] = {0: "survived", 5: "no tests", 33: "no tests"}
#: Runs in the session's venv: every survivor's diff in one process (``mutmut show`` is one each).
_DIFFS = """
import json, sys
from mutmut.mutation.diff_apply import get_diff_for_mutant
path, names = sys.argv[1], sys.argv[2:]
print(json.dumps({name: get_diff_for_mutant(name, path=path) for name in names}))
"""


def _diffs(session: nox.Session, path: str, names: list[str]) -> dict[str, str]:
    if not names:
        return {}
    out = session.run("python", "-c", _DIFFS, path, *names, silent=True, log=False)
    found: dict[str, str] = json.loads(str(out).strip().splitlines()[-1])
    return found


def _report_mutation(session: nox.Session, staged: list[str], targets: list[str]) -> None:
    """Print the score per file, survivors with their diffs, and documented equivalents."""
    import tomllib

    documented = tomllib.loads(EQUIVALENTS.read_text(encoding="utf-8")).get("equivalent", [])
    for staged_path, target in zip(staged, targets, strict=True):
        meta = json.loads((MUTATION_STAGE / "mutants" / f"{staged_path}.meta").read_text())
        codes: dict[str, int | None] = meta["exit_code_by_key"]
        checked = {k: c for k, c in codes.items() if c not in UNCHECKED_CODES}
        killed = sum(1 for c in checked.values() if c in KILLED_CODES)
        survivors = sorted(k for k, c in checked.items() if c not in KILLED_CODES)
        known = {
            (e["function"], " ".join(e["before"].split()), " ".join(e["after"].split()))
            for e in documented
            if e["file"] == target
        }
        equivalent: list[str] = []
        diffs = _diffs(session, staged_path, survivors)
        for name in survivors:
            diff = f"# {name}: {_STATUS.get(checked[name], 'survived')}\n{diffs[name]}"
            function = _function_of(name)
            if (function, "*", "*") in known or (function, *_changed_lines(diffs[name])) in known:
                equivalent.append(name)
                continue
            print(diff.rstrip() + "\n")
        total = len(checked)
        raw = 100.0 * killed / total if total else 100.0
        honest_total = total - len(equivalent)
        honest = 100.0 * killed / honest_total if honest_total else 100.0
        session.log(
            f"{target}: {raw:.1f}% ({killed} killed of {total}); "
            f"{honest:.1f}% excluding {len(equivalent)} documented equivalents; "
            f"{len(survivors) - len(equivalent)} survivors shown above"
        )


if __name__ == "__main__":
    os.chdir(ROOT)
    if not any(a in ("-f", "--noxfile") or a.startswith("--noxfile=") for a in sys.argv[1:]):
        sys.argv[1:1] = ["-f", str(ROOT / "noxfile.py")]
    nox.main()
