"""Explicit mapping between catalog domain objects and rows of the catalog tables."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy.engine import RowMapping

from commerce_adapters.sqlalchemy.types import money_from_row, money_to_row
from commerce_core.catalog.brands import Brand, Tag, name_key
from commerce_core.catalog.ids import BrandId, CategoryId, ProductId, ReviewId, SkuId, TagId
from commerce_core.catalog.media import Attribute, AttributeKind, MediaKind, MediaRef
from commerce_core.catalog.product_values import PriceChange, ProductStatus, Sku, SpecAttribute
from commerce_core.catalog.product_views import price_range, price_sort_key
from commerce_core.catalog.products import Product
from commerce_core.catalog.reviews import Review, ReviewStatus

__all__ = [
    "attribute_rows",
    "brand_from_row",
    "brand_to_row",
    "media_from_json",
    "media_to_json",
    "price_change_from_row",
    "price_change_to_row",
    "product_from_rows",
    "product_to_row",
    "review_from_row",
    "review_to_row",
    "sku_to_row",
    "tag_from_row",
    "tag_to_row",
]

SCALE = 10**6


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def media_to_json(media: Sequence[MediaRef]) -> str:
    if not media:
        return "[]"
    return _dumps(
        [
            {
                "kind": m.kind.value,
                "location": m.location,
                "mime": m.mime,
                "size_bytes": m.size_bytes,
                "width": m.width,
                "height": m.height,
                "duration_ms": m.duration_ms,
                "alt": m.alt,
            }
            for m in media
        ]
    )


def media_from_json(text: str) -> tuple[MediaRef, ...]:
    return tuple(
        MediaRef(
            kind=MediaKind(d["kind"]),
            location=d["location"],
            mime=d["mime"],
            size_bytes=d["size_bytes"],
            width=d["width"],
            height=d["height"],
            duration_ms=d["duration_ms"],
            alt=d["alt"],
        )
        for d in json.loads(text)
    )


def product_to_row(product: Product) -> dict[str, Any]:
    low, high = price_range(product)
    image = next((m.location for m in product.media if m.kind is MediaKind.IMAGE), None)
    return {
        "id": product.id,
        "code": product.code,
        "title": product.title,
        "subtitle": product.subtitle,
        "description": product.description,
        "currency": product.currency,
        "brand_id": product.brand,
        "category_id": product.category,
        "status": product.status.value,
        "specs": _dumps([[s.name, list(s.values)] for s in product.specs]),
        "media": media_to_json(product.media),
        "image": image,
        "version": product.version,
        "created_at": product.created_at,
        "updated_at": product.updated_at,
        "min_price_minor": low.minor if low is not None else None,
        "max_price_minor": high.minor if high is not None else None,
        "price_sort": price_sort_key(low),
        "sku_count": len(product.enabled_skus),
    }


def sku_to_row(product: ProductId, position: int, sku: Sku) -> dict[str, Any]:
    return {
        "id": sku.id,
        "product_id": product,
        "position": position,
        "code": sku.code,
        "barcode": sku.barcode,
        "options": _dumps(list(sku.options)),
        **money_to_row("price", sku.price),
        **money_to_row("list_price", sku.list_price),
        **money_to_row("cost", sku.cost),
        "weight_grams": sku.weight_grams,
        "media": media_to_json(sku.media),
        "enabled": sku.enabled,
    }


def _sku_from_row(row: RowMapping) -> Sku:
    return Sku(
        id=SkuId(row["id"]),
        code=row["code"],
        options=tuple(json.loads(row["options"])),
        price=money_from_row("price", row),
        list_price=money_from_row("list_price", row),
        cost=money_from_row("cost", row),
        weight_grams=row["weight_grams"],
        barcode=row["barcode"],
        media=media_from_json(row["media"]),
        enabled=bool(row["enabled"]),
    )


def attribute_rows(product: Product) -> list[dict[str, Any]]:
    out = []
    for a in product.attributes:
        row: dict[str, Any] = {
            "product_id": product.id,
            "name": a.name,
            "kind": a.kind.value,
            "text_value": None,
            "number_text": None,
            "number_scaled": None,
        }
        if a.kind is AttributeKind.TEXT:
            row["text_value"] = a.text
        elif a.kind is AttributeKind.BOOL:
            row["text_value"] = "true" if a.flag else "false"
        else:
            assert a.number is not None
            row["number_text"] = str(a.number)
            row["number_scaled"] = int(a.number * SCALE)
        out.append(row)
    return out


def _attribute_from_row(row: RowMapping) -> Attribute:
    kind = AttributeKind(row["kind"])
    if kind is AttributeKind.TEXT:
        return Attribute(row["name"], kind, text=row["text_value"])
    if kind is AttributeKind.BOOL:
        return Attribute(row["name"], kind, flag=row["text_value"] == "true")
    return Attribute(row["name"], kind, number=Decimal(row["number_text"]))


def product_from_rows(
    row: RowMapping,
    skus: Sequence[RowMapping],
    attributes: Sequence[RowMapping],
    tags: Sequence[str],
) -> Product:
    return Product(
        id=ProductId(row["id"]),
        code=row["code"],
        title=row["title"],
        currency=str(row["currency"]).strip(),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        subtitle=row["subtitle"],
        description=row["description"],
        brand=BrandId(row["brand_id"]) if row["brand_id"] is not None else None,
        category=CategoryId(row["category_id"]) if row["category_id"] is not None else None,
        tags=tuple(sorted(TagId(t) for t in tags)),
        specs=tuple(SpecAttribute(n, tuple(v)) for n, v in json.loads(row["specs"])),
        skus=tuple(_sku_from_row(s) for s in skus),
        attributes=tuple(
            sorted((_attribute_from_row(a) for a in attributes), key=lambda a: a.name)
        ),
        media=media_from_json(row["media"]),
        status=ProductStatus(row["status"]),
        version=int(row["version"]),
    )


def price_change_to_row(product: ProductId, change: PriceChange) -> dict[str, Any]:
    return {
        "product_id": product,
        "sku_id": change.sku,
        "sku_code": change.code,
        **money_to_row("old_price", change.old_price),
        **money_to_row("new_price", change.new_price),
        **money_to_row("old_list_price", change.old_list_price),
        **money_to_row("new_list_price", change.new_list_price),
        "changed_by": change.by,
        "changed_at": change.at,
    }


def price_change_from_row(row: RowMapping) -> PriceChange:
    return PriceChange(
        sku=SkuId(row["sku_id"]),
        code=row["sku_code"],
        old_price=money_from_row("old_price", row),
        new_price=money_from_row("new_price", row),
        old_list_price=money_from_row("old_list_price", row),
        new_list_price=money_from_row("new_list_price", row),
        by=row["changed_by"],
        at=row["changed_at"],
    )


def brand_to_row(brand: Brand) -> dict[str, Any]:
    return {
        "id": brand.id,
        "name": brand.name,
        "name_key": name_key(brand.name),
        "version": brand.version,
    }


def brand_from_row(row: RowMapping) -> Brand:
    return Brand(BrandId(row["id"]), row["name"], int(row["version"]))


def tag_to_row(tag: Tag) -> dict[str, Any]:
    return {"id": tag.id, "name": tag.name, "name_key": name_key(tag.name), "version": tag.version}


def tag_from_row(row: RowMapping) -> Tag:
    return Tag(TagId(row["id"]), row["name"], int(row["version"]))


def review_to_row(review: Review) -> dict[str, Any]:
    return {
        "id": review.id,
        "product_id": review.product,
        "sku_id": review.sku,
        "sku_code": review.sku_code,
        "order_line": review.order_line,
        "customer": review.customer,
        "rating": review.rating,
        "text": review.text,
        "images": media_to_json(review.images),
        "status": review.status.value,
        "reason": review.reason,
        "reply": review.reply,
        "replied_by": review.replied_by,
        "replied_at": review.replied_at,
        "created_at": review.created_at,
        "version": review.version,
    }


def review_from_row(row: RowMapping) -> Review:
    return Review(
        id=ReviewId(row["id"]),
        product=ProductId(row["product_id"]),
        sku=SkuId(row["sku_id"]),
        sku_code=row["sku_code"],
        order_line=row["order_line"],
        customer=row["customer"],
        rating=int(row["rating"]),
        text=row["text"],
        images=media_from_json(row["images"]),
        created_at=row["created_at"],
        status=ReviewStatus(row["status"]),
        reason=row["reason"],
        reply=row["reply"],
        replied_by=row["replied_by"],
        replied_at=row["replied_at"],
        version=int(row["version"]),
    )
