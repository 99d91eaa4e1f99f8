"""Product search, brands and tags through the Commerce facade, on every selected backend."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from tests.use_cases.catalog_fixtures import IMAGE, yuan

from commerce_core import Actor, Commerce, InputError, PageRequest
from commerce_core.catalog import (
    AttachTags,
    Attribute,
    AttributeFilter,
    CategoryId,
    CreateBrand,
    CreateCategory,
    CreateProduct,
    CreateTag,
    DetachTags,
    DuplicateBrandName,
    DuplicateTagName,
    MergeTags,
    ProductId,
    ProductSearch,
    ProductSort,
    ProductStatus,
    PublishProduct,
    RenameBrand,
    RenameTag,
    SetProductBrand,
    SkuInput,
    SpecAttribute,
    TagNotFound,
    UpdateSku,
)
from commerce_core.testing import FrozenClock


def _make(
    shop: Commerce,
    staff: Actor,
    *,
    code: str,
    title: str,
    price: str,
    category: CategoryId,
    attributes: tuple[Attribute, ...] = (),
) -> str:
    return shop.execute(
        CreateProduct(
            code=code,
            title=title,
            category=category,
            specs=(SpecAttribute("尺码", ("S", "M")),),
            skus=(SkuInput(options=("M",), price=yuan(price) + yuan("10")),),
            default_price=yuan(price),
            attributes=attributes,
            media=(IMAGE,),
        ),
        actor=staff,
    )


@pytest.fixture
def catalog(shop: Commerce, staff: Actor, clock: FrozenClock) -> dict[str, str]:
    apparel = shop.execute(CreateCategory(name="Apparel"), actor=staff)
    tops = shop.execute(CreateCategory(name="Tops", parent=apparel), actor=staff)
    digital = shop.execute(CreateCategory(name="Digital"), actor=staff)
    ids: dict[str, str] = {"apparel": apparel, "tops": tops, "digital": digital}
    rows = [
        ("A1", "Alpha cotton tee 纯棉T恤", "30", tops, (Attribute.of("材质", "棉"),)),
        ("B2", "Bravo linen shirt 亚麻衬衫", "120", tops, (Attribute.of("材质", "麻"),)),
        ("C3", "Charlie jeans 牛仔裤", "200", apparel, (Attribute.of("防水", False),)),
        ("D4", "Delta earbuds 耳机", "399", digital, (Attribute.of("重量", Decimal("5.5")),)),
        ("E5", "Echo phone case 手机壳", "25", digital, (Attribute.of("重量", Decimal("30")),)),
    ]
    for code, title, price, cat, attributes in rows:
        clock.advance(timedelta(seconds=1))
        ids[code] = _make(
            shop, staff, code=code, title=title, price=price, category=cat, attributes=attributes
        )
    return ids


def codes(shop: Commerce, query: ProductSearch, limit: int = 50) -> list[str]:
    return [p.code for p in shop.catalog.products.search(query, PageRequest(limit=limit)).items]


def test_filters_combine(shop: Commerce, staff: Actor, catalog: dict[str, str]) -> None:
    cat = CategoryId(catalog["apparel"])
    assert codes(shop, ProductSearch(category=cat)) == ["A1", "B2", "C3"]  # with descendants
    assert codes(shop, ProductSearch(category=CategoryId(catalog["tops"]))) == ["A1", "B2"]
    assert codes(shop, ProductSearch(keyword="SHIRT")) == ["B2"]
    assert codes(shop, ProductSearch(keyword="耳机")) == ["D4"]
    assert codes(shop, ProductSearch(keyword="C3-1")) == ["C3"]  # a SKU code
    assert codes(shop, ProductSearch(keyword="50%")) == []  # LIKE wildcards are literal
    e5 = ProductId(catalog["E5"])
    shop.execute(UpdateSku(product=e5, sku="E5-2", barcode="690123"), actor=staff)
    assert codes(shop, ProductSearch(keyword="690123")) == ["E5"]
    assert codes(shop, ProductSearch(min_price=yuan("30"), max_price=yuan("200"))) == [
        "A1",
        "B2",
        "C3",
    ]
    assert codes(shop, ProductSearch(attributes=(AttributeFilter(name="材质", equals="麻"),))) == [
        "B2"
    ]
    assert codes(shop, ProductSearch(attributes=(AttributeFilter(name="防水", flag=False),))) == [
        "C3"
    ]
    heavy = AttributeFilter(name="重量", min=Decimal("5.5"), max=Decimal("29.999999"))
    assert codes(shop, ProductSearch(attributes=(heavy,))) == ["D4"]
    shop.execute(PublishProduct(product=ProductId(catalog["D4"])), actor=staff)
    assert codes(shop, ProductSearch(status=ProductStatus.ON_SHELF)) == ["D4"]
    brand = shop.execute(CreateBrand(name="Acme 极客"), actor=staff)
    shop.execute(SetProductBrand(product=ProductId(catalog["E5"]), brand=brand), actor=staff)
    assert codes(shop, ProductSearch(brand=brand, category=CategoryId(catalog["digital"]))) == [
        "E5"
    ]
    summary = shop.catalog.products.search(ProductSearch(brand=brand), PageRequest()).items[0]
    assert (summary.min_price, summary.max_price, summary.sku_count) == (
        yuan("25"),
        yuan("35"),
        2,
    )
    assert summary.image == IMAGE.location


def test_sorting_and_keyset_pages(shop: Commerce, catalog: dict[str, str]) -> None:
    by_price = ProductSearch(sort=ProductSort.PRICE)
    assert codes(shop, by_price) == ["E5", "A1", "B2", "C3", "D4"]
    assert codes(shop, ProductSearch(sort=ProductSort.PRICE, descending=True)) == [
        "D4",
        "C3",
        "B2",
        "A1",
        "E5",
    ]
    assert codes(shop, ProductSearch(sort=ProductSort.TITLE)) == ["A1", "B2", "C3", "D4", "E5"]
    for query in (
        by_price,
        ProductSearch(sort=ProductSort.CREATED, descending=True),
        ProductSearch(sort=ProductSort.TITLE),
    ):
        seen: list[str] = []
        page = shop.catalog.products.search(query, PageRequest(limit=2))
        while True:
            seen.extend(p.code for p in page.items)
            if page.next_cursor is None:
                break
            page = shop.catalog.products.search(query, PageRequest(limit=2, after=page.next_cursor))
        assert seen == codes(shop, query)
    cursor = shop.catalog.products.search(by_price, PageRequest(limit=1)).next_cursor
    assert cursor is not None
    with pytest.raises(InputError) as err:  # a price cursor is not a title cursor
        shop.catalog.products.search(
            ProductSearch(sort=ProductSort.TITLE), PageRequest(after=cursor)
        )
    assert err.value.field == "after"


def test_search_input_is_checked() -> None:
    with pytest.raises(InputError) as err:
        ProductSearch(sort="popularity")  # type: ignore[arg-type]
    assert err.value.field == "sort"
    with pytest.raises(InputError) as err:
        ProductSearch(keyword=" padded ")
    assert err.value.field == "keyword"
    with pytest.raises(InputError) as err:
        AttributeFilter(name="材质", equals="棉", flag=True)
    assert err.value.field == "equals"


def test_brands_are_created_renamed_and_unique(shop: Commerce, staff: Actor) -> None:
    acme = shop.execute(CreateBrand(name="Acme"), actor=staff)
    with pytest.raises(DuplicateBrandName):
        shop.execute(CreateBrand(name="ＡＣＭＥ"), actor=staff)
    shop.execute(CreateBrand(name="Bolt"), actor=staff)
    shop.execute(RenameBrand(brand=acme, name="Acme 极客"), actor=staff)
    with pytest.raises(DuplicateBrandName):
        shop.execute(RenameBrand(brand=acme, name="bolt"), actor=staff)
    assert [b.name for b in shop.catalog.products.brands()] == ["Acme 极客", "Bolt"]


def test_tags_attach_detach_rename_and_merge(
    shop: Commerce, staff: Actor, catalog: dict[str, str]
) -> None:
    sale = shop.execute(CreateTag(name="sale"), actor=staff)
    promo = shop.execute(CreateTag(name="promo"), actor=staff)
    new = shop.execute(CreateTag(name="new"), actor=staff)
    with pytest.raises(DuplicateTagName):
        shop.execute(CreateTag(name="SALE"), actor=staff)
    products = (catalog["A1"], catalog["B2"], catalog["C3"])
    shop.execute(AttachTags(products=products, tags=(sale, new)), actor=staff)
    shop.execute(AttachTags(products=(catalog["C3"], catalog["D4"]), tags=(promo,)), actor=staff)
    shop.execute(DetachTags(products=(catalog["B2"],), tags=(new,)), actor=staff)
    assert codes(shop, ProductSearch(tag=new)) == ["A1", "C3"]
    assert shop.execute(MergeTags(source=promo, target=sale), actor=staff) == 2
    assert codes(shop, ProductSearch(tag=sale)) == ["A1", "B2", "C3", "D4"]
    assert codes(shop, ProductSearch(tag=promo)) == []
    with pytest.raises(TagNotFound):
        shop.execute(RenameTag(tag=promo, name="gone"), actor=staff)
    shop.execute(RenameTag(tag=sale, name="特价 sale"), actor=staff)
    assert [t.name for t in shop.catalog.products.tags()] == ["new", "特价 sale"]
    with pytest.raises(InputError) as err:
        shop.execute(MergeTags(source=sale, target=sale), actor=staff)
    assert err.value.field == "target"


def test_keyword_wildcards_and_the_escape_character_match_only_themselves(
    shop: Commerce, staff: Actor, catalog: dict[str, str]
) -> None:
    cat = CategoryId(catalog["apparel"])
    _make(shop, staff, code="W1", title="Sale 50%_off/linen", price="10", category=cat)
    _make(shop, staff, code="W2", title="Sale 50x off linen", price="10", category=cat)
    assert codes(shop, ProductSearch(keyword="50%_off/l")) == ["W1"]
    assert codes(shop, ProductSearch(keyword="50%")) == ["W1"]
    assert codes(shop, ProductSearch(keyword="0_o")) == []  # "_" is not "any character"
    assert codes(shop, ProductSearch(keyword="F/LIN")) == ["W1"]
    # The same search shape with other values binds them anew (statements are reused).
    assert codes(shop, ProductSearch(keyword="50x")) == ["W2"]
