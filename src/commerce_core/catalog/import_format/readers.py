"""Reading a whole CSV or JSONL file into product records and field errors."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from commerce_core.catalog.import_format.cells import read_product, read_sku
from commerce_core.catalog.import_format.records import (
    CSV_COLUMNS,
    DATA_MAX,
    DECODER,
    PRODUCT_COLUMNS,
    ImportFormat,
    Line,
    ProductRecord,
    SkuRecord,
)
from commerce_core.kernel.errors import FieldError

__all__ = ["parse_products"]


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
        head = Line(first_line, errors)
        currency = first.get("currency") or "CNY"
        skus: list[SkuRecord] = []
        bad = False
        for number, row in rows:
            line = Line(number, errors)
            for column in PRODUCT_COLUMNS if number != first_line else ():
                value = row.get(column)
                if value is not None and value != "" and value != first.get(column):
                    errors.append(
                        FieldError(
                            f"line[{number}].{column}",
                            f"differs from line {first_line} of the same product "
                            "(leave it blank or repeat it)",
                        )
                    )
                    bad = True
            sku = read_sku(row, line, currency)
            bad = bad or sku is None
            if sku is not None:
                skus.append(sku)
        record = read_product(first, head, tuple(skus))
        if record is not None and not bad:
            out.append(record)
    return out


def _parse_jsonl(data: str, errors: list[FieldError]) -> list[ProductRecord]:
    out: list[ProductRecord] = []
    for number, text in enumerate(data.splitlines(), start=1):
        if not text.strip():
            continue
        try:
            obj = DECODER.decode(text)
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
            line = Line(number, sub)
            sku = read_sku(raw, line, currency) if isinstance(raw, dict) else None
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
        record = read_product(obj, Line(number, errors), tuple(skus))
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
