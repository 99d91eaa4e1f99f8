"""Commands of products, SKUs, brands and tags, and their handlers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final

from attrs import field, frozen

from commerce_core.catalog.brands import BRAND_NAME_MAX, TAG_NAME_MAX, Brand, Tag, name_key
from commerce_core.catalog.errors import CategoryNotFound
from commerce_core.catalog.ids import BrandId, CategoryId, ProductId, TagId
from commerce_core.catalog.media import Attribute, MediaRef
from commerce_core.catalog.ports import ProductsContext
from commerce_core.catalog.product_errors import DuplicateBrandName, DuplicateTagName
from commerce_core.catalog.product_events import TagsMerged
from commerce_core.catalog.product_values import (
    SPEC_VALUE_MAX,
    TITLE_MAX,
    SkuInput,
    SpecAttribute,
    check_code,
    check_description,
    check_money,
    check_weight,
    optional_code,
)
from commerce_core.catalog.products import Product
from commerce_core.kernel.clock import ensure_utc
from commerce_core.kernel.errors import InputError
from commerce_core.kernel.messages import Command
from commerce_core.kernel.money import Money, currency
from commerce_core.kernel.validation import check_text

__all__ = [
    "HANDLERS",
    "AddSpecValue",
    "ArchiveProduct",
    "AttachTags",
    "CreateBrand",
    "CreateProduct",
    "CreateTag",
    "DetachTags",
    "DisableSkus",
    "EditProduct",
    "EnableSkus",
    "MergeTags",
    "PublishProduct",
    "RemoveSpecValue",
    "RenameBrand",
    "RenameTag",
    "ScheduleShelf",
    "SetProductAttributes",
    "SetProductBrand",
    "SetProductCategory",
    "SetProductMedia",
    "SetSkuPrice",
    "UnpublishProduct",
    "UpdateSku",
    "check_references",
    "shelf_timer_key",
]

ID_MAX = 64
#: The most products or tags one bulk command may name.
BULK_MAX = 1000


# -- field validators ----------------------------------------------------------------------
def _text(path: str, max_length: int = ID_MAX) -> Any:
    return lambda _, __, v: check_text(v, path, max_length=max_length)


def _opt_text(path: str, max_length: int = ID_MAX) -> Any:
    return lambda _, __, v: v is None or check_text(v, path, max_length=max_length)


def _code(path: str) -> Any:
    return lambda _, __, v: check_code(v, path)


def _as_tuple(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def _ids(path: str, *, at_least: int = 0) -> Any:
    def validate(_: object, __: object, value: object) -> None:
        if not isinstance(value, tuple):
            raise InputError.for_field(path, "must be a list of ids")
        if not at_least <= len(value) <= BULK_MAX:
            raise InputError.for_field(path, f"must list {at_least} to {BULK_MAX} ids")
        for i, item in enumerate(value):
            check_text(item, f"{path}[{i}]", max_length=ID_MAX)

    return validate


def _of(path: str, kind: type) -> Any:
    def validate(_: object, __: object, value: object) -> None:
        if not isinstance(value, tuple) or not all(isinstance(v, kind) for v in value):
            raise InputError.for_field(path, f"must be a list of {kind.__name__}")

    return validate


def _money(path: str, *, optional: bool = True) -> Any:
    return lambda _, __, v: check_money(v, path, optional=optional)


def _bool(path: str) -> Any:
    def validate(_: object, __: object, value: object) -> None:
        if not isinstance(value, bool):
            raise InputError.for_field(path, "must be true or false")

    return validate


def _opt_time(path: str) -> Any:
    return lambda _, __, v: v is None or ensure_utc(v, path)


# -- brands and tags -----------------------------------------------------------------------
@frozen(kw_only=True)
class CreateBrand(Command[BrandId]):
    """Create a brand (品牌) with a name no other brand has."""

    type_name = "catalog.create_brand"
    name: str = field(validator=_text("name", BRAND_NAME_MAX))


@frozen(kw_only=True)
class RenameBrand(Command[None]):
    """Give a brand a new name."""

    type_name = "catalog.rename_brand"
    brand: BrandId = field(validator=_text("brand"))
    name: str = field(validator=_text("name", BRAND_NAME_MAX))


@frozen(kw_only=True)
class CreateTag(Command[TagId]):
    """Create a tag (标签) with a name no other tag has."""

    type_name = "catalog.create_tag"
    name: str = field(validator=_text("name", TAG_NAME_MAX))


@frozen(kw_only=True)
class RenameTag(Command[None]):
    """Give a tag a new name."""

    type_name = "catalog.rename_tag"
    tag: TagId = field(validator=_text("tag"))
    name: str = field(validator=_text("name", TAG_NAME_MAX))


@frozen(kw_only=True)
class MergeTags(Command[int]):
    """Fold ``source`` into ``target``: its products get ``target``, then it is deleted.

    Returns how many products were retagged.
    """

    type_name = "catalog.merge_tags"
    source: TagId = field(validator=_text("source"))
    target: TagId = field(validator=_text("target"))


@frozen(kw_only=True)
class AttachTags(Command[None]):
    """Attach every tag to every product (in bulk); present tags are left alone."""

    type_name = "catalog.attach_tags"
    products: tuple[ProductId, ...] = field(
        converter=_as_tuple, validator=_ids("products", at_least=1)
    )
    tags: tuple[TagId, ...] = field(converter=_as_tuple, validator=_ids("tags", at_least=1))


@frozen(kw_only=True)
class DetachTags(Command[None]):
    """Detach every tag from every product (in bulk); absent tags are ignored."""

    type_name = "catalog.detach_tags"
    products: tuple[ProductId, ...] = field(
        converter=_as_tuple, validator=_ids("products", at_least=1)
    )
    tags: tuple[TagId, ...] = field(converter=_as_tuple, validator=_ids("tags", at_least=1))


# -- products ------------------------------------------------------------------------------
@frozen(kw_only=True)
class CreateProduct(Command[ProductId]):
    """Create a draft product; its SKUs are the full matrix of ``specs`` (``Product.create``)."""

    type_name = "catalog.create_product"
    code: str = field(validator=_code("code"))
    title: str = field(validator=_text("title", TITLE_MAX))
    subtitle: str | None = field(default=None, validator=_opt_text("subtitle", TITLE_MAX))
    description: str = field(default="", validator=lambda _, __, v: check_description(v))
    brand: BrandId | None = field(default=None, validator=_opt_text("brand"))
    category: CategoryId | None = field(default=None, validator=_opt_text("category"))
    tags: tuple[TagId, ...] = field(default=(), converter=_as_tuple, validator=_ids("tags"))
    specs: tuple[SpecAttribute, ...] = field(
        default=(), converter=_as_tuple, validator=_of("specs", SpecAttribute)
    )
    skus: tuple[SkuInput, ...] = field(
        default=(), converter=_as_tuple, validator=_of("skus", SkuInput)
    )
    attributes: tuple[Attribute, ...] = field(
        default=(), converter=_as_tuple, validator=_of("attributes", Attribute)
    )
    media: tuple[MediaRef, ...] = field(
        default=(), converter=_as_tuple, validator=_of("media", MediaRef)
    )
    currency: str = field(default="CNY", validator=lambda _, __, v: _currency(v))
    default_price: Money | None = field(default=None, validator=_money("default_price"))


def _currency(value: object) -> None:
    if not isinstance(value, str):
        raise InputError.for_field("currency", "must be an ISO-4217 code such as 'CNY'")
    try:
        currency(value)
    except InputError:
        raise InputError.for_field("currency", f"unknown currency {value!r}") from None


@frozen(kw_only=True)
class EditProduct(Command[None]):
    """Replace a product's title, subtitle and description."""

    type_name = "catalog.edit_product"
    product: ProductId = field(validator=_text("product"))
    title: str = field(validator=_text("title", TITLE_MAX))
    subtitle: str | None = field(default=None, validator=_opt_text("subtitle", TITLE_MAX))
    description: str = field(default="", validator=lambda _, __, v: check_description(v))


