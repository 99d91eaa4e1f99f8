"""Migration 0007 on real databases: it refuses shared phones or emails before changing
anything, then backfills the email keys and opens the growth ledger."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from tests.backends import MARIADB_ADMIN_URL, POSTGRES_ADMIN_URL, Backend, _unique_name

from commerce_adapters.sqlalchemy import create_engine, current_revision, upgrade
from commerce_core import Commerce
from commerce_core.customers import CustomerId, GrowthEntryKind
from commerce_core.kernel import StorageError

BACKENDS = ("sqlite", "postgresql", "mariadb")
T0 = datetime(2026, 3, 1)  # naive UTC, as the columns store it


@pytest.fixture
def blank_url(backend: Backend, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of the backend under test."""
    if backend.name == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrate.db'}"
        return
    if backend.name == "postgresql":
        admin_url, create, drop = (
            POSTGRES_ADMIN_URL,
            'CREATE DATABASE "{}"',
            'DROP DATABASE IF EXISTS "{}" WITH (FORCE)',
        )
    else:
        admin_url, create, drop = (
            MARIADB_ADMIN_URL,
            "CREATE DATABASE `{}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
            "DROP DATABASE IF EXISTS `{}`",
        )
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = _unique_name()
    with admin.connect() as conn:
        conn.exec_driver_sql(create.format(name))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(drop.format(name))
        admin.dispose()


def _customer(id: str, *, phone: str | None = None, email: str | None = None) -> dict[str, object]:
    return {
        "id": id,
        "version": 0,
        "name": id,
        "phone": phone,
        "email": email,
        "gender": "unstated",
        "channel": "web",
        "status": "active",
        "registered_at": T0,
        "addresses": "[]",
        "sign_in_streak": 0,
    }


def _member(id: str, growth: int) -> dict[str, object]:
    return {
        "customer_id": id,
        "tier": "regular",
        "growth": growth,
        "period_growth": growth,
        "next_review_at": T0,
        "version": 0,
    }


def _seed(url: str, customers: list[dict[str, object]], members: list[dict[str, object]]) -> None:
    engine = create_engine(url)
    meta = sa.MetaData()
    meta.reflect(engine, only=["customers", "customer_memberships", "customer_wallets"])
    with engine.begin() as conn:
        conn.execute(sa.insert(meta.tables["customers"]), customers)
        if members:
            conn.execute(sa.insert(meta.tables["customer_memberships"]), members)
        conn.execute(
            sa.insert(meta.tables["customer_wallets"]),
            [
                {
                    "customer_id": c["id"],
                    "balance_minor": 0,
                    "balance_currency": "CNY",
                    "version": 0,
                }
                for c in customers
            ],
        )
    engine.dispose()


@pytest.mark.parametrize(
    ("field", "rows"),
    [
        ("phone", [_customer("a", phone="+8613800138000"), _customer("b", phone="+8613800138000")]),
        ("email", [_customer("a", email="Li@example.com"), _customer("b", email="li@EXAMPLE.com")]),
    ],
)
def test_shared_contacts_stop_the_migration_before_any_change(
    blank_url: str, field: str, rows: list[dict[str, object]]
) -> None:
    upgrade(blank_url, "0006")
    _seed(blank_url, rows, [])
    with pytest.raises(StorageError) as caught:
        upgrade(blank_url)
    assert f"{field} " in caught.value.message
    assert "2 customers" in caught.value.message
    engine = create_engine(blank_url)
    assert current_revision(engine) == "0006"
    columns = {c["name"] for c in sa.inspect(engine).get_columns("customers")}
    assert "email_key" not in columns
    assert not sa.inspect(engine).has_table("customer_growth_entries")
    engine.dispose()


def test_the_migration_keys_emails_and_opens_the_growth_ledger(blank_url: str) -> None:
    upgrade(blank_url, "0006")
    _seed(
        blank_url,
        [_customer("a", email="Li.Lei@Example.COM", phone="+8613800138000"), _customer("b")],
        [_member("a", 42), _member("b", 0)],
    )
    upgrade(blank_url)
    engine = create_engine(blank_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, email_key FROM customers")).all()
    keys = {row[0]: row[1] for row in rows}
    assert keys == {"a": "li.lei@example.com", "b": None}
    engine.dispose()
    shop = Commerce.from_url(blank_url)
    statement = shop.customers.growth(CustomerId("a"))
    assert statement.growth == 42
    assert [(e.kind, e.growth, e.reference) for e in statement.entries] == [
        (GrowthEntryKind.OPENING, 42, "opening")
    ]
    assert shop.customers.growth(CustomerId("b")).entries == ()
    shop.close()
