"""Every backend runs the shipped coupon ledger contract."""

from __future__ import annotations

import pytest
from tests.backends import Backend

from commerce_core.app.ports import Storage
from commerce_core.testing.marketing import CouponLedgerContract


class TestCouponLedgerContract(CouponLedgerContract):
    @pytest.fixture(autouse=True)
    def _bind(self, backend: Backend) -> None:
        self._backend = backend

    def make_storage(self) -> Storage:
        return self._backend.storage()
