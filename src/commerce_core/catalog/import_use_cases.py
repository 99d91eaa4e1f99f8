"""Bulk import (批量导入) and export of products with their SKUs.

An import checks every row before it changes anything: rows are parsed, matched to the
store (products by product code, SKUs by SKU code), and applied to in-memory copies; any
bad row refuses the whole import with :class:`ImportRejected` listing every bad line and
field, unless ``partial`` is set, in which case the good products are applied and the bad
ones reported. Running the same file again changes nothing.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Final

from attrs import field, frozen

from commerce_core.catalog.brands import Brand, Tag, name_key
from commerce_core.catalog.export_format import product_export_data, render_products
from commerce_core.catalog.ids import BrandId, CategoryId, ProductId, TagId
from commerce_core.catalog.import_format import (
    DATA_MAX,
    ImportFormat,
    ProductRecord,
    parse_products,
)
from commerce_core.catalog.ports import ProductsContext
from commerce_core.catalog.product_errors import ImportRejected
from commerce_core.catalog.product_ports import ProductQueries
from commerce_core.catalog.product_values import ProductStatus, SkuInput, SpecAttribute
from commerce_core.catalog.product_views import ProductSearch
from commerce_core.catalog.products import Product
from commerce_core.kernel.errors import CommerceError, FieldError, InputError
from commerce_core.kernel.messages import Command
from commerce_core.kernel.pagination import PageRequest

__all__ = ["HANDLERS", "ImportFormat", "ImportProducts", "ImportReport", "export_products"]


def _format(value: Any) -> ImportFormat:
    try:
        return ImportFormat(value)
    except (ValueError, TypeError):
        raise InputError.for_field("format", "must be 'csv' or 'jsonl'") from None


def _data(_: object, __: object, value: Any) -> None:
    if not isinstance(value, str):
        raise InputError.for_field("data", "must be the file's text")
    if len(value) > DATA_MAX:
        raise InputError.for_field("data", f"at most {DATA_MAX} characters per import")


def _flag(_: object, __: object, value: Any) -> None:
    if not isinstance(value, bool):
        raise InputError.for_field("partial", "must be true or false")


@frozen
class ImportReport:
    """What an import did: products created, updated and unchanged, and the rows refused."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: tuple[FieldError, ...] = ()


@frozen(kw_only=True)
class ImportProducts(Command[ImportReport]):
    """Import products with their SKUs from CSV or JSONL text (see docs/catalog/import.md)."""

    type_name = "catalog.import_products"
    format: ImportFormat = field(converter=_format)
    data: str = field(validator=_data, repr=lambda d: f"<{len(d)} characters>")
    partial: bool = field(default=False, validator=_flag)
    #: Check every row and report what would happen, without changing anything.
    dry_run: bool = field(default=False, validator=_flag)


def _sku_at(record: ProductRecord, index: int, fmt: ImportFormat) -> str:
    """Where a record's SKU is: its own CSV line, or ``skus[i]`` on the product's JSONL line."""
    if fmt is ImportFormat.JSONL:
        return f"line[{record.line}].skus[{index}]"
    return f"line[{record.skus[index].line}]"


def _errors_of(exc: CommerceError, record: ProductRecord, fmt: ImportFormat) -> list[FieldError]:
    """Turn a refusal while building a product into errors on the record's lines."""
    if not isinstance(exc, InputError):
        return [FieldError(f"line[{record.line}]", f"{exc.code}: {exc}")]
    out = []
    for e in exc.errors:
        where, rest = f"line[{record.line}]", e.path
        if e.path.startswith("skus["):
            index = int(e.path[5 : e.path.index("]")])
            if index < len(record.skus):
                where = _sku_at(record, index, fmt)
            rest = e.path[e.path.index("]") + 2 :] if "]." in e.path else ""
        out.append(FieldError(where + (f".{rest}" if rest else ""), e.message))
    return out


def _specs_of(record: ProductRecord) -> tuple[SpecAttribute, ...]:
    """The record's specs, or the spec values in order of first appearance in its SKUs."""
    if record.specs is not None:
        return record.specs
    names: dict[str, list[str]] = {}
    for sku in record.skus:
        for name, value in sku.options:
            values = names.setdefault(name, [])
            if value not in values:
                values.append(value)
    return tuple(SpecAttribute(n, tuple(v)) for n, v in names.items())


def _options(record: ProductRecord, specs: tuple[SpecAttribute, ...], sku: int) -> tuple[str, ...]:
    given = dict(record.skus[sku].options)
    if sorted(given) != sorted(s.name for s in specs):
        raise InputError.for_field(
            f"skus[{sku}].options", f"must name each spec once: {[s.name for s in specs]}"
        )
    return tuple(given[s.name] for s in specs)


_PATHS: Final[Mapping[ProductStatus, tuple[ProductStatus, ...]]] = MappingProxyType(
    {
        ProductStatus.DRAFT: (),
        ProductStatus.ON_SHELF: (ProductStatus.ON_SHELF,),
        ProductStatus.OFF_SHELF: (ProductStatus.ON_SHELF, ProductStatus.OFF_SHELF),
        ProductStatus.ARCHIVED: (ProductStatus.ARCHIVED,),
    }
)


def _reach(product: Product, target: ProductStatus, ctx: ProductsContext) -> None:
    """Move a product along the lifecycle table until it has ``target``."""
    at = ctx.now()
    if product.status is target:
        return
    steps = _PATHS[target] if product.status is ProductStatus.DRAFT else (target,)
    moves = {
        ProductStatus.ON_SHELF: lambda: product.publish(at=at),
        ProductStatus.OFF_SHELF: lambda: product.unpublish(at=at),
        ProductStatus.ARCHIVED: lambda: product.archive(at=at),
        ProductStatus.DRAFT: lambda: product._move_to(ProductStatus.DRAFT, at),
    }
    for step in steps:
        moves[step]()


