"""The handlers of the product commands: load, change through the aggregate, save."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final

from commerce_core.catalog.command_fields import (
    check_references,
)
from commerce_core.catalog.ids import ProductId
from commerce_core.catalog.ports import ProductsContext
from commerce_core.catalog.product_use_cases.commands import (
    AddSpecValue,
    ArchiveProduct,
    CreateProduct,
    DisableSkus,
    EditProduct,
    EnableSkus,
    PublishProduct,
    RemoveSpecValue,
    ScheduleShelf,
    SetProductAttributes,
    SetProductBrand,
    SetProductCategory,
    SetProductMedia,
    SetSkuPrice,
    UnpublishProduct,
    UpdateSku,
    shelf_timer_key,
)
from commerce_core.catalog.products import Product
from commerce_core.catalog.tag_use_cases import HANDLERS as TAG_HANDLERS
from commerce_core.kernel.errors import InputError
from commerce_core.kernel.messages import Command

__all__ = [
    "HANDLERS",
]


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
