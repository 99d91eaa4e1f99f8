"""The product aggregate (商品): details, spec attributes → SKU matrix, media, lifecycle.

A product and its SKUs are one consistency boundary: the matrix of spec values and the SKUs
generated from it change together, under one version. The SKU operations live in
:mod:`commerce_core.catalog.products.skus` (a base class of :class:`Product`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from attrs import define, evolve, field

from commerce_core.catalog.ids import BrandId, CategoryId, ProductId, SkuId, TagId
from commerce_core.catalog.media import Attribute, MediaKind, MediaRef
from commerce_core.catalog.product_checks import (
    check_attributes,
    check_media,
    check_specs,
    check_subtitle,
)
from commerce_core.catalog.product_errors import (
    ProductNotReady,
)
from commerce_core.catalog.product_events import (
    ProductCreated,
    ProductStatusChanged,
    SkuChanged,
)
from commerce_core.catalog.product_values import (
    PRODUCT_TRANSITIONS,
    TITLE_MAX,
    PriceChange,
    ProductStatus,
    Sku,
    SkuInput,
    SpecAttribute,
    check_code,
    check_description,
    check_money,
)
from commerce_core.catalog.products.skus import SkuMatrix
from commerce_core.kernel.errors import InputError, InvalidTransition
from commerce_core.kernel.messages import DomainEvent
from commerce_core.kernel.money import Money, currency
from commerce_core.kernel.validation import check_text

__all__ = ["Product"]


@define(eq=False)
class Product(SkuMatrix):
    """A product with its SKUs; changed only through the methods below, which record events."""

    id: ProductId
    code: str
    title: str
    currency: str
    created_at: datetime
    updated_at: datetime
    subtitle: str | None = None
    description: str = ""
    brand: BrandId | None = None
    category: CategoryId | None = None
    tags: tuple[TagId, ...] = ()
    specs: tuple[SpecAttribute, ...] = ()
    skus: tuple[Sku, ...] = ()
    attributes: tuple[Attribute, ...] = ()
    media: tuple[MediaRef, ...] = ()
    status: ProductStatus = ProductStatus.DRAFT
    version: int = 0
    events: list[DomainEvent] = field(factory=list, repr=False)
    #: Price changes made since the product was loaded, for the repository to append.
    price_log: list[PriceChange] = field(factory=list, repr=False)

    # -- creating ----------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        id: ProductId,
        *,
        code: str,
        title: str,
        new_id: Callable[[], str],
        by: str,
        at: datetime,
        currency_code: str = "CNY",
        subtitle: str | None = None,
        description: str = "",
        brand: BrandId | None = None,
        category: CategoryId | None = None,
        tags: Iterable[TagId] = (),
        specs: Sequence[SpecAttribute] = (),
        skus: Sequence[SkuInput] = (),
        attributes: Iterable[Attribute] = (),
        media: Sequence[MediaRef] = (),
        default_price: Money | None = None,
        fill_enabled: bool = True,
        in_given_order: bool = False,
    ) -> Product:
        """A new draft product whose SKUs are the full matrix of ``specs``.

        ``skus`` describes some or all combinations (code, price …); a combination it leaves
        out gets a generated code ``<code>-<n>``, ``default_price``, and is enabled if
        ``fill_enabled``. Without specs the product has one SKU with no options.

        ``in_given_order`` (what imports use) keeps ``skus`` in the order given, before the
        generated ones, and accepts a disabled SKU whose options use a value the specs no
        longer list (a SKU kept after its spec value was removed).
        """
        check_code(code, "code")
        currency(currency_code)
        product = cls(
            id=id,
            code=code,
            title=check_text(title, "title", max_length=TITLE_MAX),
            currency=currency_code,
            created_at=at,
            updated_at=at,
            subtitle=check_subtitle(subtitle),
            description=check_description(description),
            brand=brand,
            category=category,
            tags=tuple(sorted(set(tags))),
            specs=tuple(specs),
            attributes=check_attributes(attributes),
            media=check_media(media, "media"),
        )
        check_specs(product.specs)
        product._check_money(check_money(default_price, "default_price"), "default_price")
        by_options: dict[tuple[str, ...], tuple[int, SkuInput]] = {}
        matrix = set(product.combinations())
        for i, given in enumerate(skus):
            if not isinstance(given, SkuInput):
                raise InputError.for_field(f"skus[{i}]", "must be a SKU description")
            kept = in_given_order and not given.enabled and len(given.options) == len(product.specs)
            if given.options not in matrix and not kept:
                raise InputError.for_field(
                    f"skus[{i}].options", f"{list(given.options)} is not a combination of the specs"
                )
            if given.options in by_options:
                raise InputError.for_field(f"skus[{i}].options", "this combination is twice")
            by_options[given.options] = (i, given)
        built: list[Sku] = []
        order = product.combinations()
        if in_given_order:
            given_order = [s.options for s in skus]
            order = given_order + [c for c in order if c not in by_options]
        for combo in order:
            found = by_options.get(combo)
            index, given = found if found is not None else (-1, SkuInput(options=combo))
            path = f"skus[{index}]" if index >= 0 else "default_price"
            sku = product._sku_from(
                given,
                SkuId(new_id()),
                path,
                fallback_price=default_price,
                enabled=given.enabled if index >= 0 else fill_enabled,
                taken=built,
            )
            built.append(sku)
        product.skus = tuple(built)
        for sku in built:
            if sku.price is not None or sku.list_price is not None:
                product._log_price(sku, None, None, by=by, at=at)
        product.events.append(
            ProductCreated(
                product=id, code=code, title=title, skus=tuple(s.code for s in built), at=at
            )
        )
        return product

    def copy(self) -> Product:
        """An independent copy without pending events (what a repository hands out)."""
        return evolve(self, events=[], price_log=[])

    # -- reading -----------------------------------------------------------------------
    @property
    def enabled_skus(self) -> tuple[Sku, ...]:
        """The SKUs that can be sold."""
        return tuple(s for s in self.skus if s.enabled)

    def missing_for_shelf(self) -> list[str]:
        """Everything that keeps this product off the shelf (empty: it may be published)."""
        missing: list[str] = []
        if self.category is None:
            missing.append("a category")
        if not any(m.kind is MediaKind.IMAGE for m in self.media):
            missing.append("at least one product image")
        if not self.enabled_skus:
            missing.append("at least one enabled SKU")
        missing.extend(f"a price on SKU {s.code}" for s in self.enabled_skus if s.price is None)
        return missing

    # -- details -----------------------------------------------------------------------
    def edit(self, *, title: str, subtitle: str | None, description: str, at: datetime) -> None:
        """Replace title, subtitle and description (the description is kept exactly as given)."""
        new = (
            check_text(title, "title", max_length=TITLE_MAX),
            check_subtitle(subtitle),
            check_description(description),
        )
        old = (self.title, self.subtitle, self.description)
        changed = tuple(
            n
            for n, a, b in zip(("title", "subtitle", "description"), old, new, strict=True)
            if a != b
        )
        self.title, self.subtitle, self.description = new
        self._changed(changed, at)

    def set_brand(self, brand: BrandId | None, *, at: datetime) -> None:
        """Put the product under a brand (None: no brand)."""
        changed = ("brand",) if brand != self.brand else ()
        self.brand = brand
        self._changed(changed, at)

    def set_category(self, category: CategoryId | None, *, at: datetime) -> None:
        """Put the product in a category (None: none; an on-shelf product needs one)."""
        if category is None and self.status is ProductStatus.ON_SHELF:
            raise ProductNotReady(self.id, ["a category (it is on shelf)"])
        changed = ("category",) if category != self.category else ()
        self.category = category
        self._changed(changed, at)

    def retag(
        self, *, add: Iterable[TagId] = (), remove: Iterable[TagId] = (), at: datetime
    ) -> None:
        """Attach and detach tags; attaching a present tag or detaching an absent one is a no-op."""
        tags = (set(self.tags) - set(remove)) | set(add)
        new = tuple(sorted(tags))
        changed = ("tags",) if new != self.tags else ()
        self.tags = new
        self._changed(changed, at)

    def set_attributes(self, attributes: Iterable[Attribute], *, at: datetime) -> None:
        """Replace the typed non-spec attributes (材质, 产地 …)."""
        new = check_attributes(attributes)
        changed = ("attributes",) if new != self.attributes else ()
        self.attributes = new
        self._changed(changed, at)

    def set_media(self, media: Sequence[MediaRef], *, at: datetime, sku: str | None = None) -> None:
        """Replace the ordered media of the product, or of one SKU (by code)."""
        new = check_media(media, "media")
        if sku is None:
            changed = ("media",) if new != self.media else ()
            if self.status is ProductStatus.ON_SHELF and not any(
                m.kind is MediaKind.IMAGE for m in new
            ):
                raise ProductNotReady(self.id, ["at least one product image (it is on shelf)"])
            self.media = new
            self._changed(changed, at)
            return
        old = self.sku(sku)
        if old.media != new:
            self._put(evolve(old, media=new))
            self.events.append(
                SkuChanged(product=self.id, sku=old.id, code=old.code, fields=("media",), at=at)
            )
            self.updated_at = at

    # -- lifecycle ---------------------------------------------------------------------
    def publish(self, *, at: datetime) -> None:
        """Put on shelf (上架): needs a category, an image and a price on every enabled SKU."""
        self._check_move(ProductStatus.ON_SHELF)
        missing = self.missing_for_shelf()
        if missing:
            raise ProductNotReady(self.id, missing)
        self._move_to(ProductStatus.ON_SHELF, at)

    def unpublish(self, *, at: datetime) -> None:
        """Take off shelf (下架)."""
        self._move_to(ProductStatus.OFF_SHELF, at)

    def archive(self, *, at: datetime) -> None:
        """Retire for good (归档); the product and its SKUs remain readable."""
        self._move_to(ProductStatus.ARCHIVED, at)

    def _check_move(self, new: ProductStatus) -> None:
        if new not in PRODUCT_TRANSITIONS[self.status]:
            raise InvalidTransition(self.status.value, new.value, kind="product")

    def _move_to(self, new: ProductStatus, at: datetime) -> None:
        self._check_move(new)
        old, self.status = self.status, new
        self.updated_at = at
        self.events.append(
            ProductStatusChanged(product=self.id, old=old.value, new=new.value, at=at)
        )
