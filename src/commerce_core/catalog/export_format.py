"""Bulk export of products with their SKUs, in the formats :mod:`import_format` reads."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from commerce_core.catalog.import_format import CSV_COLUMNS, ImportFormat
from commerce_core.catalog.media import Attribute, MediaRef
from commerce_core.kernel.money import Money

__all__ = ["product_export_data", "render_products"]


def _media_data(media: Sequence[MediaRef]) -> list[dict[str, Any]]:
    out = []
    for m in media:
        item: dict[str, Any] = {"kind": m.kind.value, "location": m.location, "mime": m.mime}
        for name in ("size_bytes", "width", "height", "duration_ms", "alt"):
            if getattr(m, name) is not None:
                item[name] = getattr(m, name)
        out.append(item)
    return out


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _attributes_text(attributes: Iterable[Attribute]) -> str:
    parts = []
    for a in attributes:
        value = a.value
        if isinstance(value, bool):
            shown = "true" if value else "false"
        elif isinstance(value, Decimal):
            shown = str(value)
        else:
            shown = _dumps(value)
        parts.append(f"{_dumps(a.name)}:{shown}")
    return "{" + ",".join(parts) + "}"


def _amount(money: Money | None) -> str:
    return "" if money is None else str(money.to_decimal())


def render_products(format: ImportFormat, products: Iterable[dict[str, Any]]) -> str:
    """Write products (as :func:`product_export_data` dicts) in ``format``."""
    if format is ImportFormat.JSONL:
        return "".join(_jsonl_line(p) + "\n" for p in products)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for p in products:
        head = [
            p["product_code"],
            p["title"],
            p["subtitle"] or "",
            p["description"],
            p["currency"],
            p["brand"] or "",
            p["category"] or "",
            "|".join(p["tags"]),
            p["status"],
            _dumps(p["specs"]),
            p["attributes"],
            _dumps(p["media"]),
        ]
        for sku in p["skus"]:
            writer.writerow(
                [
                    *head,
                    sku["sku_code"],
                    _dumps(sku["options"]),
                    sku["price"],
                    sku["list_price"],
                    sku["cost"],
                    "" if sku["weight_grams"] is None else str(sku["weight_grams"]),
                    sku["barcode"] or "",
                    "true" if sku["enabled"] else "false",
                    _dumps(sku["sku_media"]),
                ]
            )
    return buffer.getvalue()


def _jsonl_line(p: dict[str, Any]) -> str:
    body = {k: v for k, v in p.items() if k != "attributes"}
    text = _dumps(body)
    # Number attributes are exact decimals: splice their JSON text in by hand.
    return text[:-1] + f',"attributes":{p["attributes"]}' + "}"


def product_export_data(
    view: Any, brand_names: Mapping[str, str], tag_names: Mapping[str, str]
) -> dict[str, Any]:
    """The export form of a :class:`ProductView`."""
    names = [s.name for s in view.specs]
    return {
        "product_code": view.code,
        "title": view.title,
        "subtitle": view.subtitle,
        "description": view.description,
        "currency": view.currency,
        "brand": brand_names.get(view.brand) if view.brand is not None else None,
        "category": view.category,
        "tags": sorted(tag_names[t] for t in view.tags if t in tag_names),
        "status": view.status.value,
        "specs": [[s.name, list(s.values)] for s in view.specs],
        "attributes": _attributes_text(view.attributes),
        "media": _media_data(view.media),
        "skus": [
            {
                "sku_code": s.code,
                "options": dict(zip(names, s.options, strict=True)),
                "price": _amount(s.price),
                "list_price": _amount(s.list_price),
                "cost": _amount(s.cost),
                "weight_grams": s.weight_grams,
                "barcode": s.barcode,
                "enabled": s.enabled,
                "sku_media": _media_data(s.media),
            }
            for s in view.skus
        ],
    }
