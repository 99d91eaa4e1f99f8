"""Behavior tracking (用户行为): events in batches, and what they add up to per customer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from attrs import field, frozen

from commerce_core.customers.ids import CustomerId
from commerce_core.customers.program import RfmBands
from commerce_core.kernel.clock import ensure_utc
from commerce_core.kernel.errors import InputError
from commerce_core.kernel.money import Money
from commerce_core.kernel.validation import check_text

__all__ = [
    "BehaviorEvent",
    "BehaviorKind",
    "BehaviorProfile",
    "Purchase",
    "RfmScore",
    "rfm_score",
]

_REF_MAX = 64


class BehaviorKind(StrEnum):
    """What a customer did."""

    VIEWED = "viewed"  # 浏览
    FAVORITED = "favorited"  # 收藏
    UNFAVORITED = "unfavorited"  # 取消收藏
    ADDED_TO_CART = "added_to_cart"  # 加购
    SEARCHED = "searched"  # 搜索
    ORDERED = "ordered"  # 下单
    PAID = "paid"  # 支付


_NEEDS_PRODUCT = {
    BehaviorKind.VIEWED,
    BehaviorKind.FAVORITED,
    BehaviorKind.UNFAVORITED,
    BehaviorKind.ADDED_TO_CART,
}


def _optional_ref(path: str) -> Any:
    def validate(_: object, __: object, value: Any) -> None:
        if value is not None:
            check_text(value, path, max_length=_REF_MAX)

    return validate


def _at(value: object) -> datetime:
    if not isinstance(value, datetime):
        raise InputError.for_field("at", "expected an aware datetime")
    return ensure_utc(value, "at")


@frozen(kw_only=True)
class BehaviorEvent:
    """One thing a customer did, named by a unique ``id`` from the sender (events sent twice
    are counted once). Product views and favorites name a ``product`` (and its ``category``
    for the top-categories figure); searches carry the ``query``; orders and payments the
    ``order`` and ``amount``."""

    id: str = field(validator=lambda _, __, v: check_text(v, "id", max_length=_REF_MAX))
    customer: CustomerId = field(
        validator=lambda _, __, v: check_text(v, "customer", max_length=_REF_MAX)
    )
    kind: BehaviorKind = field(converter=BehaviorKind)
    at: datetime = field(converter=_at)
    product: str | None = field(default=None, validator=_optional_ref("product"))
    category: str | None = field(default=None, validator=_optional_ref("category"))
    query: str | None = field(default=None, validator=_optional_ref("query"), repr=False)
    order: str | None = field(default=None, validator=_optional_ref("order"))
    amount: Money | None = None

    def __attrs_post_init__(self) -> None:
        if self.kind in _NEEDS_PRODUCT and self.product is None:
            raise InputError.for_field("product", f"a {self.kind.value} event names a product")
        if self.kind is BehaviorKind.SEARCHED and self.query is None:
            raise InputError.for_field("query", "a searched event carries the query")
        if self.kind in (BehaviorKind.ORDERED, BehaviorKind.PAID):
            if self.order is None:
                raise InputError.for_field("order", f"a {self.kind.value} event names the order")
            if self.amount is None or self.amount.is_negative():
                raise InputError.for_field("amount", "must be an amount of at least zero")


@frozen
class RfmScore:
    """Recency, frequency and monetary scores, each 1 (worst) to 5 (best); 0 for a customer
    who never paid."""

    recency: int
    frequency: int
    monetary: int

    @property
    def code(self) -> str:
        """The three digits, e.g. ``"545"``."""
        return f"{self.recency}{self.frequency}{self.monetary}"


@frozen
class Purchase:
    """A paid order in a customer's purchase history."""

    order: str
    amount: Money
    at: datetime


@frozen
class BehaviorProfile:
    """What a customer's behavior adds up to (用户画像)."""

    customer: CustomerId
    favorites: tuple[str, ...]
    recently_viewed: tuple[str, ...]
    purchases: tuple[Purchase, ...]
    top_categories: tuple[tuple[str, int], ...]
    last_active: datetime | None
    rfm: RfmScore


def _ascending(value: int, limits: Sequence[int]) -> int:
    return 1 + sum(1 for limit in limits if value >= limit)


def rfm_score(
    bands: RfmBands,
    *,
    last_paid: datetime | None,
    payments: int,
    spent: Money,
    at: datetime,
) -> RfmScore:
    """Score a customer from the last payment time and the payments and amount spent in the
    window ``bands.window_days`` before ``at``."""
    if last_paid is None:
        return RfmScore(0, 0, 0)
    days = (at - last_paid) // timedelta(days=1)
    recency = 5 - sum(1 for limit in bands.recency_days if days > limit)
    frequency = _ascending(payments, bands.frequency)
    monetary = _ascending(spent.minor, [m.minor for m in bands.monetary])
    return RfmScore(recency, frequency, monetary)
