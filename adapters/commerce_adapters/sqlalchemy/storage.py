"""SQL storage on SQLAlchemy Core: units of work, repositories, stores and queries."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from functools import cached_property
from types import TracebackType
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, CursorResult, Engine, RowMapping

from commerce_adapters.sqlalchemy import tables as t
from commerce_adapters.sqlalchemy.catalog import (
    SqlBrandRepository,
    SqlProductRepository,
    SqlReviewRepository,
    SqlTagRepository,
)
from commerce_adapters.sqlalchemy.catalog_queries import SqlProductQueries
from commerce_adapters.sqlalchemy.customers import SqlCustomerQueries, SqlCustomerStore
from commerce_adapters.sqlalchemy.driver import HotCursor, hot_cursor
from commerce_adapters.sqlalchemy.engine import SQLITE_BEGIN, WriterGate
from commerce_adapters.sqlalchemy.errors import translate, translating
from commerce_adapters.sqlalchemy.inventory import SqlInventory, SqlInventoryQueries
from commerce_adapters.sqlalchemy.marketing import (
    SqlCampaignRepository,
    SqlCouponLedger,
)
from commerce_adapters.sqlalchemy.marketing_codes import SqlCouponCodeLedger, SqlMarketingReads
from commerce_core.app.ports import IdempotencyRecord, OutboxMessage, Timer, TimerStatus
from commerce_core.app.unit_of_work import SeenAggregates
from commerce_core.catalog.errors import CategoryNotFound
from commerce_core.catalog.ids import CategoryId
from commerce_core.catalog.model import Category, CategoryTree
from commerce_core.catalog.ports import (
    CategoryNode,
    CategoryView,
    build_forest_from_rows,
    child_cursor,
    decode_child_cursor,
)
from commerce_core.kernel.actors import Actor, ActorKind
from commerce_core.kernel.errors import ConcurrencyConflict, StorageError
from commerce_core.kernel.messages import DomainEvent
from commerce_core.kernel.pagination import Page, PageRequest

__all__ = ["SqlCategoryQueries", "SqlStorage", "SqlUnitOfWork"]

TREE_ID = "default"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _actor(row: RowMapping) -> Actor:
    return Actor(ActorKind(row["actor_kind"]), row["actor_id"])


# -- mapping functions ---------------------------------------------------------------------
def category_from_row(row: RowMapping) -> Category:
    return Category(
        id=CategoryId(row["id"]),
        name=row["name"],
        parent=CategoryId(row["parent_id"]) if row["parent_id"] is not None else None,
        position=int(row["position"]),
    )


def category_to_row(node: Category) -> dict[str, Any]:
    return {"id": node.id, "name": node.name, "parent_id": node.parent, "position": node.position}


def timer_from_row(row: RowMapping) -> Timer:
    return Timer(
        key=row["key"],
        due_at=row["due_at"],
        command=json.loads(row["command"]),
        actor=_actor(row),
        attempts=int(row["attempts"]),
        status=row["status"],
        last_error=row["last_error"],
        token=row["token"],
        claim=row["claim"],
        lease_until=row["lease_until"],
    )


def timer_to_row(timer: Timer) -> dict[str, Any]:
    return {
        "key": timer.key,
        "due_at": timer.due_at,
        "status": timer.status,
        "command": _dumps(timer.command),
        "actor_kind": timer.actor.kind.value,
        "actor_id": timer.actor.id,
        "attempts": timer.attempts,
        "last_error": timer.last_error,
        "token": timer.token,
        "claim": timer.claim,
        "lease_until": timer.lease_until,
    }


def outbox_from_row(row: RowMapping) -> OutboxMessage:
    return OutboxMessage(
        id=row["id"],
        type=row["type"],
        payload=json.loads(row["payload"]),
        actor=_actor(row),
        occurred_at=row["occurred_at"],
        published_at=row["published_at"],
    )


def outbox_to_row(message: OutboxMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "type": message.type,
        "payload": _dumps(message.payload),
        "actor_kind": message.actor.kind.value,
        "actor_id": message.actor.id,
        "occurred_at": message.occurred_at,
        "published_at": message.published_at,
    }


# -- repositories and stores ---------------------------------------------------------------
class _Part:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    @property
    def _conn(self) -> _Executor:
        return _Executor(self._uow.connection)


class SqlCategoryTreeRepository(_Part):
    """The category tree: rows in ``catalog_categories``, its version in one row."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        super().__init__(uow)
        self._snapshot: dict[CategoryId, Category] | None = None

    def _load_nodes(self) -> dict[CategoryId, Category]:
        rows = self._conn.execute(sa.select(t.categories)).mappings()
        return {CategoryId(r["id"]): category_from_row(r) for r in rows}

    def get(self) -> CategoryTree:
        # The tree is a known-hot aggregate: on servers its row is locked as it is loaded,
        # so concurrent writers queue here instead of conflicting at save and retrying.
        query = sa.select(t.category_tree.c.version).where(t.category_tree.c.id == TREE_ID)
        if self._uow.supports_row_locks:
            query = query.with_for_update()
        version = self._conn.execute(query).scalar_one_or_none()
        nodes = self._load_nodes()
        self._snapshot = dict(nodes)
        return CategoryTree(nodes=nodes, version=int(version or 0))

    def save(self, tree: CategoryTree) -> None:
        conn = self._conn
        before = self._snapshot if self._snapshot is not None else self._load_nodes()
        after = tree.nodes
        if before == after:
            return  # nothing changed: no new version, nothing to write
        if tree.version == 0:
            exists = conn.execute(
                sa.select(t.category_tree.c.version).where(t.category_tree.c.id == TREE_ID)
            ).scalar_one_or_none()
            if exists is not None:
                raise ConcurrencyConflict("category tree", "created concurrently")
            conn.execute(sa.insert(t.category_tree).values(id=TREE_ID, version=1))
        else:
            done = conn.execute(
                sa.update(t.category_tree)
                .where(t.category_tree.c.id == TREE_ID, t.category_tree.c.version == tree.version)
                .values(version=tree.version + 1)
            )
            if done.rowcount != 1:
                raise ConcurrencyConflict("category tree", f"v{tree.version} is not current")
        gone = [i for i in before if i not in after]
        new = [n for i, n in after.items() if i not in before]
        changed = [n for i, n in after.items() if i in before and before[i] != n]
        if gone:
            conn.execute(sa.delete(t.categories).where(t.categories.c.id.in_(gone)))
        if new:
            conn.execute(sa.insert(t.categories), [category_to_row(n) for n in new])
        for node in changed:
            row = category_to_row(node)
            conn.execute(
                sa.update(t.categories)
                .where(t.categories.c.id == node.id)
                .values(name=row["name"], parent_id=row["parent_id"], position=row["position"])
            )
        tree.version += 1
        self._snapshot = dict(after)
        self._uow.seen.add(tree)


