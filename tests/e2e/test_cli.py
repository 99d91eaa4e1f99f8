"""End-to-end tests of the ``commerce`` command line, on SQLite files as a user runs it."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from commerce_adapters.sqlalchemy import head_revision
from commerce_cli.demo import run_demo
from commerce_cli.main import app
from commerce_cli.session import safe_url
from commerce_core import Actor, Commerce
from commerce_core.catalog import CategoryId, CreateCategory, RenameCategory

PAST = datetime(2000, 1, 1, tzinfo=UTC)
ADMIN = Actor.staff("admin")


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    # The caller's environment must not choose the store or the actor for these tests.
    monkeypatch.delenv("COMMERCE_DB", raising=False)
    monkeypatch.delenv("COMMERCE_ACTOR", raising=False)
    return CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'shop.db'}"


@pytest.fixture
def shop(db: str) -> Iterator[Commerce]:
    """The same store the CLI uses, opened directly to arrange and to check."""
    with Commerce.from_url(db) as commerce:
        yield commerce


def invoke(runner: CliRunner, *args: str, code: int = 0, env: dict[str, str] | None = None) -> str:
    """Run the CLI and check its exit status; return stdout and stderr together."""
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == code, (result.output, result.exception)
    assert "Traceback" not in result.output
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), result.exception
    return result.output


def cli_json(runner: CliRunner, *args: str) -> object:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def create(runner: CliRunner, db: str, name: str, *options: str) -> CategoryId:
    out = invoke(runner, "categories", "create", name, "--db", db, "-q", *options)
    return CategoryId(out.strip())


# -- demo --------------------------------------------------------------------------------
def test_demo_builds_changes_and_prints_the_tree(runner: CliRunner, db: str) -> None:
    out = invoke(runner, "demo", "--db", db)

    for name in ("服装 Apparel", "男装 Menswear", "T恤 T-shirts", "手机 Phones", "笔记本 Laptops"):
        assert name in out
    assert "Notebook PCs" in out  # the rename step names the old name ...
    assert "category_cycle" in out
    assert "category_not_empty" in out
    assert "└──" in out  # a rich tree was printed
    with Commerce.from_url(db) as shop:
        forest = shop.categories.tree()
        assert [n.name for n in forest] == [
            "数码 Electronics",
            "服装 Apparel",
            "食品 Food & Grocery",
            "家居 Home & Living",
        ]
        computers = next(c for c in forest[0].children if c.name == "电脑 Computers")
        assert [c.name for c in computers.children] == [
            "笔记本 Laptops",
            "平板 Tablets",
            "显示器 Monitors",
        ]
        all_names = [node.name for top in forest for _, node in top.walk()]
        assert "笔记本电脑 Notebook PCs" not in all_names  # ... but the store has only the new
        assert len(all_names) == 23


def test_run_demo_works_on_any_commerce_including_memory() -> None:
    output = io.StringIO()
    with Commerce.from_url("memory://") as shop:
        result = run_demo(shop, Console(file=output, width=120), actor=ADMIN)
        tablets = shop.categories.get(result.ids["平板 Tablets"])
        assert tablets.path == ("数码 Electronics", "电脑 Computers", "平板 Tablets")
    assert result.refusals == ("category_cycle", "category_not_empty", "duplicate_sku_code")
    assert result.category_count == 23
    assert result.products == 300
    assert result.depth == 3
    assert "茶叶 Tea" in output.getvalue()


def test_demo_without_db_starts_fresh_in_the_current_directory(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    invoke(runner, "demo")
    invoke(runner, "demo")  # would refuse (or fail on duplicate names) if not fresh

    with Commerce.from_url("sqlite:///commerce-demo.db") as shop:
        assert len(shop.categories.tree()) == 4


def test_demo_refuses_a_given_store_that_has_categories_and_leaves_it_alone(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Even when the given URL is the demo's own default file, it is the user's: keep it.
    monkeypatch.chdir(tmp_path)
    url = "sqlite:///commerce-demo.db"
    with Commerce.from_url(url) as shop:
        mine = shop.execute(CreateCategory(name="My shop's own"), actor=ADMIN)

    out = invoke(runner, "demo", "--db", url, code=1)

    assert "configuration_error" in out
    with Commerce.from_url(url) as shop:
        assert [n.id for n in shop.categories.tree()] == [mine]


def test_demo_does_not_write_into_the_store_named_by_commerce_db(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    invoke(runner, "demo", env={"COMMERCE_DB": f"sqlite:///{tmp_path / 'prod.db'}"})

    assert not (tmp_path / "prod.db").exists()
    assert (tmp_path / "commerce-demo.db").exists()


def test_the_console_script_runs_the_demo(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("COMMERCE_DB", None)
    proc = subprocess.run(
        [sys.executable, "-m", "commerce_cli.main", "demo", "--db", f"sqlite:///{tmp_path}/d.db"],
        capture_output=True,
        encoding="utf-8",
        cwd=tmp_path,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "数码 Electronics" in proc.stdout
    assert "T恤 T-shirts" in proc.stdout
    assert "category_not_empty" in proc.stdout
    assert proc.stderr == ""


# -- categories --------------------------------------------------------------------------
def test_create_prints_the_id_and_tree_and_show_find_it(runner: CliRunner, db: str) -> None:
    apparel = create(runner, db, "服装 Apparel")
    out = invoke(runner, "categories", "create", "男装 Menswear", "--parent", apparel, "--db", db)
    menswear = CategoryId(out.split()[-1])
    assert "Created 男装 Menswear" in out

    tree = invoke(runner, "categories", "tree", "--db", db)
    assert "服装 Apparel" in tree
    assert apparel in tree
    assert menswear in tree
    assert cli_json(runner, "categories", "tree", "--db", db) == [
        {
            "id": apparel,
            "name": "服装 Apparel",
            "position": 0,
            "children": [{"id": menswear, "name": "男装 Menswear", "position": 0, "children": []}],
        }
    ]
    shown = invoke(runner, "categories", "show", menswear, "--db", db)
    assert "服装 Apparel › 男装 Menswear" in shown
    data = cli_json(runner, "categories", "show", menswear, "--db", db)
    assert data == {
        "id": menswear,
        "name": "男装 Menswear",
        "parent": apparel,
        "position": 0,
        "depth": 1,
        "path": ["服装 Apparel", "男装 Menswear"],
        "child_count": 0,
    }


def test_tree_of_an_empty_store_says_how_to_start(
    runner: CliRunner, db: str, shop: Commerce
) -> None:
    assert "categories create" in invoke(runner, "categories", "tree", "--db", db)


def test_list_pages_through_children_with_the_printed_cursor(runner: CliRunner, db: str) -> None:
    ids = [create(runner, db, name) for name in ("A", "B", "C")]

    first = cli_json(runner, "categories", "list", "--limit", "2", "--db", db)
    assert isinstance(first, dict)
    assert [i["id"] for i in first["items"]] == ids[:2]
    cursor = first["next_cursor"]
    assert isinstance(cursor, str)
    table = invoke(runner, "categories", "list", "--limit", "2", "--db", db)
    assert f"--after {cursor}" in table
    second = cli_json(runner, "categories", "list", "--limit", "2", "--after", cursor, "--db", db)
    assert second == {
        "items": [
            {
                "id": ids[2],
                "name": "C",
                "parent": None,
                "position": 2,
                "depth": 0,
                "path": ["C"],
                "child_count": 0,
            }
        ],
        "next_cursor": None,
    }


def test_list_shows_the_children_of_a_parent(runner: CliRunner, db: str) -> None:
    parent = create(runner, db, "数码 Electronics")
    phones = create(runner, db, "手机 Phones", "--parent", parent)
    create(runner, db, "Elsewhere")

    out = invoke(runner, "categories", "list", "--parent", parent, "--db", db)

    assert "数码 Electronics" in out  # the title
    assert phones in out
    assert "Elsewhere" not in out


def test_rename_move_reorder_and_delete_change_the_store(
    runner: CliRunner, db: str, shop: Commerce
) -> None:
    a = create(runner, db, "A")
    b = create(runner, db, "B")
    a1 = create(runner, db, "A1", "--parent", a)
    a2 = create(runner, db, "A2", "--parent", a)

    invoke(runner, "categories", "rename", a1, "A-one", "--db", db)
    assert shop.categories.get(a1).name == "A-one"

    invoke(runner, "categories", "move", a2, "--parent", b, "--db", db)
    assert shop.categories.get(a2).parent == b

    # --position alone keeps the parent (MoveCategory itself would read None as "top").
    a3 = create(runner, db, "A3", "--parent", a)
    invoke(runner, "categories", "move", a3, "--position", "0", "--db", db)
    assert [c.id for c in shop.categories.tree()[0].children] == [a3, a1]

    out = invoke(runner, "categories", "move", a2, "--top", "--position", "0", "--db", db)
    assert "position 0" in out
    assert [n.id for n in shop.categories.tree()] == [a2, a, b]

    out = invoke(runner, "categories", "reorder", b, a, a2, "--db", db)
    assert "B · A · A2" in out
    assert [n.id for n in shop.categories.tree()] == [b, a, a2]
    invoke(runner, "categories", "reorder", "--parent", a, a1, a3, "--db", db)
    assert [c.id for c in shop.categories.tree()[1].children] == [a1, a3]

    out = invoke(runner, "categories", "delete", a2, "--db", db)
    assert "Deleted A2" in out
    assert a2 not in [n.id for n in shop.categories.tree()]


def test_the_store_comes_from_commerce_db_and_the_actor_is_checked(
    runner: CliRunner, db: str, shop: Commerce
) -> None:
    invoke(runner, "categories", "create", "From env", env={"COMMERCE_DB": db})
    assert [n.name for n in shop.categories.tree()] == ["From env"]

    out = invoke(runner, "categories", "tree", "--db", db, env={"COMMERCE_ACTOR": " "}, code=1)
    assert "actor.id" in out


def test_names_are_printed_as_written_not_as_rich_markup(runner: CliRunner, db: str) -> None:
    create(runner, db, "[bold]Sale[/bold] 特价")

    assert "[bold]Sale[/bold] 特价" in invoke(runner, "categories", "tree", "--db", db)
    assert "[bold]Sale[/bold] 特价" in invoke(runner, "categories", "list", "--db", db)


# -- refusals ----------------------------------------------------------------------------
def test_deleting_a_category_with_children_exits_1_with_its_code(
    runner: CliRunner, db: str, shop: Commerce
) -> None:
    parent = create(runner, db, "服装 Apparel")
    create(runner, db, "男装 Menswear", "--parent", parent)

    out = invoke(runner, "categories", "delete", parent, "--db", db, code=1)

    assert "category_not_empty" in out
    assert "move or delete them first" in out
    assert len(shop.categories.tree()) == 1


@pytest.mark.parametrize(
    ("args", "code", "field"),
    [
        (["categories", "create", " padded"], "invalid_input", "name"),
        (["categories", "create", "x" * 65], "invalid_input", "name"),
        (["categories", "create", "X", "--position", "-1"], "invalid_input", "position"),
        (["categories", "list", "--limit", "0"], "invalid_input", "limit"),
        (["categories", "list", "--after", "not-a-cursor"], "invalid_input", "after"),
        (["categories", "show", "missing"], "category_not_found", "missing"),
        (["categories", "create", "X", "--parent", "missing"], "category_not_found", "missing"),
        (["categories", "rename", "missing", "Y"], "category_not_found", "missing"),
        (["categories", "delete", "missing"], "category_not_found", "missing"),
    ],
)
@pytest.mark.usefixtures("shop")  # the store exists: read-only commands refuse a missing file
def test_bad_input_and_unknown_ids_exit_1_naming_the_field(
    runner: CliRunner, db: str, args: list[str], code: str, field: str
) -> None:
    out = invoke(runner, *args, "--db", db, code=1)

    assert f"[{code}]" in out
    assert field in out


def test_domain_refusals_show_their_codes(runner: CliRunner, db: str) -> None:
    a = create(runner, db, "A")
    child = create(runner, db, "Child", "--parent", a)

    out = invoke(runner, "categories", "move", a, "--parent", child, "--db", db, code=1)
    assert "category_cycle" in out
    out = invoke(runner, "categories", "create", "a", "--db", db, code=1)
    assert "duplicate_category_name" in out
    out = invoke(runner, "categories", "reorder", child, "--db", db, code=1)
    assert "category_order_mismatch" in out


def test_move_without_a_destination_is_a_usage_error(runner: CliRunner, db: str) -> None:
    a = create(runner, db, "A")
    out = invoke(runner, "categories", "move", a, "--db", db, code=2)
    assert "nothing to do" in out


def test_errors_are_json_on_stderr_when_json_is_asked_for(
    runner: CliRunner, db: str, shop: Commerce
) -> None:
    result = runner.invoke(app, ["categories", "show", "missing", "--db", db, "--json"])

    assert result.exit_code == 1
    assert result.stdout == ""
    error = json.loads(result.stderr)["error"]
    assert error["code"] == "category_not_found"
    assert error["id"] == "missing"


def test_a_bad_url_is_a_configuration_error(runner: CliRunner) -> None:
    out = invoke(runner, "categories", "tree", "--db", "nonsense", code=1)
    assert "configuration_error" in out


# -- db ----------------------------------------------------------------------------------
def test_db_upgrade_then_current(runner: CliRunner, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    sqlite3.connect(tmp_path / "fresh.db").close()  # an empty database, never migrated

    out = invoke(runner, "db", "current", "--url", url, code=1)
    assert "not migrated yet" in out
    assert "db upgrade --url" in out

    out = invoke(runner, "db", "upgrade", "--url", url)
    assert head_revision() in out

    out = invoke(runner, "db", "current", "--url", url, "--check")
    assert head_revision() in out
    assert "up to date" in out


def test_db_upgrade_of_memory_is_refused(runner: CliRunner) -> None:
    out = invoke(runner, "db", "upgrade", "--url", "memory://", code=1)
    assert "configuration_error" in out


def test_db_current_hides_the_password(runner: CliRunner) -> None:
    out = invoke(runner, "db", "current", "--url", "postgresql://u:s3cret@127.0.0.1:1/x", code=1)
    assert "storage_unavailable" in out
    assert "s3cret" not in out


# -- worker ------------------------------------------------------------------------------
def test_worker_once_runs_due_jobs_and_reports_failures(
    runner: CliRunner, db: str, shop: Commerce
) -> None:
    system = Actor.system("test")
    shop.schedule(CreateCategory(name="Scheduled"), due_at=PAST, key="make-one", actor=system)
    shop.schedule(
        RenameCategory(category=CategoryId("missing"), name="Z"),
        due_at=PAST,
        key="rename-missing",
        actor=system,
    )

    out = invoke(runner, "worker", "--once", "--db", db, code=1)  # a timer failed

    assert "done 1, retried 0, failed 1" in out
    assert "rename-missing" in out
    assert "category_not_found" in out
    assert [n.name for n in shop.categories.tree()] == ["Scheduled"]
    assert "done 0, retried 0, failed 0" in invoke(runner, "worker", "--once", "--db", db)


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT")
def test_worker_loop_runs_jobs_and_stops_cleanly_on_ctrl_c(
    tmp_path: Path, db: str, shop: Commerce
) -> None:
    shop.schedule(
        CreateCategory(name="Looped"), due_at=PAST, key="loop", actor=Actor.system("test")
    )
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "commerce_cli.main", "worker", "--db", db, "--interval", "0.05"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        encoding="utf-8",
        cwd=tmp_path,
        env=env,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(2)]
        assert "Worker running" in lines[0]
        assert "done 1" in lines[1]
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Worker stopped" in rest
    assert "Traceback" not in err
    assert [n.name for n in shop.categories.tree()] == ["Looped"]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://shop:s3cret@db:5432/shop", "postgresql://shop:***@db:5432/shop"),
        ("mysql+pymysql://u:p@ss@h/x", "mysql+pymysql://u:***@h/x"),
        ("postgresql://shop@db/shop", "postgresql://shop@db/shop"),
        ("sqlite:///shop.db", "sqlite:///shop.db"),
        ("memory://", "memory://"),
    ],
)
def test_urls_are_printed_without_passwords(url: str, shown: str) -> None:
    assert safe_url(url) == shown


# -- read-only commands never create a database ----------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ["categories", "tree"],
        ["categories", "list"],
        ["categories", "show", "anything"],
        ["db", "current"],
        ["timers", "list"],
        ["timers", "failed"],
    ],
)
def test_read_only_commands_refuse_a_missing_file_naming_it_and_create_nothing(
    runner: CliRunner, tmp_path: Path, args: list[str]
) -> None:
    typo = tmp_path / "shpo.db"
    url = f"sqlite:///{typo}"

    out = invoke(runner, *args, "--db", url, code=1)

    assert "configuration_error" in out
    assert str(typo) in out
    assert "does not exist" in out
    assert list(tmp_path.iterdir()) == []


# -- categories named by path or name --------------------------------------------------
def test_parent_and_category_accept_a_path_or_a_unique_name(
    runner: CliRunner, db: str, shop: Commerce
) -> None:
    apparel = create(runner, db, "服装 Apparel")
    tees = create(runner, db, "T恤 T-shirts", "--parent", "服装 Apparel")
    polo = create(runner, db, "Polo", "--parent", "服装 Apparel/T恤 T-shirts")
    assert shop.categories.get(tees).parent == apparel
    assert shop.categories.get(polo).path == ("服装 Apparel", "T恤 T-shirts", "Polo")

    shown = cli_json(runner, "categories", "show", "服装 apparel/t恤 T-SHIRTS/polo", "--db", db)
    assert isinstance(shown, dict)
    assert shown["id"] == polo  # names compare ignoring case, like sibling names
    listed = cli_json(runner, "categories", "list", "--parent", "T恤 T-shirts", "--db", db)
    assert isinstance(listed, dict)
    assert [i["id"] for i in listed["items"]] == [polo]

    invoke(runner, "categories", "move", "Polo", "--top", "--db", db)
    invoke(runner, "categories", "rename", "Polo", "Polo 衫", "--db", db)
    invoke(runner, "categories", "reorder", "Polo 衫", "服装 Apparel", "--db", db)
    assert [n.name for n in shop.categories.tree()] == ["Polo 衫", "服装 Apparel"]
    invoke(runner, "categories", "delete", "Polo 衫", "--db", db)
    assert [n.id for n in shop.categories.tree()] == [apparel]


def test_an_ambiguous_name_lists_the_candidates_with_paths_and_ids(
    runner: CliRunner, db: str, shop: Commerce
) -> None:
    men = create(runner, db, "男装 Menswear")
    women = create(runner, db, "女装 Womenswear")
    men_tees = create(runner, db, "T恤 T-shirts", "--parent", men)
    women_tees = create(runner, db, "T恤 T-shirts", "--parent", women)

    out = invoke(
        runner, "categories", "create", "Polo", "--parent", "T恤 T-shirts", "--db", db, code=1
    )

    assert "[invalid_input]" in out
    assert "parent" in out
    assert "男装 Menswear/T恤 T-shirts" in out
    assert "女装 Womenswear/T恤 T-shirts" in out
    assert men_tees in out
    assert women_tees in out
    path = "女装 Womenswear/T恤 T-shirts"
    polo = create(runner, db, "Polo", "--parent", path)
    assert shop.categories.get(polo).parent == women_tees


def test_an_unknown_path_or_name_is_category_not_found(runner: CliRunner, db: str) -> None:
    create(runner, db, "服装 Apparel")
    out = invoke(runner, "categories", "show", "服装 Apparel/Nope", "--db", db, code=1)
    assert "category_not_found" in out
    assert "服装 Apparel/Nope" in out


# -- help ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ["categories", "tree"],
        ["categories", "create"],
        ["categories", "move"],
        ["db", "current"],
        ["worker"],
        ["timers", "list"],
    ],
)
def test_boolean_flags_do_not_show_a_bool_placeholder_in_help(
    runner: CliRunner, args: list[str]
) -> None:
    out = invoke(runner, *args, "--help")
    assert "<bool>" not in out
    assert "--" in out


# -- worker and timers -----------------------------------------------------------------
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ ")


def _schedule_a_failing_and_a_good_timer(shop: Commerce) -> None:
    system = Actor.system("test")
    shop.schedule(CreateCategory(name="Good"), due_at=PAST, key="good", actor=system)
    shop.schedule(
        RenameCategory(category=CategoryId("missing"), name="Z"),
        due_at=PAST,
        key="rename-missing",
        actor=system,
    )


def test_worker_lines_carry_utc_timestamps(runner: CliRunner, db: str, shop: Commerce) -> None:
    _schedule_a_failing_and_a_good_timer(shop)
    out = invoke(runner, "worker", "--once", "--db", db, code=1)
    lines = [line for line in out.splitlines() if line.strip()]
    assert lines
    assert all(STAMP.match(line) for line in lines), lines


def test_worker_once_exits_0_when_nothing_failed(
    runner: CliRunner, db: str, shop: Commerce
) -> None:
    shop.schedule(CreateCategory(name="Fine"), due_at=PAST, key="ok", actor=ADMIN)
    assert "done 1, retried 0, failed 0" in invoke(runner, "worker", "--once", "--db", db)


def test_timers_list_failed_show_and_retry_rearm_a_failed_timer(
    runner: CliRunner, db: str, shop: Commerce
) -> None:
    _schedule_a_failing_and_a_good_timer(shop)
    shop.schedule(
        CreateCategory(name="Later"),
        due_at=datetime(2999, 1, 1, tzinfo=UTC),
        key="later",
        actor=ADMIN,
    )
    invoke(runner, "worker", "--once", "--db", db, code=1)

    out = invoke(runner, "timers", "list", "--db", db)
    assert "1 pending (0 due now), 1 failed" in out
    assert "rename-missing" in out
    assert "timers retry KEY" in out
    failed = cli_json(runner, "timers", "failed", "--db", db)
    assert isinstance(failed, list)
    assert [(t["key"], t["status"], t["attempts"]) for t in failed] == [
        ("rename-missing", "failed", 1)
    ]
    assert "category_not_found" in failed[0]["last_error"]
    assert "catalog.rename_category" in invoke(runner, "timers", "failed", "--db", db)
    assert "rename-missing" in invoke(runner, "timers", "show", "rename-missing", "--db", db)

    # Make the command succeed this time, then re-arm it.
    missing = shop.execute(CreateCategory(name="Was missing"), actor=ADMIN)
    shop.schedule(
        RenameCategory(category=missing, name="Z"), due_at=PAST, key="rename-ok", actor=ADMIN
    )
    invoke(runner, "worker", "--once", "--db", db)
    out = invoke(runner, "timers", "retry", "rename-missing", "--db", db)
    assert "Re-armed rename-missing" in out
    timer = shop.scheduled("rename-missing")
    assert timer is not None
    assert (timer.status, timer.attempts, timer.last_error) == ("pending", 0, None)
    assert timer.actor == Actor.system("test")
    assert "no failed timers" in invoke(runner, "timers", "failed", "--db", db).lower()
    out = invoke(runner, "worker", "--once", "--db", db, code=1)  # still refers to "missing"
    assert "failed 1" in out


def test_timers_retry_refuses_a_pending_or_unknown_timer(
    runner: CliRunner, db: str, shop: Commerce
) -> None:
    shop.schedule(CreateCategory(name="X"), due_at=PAST, key="pending-one", actor=ADMIN)
    out = invoke(runner, "timers", "retry", "pending-one", "--db", db, code=1)
    assert "[invalid_input]" in out
    assert "only a failed timer" in out
    out = invoke(runner, "timers", "retry", "no-such-key", "--db", db, code=1)
    assert "[not_found]" in out
    assert "no-such-key" in out


# -- the demo's next step ----------------------------------------------------------------
def test_the_demo_hint_is_a_command_that_works_as_printed(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out = invoke(runner, "demo")
    (hint,) = re.findall(r"Next: (.+)", out)
    words = hint.split()
    assert words[0] == "commerce"
    tree = invoke(runner, *words[1:])
    assert "数码 Electronics" in tree

    out = invoke(runner, "demo", env={"COMMERCE_PROG": "python3 noxfile.py -s commerce --"})
    assert "Next: python3 noxfile.py -s commerce -- categories tree --db " in out


# -- customers ---------------------------------------------------------------------------
def test_customers_commands_read_what_the_demo_made(runner: CliRunner, db: str) -> None:
    invoke(runner, "demo", "--db", db)
    listed = cli_json(runner, "customers", "list", "--db", db)
    assert isinstance(listed, dict)
    ids = [c["id"] for c in listed["items"]]
    assert len(ids) == 3
    shown = cli_json(runner, "customers", "show", ids[0], "--db", db)
    assert isinstance(shown, dict)
    assert shown["wallet"] == {"amount": "470.00", "currency": "CNY"}
    out = invoke(runner, "customers", "points", ids[0], "--db", db)
    assert "Open lots, spent oldest first" in out
    wallet = cli_json(runner, "customers", "wallet", ids[0], "--db", db)
    assert isinstance(wallet, dict)
    assert [e["kind"] for e in wallet["entries"]][:3] == ["top_up", "top_up_bonus", "payment"]
    segments = cli_json(runner, "customers", "segments", "--db", db)
    assert isinstance(segments, list)
    assert len(segments) == 3
    assert "VIP" in invoke(runner, "customers", "segments", "--db", db)
    out = invoke(runner, "customers", "show", "nobody", "--db", db, code=1)
    assert "customer_not_found" in out


def test_the_demo_members_earn_redeem_move_up_and_fall_into_segments() -> None:
    output = io.StringIO()
    with Commerce.from_url("memory://") as shop:
        result = run_demo(shop, Console(file=output, width=120), actor=ADMIN)
    members = result.customers
    assert members is not None
    assert list(members.tiers.values()) == ["gold", "silver", "regular"]
    assert members.refusals == ("insufficient_wallet_balance",)
    assert all(members.segments.values())
    assert "会员 Members" in output.getvalue()
