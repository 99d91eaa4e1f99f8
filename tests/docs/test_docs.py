"""The docs keep up with the code: links resolve and every error code is documented."""

from __future__ import annotations

import re
from pathlib import Path

from tests.docs.markdown import FRAGMENT_PREFIX

import commerce_core.catalog
import commerce_core.customers
import commerce_core.inventory
import commerce_core.marketing
import commerce_core.pricing  # noqa: F401  (each import registers its context's errors)
from commerce_core.kernel.errors import CommerceError

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def _all_errors(cls: type[CommerceError]) -> list[type[CommerceError]]:
    out = [cls]
    for sub in cls.__subclasses__():
        out.extend(_all_errors(sub))
    return out


LINK = re.compile(r"\]\(([^)\s]+)\)")


def _slug(heading: str) -> str:
    """The anchor GitHub and mkdocs give an ASCII heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return re.sub(r"\s", "-", text)


def _anchors(doc: Path) -> set[str]:
    text = doc.read_text(encoding="utf-8")
    return {_slug(h) for h in re.findall(r"^#{1,6} (.+)$", text, re.M)}


def test_every_relative_link_resolves_to_a_file_inside_the_repository() -> None:
    broken = []
    for doc in DOCS:
        for link in LINK.findall(doc.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", link):  # https:, mailto:
                continue
            target, _, anchor = link.partition("#")
            path = (doc.parent / target).resolve() if target else doc
            where = f"{doc.relative_to(ROOT)} -> {link}"
            if link.startswith("/") or not path.is_relative_to(ROOT):
                broken.append(f"{where} (outside the repository)")
            elif not path.exists():
                broken.append(f"{where} (no such file)")
            elif anchor and path.suffix == ".md" and anchor not in _anchors(path):
                broken.append(f"{where} (no such heading)")
    assert broken == []


def test_no_page_names_a_file_by_an_absolute_path() -> None:
    found = [
        f"{doc.relative_to(ROOT)}: {match}"
        for doc in DOCS
        for match in re.findall(r"`(/[^`\s]+\.md)`", doc.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_every_skipped_example_is_marked_as_a_fragment_with_a_reason() -> None:
    markers = [
        (doc.relative_to(ROOT), line)
        for doc in DOCS
        for line in doc.read_text(encoding="utf-8").splitlines()
        if re.match(r"\s*<!--+\s*skip:", line)
    ]
    assert markers, "the docs have fragments; the pattern must find them"
    bad = [
        f"{doc}: {line}"
        for doc, line in markers
        if not re.match(rf'\s*<!-- skip: next "{FRAGMENT_PREFIX} [^"]+" -->$', line)
    ]
    assert bad == []


def test_python_examples_are_fenced_as_python_so_they_run() -> None:
    fences = [
        f"{doc.relative_to(ROOT)}: {lang}"
        for doc in DOCS
        for lang in re.findall(r"^\s*```(\S+)", doc.read_text(encoding="utf-8"), re.M)
        if lang.lower() in {"py", "python3", "pycon", "py3", "ipython"}
    ]
    assert fences == []


def test_the_quick_start_is_exactly_two_commands_and_ci_runs_the_second() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## Quick start\n(.*?)(?=^## )", readme, re.S | re.M)
    assert section
    block = re.findall(r"```sh\n(.*?)```", section.group(1), re.S)[0]
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == ["python3 noxfile.py -s demo", "python3 noxfile.py -s tests"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert '"$PYTHON" noxfile.py -s tests' in ci
    assert '"$PYTHON" noxfile.py -s typing lint docs' in ci
    assert "COMMERCE_TEST_BACKENDS=memory,sqlite,postgresql,mariadb" in ci


def test_the_test_database_variables_are_documented_where_the_readme_points() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/getting-started.md#running-the-tests" in readme
    guide = (ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8")
    section = guide.split("## Running the tests", 1)[1]
    for variable in (
        "COMMERCE_TEST_BACKENDS",
        "COMMERCE_TEST_POSTGRES_URL",
        "COMMERCE_TEST_MARIADB_URL",
    ):
        assert f"`{variable}`" in section, variable
        assert variable in (ROOT / "tests" / "backends.py").read_text(encoding="utf-8")


def test_the_readme_install_forms_work_today_and_mark_the_index_as_future() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    install = readme.split("## Install", 1)[1].split("\n## ", 1)[0]
    assert "pip install '.[postgresql,cli]'" in install
    assert "pip install './commerce_core[postgresql,cli]'" in install
    assert "pip install 'commerce-core[postgresql,cli] @ git+https://" in install
    assert "placeholder" in install
    assert "(future)" in install


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