_INSERT_OUTBOX = (
    "INSERT INTO outbox_messages (id, type, payload, actor_kind, actor_id, occurred_at, "
    "published_at) VALUES (:id, :type, :payload, :actor_kind, :actor_id, :occurred_at, "
    ":published_at)"
)


class SqlOutbox(_Part):
    def add(self, messages: Sequence[OutboxMessage]) -> None:
        if not messages:
            return
        rows = [outbox_to_row(m) for m in messages]
        hot = self._uow.hot
        if hot is None:
            self._conn.execute(sa.insert(t.outbox_messages), rows)
            return
        for row in rows:
            row["occurred_at"] = hot.datetime_param(row["occurred_at"])
            row["published_at"] = hot.datetime_param(row["published_at"])
        hot.defer(_INSERT_OUTBOX, rows)

    def pending(self, limit: int = 100) -> list[OutboxMessage]:
        c = t.outbox_messages.c
        rows = self._conn.execute(
            sa.select(t.outbox_messages)
            .where(c.published_at.is_(None))
            .order_by(c.occurred_at, c.id)
            .limit(limit)
        ).mappings()
        return [outbox_from_row(r) for r in rows]

    def mark_published(self, ids: Sequence[str], at: datetime) -> None:
        if ids:
            c = t.outbox_messages.c
            self._conn.execute(
                sa.update(t.outbox_messages)
                .where(c.id.in_(list(ids)), c.published_at.is_(None))
                .values(published_at=at)
            )