@frozen(kw_only=True)
class SetProductBrand(Command[None]):
    """Put a product under a brand (None: no brand)."""

    type_name = "catalog.set_product_brand"
    product: ProductId = field(validator=_text("product"))
    brand: BrandId | None = field(default=None, validator=_opt_text("brand"))


@frozen(kw_only=True)
class SetProductCategory(Command[None]):
    """Put a product in a category (None: none)."""

    type_name = "catalog.set_product_category"
    product: ProductId = field(validator=_text("product"))
    category: CategoryId | None = field(default=None, validator=_opt_text("category"))


@frozen(kw_only=True)
class SetProductAttributes(Command[None]):
    """Replace a product's typed non-spec attributes (材质, 产地 …)."""

    type_name = "catalog.set_product_attributes"
    product: ProductId = field(validator=_text("product"))
    attributes: tuple[Attribute, ...] = field(
        converter=_as_tuple, validator=_of("attributes", Attribute)
    )


@frozen(kw_only=True)
class SetProductMedia(Command[None]):
    """Replace the ordered media of a product, or of one of its SKUs (``sku``: its code)."""

    type_name = "catalog.set_product_media"
    product: ProductId = field(validator=_text("product"))
    media: tuple[MediaRef, ...] = field(converter=_as_tuple, validator=_of("media", MediaRef))
    sku: str | None = field(default=None, validator=_opt_text("sku"))


