"""Marketing in SQL: coupon templates, issued coupons and use counters.

Uses are counted with single guarded statements (``UPDATE … SET used = used + 1 WHERE
used < limit``): the database serializes concurrent orders on the template row, so a
limit can never be exceeded, on any number of app servers.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from commerce_adapters.sqlalchemy.engine import SQLITE_BEGIN
from commerce_adapters.sqlalchemy.errors import translating
from commerce_adapters.sqlalchemy.tables import metadata
from commerce_adapters.sqlalchemy.types import UtcDateTime, key_string
from commerce_core import serialization
from commerce_core.kernel.errors import ConcurrencyConflict
from commerce_core.marketing.campaigns import Campaign, CampaignStatus
from commerce_core.marketing.errors import CampaignNotFound, CouponTemplateNotFound
from commerce_core.marketing.model import (
    CouponStatus,
    CouponTemplate,
    IssuedCoupon,
    TemplateUsage,
)
from commerce_core.marketing.ports import CampaignView, live_rule_set
from commerce_core.pricing import Coupon, PricingPolicy, Rule, RuleSet, ShippingCoupon

if TYPE_CHECKING:
    from commerce_adapters.sqlalchemy.storage import SqlStorage, SqlUnitOfWork

__all__ = [
    "SqlCampaignRepository",
    "SqlCouponLedger",
    "SqlMarketingQueries",
    "campaign_generation",
    "campaigns",
    "coupon_templates",
    "coupon_usage",
    "coupons",
]

ID = key_string(64)

coupon_templates = sa.Table(
    "marketing_coupon_templates",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("rule", sa.Text, nullable=False),
    sa.Column("total_limit", sa.Integer, nullable=True),
    sa.Column("per_customer_limit", sa.Integer, nullable=True),
    sa.Column("issued", sa.BigInteger, nullable=False),
    sa.Column("used", sa.BigInteger, nullable=False),
)

coupons = sa.Table(
    "marketing_coupons",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("template_id", ID, nullable=False),
    sa.Column("customer_id", ID, nullable=False),
    sa.Column("issued_at", UtcDateTime(), nullable=False),
    sa.Column("status", key_string(16), nullable=False),
    sa.Column("order_id", ID, nullable=True),
    sa.Index(None, "customer_id", "id"),
)

#: Uses per (template, customer), for per-customer limits.
coupon_usage = sa.Table(
    "marketing_coupon_usage",
    metadata,
    sa.Column("template_id", ID, primary_key=True),
    sa.Column("customer_id", ID, primary_key=True),
    sa.Column("used", sa.Integer, nullable=False),
)


#: The rule types a template may hold, as the JSON edge reads them.
_RULE: Any = Coupon | ShippingCoupon


campaigns = sa.Table(
    "marketing_campaigns",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("status", key_string(16), nullable=False),
    sa.Column("starts_at", UtcDateTime(), nullable=False),
    sa.Column("ends_at", UtcDateTime(), nullable=True),
    sa.Column("rules", sa.Text, nullable=False),
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.Index(None, "status"),
)

#: One row, bumped by every campaign write: the key of the cached active rule sets.
campaign_generation = sa.Table(
    "marketing_campaign_generation",
    metadata,
    sa.Column("id", key_string(16), primary_key=True),
    sa.Column("generation", sa.BigInteger, nullable=False),
)
GENERATION_ROW = "campaigns"

_RULES: Any = tuple[Rule, ...]


def _campaign_view(row: RowMapping) -> CampaignView:
    rules: tuple[Rule, ...] = serialization.converter.structure(json.loads(row["rules"]), _RULES)
    return CampaignView(
        row["id"],
        row["name"],
        CampaignStatus(row["status"]),
        row["starts_at"],
        row["ends_at"],
        rules,
        int(row["version"]),
    )


def _campaign_row(c: Campaign) -> dict[str, Any]:
    return {
        "name": c.name,
        "status": c.status.value,
        "starts_at": c.starts_at,
        "ends_at": c.ends_at,
        "rules": json.dumps(serialization.unstructure(c.rules)),
    }


class SqlCampaignRepository:
    """Campaigns of one SQL unit of work; saves check the version in the UPDATE itself."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    def _run(self, statement: Any) -> Any:
        with translating():
            return self._uow.connection.execute(statement)

    def _bump(self) -> None:
        g = campaign_generation.c
        bumped = self._run(
            sa.update(campaign_generation)
            .where(g.id == GENERATION_ROW)
            .values(generation=g.generation + 1)
        )
        if bumped.rowcount != 1:  # the first campaign write ever; a racing one conflicts
            self._run(sa.insert(campaign_generation).values(id=GENERATION_ROW, generation=1))

    def add(self, campaign: Campaign) -> None:
        self._run(
            sa.insert(campaigns).values(
                id=campaign.id, version=campaign.version, **_campaign_row(campaign)
            )
        )
        self._bump()

    def get(self, id: str) -> Campaign | None:
        row = self._run(sa.select(campaigns).where(campaigns.c.id == id)).mappings().one_or_none()
        if row is None:
            return None
        v = _campaign_view(row)
        return Campaign(v.id, v.name, v.rules, v.starts_at, v.ends_at, v.status, v.version)

    def save(self, campaign: Campaign) -> None:
        c = campaigns.c
        saved = self._run(
            sa.update(campaigns)
            .where(c.id == campaign.id, c.version == campaign.version)
            .values(version=campaign.version + 1, **_campaign_row(campaign))
        )
        if saved.rowcount != 1:
            raise ConcurrencyConflict("campaign", campaign.id)
        campaign.version += 1
        self._bump()

    def active(self) -> list[Campaign]:
        rows = self._run(
            sa.select(campaigns.c.id)
            .where(campaigns.c.status == CampaignStatus.ACTIVE.value)
            .order_by(campaigns.c.id)
        ).all()
        found = [self.get(r[0]) for r in rows]
        return [f for f in found if f is not None]


