"""Commands of products and SKUs, and their handlers (brands and tags: ``tag_use_cases``)."""

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
from commerce_core.catalog.product_use_cases.handlers import (
    HANDLERS,
)

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
