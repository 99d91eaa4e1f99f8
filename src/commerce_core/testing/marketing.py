"""The contract of a coupon ledger (:class:`commerce_core.marketing.CouponLedger`), for every
storage adapter: subclass :class:`CouponLedgerContract` and give it ``make_storage``."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commerce_core.app.ports import Storage
from commerce_core.kernel.errors import ConcurrencyConflict
from commerce_core.kernel.money import Money
from commerce_core.marketing import CouponStatus, CouponTemplate, IssuedCoupon
from commerce_core.marketing.errors import CouponTemplateNotFound
from commerce_core.pricing import Coupon, ShippingCoupon

__all__ = ["CouponLedgerContract"]

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
