"""Reading the cells of one line (CSV row or JSONL object) into records, error by field."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from commerce_core.catalog.import_format.records import (
    DECODER,
    PLAIN_AMOUNT,
    Line,
    ProductRecord,
    SkuRecord,
)
from commerce_core.catalog.media import Attribute, MediaRef
from commerce_core.catalog.product_values import ProductStatus, SpecAttribute, check_code
from commerce_core.kernel.errors import InputError
from commerce_core.kernel.money import Money

__all__ = ["blank", "read_product", "read_sku"]


def blank(value: Any) -> bool:
    """An empty cell: missing, null or the empty string."""
    return value is None or value == ""


def _text(value: Any, *, optional: bool = False) -> str | None:
    if blank(value):
        if optional:
            return None
        raise ValueError("required")
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value


def _json(value: Any, default: Any) -> Any:
    if blank(value):
        return default
    if isinstance(value, str):
        try:
            return DECODER.decode(value)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not valid JSON: {exc.msg}") from None
    return value


def _read_money(value: Any, currency: str) -> Money | None:
    if blank(value):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError('write money as a decimal string such as "12.34", never a JSON number')
    text = str(value)
    plain = PLAIN_AMOUNT.fullmatch(text)
    if plain is not None and currency == "CNY" and len(text) < 16:
        whole, fraction = plain.group(1), plain.group(2) or ""
        return Money(int(whole) * 100 + int(fraction.ljust(2, "0")), currency)
    try:
        money = Money.of(text, currency)
    except InputError as exc:
        raise ValueError("; ".join(e.message for e in exc.errors)) from None
    if money.is_negative():
        raise ValueError("must not be negative")
    return money


def _int(value: Any) -> int | None:
    if blank(value):
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if type(value) is not int or not 0 <= value <= 10**9:
        raise ValueError("must be whole grams from 0 to 1,000,000,000")
    return value


def _bool(value: Any) -> bool:
    if blank(value):
        return True
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return bool(value == "true")
    raise ValueError('must be "true" or "false"')


def _media(value: Any) -> tuple[MediaRef, ...]:
    items = _json(value, [])
    if not isinstance(items, list):
        raise TypeError("must be a JSON list of media objects")
    out = []
    for item in items:
        if not isinstance(item, dict):
            raise TypeError("must be a JSON list of media objects")
        known = {"kind", "location", "mime", "size_bytes", "width", "height", "duration_ms", "alt"}
        if set(item) - known:
            raise ValueError(f"unknown media fields {sorted(set(item) - known)}")
        fields: dict[str, Any] = {k: item[k] for k in known if k in item}
        out.append(MediaRef(**fields))
    return tuple(out)


def _attributes(value: Any) -> tuple[Attribute, ...]:
    data = _json(value, {})
    if not isinstance(data, dict):
        raise TypeError('must be a JSON object such as {"材质": "棉", "重量": 1.5, "防水": true}')
    out = []
    for name, raw in data.items():
        if isinstance(raw, float):
            raise TypeError("numbers must be exact")
        if not isinstance(raw, str | bool | int | Decimal):
            raise TypeError(f"{name!r}: text, a number or true/false")
        out.append(Attribute.of(name, raw))
    return tuple(out)


def _specs(value: Any) -> tuple[SpecAttribute, ...] | None:
    data = _json(value, None)
    if data is None:
        return None
    if not isinstance(data, list) or not all(
        isinstance(p, list) and len(p) == 2 and isinstance(p[1], list) for p in data
    ):
        raise TypeError('must be a JSON list such as [["颜色", ["红", "蓝"]]]')
    return tuple(SpecAttribute(name, tuple(values)) for name, values in data)


def _read_options(value: Any) -> tuple[tuple[str, str], ...]:
    data = _json(value, {})
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise TypeError('must be a JSON object such as {"颜色": "红", "尺码": "S"}')
    return tuple(data.items())


# A bulk file repeats the same few option objects and prices on thousands of rows: read each
# distinct cell once. The results are immutable; a refusal is not cached (raised each time).
@functools.lru_cache(maxsize=4096)
def _options_text(text: str) -> tuple[tuple[str, str], ...]:
    return _read_options(text)


@functools.lru_cache(maxsize=4096)
def _money_text(text: str, currency: str) -> Money | None:
    return _read_money(text, currency)


def _options(value: Any) -> tuple[tuple[str, str], ...]:
    return _options_text(value) if type(value) is str else _read_options(value)


def _money(value: Any, currency: str) -> Money | None:
    return _money_text(value, currency) if type(value) is str else _read_money(value, currency)


def _tags(value: Any) -> tuple[str, ...]:
    if blank(value):
        return ()
    if isinstance(value, list):
        names = value
    elif isinstance(value, str):
        names = value.split("|")
    else:
        raise TypeError("tag names separated by |")
    if not all(isinstance(n, str) and n for n in names):
        raise ValueError("tag names must not be empty")
    return tuple(dict.fromkeys(names))


def read_sku(row: dict[str, Any], line: Line, currency: str) -> SkuRecord | None:
    """One SKU from a row; None (and errors on ``line``) if a cell is bad."""
    get = row.get

    def optional(name: str, read: Callable[[Any], Any], default: Any = None) -> Any:
        value = get(name)
        # Blank cells are the common case of a bulk file: no checks to run on them.
        return default if blank(value) else line.field(name, lambda: read(value))

    code = line.field("sku_code", lambda: check_code(_text(get("sku_code")), "sku_code"))
    options = optional("options", _options, ())
    price = optional("price", lambda v: _money(v, currency))
    list_price = optional("list_price", lambda v: _money(v, currency))
    cost = optional("cost", lambda v: _money(v, currency))
    weight = optional("weight_grams", _int)
    barcode = optional("barcode", lambda v: check_code(v, "barcode"))
    enabled = optional("enabled", _bool, True)
    media = optional("sku_media", _media, ())
    if line.bad:
        return None
    return SkuRecord(
        line.number, code, options, price, list_price, cost, weight, barcode, enabled, media
    )


def read_product(
    row: dict[str, Any], line: Line, skus: tuple[SkuRecord, ...]
) -> ProductRecord | None:
    """A product from its row and SKUs; None (and errors on ``line``) if a cell is bad."""
    code = line.field("product_code", lambda: check_code(_text(row.get("product_code")), "code"))
    title = line.field("title", lambda: _text(row.get("title")))
    subtitle = line.field("subtitle", lambda: _text(row.get("subtitle"), optional=True))
    description = line.field("description", lambda: _text(row.get("description"), optional=True))
    currency = line.field("currency", lambda: Money.zero(row.get("currency") or "CNY").currency)
    brand = line.field("brand", lambda: _text(row.get("brand"), optional=True))
    category = line.field("category", lambda: _text(row.get("category"), optional=True))
    tags = line.field("tags", lambda: _tags(row.get("tags")))
    status = line.field("status", lambda: ProductStatus(row.get("status") or "draft"))
    specs = line.field("specs", lambda: _specs(row.get("specs")))
    attributes = line.field("attributes", lambda: _attributes(row.get("attributes")))
    media = line.field("media", lambda: _media(row.get("media")))
    if line.bad:
        return None
    return ProductRecord(
        line=line.number,
        code=code,
        title=title,
        subtitle=subtitle,
        description=description or "",
        currency=currency,
        brand=brand,
        category=category,
        tags=tags,
        status=status,
        specs=specs,
        attributes=attributes,
        media=media,
        skus=skus,
    )
