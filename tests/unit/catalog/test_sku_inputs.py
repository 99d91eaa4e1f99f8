"""What a caller gives for one SKU reaches the SKU exactly, and each refusal names its field."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from commerce_core import Money
from commerce_core.catalog import (
    DuplicateBarcode,
    DuplicateSkuCode,
    MediaKind,
    MediaRef,
    Product,
    ProductId,
    SkuInput,
    SpecAttribute,
)
from commerce_core.kernel import InputError

T0 = datetime(2026, 5, 1, tzinfo=UTC)
IMAGE = MediaRef(MediaKind.IMAGE, "https://img.example.com/m.jpg", "image/jpeg", alt="M 码")
SIZES = [SpecAttribute("尺码", ("S", "M"))]


def _create(*skus: SkuInput, default_price: Money | None = None) -> Product:
    counter = itertools.count(1)
    return Product.create(
        ProductId("p"),
        code="P",
        title="Tee",
        new_id=lambda: f"s{next(counter)}",
        by="staff:t",
        at=T0,
        specs=SIZES,
        skus=skus,
        default_price=default_price,
    )


def test_every_given_field_reaches_the_sku_and_the_rest_take_the_defaults() -> None:
    given = SkuInput(
        options=("M",),
        code="TEE-M",
        price=Money.of("10"),
        list_price=Money.of("12"),
        cost=Money.of("5"),
        weight_grams=300,
        barcode="690001",
        media=(IMAGE,),
    )
    product = _create(given, default_price=Money.of("8"))
    by_options = {s.options: s for s in product.skus}
    m, s = by_options[("M",)], by_options[("S",)]
    assert (m.code, m.price, m.list_price, m.cost) == (
        "TEE-M",
        Money.of("10"),  # the SKU's own price wins over the default
        Money.of("12"),
        Money.of("5"),
    )
    assert (m.weight_grams, m.barcode, m.media, m.enabled) == (300, "690001", (IMAGE,), True)
    assert (s.price, s.list_price, s.cost, s.weight_grams, s.barcode, s.media) == (
        Money.of("8"),
        None,
        None,
        None,
        None,
        (),
    )


def test_a_list_price_equal_to_the_price_or_with_no_price_is_accepted() -> None:
    same = _create(SkuInput(options=("M",), price=Money.of("10"), list_price=Money.of("10")))
    assert {s.options: s.list_price for s in same.skus}[("M",)] == Money.of("10")
    unpriced = _create(SkuInput(options=("M",), list_price=Money.of("10")))
    m = {s.options: s for s in unpriced.skus}[("M",)]
    assert (m.price, m.list_price) == (None, Money.of("10"))


def test_a_list_price_below_the_price_names_the_sku_field() -> None:
    with pytest.raises(InputError) as caught:
        _create(SkuInput(options=("M",), price=Money.of("10"), list_price=Money.of("9.99")))
    assert caught.value.field == "skus[0].list_price"
    assert str(caught.value) == "invalid input: skus[0].list_price: must not be below the price"


@pytest.mark.parametrize("name", ["price", "list_price", "cost"])
def test_money_in_another_currency_names_the_sku_field(name: str) -> None:
    with pytest.raises(InputError) as caught:
        _create(SkuInput(options=("S",), **{name: Money.of("20", "USD")}))  # type: ignore[arg-type]
    assert caught.value.field == f"skus[0].{name}"


def test_a_code_or_barcode_used_twice_in_one_product_is_refused_with_both_named() -> None:
    with pytest.raises(DuplicateSkuCode) as code:
        _create(SkuInput(options=("S",), code="X"), SkuInput(options=("M",), code="X"))
    assert (code.value.sku_code, code.value.context["owner"]) == ("X", "p")
    with pytest.raises(DuplicateBarcode) as barcode:
        _create(
            SkuInput(options=("S",), code="A", barcode="69"),
            SkuInput(options=("M",), code="B", barcode="69"),
        )
    assert "69" in str(barcode.value)
