"""Products and SKUs through the Commerce facade, on every selected backend."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.use_cases.catalog_fixtures import COLOR, IMAGE, SIZE, category, tee, yuan

from commerce_core import Actor, Commerce, InputError, InvalidTransition, Money
from commerce_core.catalog import (
    AddSpecValue,
    ArchiveProduct,
    BrandId,
    CategoryId,
    CreateProduct,
    DisableSkus,
    DuplicateBarcode,
    DuplicateProductCode,
    DuplicateSkuCode,
    EditProduct,
    EnableSkus,
    ProductNotFound,
    ProductNotReady,
    ProductStatus,
    PublishProduct,
    RemoveSpecValue,
    ScheduleShelf,
    SetProductCategory,
    SetProductMedia,
    SetSkuPrice,
    SkuInput,
    SkuNotFound,
    SkuPriceChanged,
    TagId,
    UnpublishProduct,
    UpdateSku,
)
from commerce_core.kernel import DomainEvent
from commerce_core.testing import FrozenClock


def test_the_sku_matrix_has_one_sku_per_combination(shop: Commerce, staff: Actor) -> None:
    product = tee(shop, staff, skus=(SkuInput(options=("蓝", "M"), code="TEE-BLUE-M"),))
    view = shop.catalog.products.get(product)
    assert [s.options for s in view.skus] == [
        ("红", "S"),
        ("红", "M"),
        ("红", "L"),
        ("蓝", "S"),
        ("蓝", "M"),
        ("蓝", "L"),
    ]
    assert [s.code for s in view.skus] == [
        "TEE-1",
        "TEE-2",
        "TEE-3",
        "TEE-4",
        "TEE-BLUE-M",
        "TEE-6",
    ]
    assert all(s.price == yuan("59.00") and s.enabled for s in view.skus)
    assert view.status is ProductStatus.DRAFT
    assert view.version == 1
    assert shop.catalog.products.by_code("TEE").id == product


def test_a_description_is_stored_exactly_as_given(shop: Commerce, staff: Actor) -> None:
    text = "第一行\n  <b>markup</b>\t\n\n  trailing spaces  "
    product = tee(shop, staff)
    shop.execute(EditProduct(product=product, title="Tee", description=text), actor=staff)
    assert shop.catalog.products.get(product).description == text


def test_sku_codes_are_unique_in_the_shop(shop: Commerce, staff: Actor) -> None:
    tee(shop, staff, skus=(SkuInput(options=("红", "S"), code="SHARED"),))
    with pytest.raises(DuplicateSkuCode) as err:
        tee(shop, staff, code="OTHER", skus=(SkuInput(options=("红", "S"), code="SHARED"),))
    assert err.value.code == "duplicate_sku_code"
    with pytest.raises(ProductNotFound):
        shop.catalog.products.by_code("OTHER")
    with pytest.raises(DuplicateSkuCode):  # a generated code that another product took
        tee(shop, staff, code="OTHER", skus=(SkuInput(options=("红", "M"), code="TEE-2"),))


def test_product_codes_and_barcodes_are_unique_in_the_shop(shop: Commerce, staff: Actor) -> None:
    first = tee(shop, staff)
    with pytest.raises(DuplicateProductCode):
        tee(shop, staff)
    second = tee(shop, staff, code="TWO")
    shop.execute(
        UpdateSku(product=first, sku="TEE-1", barcode="6901234567892", weight_grams=180),
        actor=staff,
    )
    with pytest.raises(DuplicateBarcode) as err:
        shop.execute(UpdateSku(product=second, sku="TWO-1", barcode="6901234567892"), actor=staff)
    assert err.value.code == "duplicate_barcode"
    assert shop.catalog.products.get(second).skus[0].barcode is None
    # Moving a barcode between two SKUs of one product in one command is fine.
    shop.execute(UpdateSku(product=first, sku="TEE-1", barcode=None), actor=staff)
    shop.execute(UpdateSku(product=first, sku="TEE-2", barcode="6901234567892"), actor=staff)
    assert shop.catalog.products.get(first).skus[1].barcode == "6901234567892"


def test_publishing_lists_every_missing_thing(shop: Commerce, staff: Actor) -> None:
    product = tee(shop, staff, price=None, media=())
    with pytest.raises(ProductNotReady) as err:
        shop.execute(PublishProduct(product=product), actor=staff)
    assert err.value.missing == (
        "a category",
        "at least one product image",
        *(f"a price on SKU TEE-{i}" for i in range(1, 7)),
    )
    assert shop.catalog.products.get(product).status is ProductStatus.DRAFT
    shop.execute(SetProductCategory(product=product, category=category(shop, staff)), actor=staff)
    shop.execute(SetProductMedia(product=product, media=(IMAGE,)), actor=staff)
    for i in range(1, 6):
        shop.execute(SetSkuPrice(product=product, sku=f"TEE-{i}", price=yuan("10")), actor=staff)
    shop.execute(DisableSkus(product=product, skus=("TEE-6",)), actor=staff)
    shop.execute(PublishProduct(product=product), actor=staff)
    assert shop.catalog.products.get(product).status is ProductStatus.ON_SHELF


def test_the_lifecycle_follows_its_table(shop: Commerce, staff: Actor) -> None:
    product = tee(shop, staff, cat=category(shop, staff))
    with pytest.raises(InvalidTransition):
        shop.execute(UnpublishProduct(product=product), actor=staff)
    shop.execute(PublishProduct(product=product), actor=staff)
    with pytest.raises(InvalidTransition):
        shop.execute(ArchiveProduct(product=product), actor=staff)
    shop.execute(UnpublishProduct(product=product), actor=staff)
    shop.execute(PublishProduct(product=product), actor=staff)
    shop.execute(UnpublishProduct(product=product), actor=staff)
    shop.execute(ArchiveProduct(product=product), actor=staff)
    with pytest.raises(InvalidTransition) as err:
        shop.execute(PublishProduct(product=product), actor=staff)
    assert (err.value.current, err.value.requested) == ("archived", "on_shelf")


def test_adding_a_spec_value_adds_skus_and_leaves_the_others_alone(
    shop: Commerce, staff: Actor
) -> None:
    product = tee(shop, staff)
    shop.execute(SetSkuPrice(product=product, sku="TEE-1", price=yuan("49")), actor=staff)
    before = shop.catalog.products.get(product).skus
    added = shop.execute(
        AddSpecValue(product=product, spec="颜色", value="绿", price=yuan("66")), actor=staff
    )
    assert added == ("TEE-7", "TEE-8", "TEE-9")
    after = shop.catalog.products.get(product)
    assert after.skus[:6] == before
    assert [s.options for s in after.skus[6:]] == [("绿", "S"), ("绿", "M"), ("绿", "L")]
    assert after.specs == (COLOR.__class__("颜色", ("红", "蓝", "绿")), SIZE)


def test_removing_a_spec_value_disables_skus_and_never_deletes_them(
    shop: Commerce, staff: Actor
) -> None:
    product = tee(shop, staff)
    disabled = shop.execute(RemoveSpecValue(product=product, spec="尺码", value="M"), actor=staff)
    assert disabled == ("TEE-2", "TEE-5")
    view = shop.catalog.products.get(product)
    assert len(view.skus) == 6
    assert [s.code for s in view.skus if not s.enabled] == ["TEE-2", "TEE-5"]
    with pytest.raises(InputError) as err:
        shop.execute(EnableSkus(product=product, skus=("TEE-2",)), actor=staff)
    assert err.value.field == "skus"
    shop.execute(AddSpecValue(product=product, spec="尺码", value="M"), actor=staff)
    assert len(shop.catalog.products.get(product).skus) == 6  # the old SKUs are reused
    shop.execute(EnableSkus(product=product, skus=("TEE-2",)), actor=staff)
    assert shop.catalog.products.get(product).skus[1].enabled


def test_every_price_change_is_recorded_and_announced(
    shop: Commerce, staff: Actor, clock: FrozenClock
) -> None:
    seen: list[DomainEvent] = []
    shop.subscribe(SkuPriceChanged, seen.append)
    product = tee(shop, staff)
    clock.advance(timedelta(hours=1))
    bob = Actor.staff("bob")
    shop.execute(
        SetSkuPrice(product=product, sku="TEE-1", price=yuan("49"), list_price=yuan("79")),
        actor=bob,
    )
    shop.execute(
        SetSkuPrice(product=product, sku="TEE-1", price=yuan("49"), list_price=yuan("79")),
        actor=bob,
    )  # unchanged: not a change
    history = shop.catalog.products.price_history(product)
    assert len(history) == 7  # six initial prices and one change
    last = history[-1]
    assert (last.code, last.old_price, last.new_price, last.new_list_price, last.by) == (
        "TEE-1",
        yuan("59"),
        yuan("49"),
        yuan("79"),
        "staff:bob",
    )
    assert last.at == clock.now()
    assert len(seen) == 1
    assert isinstance(seen[0], SkuPriceChanged)
    assert seen[0].new_price == yuan("49")
    with pytest.raises(InputError) as err:
        shop.execute(
            SetSkuPrice(product=product, sku="TEE-1", price=yuan("49"), list_price=yuan("9")),
            actor=bob,
        )
    assert err.value.field == "list_price"
    with pytest.raises(InputError) as err:
        shop.execute(
            SetSkuPrice(product=product, sku="TEE-1", price=Money.of("1", "USD")), actor=bob
        )
    assert err.value.field == "price"
    with pytest.raises(SkuNotFound):
        shop.execute(SetSkuPrice(product=product, sku="NOPE", price=yuan("1")), actor=bob)


def test_shelf_times_run_through_the_durable_timers(
    shop: Commerce, staff: Actor, clock: FrozenClock
) -> None:
    product = tee(shop, staff, cat=category(shop, staff))
    start = clock.now() + timedelta(days=1)
    end = start + timedelta(days=2)
    shop.execute(ScheduleShelf(product=product, publish_at=start, unpublish_at=end), actor=staff)
    assert shop.run_due(clock.now()).done == ()
    assert len(shop.run_due(start).done) == 1
    assert shop.catalog.products.get(product).status is ProductStatus.ON_SHELF
    assert len(shop.run_due(end).done) == 1
    assert shop.catalog.products.get(product).status is ProductStatus.OFF_SHELF
    with pytest.raises(InputError) as err:
        ScheduleShelf(product=product, publish_at=start.replace(tzinfo=None))
    assert err.value.field == "publish_at"


def test_creating_with_unknown_references_changes_nothing(shop: Commerce, staff: Actor) -> None:
    with pytest.raises(LookupError):
        shop.execute(CreateProduct(code="X", title="X", category=CategoryId("nope")), actor=staff)
    with pytest.raises(LookupError):
        shop.execute(CreateProduct(code="X", title="X", brand=BrandId("nope")), actor=staff)
    with pytest.raises(LookupError):
        shop.execute(CreateProduct(code="X", title="X", tags=(TagId("nope"),)), actor=staff)
    with pytest.raises(ProductNotFound):
        shop.catalog.products.by_code("X")