@frozen(kw_only=True)
class AddSpecValue(Command[tuple[str, ...]]):
    """Add a spec value (e.g. 颜色 绿); returns the codes of the SKUs it added."""

    type_name = "catalog.add_spec_value"
    product: ProductId = field(validator=_text("product"))
    spec: str = field(validator=_text("spec", 32))
    value: str = field(validator=_text("value", SPEC_VALUE_MAX))
    price: Money | None = field(default=None, validator=_money("price"))


@frozen(kw_only=True)
class RemoveSpecValue(Command[tuple[str, ...]]):
    """Remove a spec value; returns the codes of the SKUs it disabled (none is deleted)."""

    type_name = "catalog.remove_spec_value"
    product: ProductId = field(validator=_text("product"))
    spec: str = field(validator=_text("spec", 32))
    value: str = field(validator=_text("value", SPEC_VALUE_MAX))


@frozen(kw_only=True)
class SetSkuPrice(Command[None]):
    """Set a SKU's price and list (strikethrough) price; recorded in the price history."""

    type_name = "catalog.set_sku_price"
    product: ProductId = field(validator=_text("product"))
    sku: str = field(validator=_code("sku"))
    price: Money = field(validator=_money("price", optional=False))
    list_price: Money | None = field(default=None, validator=_money("list_price"))


@frozen(kw_only=True)
class UpdateSku(Command[None]):
    """Replace a SKU's cost, weight in grams and barcode."""

    type_name = "catalog.update_sku"
    product: ProductId = field(validator=_text("product"))
    sku: str = field(validator=_code("sku"))
    cost: Money | None = field(default=None, validator=_money("cost"))
    weight_grams: int | None = field(default=None, validator=lambda _, __, v: check_weight(v))
    barcode: str | None = field(default=None, validator=optional_code("barcode"))


@frozen(kw_only=True)
class EnableSkus(Command[None]):
    """Sell SKUs again (by code)."""

    type_name = "catalog.enable_skus"
    product: ProductId = field(validator=_text("product"))
    skus: tuple[str, ...] = field(converter=_as_tuple, validator=_ids("skus", at_least=1))


