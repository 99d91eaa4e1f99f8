"""The contract of the catalog's product repositories and queries, for every backend.

Subclass it with a ``make_storage`` hook (and capability flags), like
:class:`~commerce_core.testing.contracts.StorageContract`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import ClassVar

import pytest

from commerce_core.app.ports import Storage
from commerce_core.catalog.brands import Brand, Tag
from commerce_core.catalog.ids import BrandId, CategoryId, ProductId, ReviewId, SkuId, TagId
from commerce_core.catalog.media import Attribute, MediaKind, MediaRef
from commerce_core.catalog.product_errors import (
    DuplicateBarcode,
    DuplicateBrandName,
    DuplicateProductCode,
    DuplicateReview,
    DuplicateSkuCode,
    ProductNotFound,
)
from commerce_core.catalog.product_ports import MediaStore
from commerce_core.catalog.product_values import SkuInput, SpecAttribute
from commerce_core.catalog.product_views import ProductSearch, ProductView
from commerce_core.catalog.products import Product
from commerce_core.catalog.reviews import Review
from commerce_core.kernel.errors import ConcurrencyConflict, InputError, NotFound
from commerce_core.kernel.money import Money
from commerce_core.kernel.pagination import PageRequest

__all__ = ["MediaStoreContract", "ProductStorageContract", "sample_product"]

T0 = datetime(2026, 4, 1, 9, 30, 0, 250_000, tzinfo=UTC)
IMAGE = MediaRef(MediaKind.IMAGE, "media/p/1.jpg", "image/jpeg", size_bytes=1, width=1, height=1)
VIDEO = MediaRef(MediaKind.VIDEO, "https://v/1.mp4", "video/mp4", duration_ms=15_000, alt="开箱")


def sample_product(id: str = "p1", code: str = "P1", *, barcode: str | None = None) -> Product:
    """A product with every kind of field filled, for round-trip checks."""
    counter = itertools.count(1)
    return Product.create(
        ProductId(id),
        code=code,
        title="Merino sweater 美利奴毛衣",
        new_id=lambda: f"{id}-s{next(counter)}",
        by="staff:contract",
        at=T0,
        subtitle="soft 柔软",
        description="line 1\n  line 2 \t",
        brand=BrandId("b1"),
        tags=[TagId("t2"), TagId("t1")],
        specs=[SpecAttribute("颜色", ("红", "蓝")), SpecAttribute("尺码", ("M", "L"))],
        skus=[
            SkuInput(
                options=("蓝", "L"),
                code=f"{code}-BL",
                price=Money.of("199.00"),
                list_price=Money.of("299.00"),
                cost=Money.of("80.50"),
                weight_grams=350,
                barcode=barcode,
                media=(IMAGE,),
                enabled=False,
            )
        ],
        attributes=[
            Attribute.of("材质", "羊毛"),
            Attribute.of("重量", 350),
            Attribute.of("可机洗", True),
        ],
        media=[IMAGE, VIDEO],
        default_price=Money.of("189.00"),
    )


class ProductStorageContract:
    """The behaviour of product, brand, tag and review repositories and product queries."""

    supports_row_locks: ClassVar[bool] = False
    supports_overlapping_units: ClassVar[bool] = True

    def make_storage(self) -> Storage:
        """Return a new, empty storage. Override this."""
        raise NotImplementedError

    @pytest.fixture
    def storage(self) -> Iterator[Storage]:
        store = self.make_storage()
        try:
            yield store
        finally:
            store.close()

    def _add(self, storage: Storage, *products: Product) -> None:
        with storage.unit_of_work() as uow:
            uow.products.add(list(products))
            uow.commit()

    def test_a_product_reads_back_equal_through_the_repository_and_the_queries(
        self, storage: Storage
    ) -> None:
        product = sample_product()
        self._add(storage, product)
        assert product.version == 1
        with storage.unit_of_work() as uow:
            again = uow.products.get(ProductId("p1"))
            by_code = uow.products.find_by_codes(["P1", "nope"])
        assert ProductView.of(again) == ProductView.of(product)
        assert list(by_code) == ["P1"]
        assert storage.products.get(ProductId("p1")) == ProductView.of(product)
        assert storage.products.by_code("P1") == ProductView.of(product)
        history = storage.products.price_history(ProductId("p1"))
        assert [(h.code, h.new_price) for h in history] == [(s.code, s.price) for s in product.skus]

    def test_changes_are_stored_and_versions_guard_them(self, storage: Storage) -> None:
        self._add(storage, sample_product())
        with storage.unit_of_work() as uow:
            product = uow.products.get(ProductId("p1"))
            product.set_price("P1-BL", price=Money.of("1.00"), by="staff:x", at=T0)
            fresh = itertools.count(1)
            product.add_spec_value("尺码", "XL", new_id=lambda: f"p1-xl{next(fresh)}", at=T0)
            product.retag(add=[TagId("t3")], remove=[TagId("t1")], at=T0)
            product.set_attributes([Attribute.of("产地", "新疆")], at=T0)
            product.update_sku("P1-1", cost=None, weight_grams=1, barcode="690", at=T0)
            uow.products.save(product)
            uow.commit()
        expected = ProductView.of(product)
        assert storage.products.get(ProductId("p1")) == expected
        assert expected.version == 2
        stale = product
        stale.version = 1
        with storage.unit_of_work() as uow, pytest.raises(ConcurrencyConflict):
            stale.edit(title="stale", subtitle=None, description="", at=T0)
            uow.products.save(stale)

    def test_leaving_without_commit_discards_products(self, storage: Storage) -> None:
        with storage.unit_of_work() as uow:
            uow.products.add([sample_product()])
        with pytest.raises(ProductNotFound):
            storage.products.get(ProductId("p1"))

    def test_in_categories_lists_their_products_and_known_categories_the_ones_that_exist(
        self, storage: Storage
    ) -> None:
        one, two = CategoryId("c1"), CategoryId("c2")
        with storage.unit_of_work() as uow:
            tree = uow.categories.get()
            tree.add(one, "One", parent=None, position=None, at=T0)
            tree.add(two, "Two", parent=None, position=None, at=T0)
            uow.categories.save(tree)
            uow.commit()
        first, second, other = (
            sample_product(),
            sample_product("p2", "P2"),
            sample_product("p3", "P3"),
        )
        first.set_category(one, at=T0)
        second.set_category(one, at=T0)
        self._add(storage, second, first, other)
        with storage.unit_of_work() as uow:
            assert uow.products.known_categories([two, CategoryId("nope"), one]) == {one, two}
            assert uow.products.in_categories([two, one]) == [ProductId("p1"), ProductId("p2")]
            assert uow.products.in_categories([two]) == []
            assert uow.products.in_categories([]) == []
            moved = uow.products.get(ProductId("p2"))
            moved.set_category(two, at=T0)
            uow.products.save(moved)
            assert uow.products.in_categories([two]) == [ProductId("p2")]
            uow.commit()
        with storage.unit_of_work() as uow:
            assert uow.products.in_categories([one]) == [ProductId("p1")]

    def test_codes_and_barcodes_are_unique_across_products(self, storage: Storage) -> None:
        self._add(storage, sample_product(barcode="690001"))
        with storage.unit_of_work() as uow, pytest.raises(DuplicateProductCode):
            uow.products.add([sample_product("p2", "P1")])
        with storage.unit_of_work() as uow, pytest.raises(DuplicateSkuCode):
            clash = sample_product("p2", "P2")
            clash.skus = (*clash.skus[:-1], sample_product().skus[-1])
            uow.products.add([clash])
        with storage.unit_of_work() as uow, pytest.raises(DuplicateBarcode):
            uow.products.add([sample_product("p2", "P2", barcode="690001")])
        self._add(storage, sample_product("p2", "P2"))
        assert len(storage.products.search(ProductSearch(), PageRequest()).items) == 2

    def test_brands_tags_and_reviews_round_trip(self, storage: Storage) -> None:
        self._add(storage, sample_product())
        with storage.unit_of_work() as uow:
            uow.brands.add(Brand.create(BrandId("b1"), "Acme", at=T0))
            uow.tags.add(Tag.create(TagId("t1"), "sale", at=T0))
            review = Review.submit(
                ReviewId("r1"),
                product=ProductId("p1"),
                sku=SkuId("p1-s1"),
                sku_code="P1-1",
                order_line="L1",
                customer="c1",
                rating=4,
                text="好",
                images=(IMAGE,),
                at=T0,
            )
            uow.reviews.add(review)
            assert len(uow.collect_events()) == 3
            uow.commit()
        with storage.unit_of_work() as uow:
            with pytest.raises(DuplicateBrandName):
                uow.brands.add(Brand.create(BrandId("b2"), "ACME", at=T0))
            brand = uow.brands.get("b1")
            brand.rename("Acme 2", at=T0)
            uow.brands.save(brand)
            found = uow.tags.find_by_name("SALE")
            assert found is not None
            assert found.id == "t1"
            review = uow.reviews.get(ReviewId("r1"))
            review.approve(at=T0 + timedelta(seconds=1))
            uow.reviews.save(review)
            uow.commit()
        with storage.unit_of_work() as uow, pytest.raises(DuplicateReview):
            uow.reviews.add(
                Review.submit(
                    ReviewId("r2"),
                    product=ProductId("p1"),
                    sku=SkuId("p1-s1"),
                    sku_code="P1-1",
                    order_line="L1",
                    customer="c2",
                    rating=1,
                    text="",
                    images=(),
                    at=T0,
                )
            )
        assert [b.name for b in storage.products.brands()] == ["Acme 2"]
        summary = storage.products.rating_summary(ProductId("p1"))
        assert (summary.count, summary.average) == (1, "4.00")
        reviews = storage.products.reviews(ProductId("p1"), PageRequest()).items
        assert [(r.id, r.created_at, r.images) for r in reviews] == [("r1", T0, (IMAGE,))]


class MediaStoreContract:
    """The behaviour of a :class:`~commerce_core.catalog.MediaStore`; override ``make_store``."""

    def make_store(self) -> MediaStore:
        """Return an empty media store. Override this."""
        raise NotImplementedError

    def test_bytes_round_trip_and_delete(self) -> None:
        store = self.make_store()
        location = store.put("p1/front.jpg", b"\xff\xd8jpeg", mime="image/jpeg")
        assert store.get(location) == b"\xff\xd8jpeg"
        store.put("p1/front.jpg", b"new", mime="image/jpeg")
        assert store.get("p1/front.jpg") == b"new"
        assert store.url("p1/front.jpg").endswith("p1/front.jpg")
        assert store.delete("p1/front.jpg") is True
        assert store.delete("p1/front.jpg") is False
        with pytest.raises(NotFound):
            store.get("p1/front.jpg")

    def test_keys_cannot_escape(self) -> None:
        store = self.make_store()
        for key in ("../x.jpg", "/etc/passwd", "a/../../b", "", "a b.jpg"):
            with pytest.raises(InputError):
                store.put(key, b"x", mime="image/jpeg")
