"""Bulk import and export formats of products with their SKUs: CSV and JSONL (stdlib only).

CSV has one row per SKU; the product's own columns are read from its first row and must be
blank or the same on its other rows. JSONL has one product per line with its ``skus``.
Every problem is a :class:`FieldError` whose path names the line: ``line[3].price``.
"""

from commerce_core.catalog.import_format.readers import parse_products
from commerce_core.catalog.import_format.records import (
    CSV_COLUMNS,
    DATA_MAX,
    PRODUCT_COLUMNS,
    ImportFormat,
    ProductRecord,
    SkuRecord,
)

__all__ = [
    "CSV_COLUMNS",
    "DATA_MAX",
    "PRODUCT_COLUMNS",
    "ImportFormat",
    "ProductRecord",
    "SkuRecord",
    "parse_products",
]
