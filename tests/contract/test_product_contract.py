"""Every backend runs the shipped product storage contract."""

from __future__ import annotations

import pytest
from tests.backends import Backend

from commerce_core.app.ports import Storage
from commerce_core.testing.product_contracts import ProductStorageContract


class TestProductStorageContract(ProductStorageContract):
    @pytest.fixture(autouse=True)
    def _bind(self, backend: Backend) -> None:
        self._backend = backend
        self.supports_row_locks = backend.supports_row_locks  # type: ignore[misc]
        self.supports_overlapping_units = backend.supports_overlapping_units  # type: ignore[misc]

    def make_storage(self) -> Storage:
        return self._backend.storage()
