"""Every backend runs the shipped marketing contracts."""

from __future__ import annotations

import pytest
from tests.backends import Backend

from commerce_core.app.ports import Storage
from commerce_core.testing.marketing import CampaignRepositoryContract, CouponLedgerContract
from commerce_core.testing.marketing_codes import CouponCodeLedgerContract


class TestCouponLedgerContract(CouponLedgerContract):
    @pytest.fixture(autouse=True)
    def _bind(self, backend: Backend) -> None:
        self._backend = backend

    def make_storage(self) -> Storage:
        return self._backend.storage()


class TestCampaignRepositoryContract(CampaignRepositoryContract):
    @pytest.fixture(autouse=True)
    def _bind(self, backend: Backend) -> None:
        self._backend = backend
        self.supports_overlapping_units = backend.supports_overlapping_units  # type: ignore[misc]

    def make_storage(self) -> Storage:
        return self._backend.storage()


class TestCouponCodeLedgerContract(CouponCodeLedgerContract):
    @pytest.fixture(autouse=True)
    def _bind(self, backend: Backend) -> None:
        self._backend = backend

    def make_storage(self) -> Storage:
        return self._backend.storage()
