"""The import handler (every row checked before anything is applied) and the export."""

from __future__ import annotations

import gc
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Final

from commerce_core.catalog.export_format import product_export_data, render_products
from commerce_core.catalog.ids import CategoryId
from commerce_core.catalog.import_format import (
    ImportFormat,
    ProductRecord,
    parse_products,
)
from commerce_core.catalog.import_use_cases.builder import Importer, errors_of, sku_at
from commerce_core.catalog.import_use_cases.commands import ImportProducts, ImportReport, as_format
from commerce_core.catalog.ports import ProductsContext
from commerce_core.catalog.product_errors import ImportRejected
from commerce_core.catalog.product_ports import ProductQueries
from commerce_core.catalog.product_views import ProductSearch
from commerce_core.catalog.products import Product
from commerce_core.kernel.errors import CommerceError, FieldError
from commerce_core.kernel.messages import Command
from commerce_core.kernel.pagination import PageRequest

__all__ = [
    "HANDLERS",
    "export_products",
    "import_products",
]


def _duplicates(records: list[ProductRecord], fmt: ImportFormat) -> dict[int, list[FieldError]]:
    """Codes and barcodes repeated inside the file, by the index of the later record."""
    out: dict[int, list[FieldError]] = {}
    products: dict[str, int] = {}
    skus: dict[str, int] = {}
    barcodes: dict[str, int] = {}
    for index, record in enumerate(records):
        if record.code in products:
            line = records[products[record.code]].line
            out.setdefault(index, []).append(
                FieldError(f"line[{record.line}].product_code", f"repeats line {line}")
            )
        products.setdefault(record.code, index)
        for i, sku in enumerate(record.skus):
            for key, seen, name in (
                (sku.code, skus, "sku_code"),
                (sku.barcode, barcodes, "barcode"),
            ):
                if key is None:
                    continue
                if key in seen and seen[key] != index:
                    out.setdefault(index, []).append(
                        FieldError(
                            f"{sku_at(record, i, fmt)}.{name}",
                            f"{key!r} is also on another product",
                        )
                    )
                seen.setdefault(key, index)
    return out


def import_products(cmd: ImportProducts, ctx: ProductsContext) -> ImportReport:
    """Check every row, then apply all of them (or, with ``partial``, the good ones)."""
    # An import allocates hundreds of thousands of long-lived objects (records, aggregates,
    # rows) and frees none until it ends; the cyclic collector would rescan them again and
    # again for nothing (a third of the run time at 30,000 SKUs). Reference counting still
    # frees garbage; the collector runs again as soon as the import ends, even on error.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _import(cmd, ctx)
    finally:
        if paused:
            gc.enable()


def _import(cmd: ImportProducts, ctx: ProductsContext) -> ImportReport:
    records, errors = parse_products(cmd.format, cmd.data)
    repo = ctx.uow.products
    bad = _duplicates(records, cmd.format)
    existing = repo.find_by_codes([r.code for r in records])
    owners = repo.sku_owners([s.code for r in records for s in r.skus])
    held = repo.barcode_owners([s.barcode for r in records for s in r.skus if s.barcode])
    known = repo.known_categories(sorted({CategoryId(r.category) for r in records if r.category}))
    importer = Importer(ctx, dry_run=cmd.dry_run)
    built: list[tuple[Product, bool]] = []
    for index, record in enumerate(records):
        problems = bad.get(index, [])
        mine = existing[record.code].id if record.code in existing else None
        for i, sku in enumerate(record.skus):
            at = sku_at(record, i, cmd.format)
            if owners.get(sku.code, mine) != mine:
                problems.append(FieldError(f"{at}.sku_code", f"duplicate_sku_code: {sku.code!r}"))
            if sku.barcode and held.get(sku.barcode, mine) != mine:
                problems.append(FieldError(f"{at}.barcode", f"duplicate_barcode: {sku.barcode!r}"))
        if record.category is not None and record.category not in known:
            problems.append(FieldError(f"line[{record.line}].category", "no such category"))
        if not problems:
            try:
                product = importer.build(record, existing.get(record.code))
            except CommerceError as exc:
                problems = errors_of(exc, record, cmd.format)
            else:
                built.append((product, mine is None))
        errors.extend(problems)
    errors.sort(
        key=lambda e: int(e.path[5 : e.path.index("]")]) if e.path.startswith("line[") else 0
    )
    if errors and not cmd.partial:
        raise ImportRejected(errors)
    new = [p for p, created in built if created]
    changed = [p for p, created in built if not created and p.events]
    if cmd.dry_run:
        for product, _ in built:
            product.events.clear()
    else:
        repo.add(new)
        for product in changed:
            repo.save(product)
    unchanged = len(built) - len(new) - len(changed)
    return ImportReport(len(new), len(changed), unchanged, tuple(errors))


def export_products(queries: ProductQueries, format: ImportFormat | str) -> str:
    """Every product with its SKUs as CSV or JSONL text that imports back to the same catalog."""
    fmt = as_format(format)
    brand_names: dict[str, str] = {b.id: b.name for b in queries.brands()}
    tag_names: dict[str, str] = {t.id: t.name for t in queries.tags()}
    data: list[dict[str, Any]] = []
    page = queries.search(ProductSearch(), PageRequest(limit=500))
    while True:
        data.extend(
            product_export_data(queries.get(s.id), brand_names, tag_names) for s in page.items
        )
        if page.next_cursor is None:
            break
        page = queries.search(ProductSearch(), PageRequest(limit=500, after=page.next_cursor))
    return render_products(fmt, data)


HANDLERS: Final[Mapping[type[Command[Any]], Callable[[Any, ProductsContext], Any]]] = (
    MappingProxyType({ImportProducts: import_products})
)
