"""Commands of brands (品牌) and tags (标签), and their handlers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Final

from attrs import field, frozen

from commerce_core.catalog.brands import BRAND_NAME_MAX, TAG_NAME_MAX, Brand, Tag, name_key
from commerce_core.catalog.command_fields import as_tuple, check_references, ids_field, text_field
from commerce_core.catalog.ids import BrandId, ProductId, TagId
from commerce_core.catalog.ports import ProductsContext
from commerce_core.catalog.product_errors import DuplicateBrandName, DuplicateTagName
from commerce_core.catalog.product_events import TagsMerged
from commerce_core.kernel.errors import InputError
from commerce_core.kernel.messages import Command

__all__ = [
    "HANDLERS",
    "AttachTags",
    "CreateBrand",
    "CreateTag",
    "DetachTags",
    "MergeTags",
    "RenameBrand",
    "RenameTag",
]


@frozen(kw_only=True)
class CreateBrand(Command[BrandId]):
    """Create a brand (品牌) with a name no other brand has."""

    type_name = "catalog.create_brand"
    name: str = field(validator=text_field("name", BRAND_NAME_MAX))


@frozen(kw_only=True)
class RenameBrand(Command[None]):
    """Give a brand a new name."""

    type_name = "catalog.rename_brand"
    brand: BrandId = field(validator=text_field("brand"))
    name: str = field(validator=text_field("name", BRAND_NAME_MAX))


@frozen(kw_only=True)
class CreateTag(Command[TagId]):
    """Create a tag (标签) with a name no other tag has."""

    type_name = "catalog.create_tag"
    name: str = field(validator=text_field("name", TAG_NAME_MAX))


@frozen(kw_only=True)
class RenameTag(Command[None]):
    """Give a tag a new name."""

    type_name = "catalog.rename_tag"
    tag: TagId = field(validator=text_field("tag"))
    name: str = field(validator=text_field("name", TAG_NAME_MAX))


@frozen(kw_only=True)
class MergeTags(Command[int]):
    """Fold ``source`` into ``target``: its products get ``target``, then it is deleted.

    Returns how many products were retagged.
    """

    type_name = "catalog.merge_tags"
    source: TagId = field(validator=text_field("source"))
    target: TagId = field(validator=text_field("target"))


@frozen(kw_only=True)
class AttachTags(Command[None]):
    """Attach every tag to every product (in bulk); present tags are left alone."""

    type_name = "catalog.attach_tags"
    products: tuple[ProductId, ...] = field(
        converter=as_tuple, validator=ids_field("products", at_least=1)
    )
    tags: tuple[TagId, ...] = field(converter=as_tuple, validator=ids_field("tags", at_least=1))


@frozen(kw_only=True)
class DetachTags(Command[None]):
    """Detach every tag from every product (in bulk); absent tags are ignored."""

    type_name = "catalog.detach_tags"
    products: tuple[ProductId, ...] = field(
        converter=as_tuple, validator=ids_field("products", at_least=1)
    )
    tags: tuple[TagId, ...] = field(converter=as_tuple, validator=ids_field("tags", at_least=1))


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
        }
    )
)
