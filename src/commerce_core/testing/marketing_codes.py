"""The contract of redeem-code and grant storage for every storage adapter: subclass
:class:`CouponCodeLedgerContract` and give it ``make_storage``.

Keys handed to the ledger are already folded by ``code_key`` (only ``[0-9a-z]``); the ledger
must match them byte for byte (mind MySQL/MariaDB's case-insensitive default collations).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from commerce_core.app.ports import Storage
from commerce_core.kernel.errors import ConcurrencyConflict
from commerce_core.kernel.money import Money
from commerce_core.marketing import (
    CodeBatch,
    CouponBatchNotFound,
    CouponCode,
    CouponCodeNotFound,
    CouponGrant,
    CouponTemplate,
    IssuedCoupon,
)
from commerce_core.pricing import Coupon

__all__ = ["CouponCodeLedgerContract"]

T0 = datetime(2026, 6, 18, 2, 0, 0, 123456, tzinfo=UTC)


def _code(key: str, *, single_use: bool = True, batch: str | None = None) -> CouponCode:
    return CouponCode(
        key.upper(), key, "t10", single_use, T0, batch, T0 + timedelta(days=30) if batch else None
    )


class CouponCodeLedgerContract:
    """Codes are unique by key and matched exactly, redemptions count up to a limit and once
    per customer, grants record one coupon per customer, all inside the unit of work."""

    def make_storage(self) -> Storage:
        """A storage with no data in it."""
        raise NotImplementedError

    @pytest.fixture
    def storage(self) -> Storage:
        storage = self.make_storage()
        with storage.unit_of_work() as uow:
            rule = Coupon(id="t10", amount_off=Money.of("10"))
            uow.coupons.add_template(CouponTemplate(rule, total_limit=2, per_customer_limit=1))
            uow.commit()
        return storage

    def _add(self, storage: Storage, *codes: CouponCode) -> None:
        with storage.unit_of_work() as uow:
            uow.coupon_codes.add_codes(codes)
            uow.commit()

    def _redeem(self, storage: Storage, key: str, customer: str, limit: int | None) -> bool:
        with storage.unit_of_work() as uow:
            done = uow.coupon_codes.try_redeem(key, customer, f"cp-{customer}", limit)
            if done:
                uow.commit()
            return done

    def test_codes_round_trip_and_are_found_by_exact_key(self, storage: Storage) -> None:
        shared, single = _code("summer2026", single_use=False), _code("ab12cd34", batch="b1")
        self._add(storage, shared, single)
        with storage.unit_of_work() as uow:
            assert uow.coupon_codes.code("summer2026") == shared
            assert uow.coupon_codes.code("ab12cd34") == single
            assert uow.coupon_codes.code("SUMMER2026") is None  # keys match byte for byte
            assert uow.coupon_codes.code("summer202") is None
            assert uow.coupon_codes.taken(["summer2026", "x", "ab12cd34"]) == {
                "summer2026",
                "ab12cd34",
            }
        assert storage.marketing.code("Summer-2026") == shared
        with pytest.raises(CouponCodeNotFound):
            storage.marketing.code("winter2026")

    def test_a_key_cannot_be_added_twice(self, storage: Storage) -> None:
        self._add(storage, _code("g01d10"))
        with pytest.raises(ConcurrencyConflict), storage.unit_of_work() as uow:
            uow.coupon_codes.add_codes([_code("zz99"), _code("g01d10", single_use=False)])
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.coupon_codes.code("zz99") is None  # nothing of the failed write
            assert uow.coupon_codes.code("g01d10") == _code("g01d10")

    def test_a_batch_round_trips_with_its_codes(self, storage: Storage) -> None:
        batch = CodeBatch("b1", "t10", 2, "VIP", T0 + timedelta(days=30), T0)
        codes = [_code("vpaaaa", batch="b1"), _code("vpbbbb", batch="b1")]
        with storage.unit_of_work() as uow:
            uow.coupon_codes.add_batch(batch)
            uow.coupon_codes.add_codes([*reversed(codes), _code("0ther1")])
            assert uow.coupon_codes.batch_codes("b1") == tuple(codes)  # its own writes
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.coupon_codes.batch("b1") == batch
            assert uow.coupon_codes.batch("b2") is None
            assert uow.coupon_codes.batch_codes("b1") == tuple(codes)
        assert storage.marketing.batch_codes("b1") == tuple(codes)
        with pytest.raises(CouponBatchNotFound):
            storage.marketing.batch_codes("b2")
        with pytest.raises(ConcurrencyConflict), storage.unit_of_work() as uow:
            uow.coupon_codes.add_batch(batch)
            uow.commit()

    def test_a_batch_of_thousands_is_stored_and_looked_up_at_once(self, storage: Storage) -> None:
        codes = [_code(f"k{i:05d}", batch="big") for i in range(1200)]
        with storage.unit_of_work() as uow:
            uow.coupon_codes.add_batch(CodeBatch("big", "t10", 1200, None, None, T0))
            uow.coupon_codes.add_codes(codes)
            uow.commit()
        with storage.unit_of_work() as uow:
            wanted = [c.key for c in codes[::2]] + ["absent"]
            assert uow.coupon_codes.taken(wanted) == set(wanted[:-1])
        assert len(storage.marketing.batch_codes("big")) == 1200

    def test_redemptions_stop_at_the_limit_and_are_once_per_customer(
        self, storage: Storage
    ) -> None:
        self._add(storage, _code("s1ng1e"), _code("many1", single_use=False))
        assert self._redeem(storage, "s1ng1e", "ann", 1)
        assert not self._redeem(storage, "s1ng1e", "bob", 1)
        assert self._redeem(storage, "many1", "ann", None)
        assert self._redeem(storage, "many1", "bob", None)
        with pytest.raises(ConcurrencyConflict), storage.unit_of_work() as uow:
            uow.coupon_codes.try_redeem("many1", "ann", "cp-again", None)
            uow.commit()
        with storage.unit_of_work() as uow:
            ledger = uow.coupon_codes
            assert ledger.redemption("s1ng1e", "ann") == "cp-ann"
            assert ledger.redemption("s1ng1e", "bob") is None
            assert ledger.redemption("many1", "bob") == "cp-bob"
            assert [ledger.code(k).redemptions for k in ("s1ng1e", "many1")] == [1, 2]  # type: ignore[union-attr]
            assert not ledger.try_redeem("nope", "ann", "cp-x", None)

    def test_a_rolled_back_redemption_leaves_nothing_behind(self, storage: Storage) -> None:
        self._add(storage, _code("s1ng1e"))
        with storage.unit_of_work() as uow:
            assert uow.coupon_codes.try_redeem("s1ng1e", "ann", "cp-ann", 1)
            assert uow.coupon_codes.code("s1ng1e").redemptions == 1  # type: ignore[union-attr]
            uow.rollback()
        assert storage.marketing.code("s1ng1e").redemptions == 0
        assert self._redeem(storage, "s1ng1e", "bob", 1)

    def test_grants_record_one_coupon_per_customer(self, storage: Storage) -> None:
        grant = CouponGrant("g1", "t10", "segment:vip")
        with storage.unit_of_work() as uow:
            assert uow.coupon_codes.grant("g1") is None
            uow.coupon_codes.add_grant(grant)
            uow.coupon_codes.add_granted("g1", {"ann": "cp-1", "bob": "cp-2"})
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.coupon_codes.grant("g1") == grant
            assert uow.coupon_codes.granted("g1", ["ann", "cat", "bob"]) == {
                "ann": "cp-1",
                "bob": "cp-2",
            }
            assert uow.coupon_codes.granted("g2", ["ann"]) == {}
        with pytest.raises(ConcurrencyConflict), storage.unit_of_work() as uow:
            uow.coupon_codes.add_granted("g1", {"cat": "cp-3", "bob": "cp-4"})
            uow.commit()
        with pytest.raises(ConcurrencyConflict), storage.unit_of_work() as uow:
            uow.coupon_codes.add_grant(CouponGrant("g1", "t10", "list"))
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.coupon_codes.granted("g1", ["cat", "bob"]) == {"bob": "cp-2"}

    def test_uses_reports_the_committed_use_counts(self, storage: Storage) -> None:
        coupons = [IssuedCoupon(f"cp-{w}", "t10", w, T0) for w in ("ann", "bob")]
        with storage.unit_of_work() as uow:
            for c in coupons:
                uow.coupons.issue(c)
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.coupon_codes.uses("t10", "ann") == (0, 0)
            assert uow.coupons.try_use(coupons[0], "o1") is None
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.coupon_codes.uses("t10", "ann") == (1, 1)
            assert uow.coupon_codes.uses("t10", "bob") == (1, 0)
            assert uow.coupon_codes.uses("nope", "ann") == (0, 0)

    def test_a_code_added_and_redeemed_in_one_unit_of_work_commits(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            uow.coupon_codes.add_codes([_code("fresh1")])
            assert uow.coupon_codes.try_redeem("fresh1", "ann", "cp-ann", 1)
            assert not uow.coupon_codes.try_redeem("fresh1", "bob", "cp-bob", 1)
            uow.commit()
        assert storage.marketing.code("fresh1").redemptions == 1
