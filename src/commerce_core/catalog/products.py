"""The product aggregate (商品): details, spec attributes → SKU matrix, media, lifecycle.

A product and its SKUs are one consistency boundary: the matrix of spec values and the SKUs
generated from it change together, under one version.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime

from attrs import define, evolve, field

from commerce_core.catalog.ids import BrandId, CategoryId, ProductId, SkuId, TagId
from commerce_core.catalog.media import Attribute, MediaKind, MediaRef
from commerce_core.catalog.product_checks import (
    check_attributes,
    check_media,
    check_specs,
    check_subtitle,
    check_unique_barcode,
)
from commerce_core.catalog.product_errors import (
    DuplicateSkuCode,
    ProductNotReady,
    SkuNotFound,
)
from commerce_core.catalog.product_events import (
    ProductCreated,
    ProductDetailsChanged,
    ProductStatusChanged,
    SkuChanged,
    SkuPriceChanged,
    SkusAdded,
    SkusDisabled,
    SkusEnabled,
)
from commerce_core.catalog.product_values import (
    PRODUCT_TRANSITIONS,
    SPEC_VALUE_MAX,
    TITLE_MAX,
    PriceChange,
    ProductStatus,
    Sku,
    SkuInput,
    SpecAttribute,
    check_code,
    check_description,
    check_money,
    check_weight,
)
from commerce_core.kernel.errors import InputError, InvalidTransition
from commerce_core.kernel.messages import DomainEvent
from commerce_core.kernel.money import Money, currency
from commerce_core.kernel.validation import check_text, match_key

__all__ = ["Product"]


@define(eq=False)
class Product:
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
    def combinations(self) -> list[tuple[str, ...]]:
        """Every combination of the current spec values, in matrix order."""
        return list(itertools.product(*(s.values for s in self.specs)))

    def sku(self, code: str) -> Sku:
        """The SKU with this code, or :class:`SkuNotFound`."""
        for sku in self.skus:
            if sku.code == code:
                return sku
        raise SkuNotFound(code)

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

    # -- SKUs --------------------------------------------------------------------------
    def set_price(
        self,
        sku: str,
        *,
        price: Money,
        list_price: Money | None = None,
        by: str,
        at: datetime,
    ) -> None:
        """Set a SKU's selling price and list (划线 strikethrough) price; recorded in history."""
        old = self.sku(sku)
        price_ = check_money(price, "price", optional=False)
        list_ = check_money(list_price, "list_price")
        self._check_money(price_, "price")
        self._check_money(list_, "list_price")
        if list_ is not None and price_ is not None and list_ < price_:
            raise InputError.for_field("list_price", "must not be below the selling price")
        if (old.price, old.list_price) == (price_, list_):
            return
        new = evolve(old, price=price_, list_price=list_)
        self._put(new)
        self._log_price(new, old.price, old.list_price, by=by, at=at, announce=True)
        self.updated_at = at

    def update_sku(
        self,
        sku: str,
        *,
        cost: Money | None,
        weight_grams: int | None,
        barcode: str | None,
        at: datetime,
    ) -> None:
        """Replace a SKU's cost, weight (grams) and barcode."""
        old = self.sku(sku)
        new = evolve(
            old,
            cost=self._check_money(check_money(cost, "cost"), "cost"),
            weight_grams=check_weight(weight_grams),
            barcode=check_code(barcode, "barcode") if barcode is not None else None,
        )
        if new.barcode is not None:
            check_unique_barcode([s for s in self.skus if s.id != old.id], new.barcode)
        fields = tuple(
            f for f in ("cost", "weight_grams", "barcode") if getattr(old, f) != getattr(new, f)
        )
        if fields:
            self._put(new)
            self.events.append(
                SkuChanged(product=self.id, sku=old.id, code=old.code, fields=fields, at=at)
            )
            self.updated_at = at

    def disable_skus(self, codes: Iterable[str], *, at: datetime) -> None:
        """Stop selling SKUs; they stay, so orders that point at them still read them."""
        self._enable(codes, False, at)

    def enable_skus(self, codes: Iterable[str], *, at: datetime) -> None:
        """Sell SKUs again; a SKU whose spec value was removed cannot be enabled."""
        self._enable(codes, True, at)

    def add_spec_value(
        self,
        spec: str,
        value: str,
        *,
        new_id: Callable[[], str],
        at: datetime,
        price: Money | None = None,
        codes: Mapping[tuple[str, ...], str] | None = None,
    ) -> tuple[Sku, ...]:
        """Add a value to a spec attribute: SKUs for the new combinations are added (with
        ``price`` if given); every existing SKU is left exactly as it was.

        ``codes`` names the code of a new SKU by its options (what an import uses, so a
        re-run finds the same SKUs); a new combination it leaves out gets ``<code>-<n>``.
        """
        index = self._spec_index(spec)
        check_text(value, "value", max_length=SPEC_VALUE_MAX)
        self._check_money(check_money(price, "price"), "price")
        given = dict(codes or {})
        for options, code in given.items():
            check_code(code, f"codes[{options!r}]")
        current = self.specs[index]
        if match_key(value) in {match_key(v) for v in current.values}:
            raise InputError.for_field("value", f"{spec!r} already has the value {value!r}")
        specs = list(self.specs)
        specs[index] = SpecAttribute(current.name, (*current.values, value))
        check_specs(specs)
        existing = {s.options for s in self.skus}
        added: list[Sku] = []
        taken = {s.code for s in self.skus}
        for combo in itertools.product(*(s.values for s in specs)):
            if combo in existing:
                continue  # a SKU that was disabled when this value was removed stays as it is
            code = given.get(combo) or self._next_code([*self.skus, *added])
            if code in taken:
                raise DuplicateSkuCode(code, self.id)
            taken.add(code)
            added.append(Sku(SkuId(new_id()), code, combo, price=price))
        self.specs = tuple(specs)
        self.skus = (*self.skus, *added)
        if added:
            for sku in added:
                if sku.price is not None:
                    self._log_price(sku, None, None, by="", at=at)
            self.events.append(SkusAdded(product=self.id, skus=tuple(s.code for s in added), at=at))
        self._changed(("specs",), at)
        return tuple(added)

    def remove_spec_value(self, spec: str, value: str, *, at: datetime) -> tuple[Sku, ...]:
        """Remove a value from a spec attribute: its SKUs are disabled, never deleted."""
        index = self._spec_index(spec)
        current = self.specs[index]
        if value not in current.values:
            raise InputError.for_field("value", f"{spec!r} has no value {value!r}")
        if len(current.values) == 1:
            raise InputError.for_field("value", "a spec attribute keeps at least one value")
        specs = list(self.specs)
        specs[index] = SpecAttribute(current.name, tuple(v for v in current.values if v != value))
        self.specs = tuple(specs)
        hit = [s for s in self.skus if s.options[index] == value and s.enabled]
        self._changed(("specs",), at)
        self._enable([s.code for s in hit], False, at)
        return tuple(hit)

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

    # -- internals ---------------------------------------------------------------------
    def _changed(self, fields: tuple[str, ...], at: datetime) -> None:
        if fields:
            self.updated_at = at
            self.events.append(ProductDetailsChanged(product=self.id, fields=fields, at=at))

    def _spec_index(self, spec: str) -> int:
        for i, s in enumerate(self.specs):
            if s.name == spec:
                return i
        raise InputError.for_field("spec", f"the product has no spec attribute {spec!r}")

    def _check_money(self, value: Money | None, path: str) -> Money | None:
        if value is not None and value.currency != self.currency:
            raise InputError.for_field(
                path, f"must be in the product's currency {self.currency}, not {value.currency}"
            )
        return value

    def _sku_from(
        self,
        given: SkuInput,
        id: SkuId,
        path: str,
        *,
        fallback_price: Money | None,
        enabled: bool,
        taken: list[Sku],
    ) -> Sku:
        price = given.price if given.price is not None else fallback_price
        for name in ("price", "list_price", "cost"):
            self._check_money(getattr(given, name), f"{path}.{name}")
        if given.list_price is not None and price is not None and given.list_price < price:
            raise InputError.for_field(f"{path}.list_price", "must not be below the price")
        code = given.code if given.code is not None else self._next_code(taken)
        if any(s.code == code for s in taken):  # a product has few SKUs: a scan is cheapest
            raise DuplicateSkuCode(code, self.id)
        if given.barcode is not None:
            check_unique_barcode(taken, given.barcode)
        return Sku(
            id=id,
            code=code,
            options=given.options,
            price=price,
            list_price=given.list_price,
            cost=given.cost,
            weight_grams=given.weight_grams,
            barcode=given.barcode,
            media=check_media(given.media, f"{path}.media"),
            enabled=enabled,
        )

    def _next_code(self, taken: Sequence[Sku]) -> str:
        codes = {s.code for s in taken}
        n = len(taken) + 1
        while f"{self.code}-{n}" in codes:
            n += 1
        return f"{self.code}-{n}"

    def _put(self, sku: Sku) -> None:
        self.skus = tuple(sku if s.id == sku.id else s for s in self.skus)

    def _log_price(
        self,
        sku: Sku,
        old_price: Money | None,
        old_list: Money | None,
        *,
        by: str,
        at: datetime,
        announce: bool = False,
    ) -> None:
        change = PriceChange(
            sku=sku.id,
            code=sku.code,
            old_price=old_price,
            new_price=sku.price,
            old_list_price=old_list,
            new_list_price=sku.list_price,
            by=by,
            at=at,
        )
        self.price_log.append(change)
        if announce:
            self.events.append(
                SkuPriceChanged(
                    product=self.id,
                    sku=sku.id,
                    code=sku.code,
                    old_price=old_price,
                    new_price=sku.price,
                    old_list_price=old_list,
                    new_list_price=sku.list_price,
                    by=by,
                    at=at,
                )
            )

    def _enable(self, codes: Iterable[str], enabled: bool, at: datetime) -> None:
        wanted = list(dict.fromkeys(codes))
        targets = [self.sku(c) for c in wanted]
        if enabled:
            for sku in targets:
                pairs = zip(sku.options, self.specs, strict=True)
                gone = [v for v, s in pairs if v not in s.values]
                if gone:
                    raise InputError.for_field(
                        "skus",
                        f"SKU {sku.code} uses removed spec values {gone}; add them back first",
                    )
        flipped = [s for s in targets if s.enabled != enabled]
        if not flipped:
            return
        for sku in flipped:
            self._put(evolve(sku, enabled=enabled))
        event = SkusEnabled if enabled else SkusDisabled
        self.events.append(event(product=self.id, skus=tuple(s.code for s in flipped), at=at))
        self.updated_at = at
