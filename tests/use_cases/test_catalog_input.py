"""Bad input on every catalog command is an InputError naming the field; nothing changes."""

from __future__ import annotations

from typing import Any

import pytest
from tests.use_cases.catalog_fixtures import tee

from commerce_core import Actor, Commerce, InputError, PageRequest
from commerce_core.catalog import CreateBrand, CreateTag, ProductSearch

GOOD_MONEY = {"amount": "9.90", "currency": "CNY"}
IMAGE = {"kind": "image", "location": "https://x/y.jpg", "mime": "image/jpeg"}

#: (command type, body with the product id as "$P", the field at fault)
CASES: list[tuple[str, dict[str, Any], str]] = [
    ("catalog.create_brand", {"name": " padded"}, "name"),
    ("catalog.rename_brand", {"brand": "$B", "name": "x" * 65}, "name"),
    ("catalog.create_tag", {"name": ""}, "name"),
    ("catalog.rename_tag", {"tag": "$T", "name": "a\u200bb"}, "name"),
    ("catalog.merge_tags", {"source": "$T", "target": 5}, "target"),
    ("catalog.attach_tags", {"products": [], "tags": ["$T"]}, "products"),
    ("catalog.detach_tags", {"products": ["$P"], "tags": "t"}, "tags"),
    ("catalog.create_product", {"code": "has space", "title": "T"}, "code"),
    ("catalog.create_product", {"code": "C", "title": "T", "currency": "XXX"}, "currency"),
    (
        "catalog.create_product",
        {"code": "C", "title": "T", "default_price": {"amount": "-1"}},
        "default_price",
    ),
    (
        "catalog.create_product",
        {"code": "C", "title": "T", "default_price": {"amount": 9.9}},
        "default_price.amount",
    ),
    (
        "catalog.create_product",
        {"code": "C", "title": "T", "specs": [{"name": "颜色", "values": ["红", " 蓝"]}]},
        "specs[0].values[1]",
    ),
    (
        "catalog.create_product",
        {"code": "C", "title": "T", "skus": [{"options": [], "weight_grams": -1}]},
        "skus[0].weight_grams",
    ),
    (
        "catalog.create_product",
        {"code": "C", "title": "T", "media": [{**IMAGE, "mime": "video/mp4"}]},
        "media[0].mime",
    ),
    (
        "catalog.create_product",
        {
            "code": "C",
            "title": "T",
            "attributes": [{"name": "重量", "kind": "number", "number": "1.1234567"}],
        },
        "attributes[0].number",
    ),
    (
        "catalog.edit_product",
        {"product": "$P", "title": "T", "description": "a\x00"},
        "description",
    ),
    ("catalog.set_product_brand", {"product": "$P", "brand": ""}, "brand"),
    ("catalog.set_product_category", {"product": "$P", "category": 1}, "category"),
    (
        "catalog.set_product_attributes",
        {"product": "$P", "attributes": [{"name": "x"}]},
        "attributes[0].kind",
    ),
    (
        "catalog.set_product_media",
        {"product": "$P", "media": [{**IMAGE, "width": 0}]},
        "media[0].width",
    ),
    ("catalog.add_spec_value", {"product": "$P", "spec": "颜色", "value": "x" * 65}, "value"),
    ("catalog.remove_spec_value", {"product": "$P", "spec": "", "value": "红"}, "spec"),
    ("catalog.set_sku_price", {"product": "$P", "sku": "TEE-1"}, "price"),
    (
        "catalog.set_sku_price",
        {"product": "$P", "sku": "TEE-1", "price": {"amount": "1.001"}},
        "price.amount",
    ),
    ("catalog.update_sku", {"product": "$P", "sku": "TEE-1", "barcode": "a b"}, "barcode"),
    ("catalog.enable_skus", {"product": "$P", "skus": []}, "skus"),
    ("catalog.disable_skus", {"product": "$P", "skus": [""]}, "skus[0]"),
    ("catalog.publish_product", {"product": None}, "product"),
    ("catalog.unpublish_product", {}, "product"),
    ("catalog.archive_product", {"product": "$P", "extra": 1}, "extra"),
    (
        "catalog.schedule_shelf",
        {"product": "$P", "publish_at": "2026-01-01T00:00:00"},
        "publish_at",
    ),
    (
        "catalog.submit_review",
        {"product": "$P", "sku": "TEE-1", "order_line": "L", "customer": "c", "rating": 0},
        "rating",
    ),
    ("catalog.approve_review", {"review": ""}, "review"),
    ("catalog.reject_review", {"review": "r", "reason": " "}, "reason"),
    ("catalog.feature_review", {"review": 1}, "review"),
    ("catalog.reply_to_review", {"review": "r", "text": 5}, "text"),
]

