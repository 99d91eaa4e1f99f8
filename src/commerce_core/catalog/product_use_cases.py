"""Commands of products and SKUs, and their handlers (brands and tags: ``tag_use_cases``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final

from attrs import field, frozen

from commerce_core.catalog.command_fields import (
    as_tuple,
    check_references,
    code_field,
    ids_field,
    money_field,
    optional_text_field,
    optional_time_field,
    text_field,
    tuple_of,
)
from commerce_core.catalog.ids import BrandId, CategoryId, ProductId, TagId
from commerce_core.catalog.media import Attribute, MediaRef
from commerce_core.catalog.ports import ProductsContext
from commerce_core.catalog.product_values import (
    SPEC_VALUE_MAX,
    TITLE_MAX,
    SkuInput,
    SpecAttribute,
    check_description,
    check_weight,
    optional_code,
)
from commerce_core.catalog.products import Product
from commerce_core.catalog.tag_use_cases import HANDLERS as TAG_HANDLERS
from commerce_core.kernel.errors import InputError
from commerce_core.kernel.messages import Command
from commerce_core.kernel.money import Money, currency

__all__ = [
    "HANDLERS",
    "AddSpecValue",
    "ArchiveProduct",
    "CreateProduct",
    "DisableSkus",
    "EditProduct",
    "EnableSkus",
    "PublishProduct",
    "RemoveSpecValue",
    "ScheduleShelf",
    "SetProductAttributes",
    "SetProductBrand",
    "SetProductCategory",
    "SetProductMedia",
    "SetSkuPrice",
    "UnpublishProduct",
    "UpdateSku",
    "shelf_timer_key",
]


# -- products ------------------------------------------------------------------------------
@frozen(kw_only=True)
class CreateProduct(Command[ProductId]):
    """Create a draft product; its SKUs are the full matrix of ``specs`` (``Product.create``)."""

    type_name = "catalog.create_product"
    code: str = field(validator=code_field("code"))
    title: str = field(validator=text_field("title", TITLE_MAX))
    subtitle: str | None = field(default=None, validator=optional_text_field("subtitle", TITLE_MAX))
    description: str = field(default="", validator=lambda _, __, v: check_description(v))
    brand: BrandId | None = field(default=None, validator=optional_text_field("brand"))
    category: CategoryId | None = field(default=None, validator=optional_text_field("category"))
    tags: tuple[TagId, ...] = field(default=(), converter=as_tuple, validator=ids_field("tags"))
    specs: tuple[SpecAttribute, ...] = field(
        default=(), converter=as_tuple, validator=tuple_of("specs", SpecAttribute)
    )
    skus: tuple[SkuInput, ...] = field(
        default=(), converter=as_tuple, validator=tuple_of("skus", SkuInput)
    )
    attributes: tuple[Attribute, ...] = field(
        default=(), converter=as_tuple, validator=tuple_of("attributes", Attribute)
    )
    media: tuple[MediaRef, ...] = field(
        default=(), converter=as_tuple, validator=tuple_of("media", MediaRef)
    )
    currency: str = field(default="CNY", validator=lambda _, __, v: _currency(v))
    default_price: Money | None = field(default=None, validator=money_field("default_price"))


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
    product: ProductId = field(validator=text_field("product"))
    title: str = field(validator=text_field("title", TITLE_MAX))
    subtitle: str | None = field(default=None, validator=optional_text_field("subtitle", TITLE_MAX))
    description: str = field(default="", validator=lambda _, __, v: check_description(v))


@frozen(kw_only=True)
class SetProductBrand(Command[None]):
    """Put a product under a brand (None: no brand)."""

    type_name = "catalog.set_product_brand"
    product: ProductId = field(validator=text_field("product"))
    brand: BrandId | None = field(default=None, validator=optional_text_field("brand"))


@frozen(kw_only=True)
class SetProductCategory(Command[None]):
    """Put a product in a category (None: none)."""

    type_name = "catalog.set_product_category"
    product: ProductId = field(validator=text_field("product"))
    category: CategoryId | None = field(default=None, validator=optional_text_field("category"))


@frozen(kw_only=True)
class SetProductAttributes(Command[None]):
    """Replace a product's typed non-spec attributes (材质, 产地 …)."""

    type_name = "catalog.set_product_attributes"
    product: ProductId = field(validator=text_field("product"))
    attributes: tuple[Attribute, ...] = field(
        converter=as_tuple, validator=tuple_of("attributes", Attribute)
    )


