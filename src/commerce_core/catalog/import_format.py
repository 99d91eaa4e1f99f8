"""Bulk import and export formats of products with their SKUs: CSV and JSONL (stdlib only).

CSV has one row per SKU; the product's own columns are read from its first row and must be
blank or the same on its other rows. JSONL has one product per line with its ``skus``.
Every problem is a :class:`FieldError` whose path names the line: ``line[3].price``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from typing import Any

from attrs import frozen

from commerce_core.catalog.media import Attribute, MediaRef
from commerce_core.catalog.product_values import ProductStatus, SpecAttribute, check_code
from commerce_core.kernel.errors import FieldError, InputError
from commerce_core.kernel.money import Money

__all__ = [
    "CSV_COLUMNS",
    "ImportFormat",
    "ProductRecord",
    "SkuRecord",
    "parse_products",
]

#: The CSV header, in the order exports write it (imports accept any order).
CSV_COLUMNS = (
    "product_code",
    "title",
    "subtitle",
    "description",
    "currency",
    "brand",
    "category",
    "tags",
    "status",
    "specs",
    "attributes",
    "media",
    "sku_code",
    "options",
    "price",
    "list_price",
    "cost",
    "weight_grams",
    "barcode",
    "enabled",
    "sku_media",
)
PRODUCT_COLUMNS = CSV_COLUMNS[:12]
#: The common case of an amount, read without the general parser: "12", "12.3", "12.34".
_PLAIN_AMOUNT = re.compile(r"([0-9]+)(?:\.([0-9]{1,2}))?", re.ASCII)
#: The most bytes one import may carry (split bigger catalogs into several files).
DATA_MAX = 64 * 1024 * 1024

#: One decoder for every cell and line: ``json.loads(..., parse_float=...)`` builds a new
#: decoder on each call, which a 30,000-row import pays 30,000 times.
_DECODER = json.JSONDecoder(parse_float=Decimal)


class ImportFormat(StrEnum):
    """A bulk file format."""

    CSV = "csv"
    JSONL = "jsonl"


@frozen
class SkuRecord:
    """One SKU as read from a file."""

    line: int
    code: str
    options: tuple[tuple[str, str], ...]
    price: Money | None
    list_price: Money | None
    cost: Money | None
    weight_grams: int | None
    barcode: str | None
    enabled: bool
    media: tuple[MediaRef, ...]


@frozen
class ProductRecord:
    """One product as read from a file, with its SKUs."""

    line: int
    code: str
    title: str
    subtitle: str | None
    description: str
    currency: str
    brand: str | None
    category: str | None
    tags: tuple[str, ...]
    status: ProductStatus
    specs: tuple[SpecAttribute, ...] | None
    attributes: tuple[Attribute, ...]
    media: tuple[MediaRef, ...]
    skus: tuple[SkuRecord, ...]


class _Line:
    """Collects the errors of one line under ``line[n].<field>``."""

    def __init__(self, number: int, errors: list[FieldError]) -> None:
        self.number = number
        self.errors = errors
        self.bad = False

    def field(self, name: str, read: Callable[[], Any]) -> Any:
        try:
            return read()
        except InputError as exc:
            for e in exc.errors:
                sub = e.path if e.path and e.path != name else ""
                path = f"line[{self.number}].{name}" + (f".{sub}" if sub else "")
                self.errors.append(FieldError(path, e.message))
        except (ValueError, TypeError, KeyError) as exc:
            self.errors.append(FieldError(f"line[{self.number}].{name}", str(exc) or "invalid"))
        self.bad = True
        return None


def _blank(value: Any) -> bool:
    return value is None or value == ""


def _text(value: Any, *, optional: bool = False) -> str | None:
    if _blank(value):
        if optional:
            return None
        raise ValueError("required")
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value


def _json(value: Any, default: Any) -> Any:
    if _blank(value):
        return default
    if isinstance(value, str):
        try:
            return _DECODER.decode(value)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not valid JSON: {exc.msg}") from None
    return value


def _money(value: Any, currency: str) -> Money | None:
    if _blank(value):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError('write money as a decimal string such as "12.34", never a JSON number')
    text = str(value)
    plain = _PLAIN_AMOUNT.fullmatch(text)
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
    if _blank(value):
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if type(value) is not int or not 0 <= value <= 10**9:
        raise ValueError("must be whole grams from 0 to 1,000,000,000")
    return value


def _bool(value: Any) -> bool:
    if _blank(value):
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


def _options(value: Any) -> tuple[tuple[str, str], ...]:
    data = _json(value, {})
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise TypeError('must be a JSON object such as {"颜色": "红", "尺码": "S"}')
    return tuple(data.items())


def _tags(value: Any) -> tuple[str, ...]:
    if _blank(value):
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


def _sku(row: dict[str, Any], line: _Line, currency: str) -> SkuRecord | None:
    get = row.get

    def optional(name: str, read: Callable[[Any], Any], default: Any = None) -> Any:
        value = get(name)
        # Blank cells are the common case of a bulk file: no checks to run on them.
        return default if _blank(value) else line.field(name, lambda: read(value))

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


def _product(row: dict[str, Any], line: _Line, skus: tuple[SkuRecord, ...]) -> ProductRecord | None:
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


def _parse_csv(data: str, errors: list[FieldError]) -> list[ProductRecord]:
    reader = csv.DictReader(io.StringIO(data, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in ("product_code", "title", "sku_code") if c not in header]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if missing or unknown:
        errors.append(
            FieldError(
                "line[1]",
                f"header: missing {missing or 'nothing'}, unknown {unknown or 'nothing'}; "
                f"columns are {', '.join(CSV_COLUMNS)}",
            )
        )
        return []
    groups: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for row in reader:
        number = reader.line_num
        if None in row:
            errors.append(FieldError(f"line[{number}]", "more cells than header columns"))
            continue
        groups.setdefault(row.get("product_code") or f"\x00{number}", []).append((number, row))
    out: list[ProductRecord] = []
    for rows in groups.values():
        first_line, first = rows[0]
        head = _Line(first_line, errors)
        currency = first.get("currency") or "CNY"
        skus: list[SkuRecord] = []
        bad = False
        for number, row in rows:
            line = _Line(number, errors)
            for column in PRODUCT_COLUMNS:
                value = row.get(column)
                if number != first_line and not _blank(value) and value != first.get(column):
                    errors.append(
                        FieldError(
                            f"line[{number}].{column}",
                            f"differs from line {first_line} of the same product "
                            "(leave it blank or repeat it)",
                        )
                    )
                    bad = True
            sku = _sku(row, line, currency)
            bad = bad or sku is None
            if sku is not None:
                skus.append(sku)
        record = _product(first, head, tuple(skus))
        if record is not None and not bad:
            out.append(record)
    return out


def _parse_jsonl(data: str, errors: list[FieldError]) -> list[ProductRecord]:
    out: list[ProductRecord] = []
    for number, text in enumerate(data.splitlines(), start=1):
        if not text.strip():
            continue
        try:
            obj = _DECODER.decode(text)
        except json.JSONDecodeError as exc:
            errors.append(FieldError(f"line[{number}]", f"not valid JSON: {exc.msg}"))
            continue
        if not isinstance(obj, dict):
            errors.append(FieldError(f"line[{number}]", "expected a JSON object"))
            continue
        unknown = set(obj) - set(PRODUCT_COLUMNS) - {"skus"}
        if unknown:
            errors.append(FieldError(f"line[{number}].{sorted(unknown)[0]}", "unknown field"))
            continue
        raw_skus = obj.get("skus")
        if not isinstance(raw_skus, list) or not raw_skus:
            errors.append(FieldError(f"line[{number}].skus", "a non-empty list of SKUs"))
            continue
        currency = obj.get("currency") or "CNY"
        skus: list[SkuRecord] = []
        bad = False
        for i, raw in enumerate(raw_skus):
            sub: list[FieldError] = []
            line = _Line(number, sub)
            sku = _sku(raw, line, currency) if isinstance(raw, dict) else None
            if not isinstance(raw, dict):
                sub.append(FieldError(f"line[{number}]", "a SKU is a JSON object"))
            errors.extend(
                FieldError(
                    e.path.replace(f"line[{number}]", f"line[{number}].skus[{i}]"), e.message
                )
                for e in sub
            )
            bad = bad or sku is None
            if sku is not None:
                skus.append(sku)
        record = _product(obj, _Line(number, errors), tuple(skus))
        if record is not None and not bad:
            out.append(record)
    return out


def parse_products(format: ImportFormat, data: str) -> tuple[list[ProductRecord], list[FieldError]]:
    """Read every product of a file; return the good records and an error per bad field."""
    errors: list[FieldError] = []
    if len(data) > DATA_MAX:
        return [], [FieldError("data", f"at most {DATA_MAX} characters per import")]
    records = _parse_csv(data, errors) if format is ImportFormat.CSV else _parse_jsonl(data, errors)
    return records, errors
