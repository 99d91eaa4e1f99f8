"""Redeem codes and grants in SQL.

A code's key (``code_key``: only ``[0-9a-z]``) is its primary key in a binary-collated column,
so MariaDB's case-insensitive default collation cannot match two keys the folding keeps
apart, and no key has the trailing spaces ``utf8mb4_bin``'s PAD SPACE would ignore. A
redemption is one guarded ``UPDATE … SET redemptions = redemptions + 1 WHERE redemptions <
limit`` plus a row keyed by (code, customer): the database serializes racing customers on the
code row, so a single-use code has exactly one winner.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping

from commerce_adapters.sqlalchemy.errors import translating
from commerce_adapters.sqlalchemy.marketing import SqlMarketingQueries, coupon_templates
from commerce_adapters.sqlalchemy.marketing import coupon_usage as usage_table
from commerce_adapters.sqlalchemy.tables import metadata
from commerce_adapters.sqlalchemy.types import UtcDateTime, key_string
from commerce_core.marketing.codes import CodeBatch, CouponCode, CouponGrant, code_key
from commerce_core.marketing.errors import CouponBatchNotFound, CouponCodeNotFound

if TYPE_CHECKING:
    from commerce_adapters.sqlalchemy.storage import SqlUnitOfWork

__all__ = [
    "SqlCouponCodeLedger",
    "SqlMarketingReads",
    "code_batches",
    "code_redemptions",
    "coupon_codes",
    "coupon_grants",
    "granted_coupons",
]

ID = key_string(64)
#: Rows per statement when many keys are looked up or inserted at once.
CHUNK = 500

code_batches = sa.Table(
    "marketing_code_batches",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("template_id", ID, nullable=False),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("prefix", key_string(16), nullable=True),
    sa.Column("expires_at", UtcDateTime(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

coupon_codes = sa.Table(
    "marketing_coupon_codes",
    metadata,
    sa.Column("code_key", ID, primary_key=True),
    sa.Column("code", sa.String(64), nullable=False),
    sa.Column("template_id", ID, nullable=False),
    sa.Column("single_use", sa.Boolean, nullable=False),
    sa.Column("batch_id", ID, nullable=True),
    sa.Column("expires_at", UtcDateTime(), nullable=True),
    sa.Column("redemptions", sa.Integer, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Index(None, "batch_id", "code_key"),
)

#: One row per (code, customer): a customer redeems a code once.
code_redemptions = sa.Table(
    "marketing_code_redemptions",
    metadata,
    sa.Column("code_key", ID, primary_key=True),
    sa.Column("customer_id", ID, primary_key=True),
    sa.Column("coupon_id", ID, nullable=False),
)

coupon_grants = sa.Table(
    "marketing_coupon_grants",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("template_id", ID, nullable=False),
    sa.Column("source", sa.String(80), nullable=False),
)

#: One row per (grant, customer): a grant gives a customer one coupon, however often it runs.
granted_coupons = sa.Table(
    "marketing_granted_coupons",
    metadata,
    sa.Column("grant_id", ID, primary_key=True),
    sa.Column("customer_id", ID, primary_key=True),
    sa.Column("coupon_id", ID, nullable=False),
)


def _code(row: RowMapping) -> CouponCode:
    return CouponCode(
        row["code"],
        row["code_key"],
        row["template_id"],
        bool(row["single_use"]),
        row["created_at"],
        row["batch_id"],
        row["expires_at"],
        int(row["redemptions"]),
    )


def _chunks(items: Sequence[Any]) -> list[Sequence[Any]]:
    return [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]


class SqlCouponCodeLedger:
    """The code and grant ledger of one SQL unit of work."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    def _run(self, statement: Any, parameters: Any = None) -> Any:
        with translating():
            return self._uow.connection.execute(statement, parameters)

    def add_batch(self, batch: CodeBatch) -> None:
        self._run(
            sa.insert(code_batches).values(
                id=batch.id,
                template_id=batch.template,
                count=batch.count,
                prefix=batch.prefix,
                expires_at=batch.expires_at,
                created_at=batch.created_at,
            )
        )

    def batch(self, id: str) -> CodeBatch | None:
        row = (
            self._run(sa.select(code_batches).where(code_batches.c.id == id))
            .mappings()
            .one_or_none()
        )
        if row is None:
            return None
        return CodeBatch(
            row["id"],
            row["template_id"],
            int(row["count"]),
            row["prefix"],
            row["expires_at"],
            row["created_at"],
        )

    def batch_codes(self, batch: str) -> tuple[CouponCode, ...]:
        k = coupon_codes.c
        rows = self._run(sa.select(coupon_codes).where(k.batch_id == batch).order_by(k.code_key))
        return tuple(_code(r) for r in rows.mappings())

    def taken(self, keys: Collection[str]) -> set[str]:
        k = coupon_codes.c
        found: set[str] = set()
        for chunk in _chunks(sorted(keys)):
            found.update(self._run(sa.select(k.code_key).where(k.code_key.in_(chunk))).scalars())
        return found

    def add_codes(self, codes: Sequence[CouponCode]) -> None:
        rows = [
            {
                "code_key": c.key,
                "code": c.code,
                "template_id": c.template,
                "single_use": c.single_use,
                "batch_id": c.batch,
                "expires_at": c.expires_at,
                "redemptions": c.redemptions,
                "created_at": c.created_at,
            }
            for c in codes
        ]
        for chunk in _chunks(rows):
            self._run(sa.insert(coupon_codes), list(chunk))  # a taken key: a conflict

    def code(self, key: str) -> CouponCode | None:
        row = (
            self._run(sa.select(coupon_codes).where(coupon_codes.c.code_key == key))
            .mappings()
            .one_or_none()
        )
        return None if row is None else _code(row)

    def redemption(self, key: str, customer: str) -> str | None:
        r = code_redemptions.c
        found = self._run(
            sa.select(r.coupon_id).where(r.code_key == key, r.customer_id == customer)
        ).scalar_one_or_none()
        return None if found is None else str(found)

    def try_redeem(self, key: str, customer: str, coupon: str, limit: int | None) -> bool:
        k = coupon_codes.c
        guard = [k.code_key == key]
        if limit is not None:
            guard.append(k.redemptions < limit)
        counted = self._run(
            sa.update(coupon_codes).where(*guard).values(redemptions=k.redemptions + 1)
        )
        if counted.rowcount != 1:
            return False
        # The same customer racing with themself collides on the key: a retried conflict.
        self._run(
            sa.insert(code_redemptions).values(code_key=key, customer_id=customer, coupon_id=coupon)
        )
        return True

    def grant(self, id: str) -> CouponGrant | None:
        row = (
            self._run(sa.select(coupon_grants).where(coupon_grants.c.id == id))
            .mappings()
            .one_or_none()
        )
        return None if row is None else CouponGrant(row["id"], row["template_id"], row["source"])

    def add_grant(self, grant: CouponGrant) -> None:
        self._run(
            sa.insert(coupon_grants).values(
                id=grant.id, template_id=grant.template, source=grant.source
            )
        )

    def granted(self, grant: str, customers: Collection[str]) -> dict[str, str]:
        g = granted_coupons.c
        found: dict[str, str] = {}
        for chunk in _chunks(sorted(customers)):
            rows = self._run(
                sa.select(g.customer_id, g.coupon_id).where(
                    g.grant_id == grant, g.customer_id.in_(chunk)
                )
            )
            found.update((str(c), str(p)) for c, p in rows)
        return found

    def add_granted(self, grant: str, coupons: Mapping[str, str]) -> None:
        rows = [
            {"grant_id": grant, "customer_id": customer, "coupon_id": coupon}
            for customer, coupon in sorted(coupons.items())
        ]
        for chunk in _chunks(rows):
            self._run(sa.insert(granted_coupons), list(chunk))

    def uses(self, template: str, customer: str) -> tuple[int, int]:
        t, u = coupon_templates.c, usage_table.c
        total = self._run(sa.select(t.used).where(t.id == template)).scalar_one_or_none()
        mine = self._run(
            sa.select(u.used).where(u.template_id == template, u.customer_id == customer)
        ).scalar_one_or_none()
        return int(total or 0), int(mine or 0)


class SqlMarketingReads(SqlMarketingQueries):
    """Every marketing read of the SQL backend: campaigns and coupons, and redeem codes."""

    def code(self, code: str) -> CouponCode:
        k = coupon_codes.c
        with translating(), self._read() as conn:
            row = (
                conn.execute(sa.select(coupon_codes).where(k.code_key == code_key(code)))
                .mappings()
                .one_or_none()
            )
        if row is None:
            raise CouponCodeNotFound(code)
        return _code(row)

    def batch_codes(self, batch: str) -> tuple[CouponCode, ...]:
        k = coupon_codes.c
        with translating(), self._read() as conn:
            found = conn.execute(
                sa.select(code_batches.c.id).where(code_batches.c.id == batch)
            ).one_or_none()
            rows = (
                conn.execute(
                    sa.select(coupon_codes).where(k.batch_id == batch).order_by(k.code_key)
                )
                .mappings()
                .all()
            )
        if found is None:
            raise CouponBatchNotFound(batch)
        return tuple(_code(r) for r in rows)
