"""What an import reads: the records of products and SKUs, the formats, the limits."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from typing import Any

from attrs import frozen

from commerce_core.catalog.media import Attribute, MediaRef
from commerce_core.catalog.product_values import ProductStatus, SpecAttribute
from commerce_core.kernel.errors import FieldError, InputError
from commerce_core.kernel.money import Money

__all__ = [
    "CSV_COLUMNS",
    "DATA_MAX",
    "DECODER",
    "PLAIN_AMOUNT",
    "PRODUCT_COLUMNS",
    "ImportFormat",
    "Line",
    "ProductRecord",
    "SkuRecord",
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
PLAIN_AMOUNT = re.compile(r"([0-9]+)(?:\.([0-9]{1,2}))?", re.ASCII)
#: The most bytes one import may carry (split bigger catalogs into several files).
DATA_MAX = 64 * 1024 * 1024

#: One decoder for every cell and line: ``json.loads(..., parse_float=...)`` builds a new
#: decoder on each call, which a 30,000-row import pays 30,000 times.
DECODER = json.JSONDecoder(parse_float=Decimal)


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


class Line:
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
