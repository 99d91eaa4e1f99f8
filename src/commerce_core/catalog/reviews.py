"""Reviews (评价): a customer's rating of a purchased SKU, moderated before it is shown."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType
from typing import Final

from attrs import define, field, frozen

from commerce_core.catalog.ids import ProductId, ReviewId, SkuId
from commerce_core.catalog.media import MEDIA_PER_OWNER_MAX, MediaKind, MediaRef
from commerce_core.catalog.product_events import ReviewModerated, ReviewReplied, ReviewSubmitted
from commerce_core.kernel.errors import InputError, InvalidTransition
from commerce_core.kernel.messages import DomainEvent
from commerce_core.kernel.validation import check_text

__all__ = [
    "REVIEW_REASON_MAX",
    "REVIEW_TEXT_MAX",
    "REVIEW_TRANSITIONS",
    "RatingSummary",
    "Review",
    "ReviewStatus",
    "summarize",
]

REVIEW_TEXT_MAX = 2000
REVIEW_REASON_MAX = 200


class ReviewStatus(StrEnum):
    """Where a review is in moderation."""

    PENDING = "pending"  # 待审核
    APPROVED = "approved"  # 已通过: shown and counted
    REJECTED = "rejected"  # 已驳回: hidden, with a reason
    FEATURED = "featured"  # 精选: approved and shown first


#: Moderation as data. Approved and featured reviews count in the rating summary.
REVIEW_TRANSITIONS: Final[Mapping[ReviewStatus, frozenset[ReviewStatus]]] = MappingProxyType(
    {
        ReviewStatus.PENDING: frozenset({ReviewStatus.APPROVED, ReviewStatus.REJECTED}),
        ReviewStatus.APPROVED: frozenset({ReviewStatus.FEATURED, ReviewStatus.REJECTED}),
        ReviewStatus.FEATURED: frozenset({ReviewStatus.APPROVED, ReviewStatus.REJECTED}),
        ReviewStatus.REJECTED: frozenset({ReviewStatus.APPROVED}),
    }
)

#: The statuses that count in the rating summary and are shown to shoppers.
VISIBLE: Final = frozenset({ReviewStatus.APPROVED, ReviewStatus.FEATURED})


def check_review_text(value: object, path: str = "text") -> str:
    """Review and reply text: several lines allowed, at most :data:`REVIEW_TEXT_MAX`."""
    if not isinstance(value, str):
        raise InputError.for_field(path, f"expected text, got {type(value).__name__}")
    if len(value) > REVIEW_TEXT_MAX:
        raise InputError.for_field(path, f"must be at most {REVIEW_TEXT_MAX} characters")
    if "\x00" in value:
        raise InputError.for_field(path, "must not contain NUL characters")
    return value


def check_rating(value: object) -> int:
    """A rating is a whole number of stars from 1 to 5."""
    if type(value) is not int or not 1 <= value <= 5:
        raise InputError.for_field("rating", "must be a whole number from 1 to 5")
    return value


@define(eq=False)
class Review:
    """One review of one order line; moderated by the shop, answered by the merchant."""

    id: ReviewId
    product: ProductId
    sku: SkuId
    sku_code: str
    order_line: str
    customer: str
    rating: int
    text: str
    images: tuple[MediaRef, ...]
    created_at: datetime
    status: ReviewStatus = ReviewStatus.PENDING
    reason: str | None = None
    reply: str | None = None
    replied_by: str | None = None
    replied_at: datetime | None = None
    version: int = 0
    events: list[DomainEvent] = field(factory=list, repr=False)

    @classmethod
    def submit(
        cls,
        id: ReviewId,
        *,
        product: ProductId,
        sku: SkuId,
        sku_code: str,
        order_line: str,
        customer: str,
        rating: int,
        text: str,
        images: Sequence[MediaRef],
        at: datetime,
    ) -> Review:
        """A new review, pending moderation."""
        if len(images) > MEDIA_PER_OWNER_MAX or not all(
            isinstance(m, MediaRef) and m.kind is MediaKind.IMAGE for m in images
        ):
            raise InputError.for_field("images", f"at most {MEDIA_PER_OWNER_MAX} images")
        review = cls(
            id=id,
            product=product,
            sku=sku,
            sku_code=sku_code,
            order_line=check_text(order_line, "order_line", max_length=64),
            customer=check_text(customer, "customer", max_length=128),
            rating=check_rating(rating),
            text=check_review_text(text),
            images=tuple(images),
            created_at=at,
        )
        review.events.append(
            ReviewSubmitted(
                review=id,
                product=product,
                sku=sku,
                order_line=order_line,
                customer=customer,
                rating=rating,
                at=at,
            )
        )
        return review

    def approve(self, *, at: datetime) -> None:
        """Show the review (and count it); from featured, just stop featuring it."""
        self._move_to(ReviewStatus.APPROVED, None, at)

    def reject(self, reason: str, *, at: datetime) -> None:
        """Hide the review; the reason is kept for the customer and the audit."""
        check_text(reason, "reason", max_length=REVIEW_REASON_MAX)
        self._move_to(ReviewStatus.REJECTED, reason, at)

    def feature(self, *, at: datetime) -> None:
        """Show an approved review first (精选)."""
        self._move_to(ReviewStatus.FEATURED, None, at)

    def answer(self, text: str, *, by: str, at: datetime) -> None:
        """The merchant's reply (商家回复); a second reply replaces the first."""
        if not isinstance(text, str) or not text.strip():
            raise InputError.for_field("reply", "must not be empty")
        self.reply = check_review_text(text, "reply")
        self.replied_by = by
        self.replied_at = at
        self.events.append(ReviewReplied(review=self.id, product=self.product, by=by, at=at))

    def _move_to(self, new: ReviewStatus, reason: str | None, at: datetime) -> None:
        if new not in REVIEW_TRANSITIONS[self.status]:
            raise InvalidTransition(self.status.value, new.value, kind="review")
        old, self.status, self.reason = self.status, new, reason
        self.events.append(
            ReviewModerated(
                review=self.id,
                product=self.product,
                old=old.value,
                new=new.value,
                reason=reason,
                at=at,
            )
        )


@frozen
class RatingSummary:
    """The ratings of a product's approved (and featured) reviews.

    ``average`` is exact: a decimal string rounded half-even to two places ("4.33"), or
    None without reviews; ``exact`` is the unrounded fraction.
    """

    product: ProductId
    count: int
    total: int
    distribution: tuple[int, int, int, int, int]  # reviews with 1, 2, 3, 4, 5 stars

    @property
    def exact(self) -> Fraction | None:
        """The mean rating as an exact fraction."""
        return Fraction(self.total, self.count) if self.count else None

    @property
    def average(self) -> str | None:
        """The mean rating, rounded half-even to two decimals, as text."""
        if not self.count:
            return None
        mean = Decimal(self.total) / Decimal(self.count)
        return str(mean.quantize(Decimal("0.01")))


def summarize(product: ProductId, ratings: Iterable[int]) -> RatingSummary:
    """The summary of a list of ratings (the visible reviews' ones)."""
    counts = [0, 0, 0, 0, 0]
    for rating in ratings:
        counts[rating - 1] += 1
    total = sum((i + 1) * n for i, n in enumerate(counts))
    return RatingSummary(
        product, sum(counts), total, (counts[0], counts[1], counts[2], counts[3], counts[4])
    )
