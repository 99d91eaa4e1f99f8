"""The local-filesystem media store runs the shipped media contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from commerce_adapters.media import LocalMediaStore
from commerce_core.catalog import MediaStore
from commerce_core.testing.product_contracts import MediaStoreContract


class TestLocalMediaStore(MediaStoreContract):
    @pytest.fixture(autouse=True)
    def _root(self, tmp_path: Path) -> None:
        self._dir = tmp_path

    def make_store(self) -> MediaStore:
        return LocalMediaStore(self._dir, base_url="https://cdn.example.com/media")

    def test_files_land_under_the_root(self) -> None:
        store = self.make_store()
        store.put("a/b.png", b"png", mime="image/png")
        assert (self._dir / "a" / "b.png").read_bytes() == b"png"
        assert store.url("a/b.png") == "https://cdn.example.com/media/a/b.png"