@frozen(kw_only=True)
class DisableSkus(Command[None]):
    """Stop selling SKUs (by code); they are kept."""

    type_name = "catalog.disable_skus"
    product: ProductId = field(validator=_text("product"))
    skus: tuple[str, ...] = field(converter=_as_tuple, validator=_ids("skus", at_least=1))


@frozen(kw_only=True)
class PublishProduct(Command[None]):
    """Put a product on shelf (上架)."""

    type_name = "catalog.publish_product"
    product: ProductId = field(validator=_text("product"))


@frozen(kw_only=True)
class UnpublishProduct(Command[None]):
    """Take a product off shelf (下架)."""

    type_name = "catalog.unpublish_product"
    product: ProductId = field(validator=_text("product"))


@frozen(kw_only=True)
class ArchiveProduct(Command[None]):
    """Retire a product for good (归档)."""

    type_name = "catalog.archive_product"
    product: ProductId = field(validator=_text("product"))


@frozen(kw_only=True)
class ScheduleShelf(Command[None]):
    """Schedule on-shelf and off-shelf times (定时上下架) through the durable timers.

    A given time (re)sets that timer; None cancels it. At the time, the product is published
    or unpublished as if a person had asked then (and refused the same way).
    """

    type_name = "catalog.schedule_shelf"
    product: ProductId = field(validator=_text("product"))
    publish_at: datetime | None = field(default=None, validator=_opt_time("publish_at"))
    unpublish_at: datetime | None = field(default=None, validator=_opt_time("unpublish_at"))


def shelf_timer_key(product: ProductId, action: str) -> str:
    """The timer key of a scheduled publish or unpublish of a product."""
    return f"catalog.shelf.{action}:{product}"


# -- handlers ------------------------------------------------------------------------------
def check_references(
    ctx: ProductsContext,
    *,
    brand: BrandId | None = None,
    category: CategoryId | None = None,
    tags: Iterable[TagId] = (),
) -> None:
    """Refuse a brand, category or tag that does not exist (NotFound of each kind)."""
    uow = ctx.uow
    if brand is not None:
        uow.brands.get(brand)
    if category is not None and not uow.products.known_categories([category]):
        raise CategoryNotFound(category)
    for tag in dict.fromkeys(tags):
        uow.tags.get(tag)


def create_brand(cmd: CreateBrand, ctx: ProductsContext) -> BrandId:
    existing = ctx.uow.brands.find_by_name(cmd.name)
    if existing is not None:
        raise DuplicateBrandName(cmd.name, existing.id)
    brand = Brand.create(BrandId(ctx.new_id()), cmd.name, at=ctx.now())
    ctx.uow.brands.add(brand)
    return brand.id


def rename_brand(cmd: RenameBrand, ctx: ProductsContext) -> None:
    brand = ctx.uow.brands.get(cmd.brand)
    existing = ctx.uow.brands.find_by_name(cmd.name)
    if existing is not None and existing.id != brand.id:
        raise DuplicateBrandName(cmd.name, existing.id)
    brand.rename(cmd.name, at=ctx.now())
    ctx.uow.brands.save(brand)


def create_tag(cmd: CreateTag, ctx: ProductsContext) -> TagId:
    existing = ctx.uow.tags.find_by_name(cmd.name)
    if existing is not None:
        raise DuplicateTagName(cmd.name, existing.id)
    tag = Tag.create(TagId(ctx.new_id()), cmd.name, at=ctx.now())
    ctx.uow.tags.add(tag)
    return tag.id


def rename_tag(cmd: RenameTag, ctx: ProductsContext) -> None:
    tag = ctx.uow.tags.get(cmd.tag)
    existing = ctx.uow.tags.find_by_name(cmd.name)
    if existing is not None and existing.id != tag.id and name_key(cmd.name) != name_key(tag.name):
        raise DuplicateTagName(cmd.name, existing.id)
    tag.rename(cmd.name, at=ctx.now())
    ctx.uow.tags.save(tag)


