"""A validated, pre-sorted set of rules with its policy: build once, price many carts."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

import attrs
from attrs import field, frozen

from commerce_core.kernel.errors import CurrencyMismatch, InputError
from commerce_core.kernel.money import Money
from commerce_core.pricing.cart import Cart, PricingContext
from commerce_core.pricing.rules import STAGE_OF, PricingPolicy, Rule, Stage

__all__ = ["PricingCase", "RuleSet"]


def _unique(_: Any, __: Any, value: Any) -> None:
    if not isinstance(value, tuple):
        raise InputError.for_field("rules", "expected a list of rules")
    seen: set[str] = set()
    for i, rule in enumerate(value):
        if rule.id in seen:
            raise InputError.for_field(f"rules[{i}].id", f"rule id {rule.id!r} is used twice")
        seen.add(rule.id)


def _monies(value: object) -> Iterator[Money]:
    if isinstance(value, Money):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from _monies(item)
    elif attrs.has(type(value)):
        for a in attrs.fields(type(value)):  # type: ignore[arg-type]
            yield from _monies(getattr(value, a.name))


def sort_key(rule: Rule) -> tuple[bool, int, str]:
    """Exclusive rules first, then higher priority, then the stable rule id."""
    return (not rule.exclusive, -rule.priority, rule.id)


@frozen
class RuleSet:
    """The active rules and the policy that stacks them, checked and sorted once.

    All amounts in the rules share one currency; pricing a cart of another currency is a
    :class:`~commerce_core.kernel.errors.CurrencyMismatch`.
    """

    rules: tuple[Rule, ...] = field(default=(), validator=_unique)
    policy: PricingPolicy = field(factory=PricingPolicy)
    currency: str | None = field(init=False, eq=False, repr=False)
    by_stage: Mapping[Stage, tuple[Rule, ...]] = field(init=False, eq=False, repr=False)
    by_id: Mapping[str, Rule] = field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        codes = sorted({m.currency for m in _monies(self.rules)})
        if len(codes) > 1:
            raise CurrencyMismatch(codes[0], codes[1])
        stages: dict[Stage, list[Rule]] = {s: [] for s in Stage}
        for rule in self.rules:
            stages[STAGE_OF[rule.kind]].append(rule)
        object.__setattr__(self, "currency", codes[0] if codes else None)
        object.__setattr__(
            self,
            "by_stage",
            MappingProxyType({s: tuple(sorted(rs, key=sort_key)) for s, rs in stages.items()}),
        )
        object.__setattr__(self, "by_id", MappingProxyType({r.id: r for r in self.rules}))

    def check(self, cart: Cart) -> None:
        """Refuse a cart whose currency differs from the rules'."""
        if self.currency is not None and cart.currency != self.currency:
            raise CurrencyMismatch(cart.currency, self.currency)


@frozen
class PricingCase:
    """A whole pricing question as one JSON document: cart, context and rules."""

    cart: Cart
    context: PricingContext
    rules: RuleSet = field(factory=RuleSet)