class SqlIdempotencyStore(_Part):
    def get(self, key: str) -> IdempotencyRecord | None:
        row = (
            self._conn.execute(sa.select(t.idempotency_keys).where(t.idempotency_keys.c.key == key))
            .mappings()
            .one_or_none()
        )
        if row is None:
            return None
        return IdempotencyRecord(
            key=row["key"],
            fingerprint=row["fingerprint"],
            result=json.loads(row["result"]),
            actor=_actor(row),
            created_at=row["created_at"],
        )

    def add(self, record: IdempotencyRecord) -> None:
        # A concurrent insert of the same key fails on the primary key: a ConcurrencyConflict.
        self._conn.execute(
            sa.insert(t.idempotency_keys).values(
                key=record.key,
                fingerprint=record.fingerprint,
                result=_dumps(record.result),
                actor_kind=record.actor.kind.value,
                actor_id=record.actor.id,
                created_at=record.created_at,
            )
        )

    def set_result(self, key: str, result: Any) -> None:
        self._conn.execute(
            sa.update(t.idempotency_keys)
            .where(t.idempotency_keys.c.key == key)
            .values(result=_dumps(result))
        )


class SqlTimerStore(_Part):
    def schedule(self, timer: Timer) -> None:
        row = timer_to_row(timer)
        done = self._conn.execute(
            sa.update(t.timers)
            .where(t.timers.c.key == timer.key)
            .values({k: v for k, v in row.items() if k != "key"})
        )
        if done.rowcount == 0:
            self._conn.execute(sa.insert(t.timers).values(row))

    def cancel(self, key: str) -> bool:
        done = self._conn.execute(sa.delete(t.timers).where(t.timers.c.key == key))
        return bool(done.rowcount)

    def get(self, key: str) -> Timer | None:
        row = (
            self._conn.execute(sa.select(t.timers).where(t.timers.c.key == key))
            .mappings()
            .one_or_none()
        )
        return timer_from_row(row) if row is not None else None

    def claim_due(self, now: datetime, *, claim: str, lease_until: datetime) -> Timer | None:
        c = t.timers.c
        query = (
            sa.select(t.timers)
            .where(
                c.status == TimerStatus.PENDING,
                c.due_at <= now,
                sa.or_(c.claim.is_(None), c.lease_until <= now),
            )
            .order_by(c.due_at, c.key)
            .limit(1)
        )
        if self._uow.supports_row_locks:
            query = query.with_for_update(skip_locked=True)
        row = self._conn.execute(query).mappings().one_or_none()
        if row is None:
            return None
        self._conn.execute(
            sa.update(t.timers)
            .where(c.key == row["key"])
            .values(claim=claim, lease_until=lease_until)
        )
        timer = timer_from_row(row)
        return Timer(
            key=timer.key,
            due_at=timer.due_at,
            command=timer.command,
            actor=timer.actor,
            attempts=timer.attempts,
            status=timer.status,
            last_error=timer.last_error,
            token=timer.token,
            claim=claim,
            lease_until=lease_until,
        )

    def _claimed(self, key: str, claim: str) -> sa.ColumnElement[bool]:
        return sa.and_(t.timers.c.key == key, t.timers.c.claim == claim)

    def complete(self, key: str, claim: str) -> bool:
        done = self._conn.execute(sa.delete(t.timers).where(self._claimed(key, claim)))
        return done.rowcount == 1

    def retry_later(self, key: str, claim: str, *, due_at: datetime, error: str) -> bool:
        return self._update(key, claim, attempts=True, due_at=due_at, last_error=error)

    def fail(self, key: str, claim: str, *, error: str) -> bool:
        return self._update(key, claim, attempts=True, status=TimerStatus.FAILED, last_error=error)

    def release(self, key: str, claim: str) -> bool:
        return self._update(key, claim, attempts=False)

    def _update(self, key: str, claim: str, *, attempts: bool, **values: Any) -> bool:
        c = t.timers.c
        if attempts:
            values["attempts"] = c.attempts + 1
        done = self._conn.execute(
            sa.update(t.timers)
            .where(self._claimed(key, claim))
            .values(claim=None, lease_until=None, **values)
        )
        return done.rowcount == 1

    def count_pending(self, due_by: datetime | None = None) -> int:
        c = t.timers.c
        query = sa.select(sa.func.count()).where(c.status == TimerStatus.PENDING)
        if due_by is not None:
            query = query.where(c.due_at <= due_by)
        return int(self._conn.execute(query).scalar_one())

    def failed(self) -> list[Timer]:
        c = t.timers.c
        rows = self._conn.execute(
            sa.select(t.timers).where(c.status == TimerStatus.FAILED).order_by(c.due_at, c.key)
        ).mappings()
        return [timer_from_row(r) for r in rows]


