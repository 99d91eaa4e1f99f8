"""Building products from import records: new ones, and changes to existing ones."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from commerce_core.catalog.brands import Brand, Tag, name_key
from commerce_core.catalog.ids import BrandId, CategoryId, ProductId, TagId
from commerce_core.catalog.import_format import (
    ImportFormat,
    ProductRecord,
)
from commerce_core.catalog.ports import ProductsContext
from commerce_core.catalog.product_values import ProductStatus, SkuInput, SpecAttribute
from commerce_core.catalog.products import Product
from commerce_core.kernel.errors import CommerceError, FieldError, InputError

__all__ = [
    "Importer",
    "errors_of",
    "sku_at",
]


def sku_at(record: ProductRecord, index: int, fmt: ImportFormat) -> str:
    """Where a record's SKU is: its own CSV line, or ``skus[i]`` on the product's JSONL line."""
    if fmt is ImportFormat.JSONL:
        return f"line[{record.line}].skus[{index}]"
    return f"line[{record.skus[index].line}]"


def errors_of(exc: CommerceError, record: ProductRecord, fmt: ImportFormat) -> list[FieldError]:
    """Turn a refusal while building a product into errors on the record's lines."""
    if not isinstance(exc, InputError):
        return [FieldError(f"line[{record.line}]", f"{exc.code}: {exc}")]
    out = []
    for e in exc.errors:
        where, rest = f"line[{record.line}]", e.path
        if e.path.startswith("skus["):
            index = int(e.path[5 : e.path.index("]")])
            if index < len(record.skus):
                where = sku_at(record, index, fmt)
            rest = e.path[e.path.index("]") + 2 :] if "]." in e.path else ""
        out.append(FieldError(where + (f".{rest}" if rest else ""), e.message))
    return out


def _specs_of(record: ProductRecord) -> tuple[SpecAttribute, ...]:
    """The record's specs, or the spec values in order of first appearance in its SKUs."""
    if record.specs is not None:
        return record.specs
    return _specs_from(tuple(sku.options for sku in record.skus))


@functools.lru_cache(maxsize=1024)
def _specs_from(options: tuple[tuple[tuple[str, str], ...], ...]) -> tuple[SpecAttribute, ...]:
    # Products of a bulk file share a few option layouts: build each one's specs once.
    names: dict[str, list[str]] = {}
    for sku in options:
        for name, value in sku:
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


class Importer:
    """Builds the products of one import, finding or making its brands and tags once."""

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
