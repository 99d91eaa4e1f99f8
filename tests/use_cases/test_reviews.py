"""Reviews through the Commerce facade, with a fake purchase verifier, on every backend."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.backends import Backend
from tests.use_cases.catalog_fixtures import IMAGE, tee

from commerce_core import Actor, Commerce, InputError, InvalidTransition, PageRequest
from commerce_core.catalog import (
    ApproveReview,
    DuplicateReview,
    FeatureReview,
    ProductId,
    PurchaseNotVerified,
    RejectReview,
    ReplyToReview,
    ReviewStatus,
    SkuId,
    SubmitReview,
    submit_review_with,
)
from commerce_core.testing import FrozenClock, SequentialIds


class FakePurchases:
    """Order lines the fake knows were bought: (customer, order line, SKU id)."""

    def __init__(self) -> None:
        self.bought: set[tuple[str, str, str]] = set()

    def purchased(self, *, customer: str, order_line: str, sku: SkuId) -> bool:
        return (customer, order_line, sku) in self.bought


def _setup(shop: Commerce, staff: Actor) -> tuple[ProductId, FakePurchases]:
    purchases = FakePurchases()
    shop.register(SubmitReview, submit_review_with(purchases))
    product = tee(shop, staff)
    for sku in shop.catalog.products.get(product).skus:
        for n in range(3):
            purchases.bought.add((f"cust{n}", f"line-{sku.code}-{n}", sku.id))
    return product, purchases


def _review(product: ProductId, n: int, rating: int, sku: str = "TEE-1") -> SubmitReview:
    return SubmitReview(
        product=product,
        sku=sku,
        order_line=f"line-{sku}-{n}",
        customer=f"cust{n}",
        rating=rating,
        text="很好 good",
        images=(IMAGE,),
    )


def test_only_purchases_are_reviewed_once_per_order_line(shop: Commerce, staff: Actor) -> None:
    product, _ = _setup(shop, staff)
    shopper = Actor.customer("cust0")
    review = shop.execute(_review(product, 0, 5), actor=shopper)
    with pytest.raises(DuplicateReview):
        shop.execute(_review(product, 0, 4), actor=shopper)
    with pytest.raises(PurchaseNotVerified):
        shop.execute(
            SubmitReview(
                product=product, sku="TEE-2", order_line="line-TEE-1-1", customer="cust1", rating=3
            ),
            actor=shopper,
        )
    page = shop.catalog.products.reviews(product, PageRequest())
    assert [(r.id, r.status, r.rating) for r in page.items] == [(review, ReviewStatus.PENDING, 5)]


def test_without_a_verifier_every_review_is_refused(shop: Commerce, staff: Actor) -> None:
    product = tee(shop, staff)
    with pytest.raises(PurchaseNotVerified) as err:
        shop.execute(_review(product, 0, 5), actor=Actor.customer("cust0"))
    assert err.value.code == "purchase_not_verified"


def test_moderation_follows_its_table_and_the_summary_counts_approved_reviews(
    shop: Commerce, staff: Actor, clock: FrozenClock
) -> None:
    product, _ = _setup(shop, staff)
    ids = []
    for n, rating in enumerate((5, 4, 2)):
        clock.advance(timedelta(minutes=1))
        ids.append(shop.execute(_review(product, n, rating), actor=Actor.customer(f"cust{n}")))
    empty = shop.catalog.products.rating_summary(product)
    assert (empty.count, empty.average, empty.distribution) == (0, None, (0, 0, 0, 0, 0))
    with pytest.raises(InvalidTransition):
        shop.execute(FeatureReview(review=ids[0]), actor=staff)
    shop.execute(ApproveReview(review=ids[0]), actor=staff)
    shop.execute(FeatureReview(review=ids[0]), actor=staff)
    shop.execute(ApproveReview(review=ids[1]), actor=staff)
    shop.execute(RejectReview(review=ids[2], reason="广告 advertising"), actor=staff)
    shop.execute(ReplyToReview(review=ids[1], text="谢谢 thank you"), actor=staff)
    summary = shop.catalog.products.rating_summary(product)
    assert (summary.count, summary.average, summary.distribution) == (2, "4.50", (0, 0, 0, 1, 1))
    page = shop.catalog.products.reviews(product, PageRequest(limit=2))
    assert [r.id for r in page.items] == [ids[2], ids[1]]
    assert page.items[0].reason == "广告 advertising"
    assert page.items[1].reply == "谢谢 thank you"
    assert page.next_cursor is not None
    rest = shop.catalog.products.reviews(product, PageRequest(after=page.next_cursor))
    assert [r.id for r in rest.items] == [ids[0]]
    featured = shop.catalog.products.reviews(product, PageRequest(), status=ReviewStatus.FEATURED)
    assert [r.id for r in featured.items] == [ids[0]]
    with pytest.raises(InputError) as err:
        RejectReview(review=ids[0], reason="")
    assert err.value.field == "reason"
    with pytest.raises(InputError) as err:
        _review(product, 9, 6)
    assert err.value.field == "rating"


BACKENDS = ("memory", "sqlite", "postgresql", "mariadb")


@given(
    moves=st.lists(
        st.tuples(
            st.integers(0, 5),
            st.sampled_from(["approve", "reject", "feature"]),
        ),
        max_size=12,
    ),
    ratings=st.lists(st.integers(1, 5), min_size=1, max_size=6),
)
@settings(max_examples=8, deadline=None)
def test_the_rating_summary_always_equals_the_approved_reviews(
    backend: Backend, moves: list[tuple[int, str]], ratings: list[int]
) -> None:
    staff = Actor.staff("alice")
    shop = Commerce(backend.storage(), clock=FrozenClock(), ids=SequentialIds("h"))
    try:
        product, _ = _setup(shop, staff)
        skus = [s.code for s in shop.catalog.products.get(product).skus]
        ids = [
            shop.execute(
                _review(product, i % 3, rating, sku=skus[i // 3]), actor=Actor.customer("c")
            )
            for i, rating in enumerate(ratings)
        ]
        for index, move in moves:
            if index >= len(ids):
                continue
            command = {
                "approve": ApproveReview(review=ids[index]),
                "reject": RejectReview(review=ids[index], reason="no"),
                "feature": FeatureReview(review=ids[index]),
            }[move]
            with contextlib.suppress(InvalidTransition):
                shop.execute(command, actor=staff)
        reviews = shop.catalog.products.reviews(product, PageRequest(limit=100)).items
        shown = [
            r.rating for r in reviews if r.status in (ReviewStatus.APPROVED, ReviewStatus.FEATURED)
        ]
        summary = shop.catalog.products.rating_summary(product)
        assert summary.count == len(shown)
        assert summary.total == sum(shown)
        assert summary.distribution == tuple(shown.count(i) for i in range(1, 6))
        if shown:
            assert summary.exact is not None
            assert summary.exact * len(shown) == sum(shown)
    finally:
        shop.close()
