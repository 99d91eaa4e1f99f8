"""Bulk import and export of products through the Commerce facade, on every backend."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.backends import Backend
from tests.use_cases.catalog_fixtures import category, tee

from commerce_core import Actor, Commerce, Money
from commerce_core.catalog import (
    CreateCategory,
    ImportProducts,
    ImportRejected,
    ProductSearch,
    export_products,
)
from commerce_core.kernel import PageRequest
from commerce_core.testing import FrozenClock, SequentialIds

HEADER = "product_code,title,category,brand,tags,sku_code,options,price,barcode,enabled\n"


def _csv(category_id: str) -> str:
    return HEADER + (
        f"P1,Tee 纯棉T恤,{category_id},Acme,sale|new,"
        f'P1-RS,"{{""颜色"":""红"",""尺码"":""S""}}",59.00,690001,true\n'
        f'P1,,,,,P1-RM,"{{""颜色"":""红"",""尺码"":""M""}}",59.00,,true\n'
        f'P1,,,,,P1-BS,"{{""颜色"":""蓝"",""尺码"":""S""}}",,,false\n'
        f"P2,Mug 马克杯,{category_id},Acme,sale,P2-1,{{}},25,,true\n"
    )


def _count(shop: Commerce) -> int:
    return len(shop.catalog.products.search(ProductSearch(), PageRequest(limit=500)).items)


def test_an_import_creates_products_brands_and_tags_and_a_rerun_changes_nothing(
    shop: Commerce, staff: Actor
) -> None:
    cat = category(shop, staff)
    report = shop.execute(ImportProducts(format="csv", data=_csv(cat)), actor=staff)
    assert (report.created, report.updated, report.unchanged, report.errors) == (2, 0, 0, ())
    p1 = shop.catalog.products.by_code("P1")
    # The file lists three of four combinations; the fourth is made, disabled.
    assert [(s.code, s.enabled, s.price) for s in p1.skus] == [
        ("P1-RS", True, Money.of("59")),
        ("P1-RM", True, Money.of("59")),
        ("P1-BS", False, None),
        ("P1-4", False, None),
    ]
    assert [b.name for b in shop.catalog.products.brands()] == ["Acme"]
    assert sorted(t.name for t in shop.catalog.products.tags()) == ["new", "sale"]
    again = shop.execute(ImportProducts(format="csv", data=_csv(cat)), actor=staff)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert shop.catalog.products.by_code("P1") == p1
    changed = _csv(cat).replace("P2-1,{},25", "P2-1,{},26")
    third = shop.execute(ImportProducts(format="csv", data=changed), actor=staff)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 1)
    assert shop.catalog.products.by_code("P2").skus[0].price == Money.of("26")


def test_every_bad_row_is_reported_and_nothing_is_applied(shop: Commerce, staff: Actor) -> None:
    cat = category(shop, staff)
    tee(shop, staff)  # holds the SKU codes TEE-1 … TEE-6
    bad = (
        _csv(cat)
        .replace("P1-RM", "TEE-2")  # line 3: another product's SKU code
        .replace("P2-1,{},25", "P2-1,{},2.5.0")  # line 5: not a price
        + "P3,,nope,,,P3-1,{},1,,maybe\n"  # line 6: no title, no category, bad flag
    )
    with pytest.raises(ImportRejected) as err:
        shop.execute(ImportProducts(format="csv", data=bad), actor=staff)
    paths = [e.path for e in err.value.errors]
    assert paths == [
        "line[3].sku_code",
        "line[5].price",
        "line[6].enabled",
        "line[6].title",
    ]
    assert err.value.code == "import_rejected"
    assert _count(shop) == 1
    assert shop.catalog.products.brands() == ()
    report = shop.execute(ImportProducts(format="csv", data=bad, partial=True), actor=staff)
    assert report.created == 0  # P1 and P2 both have a bad line; P3 too
    good_and_bad = _csv(cat) + "P3,,nope,,,P3-1,{},1,,maybe\n"
    report = shop.execute(
        ImportProducts(format="csv", data=good_and_bad, partial=True), actor=staff
    )
    assert report.created == 2
    assert [e.path for e in report.errors] == ["line[6].enabled", "line[6].title"]


def test_jsonl_errors_name_the_line_and_the_sku(shop: Commerce, staff: Actor) -> None:
    data = (
        '{"product_code": "J1", "title": "Ok", "skus": [{"sku_code": "J1-1", "price": "1"}]}\n'
        '{"product_code": "J2", "title": "Bad", "skus": [{"sku_code": "J2-1", "price": 1.5}]}\n'
        "not json\n"
    )
    with pytest.raises(ImportRejected) as err:
        shop.execute(ImportProducts(format="jsonl", data=data), actor=staff)
    assert [e.path for e in err.value.errors] == ["line[2].skus[0].price", "line[3]"]
    assert _count(shop) == 0


def test_a_rerun_with_a_new_colour_adds_its_skus_and_leaves_the_others_alone(
    shop: Commerce, staff: Actor
) -> None:
    cat = category(shop, staff)
    shop.execute(ImportProducts(format="csv", data=_csv(cat)), actor=staff)
    before = shop.catalog.products.by_code("P1")
    green = _csv(cat) + 'P1,,,,,P1-GS,"{""颜色"":""绿"",""尺码"":""S""}",61.00,690009,true\n'
    report = shop.execute(ImportProducts(format="csv", data=green), actor=staff)
    assert (report.created, report.updated, report.unchanged, report.errors) == (0, 1, 1, ())
    after = shop.catalog.products.by_code("P1")
    assert after.skus[:4] == before.skus  # every existing SKU exactly as it was
    assert [(s.code, s.options, s.enabled, s.price, s.barcode) for s in after.skus[4:]] == [
        ("P1-GS", ("绿", "S"), True, Money.of("61"), "690009"),
        ("P1-6", ("绿", "M"), False, None, None),
    ]
    assert [s.values for s in after.specs] == [("红", "蓝", "绿"), ("S", "M")]
    again = shop.execute(ImportProducts(format="csv", data=green), actor=staff)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert shop.catalog.products.by_code("P1") == after


def test_a_new_colour_whose_sku_code_another_product_holds_is_refused(
    shop: Commerce, staff: Actor
) -> None:
    cat = category(shop, staff)
    shop.execute(ImportProducts(format="csv", data=_csv(cat)), actor=staff)
    before = shop.catalog.products.by_code("P1")
    green = _csv(cat) + 'P1,,,,,P2-1,"{""颜色"":""绿"",""尺码"":""S""}",61.00,,true\n'
    with pytest.raises(ImportRejected) as err:
        shop.execute(ImportProducts(format="csv", data=green), actor=staff)
    # P2 holds P2-1 in the store (line 6) and again in this file (line 5).
    assert [e.path for e in err.value.errors] == ["line[5].sku_code", "line[6].sku_code"]
    assert shop.catalog.products.by_code("P1") == before


def test_jsonl_build_errors_name_the_index_of_the_bad_sku(shop: Commerce, staff: Actor) -> None:
    tee(shop, staff)  # holds the SKU codes TEE-1 … TEE-6
    data = (
        '{"product_code": "J1", "title": "Ok", "skus": [{"sku_code": "J1-1", "price": "1"}]}\n'
        '{"product_code": "J2", "title": "Bad", "skus": ['
        '{"sku_code": "J2-1", "options": {"c": "a"}, "price": "5"}, '
        '{"sku_code": "J2-2", "options": {"c": "b"}, "price": "5"}, '
        '{"sku_code": "J2-3", "options": {"c": "d"}, "price": "5", "list_price": "4"}]}\n'
        '{"product_code": "J3", "title": "Taken", "skus": ['
        '{"sku_code": "J3-1", "options": {"c": "a"}, "price": "1"}, '
        '{"sku_code": "TEE-2", "options": {"c": "b"}, "price": "1"}]}\n'
    )
    with pytest.raises(ImportRejected) as err:
        shop.execute(ImportProducts(format="jsonl", data=data), actor=staff)
    assert [e.path for e in err.value.errors] == [
        "line[2].skus[2].list_price",
        "line[3].skus[1].sku_code",
    ]
    assert _count(shop) == 1


BACKENDS = ("memory", "sqlite", "postgresql", "mariadb")

skus_strategy = st.lists(
    st.tuples(
        st.sampled_from(["红", "蓝", "绿"]),
        st.sampled_from(["S", "M", "L"]),
        st.one_of(st.none(), st.integers(0, 10**6)),
        st.booleans(),
    ),
    min_size=1,
    max_size=5,
    unique_by=lambda t: (t[0], t[1]),
)


@given(
    products=st.lists(skus_strategy, min_size=1, max_size=3),
    fmt=st.sampled_from(["csv", "jsonl"]),
)
@settings(max_examples=6, deadline=None)
def test_import_then_export_then_import_changes_nothing(
    backend: Backend, products: list[list[tuple[str, str, int | None, bool]]], fmt: str
) -> None:
    staff = Actor.staff("alice")
    rows = io.StringIO()
    writer = csv.writer(rows, lineterminator="\n")
    writer.writerow(
        ["product_code", "title", "category", "sku_code", "options", "price", "enabled"]
    )
    for n, skus in enumerate(products):
        for color, size, cents, enabled in skus:
            price = "" if cents is None else str(Money(cents).to_decimal())
            options = f'{{"颜色":"{color}","尺码":"{size}"}}'
            writer.writerow(
                [
                    f"P{n}",
                    f"商品 {n}",
                    "c-000001",
                    f"P{n}-{color}{size}",
                    options,
                    price,
                    "true" if enabled else "false",
                ]
            )
    first = Commerce(backend.storage(), clock=FrozenClock(), ids=SequentialIds("c"))
    try:
        assert first.execute(CreateCategory(name="Top"), actor=staff) == "c-000001"
        first.execute(ImportProducts(format="csv", data=rows.getvalue()), actor=staff)
        exported = export_products(first.catalog.products, fmt)
        again = first.execute(ImportProducts(format=fmt, data=exported), actor=staff)
        assert (again.created, again.updated, again.unchanged) == (0, 0, len(products))
        assert export_products(first.catalog.products, fmt) == exported
    finally:
        first.close()
    second = Commerce(backend.storage(), clock=FrozenClock(), ids=SequentialIds("c"))
    try:
        second.execute(CreateCategory(name="Top"), actor=staff)
        report = second.execute(ImportProducts(format=fmt, data=exported), actor=staff)
        assert report.created == len(products)
        assert export_products(second.catalog.products, fmt) == exported
    finally:
        second.close()
