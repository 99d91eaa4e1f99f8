"""The SKU side of the product aggregate: prices, SKU fields, enabling, spec values.

:class:`SkuMatrix` is a base class of :class:`~commerce_core.catalog.products.Product` and
holds no state of its own: it names the product's fields it works on, and the product
(an attrs class) declares them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from datetime import datetime

from attrs import evolve

from commerce_core.catalog.ids import ProductId, SkuId
from commerce_core.catalog.product_checks import (
    check_media,
    check_specs,
    check_unique_barcode,
)
from commerce_core.catalog.product_errors import (
    DuplicateSkuCode,
    SkuNotFound,
)
from commerce_core.catalog.product_events import (
    ProductDetailsChanged,
    SkuChanged,
    SkuPriceChanged,
    SkusAdded,
    SkusDisabled,
    SkusEnabled,
)
from commerce_core.catalog.product_values import (
    SPEC_VALUE_MAX,
    PriceChange,
    Sku,
    SkuInput,
    SpecAttribute,
    check_code,
    check_money,
    check_weight,
)
from commerce_core.kernel.errors import InputError
from commerce_core.kernel.messages import DomainEvent
from commerce_core.kernel.money import Money
from commerce_core.kernel.validation import check_text, match_key

__all__ = ["SkuMatrix"]


class SkuMatrix:
    """The operations on a product's SKUs and spec matrix (see :class:`Product`)."""

    id: ProductId
    code: str
    currency: str
    specs: tuple[SpecAttribute, ...]
    skus: tuple[Sku, ...]
    updated_at: datetime
    events: list[DomainEvent]
    price_log: list[PriceChange]

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
        # A SKU that was disabled when its value was removed stays as it is.
        combos = [c for c in itertools.product(*(s.values for s in specs)) if c not in existing]
        reserved = {given[c] for c in combos if c in given}  # numbering skips these
        for combo in combos:
            code = given.get(combo) or self._next_code([*self.skus, *added], avoid=reserved)
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

    def _next_code(self, taken: Sequence[Sku], *, avoid: Set[str] = frozenset()) -> str:
        codes = {s.code for s in taken} | avoid
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