@frozen(kw_only=True)
class SetProductMedia(Command[None]):
    """Replace the ordered media of a product, or of one of its SKUs (``sku``: its code)."""

    type_name = "catalog.set_product_media"
    product: ProductId = field(validator=text_field("product"))
    media: tuple[MediaRef, ...] = field(converter=as_tuple, validator=tuple_of("media", MediaRef))
    sku: str | None = field(default=None, validator=optional_text_field("sku"))


@frozen(kw_only=True)
class AddSpecValue(Command[tuple[str, ...]]):
    """Add a spec value (e.g. 颜色 绿); returns the codes of the SKUs it added."""

    type_name = "catalog.add_spec_value"
    product: ProductId = field(validator=text_field("product"))
    spec: str = field(validator=text_field("spec", 32))
    value: str = field(validator=text_field("value", SPEC_VALUE_MAX))
    price: Money | None = field(default=None, validator=money_field("price"))


@frozen(kw_only=True)
class RemoveSpecValue(Command[tuple[str, ...]]):
    """Remove a spec value; returns the codes of the SKUs it disabled (none is deleted)."""

    type_name = "catalog.remove_spec_value"
    product: ProductId = field(validator=text_field("product"))
    spec: str = field(validator=text_field("spec", 32))
    value: str = field(validator=text_field("value", SPEC_VALUE_MAX))


@frozen(kw_only=True)
class SetSkuPrice(Command[None]):
    """Set a SKU's price and list (strikethrough) price; recorded in the price history."""

    type_name = "catalog.set_sku_price"
    product: ProductId = field(validator=text_field("product"))
    sku: str = field(validator=code_field("sku"))
    price: Money = field(validator=money_field("price", optional=False))
    list_price: Money | None = field(default=None, validator=money_field("list_price"))


@frozen(kw_only=True)
class UpdateSku(Command[None]):
    """Replace a SKU's cost, weight in grams and barcode."""

    type_name = "catalog.update_sku"
    product: ProductId = field(validator=text_field("product"))
    sku: str = field(validator=code_field("sku"))
    cost: Money | None = field(default=None, validator=money_field("cost"))
    weight_grams: int | None = field(default=None, validator=lambda _, __, v: check_weight(v))
    barcode: str | None = field(default=None, validator=optional_code("barcode"))


@frozen(kw_only=True)
class EnableSkus(Command[None]):
    """Sell SKUs again (by code)."""

    type_name = "catalog.enable_skus"
    product: ProductId = field(validator=text_field("product"))
    skus: tuple[str, ...] = field(converter=as_tuple, validator=ids_field("skus", at_least=1))


@frozen(kw_only=True)
class DisableSkus(Command[None]):
    """Stop selling SKUs (by code); they are kept."""

    type_name = "catalog.disable_skus"
    product: ProductId = field(validator=text_field("product"))
    skus: tuple[str, ...] = field(converter=as_tuple, validator=ids_field("skus", at_least=1))


@frozen(kw_only=True)
class PublishProduct(Command[None]):
    """Put a product on shelf (上架)."""

    type_name = "catalog.publish_product"
    product: ProductId = field(validator=text_field("product"))


@frozen(kw_only=True)
class UnpublishProduct(Command[None]):
    """Take a product off shelf (下架)."""

    type_name = "catalog.unpublish_product"
    product: ProductId = field(validator=text_field("product"))


@frozen(kw_only=True)
class ArchiveProduct(Command[None]):
    """Retire a product for good (归档)."""

    type_name = "catalog.archive_product"
    product: ProductId = field(validator=text_field("product"))


@frozen(kw_only=True)
class ScheduleShelf(Command[None]):
    """Schedule on-shelf and off-shelf times (定时上下架) through the durable timers.

    A given time (re)sets that timer; None cancels it. At the time, the product is published
    or unpublished as if a person had asked then (and refused the same way).
    """

    type_name = "catalog.schedule_shelf"
    product: ProductId = field(validator=text_field("product"))
    publish_at: datetime | None = field(default=None, validator=optional_time_field("publish_at"))
    unpublish_at: datetime | None = field(
        default=None, validator=optional_time_field("unpublish_at")
    )


def shelf_timer_key(product: ProductId, action: str) -> str:
    """The timer key of a scheduled publish or unpublish of a product."""
    return f"catalog.shelf.{action}:{product}"


# -- handlers ------------------------------------------------------------------------------
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
            **TAG_HANDLERS,
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
