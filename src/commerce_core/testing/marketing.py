"""The contracts of marketing storage — the coupon ledger and the campaign repository — for
every storage adapter: subclass :class:`CouponLedgerContract` and
:class:`CampaignRepositoryContract` and give them ``make_storage``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import ClassVar

import pytest

from commerce_core.app.ports import Storage
from commerce_core.kernel.errors import ConcurrencyConflict
from commerce_core.kernel.money import Money
from commerce_core.marketing import (
    Campaign,
    CampaignNotFound,
    CampaignStatus,
    CampaignView,
    CouponStatus,
    CouponTemplate,
    IssuedCoupon,
)
from commerce_core.marketing.errors import CouponTemplateNotFound
from commerce_core.pricing import Coupon, ReductionTier, ShippingCoupon, TieredReduction

__all__ = ["CampaignRepositoryContract", "CouponLedgerContract"]

T0 = datetime(2026, 6, 18, 2, 0, tzinfo=UTC)


def _template(total: int | None = None, per_customer: int | None = None) -> CouponTemplate:
    rule = Coupon(id="t10", amount_off=Money.of("10"), threshold=Money.of("99"))
    return CouponTemplate(rule, total_limit=total, per_customer_limit=per_customer)


class CouponLedgerContract:
    """Templates round-trip, uses are counted against limits all or nothing, and a use
    given back can be used again."""

    def make_storage(self) -> Storage:
        """A storage with no data in it."""
        raise NotImplementedError

    @pytest.fixture
    def storage(self) -> Storage:
        return self.make_storage()

    def _setup(
        self, storage: Storage, template: CouponTemplate, *holders: str
    ) -> list[IssuedCoupon]:
        coupons = [IssuedCoupon(f"cp-{i}", template.id, who, T0) for i, who in enumerate(holders)]
        with storage.unit_of_work() as uow:
            uow.coupons.add_template(template)
            for coupon in coupons:
                uow.coupons.issue(coupon)
            uow.commit()
        return coupons

    def _use(self, storage: Storage, coupon: IssuedCoupon, order: str) -> str | None:
        with storage.unit_of_work() as uow:
            stopped = uow.coupons.try_use(coupon, order)
            if stopped is None:
                uow.commit()
            return stopped

    def test_a_template_round_trips_with_its_rule_and_limits(self, storage: Storage) -> None:
        template = CouponTemplate(
            ShippingCoupon(id="ship", threshold=Money.of("59")), total_limit=5, per_customer_limit=2
        )
        self._setup(storage, template)
        with storage.unit_of_work() as uow:
            assert uow.coupons.template("ship") == template
            assert uow.coupons.template("nope") is None
        usage = storage.marketing.usage("ship")
        assert (usage.template, usage.issued, usage.used) == (template, 0, 0)
        with pytest.raises(CouponTemplateNotFound):
            storage.marketing.usage("nope")

    def test_a_template_id_cannot_be_added_twice(self, storage: Storage) -> None:
        self._setup(storage, _template())
        with pytest.raises(ConcurrencyConflict), storage.unit_of_work() as uow:
            uow.coupons.add_template(_template(total=3))
            uow.commit()

    def test_issued_coupons_are_listed_per_customer(self, storage: Storage) -> None:
        a, b, c = self._setup(storage, _template(), "ann", "bob", "ann")
        assert storage.marketing.coupons_of("ann") == (a, c)
        assert storage.marketing.coupons_of("bob") == (b,)
        assert storage.marketing.usage("t10").issued == 3

    def test_uses_stop_at_the_total_limit(self, storage: Storage) -> None:
        coupons = self._setup(storage, _template(total=2), "a", "b", "c")
        assert [self._use(storage, c, f"o{i}") for i, c in enumerate(coupons)] == [
            None,
            None,
            "total",
        ]
        assert storage.marketing.usage("t10").used == 2
        # The refused use left its coupon available.
        assert storage.marketing.coupons_of("c")[0].status is CouponStatus.AVAILABLE

    def test_uses_stop_at_the_per_customer_limit(self, storage: Storage) -> None:
        a1, a2, b1 = self._setup(storage, _template(per_customer=1), "ann", "ann", "bob")
        assert self._use(storage, a1, "o1") is None
        assert self._use(storage, a2, "o2") == "per_customer"
        assert self._use(storage, b1, "o3") is None
        assert storage.marketing.usage("t10").used == 2

    def test_a_locked_coupon_is_unavailable(self, storage: Storage) -> None:
        (a,) = self._setup(storage, _template(), "ann")
        assert self._use(storage, a, "o1") is None
        assert self._use(storage, a, "o2") == "unavailable"
        (locked,) = storage.marketing.coupons_of("ann")
        assert (locked.status, locked.order) == (CouponStatus.LOCKED, "o1")

    def test_a_use_given_back_counts_no_more_and_can_be_used_again(self, storage: Storage) -> None:
        a, b = self._setup(storage, _template(total=1, per_customer=1), "ann", "bob")
        assert self._use(storage, a, "o1") is None
        assert self._use(storage, b, "o2") == "total"
        with storage.unit_of_work() as uow:
            assert not uow.coupons.give_back(a, "other-order")
            assert uow.coupons.give_back(a, "o1")
            uow.commit()
        assert storage.marketing.usage("t10").used == 0
        assert self._use(storage, b, "o2") is None
        assert self._use(storage, a, "o3") == "total"

    def test_a_rolled_back_use_leaves_nothing_behind(self, storage: Storage) -> None:
        (a,) = self._setup(storage, _template(total=1), "ann")
        with storage.unit_of_work() as uow:
            assert uow.coupons.try_use(a, "o1") is None
            uow.rollback()
        assert storage.marketing.usage("t10").used == 0
        assert storage.marketing.coupons_of("ann")[0].status is CouponStatus.AVAILABLE


def _campaign(id: str, rule_id: str, **kw: object) -> Campaign:
    rule = TieredReduction(id=rule_id, tiers=(ReductionTier(Money.of("300"), Money.of("50")),))
    return Campaign.create(
        id, f"campaign {id}", (rule,), starts_at=T0, ends_at=T0 + timedelta(days=2), at=T0
    )


class CampaignRepositoryContract:
    """Campaigns round-trip, saves are version-checked, and the active rule set follows
    every change."""

    #: Two units of work may be open and writing at once (False: writers are serialized).
    supports_overlapping_units: ClassVar[bool] = True

    def make_storage(self) -> Storage:
        """A storage with no data in it."""
        raise NotImplementedError

    @pytest.fixture
    def storage(self) -> Storage:
        return self.make_storage()

    def _add(self, storage: Storage, *campaigns: Campaign) -> None:
        with storage.unit_of_work() as uow:
            for c in campaigns:
                uow.campaigns.add(c)
            uow.commit()

    def _move(self, storage: Storage, id: str, status: CampaignStatus) -> None:
        with storage.unit_of_work() as uow:
            c = uow.campaigns.get(id)
            assert c is not None
            c.status = status
            uow.campaigns.save(c)
            uow.commit()

    def test_a_campaign_round_trips(self, storage: Storage) -> None:
        c = _campaign("c1", "r1")
        self._add(storage, c)
        with storage.unit_of_work() as uow:
            got = uow.campaigns.get("c1")
            assert uow.campaigns.get("nope") is None
        assert got is not None
        assert CampaignView.of(got) == CampaignView.of(c)
        assert storage.marketing.campaign("c1") == CampaignView.of(c)
        with pytest.raises(CampaignNotFound):
            storage.marketing.campaign("nope")

    def test_a_stale_save_conflicts(self, storage: Storage) -> None:
        if not self.supports_overlapping_units:
            pytest.skip("capability: this backend runs write transactions one at a time")
        self._add(storage, _campaign("c1", "r1"))
        with storage.unit_of_work() as first:
            stale = first.campaigns.get("c1")
            assert stale is not None
            self._move(storage, "c1", CampaignStatus.SCHEDULED)
            stale.status = CampaignStatus.ENDED
            with pytest.raises(ConcurrencyConflict):
                first.campaigns.save(stale)
                first.commit()
        assert storage.marketing.campaign("c1").status is CampaignStatus.SCHEDULED
        assert storage.marketing.campaign("c1").version == 1

    def test_active_lists_only_active_campaigns(self, storage: Storage) -> None:
        self._add(storage, _campaign("c1", "r1"), _campaign("c2", "r2"))
        self._move(storage, "c2", CampaignStatus.ACTIVE)
        with storage.unit_of_work() as uow:
            assert [c.id for c in uow.campaigns.active()] == ["c2"]

    def test_the_active_rule_set_follows_status_and_time(self, storage: Storage) -> None:
        self._add(storage, _campaign("c1", "r1"), _campaign("c2", "r2"))
        assert storage.marketing.active_rules(T0).rules == ()
        self._move(storage, "c1", CampaignStatus.ACTIVE)
        first = storage.marketing.active_rules(T0)
        assert [r.id for r in first.rules] == ["r1"]
        assert storage.marketing.active_rules(T0) is first  # cached until a campaign changes
        self._move(storage, "c2", CampaignStatus.ACTIVE)
        assert [r.id for r in storage.marketing.active_rules(T0).rules] == ["r1", "r2"]
        assert storage.marketing.active_rules(T0 + timedelta(days=2)).rules == ()
        self._move(storage, "c1", CampaignStatus.PAUSED)
        assert [r.id for r in storage.marketing.active_rules(T0).rules] == ["r2"]
