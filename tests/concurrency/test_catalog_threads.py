"""Real threads: deleting a category races products being put in it (decision 0013)."""

from __future__ import annotations

import pytest
from tests.backends import Backend
from tests.concurrency.test_real_threads import run_threads

from commerce_core import Actor, Commerce, ConcurrencyConflict, Money
from commerce_core.app import SystemClock
from commerce_core.catalog import (
    CategoryHasProducts,
    CategoryId,
    CategoryNotFound,
    CreateCategory,
    CreateProduct,
    DeleteCategory,
    ProductSearch,
)
from commerce_core.kernel import PageRequest
from commerce_core.testing import SequentialIds

BACKENDS = ("memory", "postgresql", "mariadb", "sqlite")
pytestmark = pytest.mark.concurrency

STAFF = Actor.staff("load")
ROUNDS = 8
MAKERS = 3


def test_a_deleted_category_never_has_a_product(backend: Backend) -> None:
    shop = Commerce(backend.storage(), clock=SystemClock(), ids=SequentialIds("x"), max_attempts=50)
    outcomes: dict[str, int] = {"deleted": 0, "refused": 0, "created": 0, "no_category": 0}
    try:
        for round in range(ROUNDS):
            target = shop.execute(CreateCategory(name=f"R{round}"), actor=STAFF)

            def work(i: int, target: CategoryId = target, round: int = round) -> None:
                if i == 0:
                    try:
                        shop.execute(DeleteCategory(category=target), actor=STAFF)
                        outcomes["deleted"] += 1
                    except CategoryHasProducts:
                        outcomes["refused"] += 1
                    return
                try:
                    shop.execute(
                        CreateProduct(
                            code=f"R{round}-{i}",
                            title="Racer",
                            category=target,
                            default_price=Money.of("1"),
                        ),
                        actor=STAFF,
                    )
                    outcomes["created"] += 1
                except CategoryNotFound:
                    outcomes["no_category"] += 1

            errors = run_threads(1 + MAKERS, work)
            assert [e for e in errors if not isinstance(e, ConcurrencyConflict)] == []
        existing = {n.id for top in shop.categories.tree() for _, n in top.walk()}
        products = shop.catalog.products.search(ProductSearch(), PageRequest(limit=500)).items
        assert len(products) == outcomes["created"]
        for summary in products:
            assert shop.catalog.products.get(summary.id).category in existing
        # Each round ends one of two ways: the category went first (its products were
        # refused) or a product went first (the delete was refused).
        assert outcomes["deleted"] + outcomes["refused"] == ROUNDS
        assert outcomes["created"] + outcomes["no_category"] == ROUNDS * MAKERS
    finally:
        shop.close()