class _Executor:
    """Runs statements on the unit of work's connection, translating driver errors at once,
    so a handler sees the project's errors where they happen."""

    __slots__ = ("_conn",)

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def execute(self, statement: Any, parameters: Any = None) -> CursorResult[Any]:
        with translating():
            return self._conn.execute(statement, parameters)


class SqlUnitOfWork:
    """One database transaction; leaving the block without :meth:`commit` rolls back."""

    def __init__(self, storage: SqlStorage) -> None:
        self._storage = storage
        self._conn: Connection | None = None
        self.seen = SeenAggregates()
        self.supports_row_locks = storage.supports_row_locks
        self.update_returning = storage.engine.dialect.update_returning
        self._hot: HotCursor | None = None
        self._gated = False
        # The repositories are built on first use (see below): a reservation touches three.

    # -- repositories, built lazily: most commands use one or two of them ---------------------
    @cached_property
    def categories(self) -> SqlCategoryTreeRepository:
        return SqlCategoryTreeRepository(self)

    @cached_property
    def outbox(self) -> SqlOutbox:
        return SqlOutbox(self)

    @cached_property
    def idempotency(self) -> SqlIdempotencyStore:
        return SqlIdempotencyStore(self)

    @cached_property
    def timers(self) -> SqlTimerStore:
        return SqlTimerStore(self)

    @cached_property
    def inventory(self) -> SqlInventory:
        return SqlInventory(self)

    @cached_property
    def customers(self) -> SqlCustomerStore:
        return SqlCustomerStore(self)

    @cached_property
    def products(self) -> SqlProductRepository:
        return SqlProductRepository(self)

    @cached_property
    def brands(self) -> SqlBrandRepository:
        return SqlBrandRepository(self)

    @cached_property
    def tags(self) -> SqlTagRepository:
        return SqlTagRepository(self)

    @cached_property
    def reviews(self) -> SqlReviewRepository:
        return SqlReviewRepository(self)

    @cached_property
    def coupons(self) -> SqlCouponLedger:
        return SqlCouponLedger(self)

    @cached_property
    def campaigns(self) -> SqlCampaignRepository:
        return SqlCampaignRepository(self)

    @cached_property
    def coupon_codes(self) -> SqlCouponCodeLedger:
        return SqlCouponCodeLedger(self)

    @property
    def connection(self) -> Connection:
        if self._conn is None:
            raise StorageError("use the unit of work inside a 'with' block")
        return self._conn

    @property
    def hot(self) -> HotCursor | None:
        """The driver cursor for the hot statements (SQLite, PostgreSQL), else None."""
        if self._hot is None:
            self._hot = hot_cursor(self.connection)
        return self._hot

    def __enter__(self) -> Self:
        gate = self._storage.writer_gate
        self._gated = gate is not None and gate.enter()
        try:
            with translating():
                # SQLAlchemy begins a transaction on first use (autobegin) and after each
                # commit.
                self._conn = self._storage.engine.connect()
        except BaseException:
            self._leave_gate()
            raise
        return self

    def _leave_gate(self) -> None:
        if self._gated:
            self._gated = False
            self._storage.writer_gate.leave()  # type: ignore[union-attr]

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn, self._conn = self._conn, None
        hot, self._hot = self._hot, None
        if hot is not None:
            hot.close()
        if conn is not None:
            try:
                if conn.in_transaction():
                    conn.rollback()
            except sa_exc.SQLAlchemyError:
                pass  # the original error matters more; the connection is discarded
            finally:
                conn.close()
                self._leave_gate()
        self.seen.clear()
        if isinstance(exc, sa_exc.SQLAlchemyError):
            raise translate(exc) from exc

    def collect_events(self) -> list[DomainEvent]:
        return self.seen.collect()

    def commit(self) -> None:
        if self._hot is not None:
            self._hot.flush(commit=True)  # inserts held back, and the COMMIT (driver.py)
        with translating():
            self.connection.commit()

    def rollback(self) -> None:
        with translating():
            self.connection.rollback()


