"""Apply and check the adapter's Alembic migrations programmatically."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, Engine

from commerce_adapters.sqlalchemy.errors import translate

__all__ = ["VERSION_TABLE", "current_revision", "head_revision", "is_current", "upgrade"]

#: Our own version table, so a shop's own Alembic history in the same database is untouched.
VERSION_TABLE = "commerce_alembic_version"
SCRIPT_LOCATION = "commerce_adapters.sqlalchemy:migrations"


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", SCRIPT_LOCATION)
    return cfg


def head_revision() -> str:
    """The newest migration this version of the library ships."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: never migrated)."""
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
            return ctx.get_current_revision()
    except sa_exc.SQLAlchemyError as exc:
        raise translate(exc) from exc


def is_current(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()


def upgrade(target: Engine | str | URL, revision: str = "head") -> str:
    """Migrate the database to ``revision`` (default: the newest); returns the new revision."""
    from commerce_adapters.sqlalchemy.engine import create_engine

    engine = create_engine(target) if isinstance(target, str | URL) else target
    cfg = _config()
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    except sa_exc.SQLAlchemyError as exc:
        raise translate(exc) from exc
    finally:
        if engine is not target:
            engine.dispose()
    return current_revision(engine) or ""
