"""Facts about products, SKUs, brands, tags and reviews."""

from __future__ import annotations

from attrs import frozen

from commerce_core.catalog.ids import BrandId, ProductId, ReviewId, SkuId, TagId
from commerce_core.kernel.messages import DomainEvent
from commerce_core.kernel.money import Money

__all__ = [
    "BrandCreated",
    "BrandRenamed",
    "ProductCreated",
    "ProductDetailsChanged",
    "ProductStatusChanged",
    "ReviewModerated",
    "ReviewReplied",
    "ReviewSubmitted",
    "SkuChanged",
    "SkuPriceChanged",
    "SkusAdded",
    "SkusDisabled",
    "SkusEnabled",
    "TagCreated",
    "TagRenamed",
    "TagsMerged",
]


@frozen(kw_only=True)
class ProductCreated(DomainEvent):
    type_name = "catalog.product_created"
    product: ProductId
    code: str
    title: str
    skus: tuple[str, ...]


@frozen(kw_only=True)
class ProductDetailsChanged(DomainEvent):
    """Some of title, subtitle, description, brand, category, tags, attributes or media
    changed; ``fields`` names which."""

    type_name = "catalog.product_details_changed"
    product: ProductId
    fields: tuple[str, ...]


@frozen(kw_only=True)
class ProductStatusChanged(DomainEvent):
    """The product moved along its lifecycle (上架 on shelf, 下架 off shelf …)."""

    type_name = "catalog.product_status_changed"
    product: ProductId
    old: str
    new: str


@frozen(kw_only=True)
class SkusAdded(DomainEvent):
    type_name = "catalog.skus_added"
    product: ProductId
    skus: tuple[str, ...]


@frozen(kw_only=True)
class SkusDisabled(DomainEvent):
    type_name = "catalog.skus_disabled"
    product: ProductId
    skus: tuple[str, ...]


@frozen(kw_only=True)
class SkusEnabled(DomainEvent):
    type_name = "catalog.skus_enabled"
    product: ProductId
    skus: tuple[str, ...]


@frozen(kw_only=True)
class SkuChanged(DomainEvent):
    """Cost, weight, barcode, code or media of a SKU changed; ``fields`` names which."""

    type_name = "catalog.sku_changed"
    product: ProductId
    sku: SkuId
    code: str
    fields: tuple[str, ...]


@frozen(kw_only=True)
class SkuPriceChanged(DomainEvent):
    """A SKU's selling price or list (strikethrough) price changed: who, old and new.

    Carts, pricing and marketing listen to this.
    """

    type_name = "catalog.sku_price_changed"
    product: ProductId
    sku: SkuId
    code: str
    old_price: Money | None
    new_price: Money | None
    old_list_price: Money | None
    new_list_price: Money | None
    by: str


@frozen(kw_only=True)
class BrandCreated(DomainEvent):
    type_name = "catalog.brand_created"
    brand: BrandId
    name: str


@frozen(kw_only=True)
class BrandRenamed(DomainEvent):
    type_name = "catalog.brand_renamed"
    brand: BrandId
    old_name: str
    new_name: str


@frozen(kw_only=True)
class TagCreated(DomainEvent):
    type_name = "catalog.tag_created"
    tag: TagId
    name: str


@frozen(kw_only=True)
class TagRenamed(DomainEvent):
    type_name = "catalog.tag_renamed"
    tag: TagId
    old_name: str
    new_name: str


@frozen(kw_only=True)
class TagsMerged(DomainEvent):
    """``source`` was folded into ``target`` and deleted; ``products`` were retagged."""

    type_name = "catalog.tags_merged"
    source: TagId
    target: TagId
    products: int


@frozen(kw_only=True)
class ReviewSubmitted(DomainEvent):
    type_name = "catalog.review_submitted"
    review: ReviewId
    product: ProductId
    sku: SkuId
    order_line: str
    customer: str
    rating: int


@frozen(kw_only=True)
class ReviewModerated(DomainEvent):
    type_name = "catalog.review_moderated"
    review: ReviewId
    product: ProductId
    old: str
    new: str
    reason: str | None


@frozen(kw_only=True)
class ReviewReplied(DomainEvent):
    type_name = "catalog.review_replied"
    review: ReviewId
    product: ProductId
    by: str