def merge_tags(cmd: MergeTags, ctx: ProductsContext) -> int:
    if cmd.source == cmd.target:
        raise InputError.for_field("target", "a tag cannot be merged into itself")
    source = ctx.uow.tags.get(cmd.source)
    ctx.uow.tags.get(cmd.target)
    at = ctx.now()
    ids = ctx.uow.products.tagged(source.id)
    for id in ids:
        product = ctx.uow.products.get(id)
        product.retag(add=[cmd.target], remove=[source.id], at=at)
        ctx.uow.products.save(product)
    source.events.append(TagsMerged(source=source.id, target=cmd.target, products=len(ids), at=at))
    ctx.uow.tags.delete(source)
    return len(ids)


def _retag(cmd: AttachTags | DetachTags, ctx: ProductsContext, attach: bool) -> None:
    check_references(ctx, tags=cmd.tags)
    at = ctx.now()
    for id in dict.fromkeys(cmd.products):
        product = ctx.uow.products.get(id)
        if attach:
            product.retag(add=cmd.tags, at=at)
        else:
            product.retag(remove=cmd.tags, at=at)
        ctx.uow.products.save(product)


def attach_tags(cmd: AttachTags, ctx: ProductsContext) -> None:
    _retag(cmd, ctx, True)


def detach_tags(cmd: DetachTags, ctx: ProductsContext) -> None:
    _retag(cmd, ctx, False)


def create_product(cmd: CreateProduct, ctx: ProductsContext) -> ProductId:
    check_references(ctx, brand=cmd.brand, category=cmd.category, tags=cmd.tags)
    product = Product.create(
        ProductId(ctx.new_id()),
        code=cmd.code,
        title=cmd.title,
        new_id=ctx.new_id,
        by=str(ctx.actor),
        at=ctx.now(),
        currency_code=cmd.currency,
        subtitle=cmd.subtitle,
        description=cmd.description,
        brand=cmd.brand,
        category=cmd.category,
        tags=cmd.tags,
        specs=cmd.specs,
        skus=cmd.skus,
        attributes=cmd.attributes,
        media=cmd.media,
        default_price=cmd.default_price,
    )
    ctx.uow.products.add([product])
    return product.id


def _change(ctx: ProductsContext, id: ProductId, change: Callable[[Product], object]) -> Any:
    product = ctx.uow.products.get(id)
    out = change(product)
    ctx.uow.products.save(product)
    return out


def edit_product(cmd: EditProduct, ctx: ProductsContext) -> None:
    at = ctx.now()
    _change(
        ctx,
        cmd.product,
        lambda p: p.edit(
            title=cmd.title, subtitle=cmd.subtitle, description=cmd.description, at=at
        ),
    )


def set_product_brand(cmd: SetProductBrand, ctx: ProductsContext) -> None:
    check_references(ctx, brand=cmd.brand)
    at = ctx.now()
    _change(ctx, cmd.product, lambda p: p.set_brand(cmd.brand, at=at))


def set_product_category(cmd: SetProductCategory, ctx: ProductsContext) -> None:
    check_references(ctx, category=cmd.category)
    at = ctx.now()
    _change(ctx, cmd.product, lambda p: p.set_category(cmd.category, at=at))


def set_product_attributes(cmd: SetProductAttributes, ctx: ProductsContext) -> None:
    at = ctx.now()
    _change(ctx, cmd.product, lambda p: p.set_attributes(cmd.attributes, at=at))


def set_product_media(cmd: SetProductMedia, ctx: ProductsContext) -> None:
    at = ctx.now()
    _change(ctx, cmd.product, lambda p: p.set_media(cmd.media, sku=cmd.sku, at=at))


def add_spec_value(cmd: AddSpecValue, ctx: ProductsContext) -> tuple[str, ...]:
    at = ctx.now()
    added = _change(
        ctx,
        cmd.product,
        lambda p: p.add_spec_value(cmd.spec, cmd.value, new_id=ctx.new_id, price=cmd.price, at=at),
    )
    return tuple(s.code for s in added)