class _Importer:
    def __init__(self, ctx: ProductsContext, *, dry_run: bool) -> None:
        self.ctx = ctx
        self.dry_run = dry_run
        self.brands: dict[str, BrandId] = {}
        self.tags: dict[str, TagId] = {}

    def brand(self, name: str) -> BrandId:
        key = name_key(name)
        if key not in self.brands:
            found = self.ctx.uow.brands.find_by_name(name)
            if found is None:
                found = Brand.create(BrandId(self.ctx.new_id()), name, at=self.ctx.now())
                if not self.dry_run:
                    self.ctx.uow.brands.add(found)
            self.brands[key] = found.id
        return self.brands[key]

    def tag(self, name: str) -> TagId:
        key = name_key(name)
        if key not in self.tags:
            found = self.ctx.uow.tags.find_by_name(name)
            if found is None:
                found = Tag.create(TagId(self.ctx.new_id()), name, at=self.ctx.now())
                if not self.dry_run:
                    self.ctx.uow.tags.add(found)
            self.tags[key] = found.id
        return self.tags[key]

    def add_value(
        self, product: Product, spec: str, value: str, codes: dict[tuple[str, ...], str]
    ) -> None:
        """Add a spec value the file names: new SKUs take the file's codes for their options;
        a new combination the file leaves out is disabled, as on a product the file creates."""
        ctx = self.ctx
        try:
            added = product.add_spec_value(
                spec, value, new_id=ctx.new_id, at=ctx.now(), codes=codes
            )
        except InputError as exc:
            raise InputError.for_field("specs", "; ".join(e.message for e in exc.errors)) from None
        product.disable_skus([s.code for s in added if s.options not in codes], at=ctx.now())

    def build(self, record: ProductRecord, existing: Product | None) -> Product:
        ctx = self.ctx
        at = ctx.now()
        by = str(ctx.actor)
        brand = self.brand(record.brand) if record.brand is not None else None
        tags = [self.tag(t) for t in record.tags]
        category = CategoryId(record.category) if record.category is not None else None
        specs = _specs_of(record)
        options = [_options(record, specs, i) for i in range(len(record.skus))]
        if existing is None:
            product = Product.create(
                ProductId(ctx.new_id()),
                code=record.code,
                title=record.title,
                new_id=ctx.new_id,
                by=by,
                at=at,
                currency_code=record.currency,
                subtitle=record.subtitle,
                description=record.description,
                brand=brand,
                category=category,
                tags=tags,
                specs=specs,
                skus=[
                    SkuInput(
                        options=options[i],
                        code=s.code,
                        price=s.price,
                        list_price=s.list_price,
                        cost=s.cost,
                        weight_grams=s.weight_grams,
                        barcode=s.barcode,
                        media=s.media,
                        enabled=s.enabled,
                    )
                    for i, s in enumerate(record.skus)
                ],
                attributes=record.attributes,
                media=record.media,
                fill_enabled=False,
                in_given_order=True,
            )
            _reach(product, record.status, ctx)
            return product
        product = existing
        if record.currency != product.currency:
            raise InputError.for_field("currency", f"the product is in {product.currency}")
        if [s.name for s in specs] != [s.name for s in product.specs]:
            raise InputError.for_field(
                "specs", "an import cannot change the spec attributes of an existing product"
            )
        codes = {options[i]: s.code for i, s in enumerate(record.skus)}
        for spec, stored in zip(specs, product.specs, strict=True):
            for value in spec.values:
                if value not in stored.values:
                    self.add_value(product, spec.name, value, codes)
        product.edit(
            title=record.title, subtitle=record.subtitle, description=record.description, at=at
        )
        product.set_brand(brand, at=at)
        product.set_category(category, at=at)
        product.retag(add=tags, remove=[t for t in product.tags if t not in tags], at=at)
        product.set_attributes(record.attributes, at=at)
        product.set_media(record.media, at=at)
        for i, sku in enumerate(record.skus):
            try:
                current = product.sku(sku.code)
            except LookupError:
                raise InputError.for_field(
                    f"skus[{i}].sku_code", "no such SKU on this product; imports update SKUs"
                ) from None
            if current.options != options[i]:
                raise InputError.for_field(f"skus[{i}].options", "differs from the stored SKU")
            if sku.price is not None:
                product.set_price(
                    sku.code, price=sku.price, list_price=sku.list_price, by=by, at=at
                )
            product.update_sku(
                sku.code,
                cost=sku.cost,
                weight_grams=sku.weight_grams,
                barcode=sku.barcode,
                at=at,
            )
            product.set_media(sku.media, sku=sku.code, at=at)
            if sku.enabled:
                product.enable_skus([sku.code], at=at)
            else:
                product.disable_skus([sku.code], at=at)
        if record.status is not product.status:
            _reach(product, record.status, ctx)
        return product


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
                            f"{_sku_at(record, i, fmt)}.{name}",
                            f"{key!r} is also on another product",
                        )
                    )
                seen.setdefault(key, index)
    return out


def import_products(cmd: ImportProducts, ctx: ProductsContext) -> ImportReport:
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
    importer = _Importer(ctx, dry_run=cmd.dry_run)
    built: list[tuple[Product, bool]] = []
    for index, record in enumerate(records):
        problems = bad.get(index, [])
        mine = existing[record.code].id if record.code in existing else None
        for i, sku in enumerate(record.skus):
            at = _sku_at(record, i, cmd.format)
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
                problems = _errors_of(exc, record, cmd.format)
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
    fmt = _format(format)
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
