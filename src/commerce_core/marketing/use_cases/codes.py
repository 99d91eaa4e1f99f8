"""Commands of redeem codes (兑换码): generating a batch of single-use codes, creating a
shared code, and redeeming a code for a coupon."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final

from attrs import field, frozen

from commerce_core.kernel.errors import InputError
from commerce_core.kernel.messages import Command
from commerce_core.kernel.validation import check_text
from commerce_core.marketing.codes import (
    BATCH_MAX,
    CODE_MAX,
    PREFIX_MAX,
    CodeBatch,
    CouponCode,
    check_code,
    code_key,
    generate_code,
)
from commerce_core.marketing.errors import (
    CouponBatchClash,
    CouponCodeClash,
    CouponCodeExpired,
    CouponCodeNotFound,
    CouponCodeUsed,
    CouponLimitReached,
    CouponTemplateNotFound,
)
from commerce_core.marketing.model import ID_MAX, IssuedCoupon
from commerce_core.marketing.ports import MarketingContext

__all__ = [
    "HANDLERS",
    "CreateSharedCouponCode",
    "GenerateCouponCodes",
    "RedeemCouponCode",
]


def _id(path: str) -> Any:
    def validate(_: Any, __: Any, value: Any) -> None:
        check_text(value, path, max_length=ID_MAX)

    return validate


def _count(_: Any, __: Any, value: Any) -> None:
    if type(value) is not int or not 1 <= value <= BATCH_MAX:
        raise InputError.for_field("count", f"a whole number from 1 to {BATCH_MAX}")


def _prefix(_: Any, __: Any, value: Any) -> None:
    if value is None:
        return
    check_text(value, "prefix", max_length=PREFIX_MAX)
    if not value.isascii() or not value.isalnum():
        raise InputError.for_field("prefix", "Latin letters and digits only")


def _expiry(_: Any, __: Any, value: Any) -> None:
    if value is not None and (not isinstance(value, datetime) or value.utcoffset() is None):
        raise InputError.for_field("expires_at", "a datetime with a time zone (or none)")


def _code(_: Any, __: Any, value: Any) -> None:
    check_code(value)


def _typed(_: Any, __: Any, value: Any) -> None:
    check_text(value, "code", max_length=CODE_MAX)


@frozen(kw_only=True)
class GenerateCouponCodes(Command[tuple[str, ...]]):
    """Generate ``count`` single-use codes for ``template`` as batch ``batch``; returns the
    codes. Idempotent: the same batch again returns the same codes."""

    type_name = "marketing.generate_coupon_codes"
    batch: str = field(validator=_id("batch"))
    template: str = field(validator=_id("template"))
    count: int = field(validator=_count)
    prefix: str | None = field(default=None, validator=_prefix)
    expires_at: datetime | None = field(default=None, validator=_expiry)


@frozen(kw_only=True)
class CreateSharedCouponCode(Command[str]):
    """Create a code many customers redeem (each once; in all at most the template's total
    limit); returns its key. Creating the same code again changes nothing."""

    type_name = "marketing.create_shared_coupon_code"
    template: str = field(validator=_id("template"))
    code: str = field(validator=_code)
    expires_at: datetime | None = field(default=None, validator=_expiry)


@frozen(kw_only=True)
class RedeemCouponCode(Command[str]):
    """A customer redeems a code (as typed: case, look-alikes and dashes do not matter);
    returns the id of the coupon issued. Redeeming it again returns the same coupon."""

    type_name = "marketing.redeem_coupon_code"
    code: str = field(validator=_typed)
    customer: str = field(validator=_id("customer"))


def generate_coupon_codes(cmd: GenerateCouponCodes, ctx: MarketingContext) -> tuple[str, ...]:
    ledger = ctx.uow.coupon_codes
    existing = ledger.batch(cmd.batch)
    if existing is not None:
        same = (existing.template, existing.count, existing.prefix, existing.expires_at) == (
            cmd.template,
            cmd.count,
            cmd.prefix,
            cmd.expires_at,
        )
        if not same:
            raise CouponBatchClash(cmd.batch)
        return tuple(c.code for c in ledger.batch_codes(cmd.batch))
    if ctx.uow.coupons.template(cmd.template) is None:
        raise CouponTemplateNotFound(cmd.template)
    at = ctx.now()
    codes: dict[str, str] = {}
    while len(codes) < cmd.count:
        fresh = {code_key(c): c for c in (generate_code(cmd.prefix) for _ in range(cmd.count))}
        for key in ledger.taken(fresh.keys()):
            del fresh[key]  # a clash with a stored code: draw again
        for key, code in fresh.items():
            if len(codes) < cmd.count:
                codes.setdefault(key, code)
    ledger.add_batch(CodeBatch(cmd.batch, cmd.template, cmd.count, cmd.prefix, cmd.expires_at, at))
    ledger.add_codes(
        [
            CouponCode(code, key, cmd.template, True, at, cmd.batch, cmd.expires_at)
            for key, code in sorted(codes.items())
        ]
    )
    return tuple(codes[k] for k in sorted(codes))


def create_shared_coupon_code(cmd: CreateSharedCouponCode, ctx: MarketingContext) -> str:
    ledger = ctx.uow.coupon_codes
    key = code_key(cmd.code)
    existing = ledger.code(key)
    if existing is not None:
        same = (existing.code, existing.template, existing.single_use, existing.expires_at) == (
            cmd.code,
            cmd.template,
            False,
            cmd.expires_at,
        )
        if not same:
            raise CouponCodeClash(cmd.code, key)
        return key
    if ctx.uow.coupons.template(cmd.template) is None:
        raise CouponTemplateNotFound(cmd.template)
    ledger.add_codes(
        [CouponCode(cmd.code, key, cmd.template, False, ctx.now(), None, cmd.expires_at)]
    )
    return key


def redeem_coupon_code(cmd: RedeemCouponCode, ctx: MarketingContext) -> str:
    ledger = ctx.uow.coupon_codes
    key = code_key(cmd.code)
    code = ledger.code(key)
    if code is None:
        raise CouponCodeNotFound(cmd.code)
    earlier = ledger.redemption(key, cmd.customer)
    if earlier is not None:
        return earlier
    at = ctx.now()
    if code.expires_at is not None and at >= code.expires_at:
        raise CouponCodeExpired(code.code, code.expires_at.isoformat())
    template = ctx.uow.coupons.template(code.template)
    if template is None:
        raise CouponTemplateNotFound(code.template)
    limit = 1 if code.single_use else template.total_limit
    coupon = IssuedCoupon(ctx.new_id(), code.template, cmd.customer, at)
    if not ledger.try_redeem(key, cmd.customer, coupon.id, limit):
        raced = ledger.redemption(key, cmd.customer)
        if raced is not None:
            return raced  # this customer's own concurrent request won
        if code.single_use:
            raise CouponCodeUsed(code.code)
        raise CouponLimitReached(code.template, "total", limit or 0)
    ctx.uow.coupons.issue(coupon)
    return coupon.id


HANDLERS: Final[Mapping[type[Command[Any]], Callable[[Any, MarketingContext], Any]]] = (
    MappingProxyType(
        {
            GenerateCouponCodes: generate_coupon_codes,
            CreateSharedCouponCode: create_shared_coupon_code,
            RedeemCouponCode: redeem_coupon_code,
        }
    )
)
