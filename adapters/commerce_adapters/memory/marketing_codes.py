"""Redeem codes and grants on the memory backend.

Writes are staged in the unit of work and checked against the committed state under the
storage lock at commit: a key or grant row another unit of work committed first, or a
redemption past the code's limit, conflicts (and the command is retried).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING

from attrs import define, evolve, field

from commerce_adapters.memory.marketing import MarketingState, MemoryMarketingQueries
from commerce_core.kernel.errors import ConcurrencyConflict
from commerce_core.marketing.codes import CodeBatch, CouponCode, CouponGrant, code_key
from commerce_core.marketing.errors import CouponBatchNotFound, CouponCodeNotFound

if TYPE_CHECKING:
    from commerce_adapters.memory.storage import MemoryStorage, MemoryUnitOfWork

__all__ = [
    "CodeState",
    "MemoryCodeQueries",
    "MemoryCouponCodeLedger",
    "MemoryMarketingReads",
]


@define
class CodeState:
    """What redeem codes and grants have committed on a :class:`MemoryStorage`."""

    codes: dict[str, CouponCode] = field(factory=dict)
    batches: dict[str, CodeBatch] = field(factory=dict)
    redemptions: dict[tuple[str, str], str] = field(factory=dict)
    grants: dict[str, CouponGrant] = field(factory=dict)
    granted: dict[tuple[str, str], str] = field(factory=dict)


class MemoryCouponCodeLedger:
    """The code and grant ledger of one memory unit of work."""

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._storage: MemoryStorage = uow.storage
        self._state = self._storage.context_state("marketing_codes", CodeState)
        self._marketing = self._storage.context_state("marketing", MarketingState)
        self.reset()
        uow.join(self)

    # -- participant ----------------------------------------------------------------------
    def reset(self) -> None:
        self._codes: dict[str, CouponCode] = {}
        self._batches: dict[str, CodeBatch] = {}
        self._redeemed: Counter[str] = Counter()
        self._limits: dict[str, int | None] = {}
        self._redemptions: dict[tuple[str, str], str] = {}
        self._grants: dict[str, CouponGrant] = {}
        self._granted: dict[tuple[str, str], str] = {}

    def check(self) -> None:
        state = self._state
        for kind, staged, committed in (
            ("coupon code", self._codes, state.codes),
            ("coupon code batch", self._batches, state.batches),
            ("coupon grant", self._grants, state.grants),
        ):
            for key in staged:
                if key in committed:
                    raise ConcurrencyConflict(kind, key)
        for pair in self._redemptions:
            if pair in state.redemptions:
                raise ConcurrencyConflict("coupon code", f"{pair[0]} for {pair[1]}")
        for pair in self._granted:
            if pair in state.granted:
                raise ConcurrencyConflict("coupon grant", f"{pair[0]} for {pair[1]}")
        for key, delta in self._redeemed.items():
            limit = self._limits[key]
            stored = state.codes.get(key)
            before = 0 if stored is None else stored.redemptions
            if limit is not None and before + delta > limit:
                raise ConcurrencyConflict("coupon code", f"{key}: redeemed")

    def apply(self) -> None:
        state = self._state
        state.codes.update(self._codes)
        for key, delta in self._redeemed.items():
            code = state.codes[key]
            state.codes[key] = evolve(code, redemptions=code.redemptions + delta)
        state.batches.update(self._batches)
        state.redemptions.update(self._redemptions)
        state.grants.update(self._grants)
        state.granted.update(self._granted)

    # -- ledger ---------------------------------------------------------------------------
    def add_batch(self, batch: CodeBatch) -> None:
        if self.batch(batch.id) is not None:
            raise ConcurrencyConflict("coupon code batch", f"{batch.id} exists")
        self._batches[batch.id] = batch

    def batch(self, id: str) -> CodeBatch | None:
        with self._storage.lock:
            return self._batches.get(id) or self._state.batches.get(id)

    def batch_codes(self, batch: str) -> tuple[CouponCode, ...]:
        with self._storage.lock:
            keys = {k for k, c in self._state.codes.items() if c.batch == batch}
        keys |= {k for k, c in self._codes.items() if c.batch == batch}
        found = (self.code(k) for k in sorted(keys))
        return tuple(c for c in found if c is not None)

    def taken(self, keys: Collection[str]) -> set[str]:
        with self._storage.lock:
            return {k for k in keys if k in self._codes or k in self._state.codes}

    def add_codes(self, codes: Sequence[CouponCode]) -> None:
        keys = [c.key for c in codes]
        if len(set(keys)) != len(keys) or self.taken(keys):
            raise ConcurrencyConflict("coupon code", "a key exists")
        self._codes.update((c.key, c) for c in codes)

    def code(self, key: str) -> CouponCode | None:
        with self._storage.lock:
            found = self._codes.get(key) or self._state.codes.get(key)
        if found is None or not self._redeemed[key]:
            return found
        return evolve(found, redemptions=found.redemptions + self._redeemed[key])

    def redemption(self, key: str, customer: str) -> str | None:
        with self._storage.lock:
            return self._redemptions.get((key, customer)) or self._state.redemptions.get(
                (key, customer)
            )

    def try_redeem(self, key: str, customer: str, coupon: str, limit: int | None) -> bool:
        code = self.code(key)
        if code is None or (limit is not None and code.redemptions >= limit):
            return False
        if self.redemption(key, customer) is not None:
            raise ConcurrencyConflict("coupon code", f"{key} for {customer}")
        self._redeemed[key] += 1
        self._limits[key] = limit
        self._redemptions[(key, customer)] = coupon
        return True

    def grant(self, id: str) -> CouponGrant | None:
        with self._storage.lock:
            return self._grants.get(id) or self._state.grants.get(id)

    def add_grant(self, grant: CouponGrant) -> None:
        if self.grant(grant.id) is not None:
            raise ConcurrencyConflict("coupon grant", f"{grant.id} exists")
        self._grants[grant.id] = grant

    def granted(self, grant: str, customers: Collection[str]) -> dict[str, str]:
        with self._storage.lock:
            both = {**self._state.granted, **self._granted}
        return {c: both[(grant, c)] for c in customers if (grant, c) in both}

    def add_granted(self, grant: str, coupons: Mapping[str, str]) -> None:
        if self.granted(grant, coupons.keys()):
            raise ConcurrencyConflict("coupon grant", f"{grant}: a customer has a coupon")
        self._granted.update(((grant, c), coupon) for c, coupon in coupons.items())

    def uses(self, template: str, customer: str) -> tuple[int, int]:
        with self._storage.lock:
            m = self._marketing
            return m.used[template], m.customer_used[(template, customer)]


class MemoryCodeQueries:
    """Reads of redeem codes over the committed state (mixed into the marketing queries)."""

    _storage: MemoryStorage

    def code(self, code: str) -> CouponCode:
        with self._storage.lock:
            found = self._storage.context_state("marketing_codes", CodeState).codes.get(
                code_key(code)
            )
        if found is None:
            raise CouponCodeNotFound(code)
        return found

    def batch_codes(self, batch: str) -> tuple[CouponCode, ...]:
        with self._storage.lock:
            state = self._storage.context_state("marketing_codes", CodeState)
            if batch not in state.batches:
                raise CouponBatchNotFound(batch)
            found = [c for c in state.codes.values() if c.batch == batch]
        return tuple(sorted(found, key=lambda c: c.key))


class MemoryMarketingReads(MemoryMarketingQueries, MemoryCodeQueries):
    """Every marketing read of the memory backend."""