def _template(row: RowMapping) -> CouponTemplate:
    rule: Coupon | ShippingCoupon = serialization.converter.structure(
        json.loads(row["rule"]), _RULE
    )
    return CouponTemplate(
        rule, total_limit=row["total_limit"], per_customer_limit=row["per_customer_limit"]
    )


def _coupon(row: RowMapping) -> IssuedCoupon:
    return IssuedCoupon(
        row["id"],
        row["template_id"],
        row["customer_id"],
        row["issued_at"],
        CouponStatus(row["status"]),
        row["order_id"],
    )


class SqlCouponLedger:
    """The coupon ledger of one SQL unit of work."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    def _run(self, statement: Any) -> Any:
        with translating():
            return self._uow.connection.execute(statement)

    def add_template(self, template: CouponTemplate) -> None:
        # A concurrent insert of the same id fails on the primary key: a ConcurrencyConflict.
        self._run(
            sa.insert(coupon_templates).values(
                id=template.id,
                rule=json.dumps(serialization.unstructure(template.rule)),
                total_limit=template.total_limit,
                per_customer_limit=template.per_customer_limit,
                issued=0,
                used=0,
            )
        )

    def template(self, id: str) -> CouponTemplate | None:
        row = self._run(sa.select(coupon_templates).where(coupon_templates.c.id == id))
        found = row.mappings().one_or_none()
        return None if found is None else _template(found)

    def issue(self, coupon: IssuedCoupon) -> None:
        self._run(
            sa.insert(coupons).values(
                id=coupon.id,
                template_id=coupon.template,
                customer_id=coupon.customer,
                issued_at=coupon.issued_at,
                status=coupon.status.value,
                order_id=coupon.order,
            )
        )
        c = coupon_templates.c
        self._run(
            sa.update(coupon_templates).where(c.id == coupon.template).values(issued=c.issued + 1)
        )

    def coupon(self, id: str) -> IssuedCoupon | None:
        row = self._run(sa.select(coupons).where(coupons.c.id == id)).mappings().one_or_none()
        return None if row is None else _coupon(row)

    def try_use(self, coupon: IssuedCoupon, order: str) -> str | None:
        k = coupons.c
        locked = self._run(
            sa.update(coupons)
            .where(k.id == coupon.id, k.status == CouponStatus.AVAILABLE.value)
            .values(status=CouponStatus.LOCKED.value, order_id=order)
        )
        if locked.rowcount != 1:
            return "unavailable"
        c = coupon_templates.c
        counted = self._run(
            sa.update(coupon_templates)
            .where(c.id == coupon.template, sa.or_(c.total_limit.is_(None), c.used < c.total_limit))
            .values(used=c.used + 1)
        )
        if counted.rowcount != 1:
            return "total"  # the caller's unit of work rolls the lock back
        template = self.template(coupon.template)
        assert template is not None
        limit = template.per_customer_limit
        if limit is None:
            return None
        u = coupon_usage.c
        mine = (u.template_id == coupon.template, u.customer_id == coupon.customer)
        bumped = self._run(
            sa.update(coupon_usage).where(*mine, u.used < limit).values(used=u.used + 1)
        )
        if bumped.rowcount == 1:
            return None
        if self._run(sa.select(u.used).where(*mine)).one_or_none() is not None:
            return "per_customer"
        # First use by this customer: two at once collide on the key (a retried conflict).
        self._run(
            sa.insert(coupon_usage).values(
                template_id=coupon.template, customer_id=coupon.customer, used=1
            )
        )
        return None

    def give_back(self, coupon: IssuedCoupon, order: str) -> bool:
        k = coupons.c
        freed = self._run(
            sa.update(coupons)
            .where(k.id == coupon.id, k.status == CouponStatus.LOCKED.value, k.order_id == order)
            .values(status=CouponStatus.AVAILABLE.value, order_id=None)
        )
        if freed.rowcount != 1:
            return False
        c = coupon_templates.c
        self._run(
            sa.update(coupon_templates)
            .where(c.id == coupon.template, c.used > 0)
            .values(used=c.used - 1)
        )
        u = coupon_usage.c
        self._run(
            sa.update(coupon_usage)
            .where(u.template_id == coupon.template, u.customer_id == coupon.customer, u.used > 0)
            .values(used=u.used - 1)
        )
        return True


class SqlMarketingQueries:
    """Marketing reads, one statement each; active campaigns are cached per generation."""

    def __init__(self, storage: SqlStorage) -> None:
        self._storage = storage
        self._lock = threading.Lock()
        self._generation: int | None = None
        self._active: list[CampaignView] = []
        self._rule_sets: dict[tuple[frozenset[str], PricingPolicy], RuleSet] = {}

    def campaign(self, id: str) -> CampaignView:
        with translating(), self._read() as conn:
            row = (
                conn.execute(sa.select(campaigns).where(campaigns.c.id == id))
                .mappings()
                .one_or_none()
            )
        if row is None:
            raise CampaignNotFound(id)
        return _campaign_view(row)

    def active_rules(self, at: datetime, policy: PricingPolicy | None = None) -> RuleSet:
        policy = policy or PricingPolicy()
        g = campaign_generation.c
        with translating(), self._read() as conn:
            generation = conn.execute(
                sa.select(g.generation).where(g.id == GENERATION_ROW)
            ).scalar_one_or_none()
            with self._lock:
                fresh = generation == self._generation
            if not fresh:
                # The one query that loads every active campaign.
                rows = (
                    conn.execute(
                        sa.select(campaigns).where(
                            campaigns.c.status == CampaignStatus.ACTIVE.value
                        )
                    )
                    .mappings()
                    .all()
                )
                loaded = [_campaign_view(r) for r in rows]
                with self._lock:
                    self._generation, self._active, self._rule_sets = generation, loaded, {}
        with self._lock:
            active = self._active
            live = frozenset(
                c.id for c in active if c.starts_at <= at and (c.ends_at is None or at < c.ends_at)
            )
            cached = self._rule_sets.get((live, policy))
            if cached is None:
                cached = self._rule_sets[(live, policy)] = live_rule_set(active, at, policy)
            return cached

    def _read(self) -> Connection:
        conn = self._storage.engine.connect()
        return conn.execution_options(**{SQLITE_BEGIN: "DEFERRED"})

    def usage(self, template: str) -> TemplateUsage:
        with translating(), self._read() as conn:
            row = (
                conn.execute(sa.select(coupon_templates).where(coupon_templates.c.id == template))
                .mappings()
                .one_or_none()
            )
        if row is None:
            raise CouponTemplateNotFound(template)
        return TemplateUsage(_template(row), int(row["issued"]), int(row["used"]))

    def coupons_of(self, customer: str) -> tuple[IssuedCoupon, ...]:
        with translating(), self._read() as conn:
            rows = (
                conn.execute(
                    sa.select(coupons)
                    .where(coupons.c.customer_id == customer)
                    .order_by(coupons.c.id)
                )
                .mappings()
                .all()
            )
        return tuple(_coupon(r) for r in rows)
