"""Commands of reviews (评价) and their handlers.

Submitting a review needs a :class:`PurchaseVerifier`: build the handler with
:func:`submit_review_with` and register it (``shop.register(SubmitReview, ...)``). The
built-in handler uses :class:`NoPurchaseRecords`, which knows of no purchase and so refuses
every review until the ordering context (or the shop) provides a real verifier.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Final

from attrs import field, frozen

from commerce_core.catalog.ids import ProductId, ReviewId, SkuId
from commerce_core.catalog.media import MediaRef
from commerce_core.catalog.ports import ProductsContext
from commerce_core.catalog.product_errors import PurchaseNotVerified
from commerce_core.catalog.product_ports import PurchaseVerifier
from commerce_core.catalog.reviews import (
    REVIEW_REASON_MAX,
    Review,
    check_rating,
    check_review_text,
)
from commerce_core.kernel.errors import InputError
from commerce_core.kernel.messages import Command
from commerce_core.kernel.validation import check_text

__all__ = [
    "HANDLERS",
    "ApproveReview",
    "FeatureReview",
    "NoPurchaseRecords",
    "RejectReview",
    "ReplyToReview",
    "SubmitReview",
    "submit_review_with",
]


def _text(path: str, max_length: int = 64) -> Any:
    return lambda _, __, v: check_text(v, path, max_length=max_length)


def _images(_: object, __: object, value: object) -> None:
    if not isinstance(value, tuple) or not all(isinstance(m, MediaRef) for m in value):
        raise InputError.for_field("images", "must be a list of media references")


def _as_tuple(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


@frozen(kw_only=True)
class SubmitReview(Command[ReviewId]):
    """A customer reviews the SKU bought on an order line: 1–5 stars, text, images."""

    type_name = "catalog.submit_review"
    product: ProductId = field(validator=_text("product"))
    sku: str = field(validator=_text("sku"))
    order_line: str = field(validator=_text("order_line"))
    customer: str = field(validator=_text("customer", 128))
    rating: int = field(validator=lambda _, __, v: check_rating(v))
    text: str = field(default="", validator=lambda _, __, v: check_review_text(v))
    images: tuple[MediaRef, ...] = field(default=(), converter=_as_tuple, validator=_images)


@frozen(kw_only=True)
class ApproveReview(Command[None]):
    """Approve a review (or stop featuring it): it is shown and counted."""

    type_name = "catalog.approve_review"
    review: ReviewId = field(validator=_text("review"))


@frozen(kw_only=True)
class RejectReview(Command[None]):
    """Reject a review with a reason: it is hidden and not counted."""

    type_name = "catalog.reject_review"
    review: ReviewId = field(validator=_text("review"))
    reason: str = field(validator=_text("reason", REVIEW_REASON_MAX))


@frozen(kw_only=True)
class FeatureReview(Command[None]):
    """Feature an approved review (精选)."""

    type_name = "catalog.feature_review"
    review: ReviewId = field(validator=_text("review"))


@frozen(kw_only=True)
class ReplyToReview(Command[None]):
    """The merchant's reply to a review (商家回复)."""

    type_name = "catalog.reply_to_review"
    review: ReviewId = field(validator=_text("review"))
    text: str = field(validator=lambda _, __, v: check_review_text(v, "text"))


class NoPurchaseRecords:
    """A verifier that knows of no purchase: every review is refused until a real one is set."""

    def purchased(self, *, customer: str, order_line: str, sku: SkuId) -> bool:
        return False


def submit_review_with(
    verifier: PurchaseVerifier,
) -> Callable[[SubmitReview, ProductsContext], ReviewId]:
    """The :class:`SubmitReview` handler that checks purchases with ``verifier``."""

    def submit_review(cmd: SubmitReview, ctx: ProductsContext) -> ReviewId:
        product = ctx.uow.products.get(cmd.product)
        sku = product.sku(cmd.sku)
        if not verifier.purchased(customer=cmd.customer, order_line=cmd.order_line, sku=sku.id):
            raise PurchaseNotVerified(cmd.customer, cmd.order_line, sku.code)
        review = Review.submit(
            ReviewId(ctx.new_id()),
            product=product.id,
            sku=sku.id,
            sku_code=sku.code,
            order_line=cmd.order_line,
            customer=cmd.customer,
            rating=cmd.rating,
            text=cmd.text,
            images=cmd.images,
            at=ctx.now(),
        )
        ctx.uow.reviews.add(review)
        return review.id

    return submit_review


def _moderate(ctx: ProductsContext, id: ReviewId, change: Callable[[Review], None]) -> None:
    review = ctx.uow.reviews.get(id)
    change(review)
    ctx.uow.reviews.save(review)


def approve_review(cmd: ApproveReview, ctx: ProductsContext) -> None:
    at = ctx.now()
    _moderate(ctx, cmd.review, lambda r: r.approve(at=at))


def reject_review(cmd: RejectReview, ctx: ProductsContext) -> None:
    at = ctx.now()
    _moderate(ctx, cmd.review, lambda r: r.reject(cmd.reason, at=at))


def feature_review(cmd: FeatureReview, ctx: ProductsContext) -> None:
    at = ctx.now()
    _moderate(ctx, cmd.review, lambda r: r.feature(at=at))


def reply_to_review(cmd: ReplyToReview, ctx: ProductsContext) -> None:
    at = ctx.now()
    by = str(ctx.actor)
    _moderate(ctx, cmd.review, lambda r: r.answer(cmd.text, by=by, at=at))


HANDLERS: Final[Mapping[type[Command[Any]], Callable[[Any, ProductsContext], Any]]] = (
    MappingProxyType(
        {
            SubmitReview: submit_review_with(NoPurchaseRecords()),
            ApproveReview: approve_review,
            RejectReview: reject_review,
            FeatureReview: feature_review,
            ReplyToReview: reply_to_review,
        }
    )
)