#: Refused by the domain once the command is well-formed (the field is still named).
DOMAIN_CASES: list[tuple[str, dict[str, Any], str]] = [
    (
        "catalog.create_product",
        {
            "code": "C",
            "title": "T",
            "specs": [{"name": "颜色", "values": ["红"]}],
            "skus": [{"options": ["绿"]}],
        },
        "skus[0].options",
    ),
    (
        "catalog.create_product",
        {"code": "C", "title": "T", "specs": [{"name": "颜色", "values": ["红", "红"]}]},
        "specs[0].values",
    ),
    (
        "catalog.create_product",
        {
            "code": "C",
            "title": "T",
            "currency": "CNY",
            "default_price": {"amount": "1", "currency": "USD"},
        },
        "default_price",
    ),
    ("catalog.add_spec_value", {"product": "$P", "spec": "颜色", "value": "红"}, "value"),
    ("catalog.add_spec_value", {"product": "$P", "spec": "材质", "value": "棉"}, "spec"),
    ("catalog.remove_spec_value", {"product": "$P", "spec": "颜色", "value": "绿"}, "value"),
    (
        "catalog.set_sku_price",
        {"product": "$P", "sku": "TEE-1", "price": {"amount": "9"}, "list_price": {"amount": "8"}},
        "list_price",
    ),
    (
        "catalog.schedule_shelf",
        {
            "product": "$P",
            "publish_at": "2026-01-02T00:00:00+00:00",
            "unpublish_at": "2026-01-01T00:00:00+00:00",
        },
        "unpublish_at",
    ),
    (
        "catalog.set_product_attributes",
        {
            "product": "$P",
            "attributes": [
                {"name": "a", "kind": "text", "text": "x"},
                {"name": "a", "kind": "text", "text": "y"},
            ],
        },
        "attributes[1].name",
    ),
]


def _state(shop: Commerce) -> tuple[object, ...]:
    with shop.storage.unit_of_work() as uow:
        outbox = [m.id for m in uow.outbox.pending(limit=10_000)]
    products = shop.catalog.products
    everything = products.search(ProductSearch(), PageRequest(limit=500)).items
    return (
        outbox,
        everything,
        tuple(products.get(p.id) for p in everything),
        products.brands(),
        products.tags(),
    )


def _fill(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str) and value in ids:
        return ids[value]
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize(("type_", "body", "field"), CASES + DOMAIN_CASES)
def test_bad_input_names_the_field_and_changes_nothing(
    shop: Commerce, staff: Actor, type_: str, body: dict[str, Any], field: str
) -> None:
    ids = {
        "$P": tee(shop, staff),
        "$B": shop.execute(CreateBrand(name="Acme"), actor=staff),
        "$T": shop.execute(CreateTag(name="sale"), actor=staff),
    }
    before = _state(shop)
    with pytest.raises(InputError) as err:
        shop.execute_json({"type": type_, **_fill(body, ids)}, actor=staff)
    assert field in [e.path for e in err.value.errors], err.value.errors
    assert _state(shop) == before


def test_every_new_command_has_a_bad_input_case() -> None:
    from commerce_core.app.commerce import BUILTIN_HANDLERS

    catalog_types = {
        c.type_name
        for c in BUILTIN_HANDLERS
        if c.type_name.startswith("catalog.") and "categor" not in c.type_name
    }
    covered = {t for t, _, _ in CASES}
    assert catalog_types - covered <= {"catalog.import_products"}
    assert len(catalog_types) >= 27
