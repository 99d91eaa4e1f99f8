"""The commands of products and SKUs: frozen, validated field by field."""

from __future__ import annotations

from datetime import datetime

from attrs import field, frozen

from commerce_core.catalog.command_fields import (
    as_tuple,
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
from commerce_core.catalog.product_values import (
    SPEC_VALUE_MAX,
    TITLE_MAX,
    SkuInput,
    SpecAttribute,
    check_description,
    check_weight,
    optional_code,
)
from commerce_core.kernel.errors import InputError
from commerce_core.kernel.messages import Command
from commerce_core.kernel.money import Money, currency

__all__ = [
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