def remove_spec_value(cmd: RemoveSpecValue, ctx: ProductsContext) -> tuple[str, ...]:
    at = ctx.now()
    hit = _change(ctx, cmd.product, lambda p: p.remove_spec_value(cmd.spec, cmd.value, at=at))
    return tuple(s.code for s in hit)


def set_sku_price(cmd: SetSkuPrice, ctx: ProductsContext) -> None:
    at = ctx.now()
    by = str(ctx.actor)
    _change(
        ctx,
        cmd.product,
        lambda p: p.set_price(cmd.sku, price=cmd.price, list_price=cmd.list_price, by=by, at=at),
    )


def update_sku(cmd: UpdateSku, ctx: ProductsContext) -> None:
    at = ctx.now()
    _change(
        ctx,
        cmd.product,
        lambda p: p.update_sku(
            cmd.sku, cost=cmd.cost, weight_grams=cmd.weight_grams, barcode=cmd.barcode, at=at
        ),
    )


def enable_skus(cmd: EnableSkus, ctx: ProductsContext) -> None:
    at = ctx.now()
    _change(ctx, cmd.product, lambda p: p.enable_skus(cmd.skus, at=at))


def disable_skus(cmd: DisableSkus, ctx: ProductsContext) -> None:
    at = ctx.now()
    _change(ctx, cmd.product, lambda p: p.disable_skus(cmd.skus, at=at))


def publish_product(cmd: PublishProduct, ctx: ProductsContext) -> None:
    at = ctx.now()
    _change(ctx, cmd.product, lambda p: p.publish(at=at))


def unpublish_product(cmd: UnpublishProduct, ctx: ProductsContext) -> None:
    at = ctx.now()
    _change(ctx, cmd.product, lambda p: p.unpublish(at=at))


def archive_product(cmd: ArchiveProduct, ctx: ProductsContext) -> None:
    at = ctx.now()
    _change(ctx, cmd.product, lambda p: p.archive(at=at))


def schedule_shelf(cmd: ScheduleShelf, ctx: ProductsContext) -> None:
    ctx.uow.products.get(cmd.product)  # refuse an unknown product now, not when the timer runs
    plans: list[tuple[str, datetime | None, Command[None]]] = [
        ("publish", cmd.publish_at, PublishProduct(product=cmd.product)),
        ("unpublish", cmd.unpublish_at, UnpublishProduct(product=cmd.product)),
    ]
    if (
        cmd.publish_at is not None
        and cmd.unpublish_at is not None
        and cmd.unpublish_at <= cmd.publish_at
    ):
        raise InputError.for_field("unpublish_at", "must be after publish_at")
    for action, due, command in plans:
        key = shelf_timer_key(cmd.product, action)
        if due is None:
            ctx.cancel_schedule(key)
        else:
            ctx.schedule(command, due_at=due, key=key)


HANDLERS: Final[Mapping[type[Command[Any]], Callable[[Any, ProductsContext], Any]]] = (
    MappingProxyType(
        {
            CreateBrand: create_brand,
            RenameBrand: rename_brand,
            CreateTag: create_tag,
            RenameTag: rename_tag,
            MergeTags: merge_tags,
            AttachTags: attach_tags,
            DetachTags: detach_tags,
            CreateProduct: create_product,
            EditProduct: edit_product,
            SetProductBrand: set_product_brand,
            SetProductCategory: set_product_category,
            SetProductAttributes: set_product_attributes,
            SetProductMedia: set_product_media,
            AddSpecValue: add_spec_value,
            RemoveSpecValue: remove_spec_value,
            SetSkuPrice: set_sku_price,
            UpdateSku: update_sku,
            EnableSkus: enable_skus,
            DisableSkus: disable_skus,
            PublishProduct: publish_product,
            UnpublishProduct: unpublish_product,
            ArchiveProduct: archive_product,
            ScheduleShelf: schedule_shelf,
        }
    )
)