class SqlCategoryQueries:
    """Category reads in SQL: one statement each, recursive CTE for paths."""

    def __init__(self, storage: SqlStorage) -> None:
        self._storage = storage

    def _read(self) -> Connection:
        # Reads must not take SQLite's write lock (see engine.py).
        conn = self._storage.engine.connect()
        return conn.execution_options(**{SQLITE_BEGIN: "DEFERRED"})

    def tree(self) -> tuple[CategoryNode, ...]:
        c = t.categories.c
        with translating(), self._read() as conn:
            rows = conn.execute(
                sa.select(c.id, c.name, c.parent_id, c.position).order_by(c.position, c.id)
            ).all()
        return build_forest_from_rows(rows)

    def _path(self, conn: Connection, id: CategoryId) -> list[RowMapping]:
        c = t.categories.c
        up = (
            sa.select(c.id, c.name, c.parent_id, c.position, sa.literal(0).label("lvl"))
            .where(c.id == id)
            .cte("up", recursive=True)
        )
        parent = t.categories.alias("p")
        up = up.union_all(
            sa.select(
                parent.c.id,
                parent.c.name,
                parent.c.parent_id,
                parent.c.position,
                (up.c.lvl + 1).label("lvl"),
            ).join(up, parent.c.id == up.c.parent_id)
        )
        path = list(conn.execute(sa.select(up).order_by(up.c.lvl.desc())).mappings())
        if path and path[0]["parent_id"] is not None:
            # The recursion stopped before the top (MariaDB's max_recursive_iterations):
            # a wrong answer must not pass as a path. Writes keep trees far shallower.
            raise StorageError(
                f"the path of category {id!r} is deeper than this database can walk; "
                "move it closer to the top"
            )
        return path

    def _child_count(self) -> sa.ScalarSelect[int]:
        kid = t.categories.alias("k")
        return (
            sa.select(sa.func.count()).where(kid.c.parent_id == t.categories.c.id).scalar_subquery()
        )

    def get(self, id: CategoryId) -> CategoryView:
        with translating(), self._read() as conn:
            path = self._path(conn, id)
            if not path:
                raise CategoryNotFound(id)
            kids = conn.execute(
                sa.select(sa.func.count()).where(t.categories.c.parent_id == id)
            ).scalar_one()
        node = path[-1]
        return CategoryView(
            id=CategoryId(node["id"]),
            name=node["name"],
            parent=node["parent_id"],
            position=int(node["position"]),
            depth=len(path) - 1,
            path=tuple(r["name"] for r in path),
            child_count=int(kids),
        )

    def children(self, parent: CategoryId | None, page: PageRequest) -> Page[CategoryView]:
        c = t.categories.c
        with translating(), self._read() as conn:
            prefix: tuple[str, ...] = ()
            if parent is not None:
                path = self._path(conn, parent)
                if not path:
                    raise CategoryNotFound(parent)
                prefix = tuple(r["name"] for r in path)
            query = sa.select(t.categories, self._child_count().label("kids")).where(
                c.parent_id.is_(None) if parent is None else c.parent_id == parent
            )
            if page.after is not None:
                pos, last = decode_child_cursor(page.after)
                query = query.where(
                    sa.or_(c.position > pos, sa.and_(c.position == pos, c.id > last))
                )
            rows = (
                conn.execute(query.order_by(c.position, c.id).limit(page.limit + 1))
                .mappings()
                .all()
            )
        more = len(rows) > page.limit
        rows = rows[: page.limit]
        items = tuple(
            CategoryView(
                id=CategoryId(r["id"]),
                name=r["name"],
                parent=parent,
                position=int(r["position"]),
                depth=len(prefix),
                path=(*prefix, r["name"]),
                child_count=int(r["kids"]),
            )
            for r in rows
        )
        cursor = child_cursor(items[-1]) if more else None
        return Page(items, cursor)


class SqlStorage:
    """A SQL backend over one SQLAlchemy engine (SQLite, PostgreSQL or MySQL/MariaDB)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self.supports_row_locks = self.dialect in ("postgresql", "mysql", "mariadb")
        # SQLite: this process's writers queue on a lock, not in SQLite's busy handler.
        self.writer_gate = WriterGate() if self.dialect == "sqlite" else None

    def unit_of_work(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self)

    @property
    def categories(self) -> SqlCategoryQueries:
        return SqlCategoryQueries(self)

    @property
    def inventory(self) -> SqlInventoryQueries:
        return SqlInventoryQueries(self)

    @property
    def customers(self) -> SqlCustomerQueries:
        return SqlCustomerQueries(self)

    @property
    def products(self) -> SqlProductQueries:
        return SqlProductQueries(self)

    @cached_property
    def marketing(self) -> SqlMarketingReads:
        # One per storage: it holds the cache of active campaigns.
        return SqlMarketingReads(self)

    def close(self) -> None:
        self.engine.dispose()
