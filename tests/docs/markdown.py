"""The Sybil configuration that runs every Python example in README.md and docs/.

A ```` ```python ```` block runs as it stands, in order, sharing one namespace per page;
``>>>`` lines inside it are checked as doctests. A block that cannot run on purpose (it
needs a database server, or it is an excerpt of a larger program) carries the marker

    <!-- skip: next "fragment: why it cannot run" -->

right before it, and is reported as skipped with that reason. Each page runs in a fresh
temporary directory, so ``sqlite:///shop.db`` in an example never lands in the checkout.
"""

from __future__ import annotations

import doctest
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser, SkipParser

__all__ = ["FRAGMENT_PREFIX", "SYBIL"]

#: Every skip marker's reason starts with this, so a skipped block reads as a fragment.
FRAGMENT_PREFIX = "fragment:"

ROOT = Path(__file__).resolve().parents[2]
_CWD = "__docs_previous_cwd__"
_TMP = "__docs_tmp_dir__"


def _enter_tmp_dir(namespace: dict[str, Any]) -> None:
    namespace[_CWD] = os.getcwd()
    namespace[_TMP] = tempfile.mkdtemp(prefix="commerce-docs-")
    os.chdir(namespace[_TMP])


def _leave_tmp_dir(namespace: dict[str, Any]) -> None:
    for value in list(namespace.values()):
        close = getattr(value, "close", None)
        if type(value).__name__ == "Commerce" and callable(close):
            close()  # release SQLite files before removing them
    os.chdir(namespace[_CWD])
    shutil.rmtree(namespace[_TMP], ignore_errors=True)


SYBIL = Sybil(
    parsers=[
        PythonCodeBlockParser(
            doctest_optionflags=doctest.ELLIPSIS
            | doctest.NORMALIZE_WHITESPACE
            | doctest.IGNORE_EXCEPTION_DETAIL  # "InputError: ..." without the module path
        ),
        SkipParser(),
    ],
    path=str(ROOT),
    patterns=["README.md", "docs/*.md", "docs/*/*.md"],
    setup=_enter_tmp_dir,
    teardown=_leave_tmp_dir,
    name="docs",
)
