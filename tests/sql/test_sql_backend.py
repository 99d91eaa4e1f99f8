"""What only the SQL backend has: migrations, URLs, money columns, error translation, restarts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from tests.backends import Backend, SqlBackend

from commerce_adapters.sqlalchemy import (
    create_engine,
    current_revision,
    head_revision,
    metadata,
    money_columns,
    money_from_row,
    money_to_row,
    normalize_url,
)
from commerce_adapters.sqlalchemy.errors import translate
from commerce_core import Actor, Commerce, ConfigurationError, Money
from commerce_core.catalog import CategoryId, CreateCategory
from commerce_core.kernel import (
    ConcurrencyConflict,
    SchemaOutdated,
    StorageError,
    StorageUnavailable,
)

BACKENDS = ("sqlite", "postgresql", "mariadb")
T0 = datetime(2026, 3, 1, tzinfo=UTC)


def sql(backend: Backend) -> SqlBackend:
    assert isinstance(backend, SqlBackend)
    return backend


def test_the_migrations_build_exactly_the_tables_the_code_uses(backend: Backend) -> None:
    engine = sql(backend).engine
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "version_table": "commerce_alembic_version"}
        )
        diffs = [
            d for d in compare_metadata(ctx, metadata) if "commerce_alembic_version" not in str(d)
        ]
    assert diffs == []


def test_a_store_survives_a_restart(backend: Backend, staff: Actor) -> None:
    sql(backend).clean()
    due = datetime(2026, 6, 1, tzinfo=UTC)
    first = Commerce.from_url(backend.url)
    first.execute(CreateCategory(name="Kept"), actor=staff)
    first.schedule(CreateCategory(name="Later"), due_at=due, key="k", actor=staff)
    first.close()
    second = Commerce.from_url(backend.url)
    assert second.run_due(due).done == ("k",)
    assert [n.name for n in second.categories.tree()] == ["Kept", "Later"]
    second.close()


def test_money_columns_keep_every_amount_exactly(backend: Backend) -> None:
    engine = sql(backend).engine
    table = sa.Table(
        "test_money_roundtrip",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        *money_columns("price"),
        *money_columns("discount", nullable=True),
    )
    values = [
        Money(9_007_199_254_740_993, "CNY"),  # beyond a double's exact range
        Money(-1, "KWD"),
        Money(1200, "JPY"),
        Money(0, "USD"),
    ]
    table.create(engine)
    try:
        with engine.begin() as conn:
            for i, value in enumerate(values):
                conn.execute(
                    table.insert().values(
                        id=i + 1, **money_to_row("price", value), **money_to_row("discount", None)
                    )
                )
        with engine.connect() as conn:
            rows = conn.execute(table.select().order_by(table.c.id)).mappings().all()
        assert [money_from_row("price", r) for r in rows] == values
        assert [money_from_row("discount", r) for r in rows] == [None] * 4
    finally:
        table.drop(engine)


def test_server_databases_must_be_migrated_first(backend: Backend) -> None:
    if backend.name == "sqlite":
        # SQLite is the embedded default: it migrates itself on first use.
        assert Commerce.from_url(backend.url).categories.tree() is not None
        return
    engine = sql(backend).engine
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE commerce_alembic_version SET version_num = 'older'")
    try:
        with pytest.raises(SchemaOutdated) as err:
            Commerce.from_url(backend.url)
        assert "commerce db upgrade" in str(err.value)
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(
                f"UPDATE commerce_alembic_version SET version_num = '{head_revision()}'"
            )


def test_driver_errors_are_translated(backend: Backend, staff: Actor) -> None:
    engine = sql(backend).engine
    with engine.connect() as conn:
        conn.execute(
            sa.insert(metadata.tables["catalog_category_tree"]).values(id="dup", version=1)
        )
        conn.commit()
        with pytest.raises(sa.exc.IntegrityError) as raw:
            conn.execute(
                sa.insert(metadata.tables["catalog_category_tree"]).values(id="dup", version=1)
            )
        conn.rollback()
        conn.execute(
            sa.delete(metadata.tables["catalog_category_tree"]).where(sa.column("id") == "dup")
        )
        conn.commit()
    assert isinstance(translate(raw.value), ConcurrencyConflict)


def test_an_unreachable_server_is_storage_unavailable() -> None:
    with pytest.raises(StorageUnavailable):
        Commerce.from_url(
            "postgresql://nobody@127.0.0.1:1/none",
            migrate=True,
            connect_args={"connect_timeout": 2},
        )


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://nobody@no-such-host.invalid/none",
        "mysql://nobody@no-such-host.invalid/none",
    ],
)
def test_a_host_that_does_not_resolve_is_storage_unavailable(url: str) -> None:
    with pytest.raises(StorageUnavailable):
        Commerce.from_url(url, migrate=True, connect_args={"connect_timeout": 2})


def test_a_stored_tree_deeper_than_the_database_can_walk_is_an_error_not_a_wrong_path(
    backend: Backend,
) -> None:
    """A tree written before the depth limit may be deeper than MariaDB's recursion limit
    (1,000): its paths must fail loudly, never come back cut short with the wrong root."""
    engine = sql(backend).engine
    categories = metadata.tables["catalog_categories"]
    depth = 1_100
    rows = [
        {
            "id": f"n{i:05d}",
            "name": f"L{i}",
            "parent_id": f"n{i - 1:05d}" if i else None,
            "position": 0,
        }
        for i in range(depth)
    ]
    shop = Commerce(backend.storage())  # a clean store first, then the legacy rows
    with engine.begin() as conn:
        conn.execute(sa.insert(categories), rows)
    try:
        top = shop.categories.tree()[0]
        assert len(top.walk()) == depth  # building and walking never recurse
        if backend.name == "mariadb":
            with pytest.raises(StorageError):
                shop.categories.get(CategoryId(f"n{depth - 1:05d}"))
        else:
            view = shop.categories.get(CategoryId(f"n{depth - 1:05d}"))
            assert view.path[0] == "L0"
            assert view.depth == depth - 1
    finally:
        shop.close()
        with engine.begin() as conn:
            conn.execute(sa.delete(categories))


def test_urls_get_the_supported_drivers() -> None:
    assert normalize_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert normalize_url("mysql://u@h/db").drivername == "mysql+pymysql"
    assert normalize_url("mysql://u@h/db").query["charset"] == "utf8mb4"
    assert normalize_url("mariadb://u@h/db").drivername == "mariadb+pymysql"
    with pytest.raises(ConfigurationError):
        normalize_url("oracle://u@h/db")
    with pytest.raises(ConfigurationError):
        Commerce.from_url("ftp://example")
    with pytest.raises(ConfigurationError):
        Commerce.from_url("not a url")


def test_sqlite_in_memory_url_works_in_one_process(staff: Actor) -> None:
    shop = Commerce.from_url("sqlite://")
    shop.execute(CreateCategory(name="Ephemeral"), actor=staff)
    assert [n.name for n in shop.categories.tree()] == ["Ephemeral"]
    shop.close()
    assert create_engine("sqlite://").dialect.name == "sqlite"


def test_a_unit_of_work_is_usable_only_inside_its_with_block(backend: Backend) -> None:
    storage = backend.storage()
    try:
        uow = storage.unit_of_work()
        with pytest.raises(StorageError) as err:
            uow.categories.get()
        assert err.value.message == "use the unit of work inside a 'with' block"
        with uow:
            assert uow.categories.get().nodes == {}
        with pytest.raises(StorageError):
            uow.commit()
    finally:
        storage.close()


def test_tree_conflicts_say_which_version_lost(backend: Backend) -> None:
    storage = backend.storage()
    try:
        with storage.unit_of_work() as uow:
            first = uow.categories.get()
            stale = uow.categories.get()
        first.add(CategoryId("a"), "A", parent=None, at=T0)
        with storage.unit_of_work() as uow:
            uow.categories.save(first)
            uow.commit()
        with storage.unit_of_work() as uow, pytest.raises(ConcurrencyConflict) as created:
            uow.categories.save(stale)
        assert created.value.message == "concurrent change to category tree: created concurrently"
        with storage.unit_of_work() as uow:
            tree = uow.categories.get()
        with storage.unit_of_work() as uow:
            winner = uow.categories.get()
            winner.rename(CategoryId("a"), "B", at=T0)
            uow.categories.save(winner)
            uow.commit()
        with storage.unit_of_work() as uow, pytest.raises(ConcurrencyConflict) as lost:
            uow.categories.save(tree)
        assert lost.value.message == "concurrent change to category tree: v1 is not current"
    finally:
        storage.close()


def test_a_driver_error_escaping_a_unit_of_work_is_translated(backend: Backend) -> None:
    storage = backend.storage()
    locked = sa.exc.OperationalError("COMMIT", {}, Exception("database is locked"))
    try:
        with pytest.raises(ConcurrencyConflict) as err, storage.unit_of_work():
            raise locked
        assert err.value.__cause__ is locked
        with storage.unit_of_work() as uow:  # the connection went back to the pool cleanly
            assert uow.categories.get().nodes == {}
    finally:
        storage.close()
