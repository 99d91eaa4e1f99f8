"""Shared parts of every rule: stages, scopes, eligibility and the common fields."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final

from attrs import field, frozen

from commerce_core.kernel.errors import InputError
from commerce_core.pricing.cart import (
    CartLine,
    optional_aware,
    optional_text,
    text,
    texts,
    whole,
)


class Stage(StrEnum):
    """The stages of pricing; :data:`DEFAULT_STAGES` is their default order."""

    ITEM = "item"  # item prices: flash price, member price, direct discounts
    PROMOTION = "promotion"  # order promotions: 满减, 满折, buy X get Y, N for ¥M
    COUPON = "coupon"  # shop coupons (shipping coupons act in the shipping stage)
    POINTS = "points"  # points redemption
    SHIPPING = "shipping"  # shipping fee, free-shipping thresholds and coupons


DEFAULT_STAGES: Final = (Stage.ITEM, Stage.PROMOTION, Stage.COUPON, Stage.POINTS, Stage.SHIPPING)


def rate_validator(path: str, *, optional: bool = False) -> Any:
    """A validator for a rate: a Decimal from 0 to 1, what the customer pays."""

    def validate(_: Any, __: Any, value: Any) -> None:
        if value is None and optional:
            return
        if not isinstance(value, Decimal) or not value.is_finite() or not 0 <= value <= 1:
            raise InputError.for_field(
                path, f"a rate is a Decimal from 0 to 1 (0.9 is 9折), got {value!r}"
            )

    return validate


@frozen
class Scope:
    """Which lines a rule covers: all lines unless something is included; then exclusions.

    A category matches any line whose ``category_path`` contains it (so subcategories too).
    """

    categories: tuple[str, ...] = field(default=(), validator=texts("categories"))
    brands: tuple[str, ...] = field(default=(), validator=texts("brands"))
    products: tuple[str, ...] = field(default=(), validator=texts("products"))
    skus: tuple[str, ...] = field(default=(), validator=texts("skus"))
    tags: tuple[str, ...] = field(default=(), validator=texts("tags"))
    exclude_categories: tuple[str, ...] = field(default=(), validator=texts("exclude_categories"))
    exclude_brands: tuple[str, ...] = field(default=(), validator=texts("exclude_brands"))
    exclude_products: tuple[str, ...] = field(default=(), validator=texts("exclude_products"))
    exclude_skus: tuple[str, ...] = field(default=(), validator=texts("exclude_skus"))
    exclude_tags: tuple[str, ...] = field(default=(), validator=texts("exclude_tags"))

    _include: frozenset[tuple[str, str]] = field(init=False, eq=False, repr=False)
    _exclude: frozenset[tuple[str, str]] = field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        def tagged(*pairs: tuple[str, tuple[str, ...]]) -> frozenset[tuple[str, str]]:
            return frozenset((tag, value) for tag, values in pairs for value in values)

        object.__setattr__(
            self,
            "_include",
            tagged(
                ("category", self.categories),
                ("brand", self.brands),
                ("product", self.products),
                ("sku", self.skus),
                ("tag", self.tags),
            ),
        )
        object.__setattr__(
            self,
            "_exclude",
            tagged(
                ("category", self.exclude_categories),
                ("brand", self.exclude_brands),
                ("product", self.exclude_products),
                ("sku", self.exclude_skus),
                ("tag", self.exclude_tags),
            ),
        )

    @property
    def include_features(self) -> frozenset[tuple[str, str]]:
        """The (kind, value) features a line needs one of (empty: every line)."""
        return self._include

    @property
    def exclude_features(self) -> frozenset[tuple[str, str]]:
        """The (kind, value) features that exclude a line."""
        return self._exclude

    def matches(self, line: CartLine) -> bool:
        """Whether ``line`` is in this scope."""
        return self.matches_features(features(line))

    def matches_features(self, feats: frozenset[tuple[str, str]]) -> bool:
        """Like :meth:`matches`, given the line's :func:`features`."""
        if not self._exclude.isdisjoint(feats):
            return False
        return not self._include or not self._include.isdisjoint(feats)


def features(line: CartLine) -> frozenset[tuple[str, str]]:
    """What a scope can match on a line: its SKU, product, brand, categories and tags."""
    out = {("sku", line.sku)}
    if line.product is not None:
        out.add(("product", line.product))
    if line.brand is not None:
        out.add(("brand", line.brand))
    out.update(("category", c) for c in line.category_path)
    out.update(("tag", t) for t in line.tags)
    return frozenset(out)


@frozen
class Eligibility:
    """Who and when: tiers, segments, channels, first order only, an absolute window.

    Empty tuples mean anyone; ``valid_until`` is exclusive.
    """

    tiers: tuple[str, ...] = field(default=(), validator=texts("tiers"))
    segments: tuple[str, ...] = field(default=(), validator=texts("segments"))
    channels: tuple[str, ...] = field(default=(), validator=texts("channels"))
    first_order_only: bool = False
    valid_from: datetime | None = field(default=None, validator=optional_aware("valid_from"))
    valid_until: datetime | None = field(default=None, validator=optional_aware("valid_until"))


#: Anyone, any time.
ANYONE: Final = Eligibility()
#: Every line.
ALL: Final = Scope()


@frozen
class Common:
    """The fields every rule has (see the package docstring)."""

    id: str = field(validator=text("id"), kw_only=True)
    name: str | None = field(default=None, validator=optional_text("name"), kw_only=True)
    priority: int = field(default=0, validator=whole("priority", -(2**31)), kw_only=True)
    stacking_group: str | None = field(
        default=None, validator=optional_text("stacking_group"), kw_only=True
    )
    exclusive: bool = field(default=False, kw_only=True)
    with_promotions: bool = field(default=True, kw_only=True)
    with_coupons: bool = field(default=True, kw_only=True)
    eligibility: Eligibility = field(default=ANYONE, kw_only=True)


@frozen
class ItemRule(Common):
    """An item-price rule: by default in the ``item_price`` stacking group, so a line gets
    one item price unless rules are put in different groups."""

    stacking_group: str | None = field(
        default="item_price", validator=optional_text("stacking_group"), kw_only=True
    )


def one_of(instance: Any, names: tuple[str, str]) -> None:
    """Refuse unless exactly one of the two named fields is set."""
    given = [n for n in names if getattr(instance, n) is not None]
    if len(given) != 1:
        raise InputError.for_field(names[0], f"give exactly one of {' or '.join(names)}")


def tiers_given(_: Any, __: Any, value: Any) -> None:
    """A validator: at least one tier."""
    if not isinstance(value, tuple) or not value:
        raise InputError.for_field("tiers", "need at least one tier")
