"""What only the SQL backend has for the catalog: business-key constraints as domain errors."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from tests.backends import Backend, SqlBackend

from commerce_adapters.sqlalchemy import catalog_tables as ct
from commerce_adapters.sqlalchemy.catalog_mapping import product_to_row, sku_to_row
from commerce_adapters.sqlalchemy.errors import translate
from commerce_core.catalog import DuplicateBarcode, DuplicateProductCode, DuplicateSkuCode
from commerce_core.kernel import ConcurrencyConflict
from commerce_core.testing.product_contracts import sample_product

BACKENDS = ("sqlite", "postgresql", "mariadb")


def _violation(
    engine: sa.Engine, statement: sa.Executable, rows: list[dict[str, object]]
) -> Exception:
    with engine.connect() as conn:
        try:
            conn.execute(statement, rows)
        except sa_exc.IntegrityError as exc:
            return translate(exc)
        finally:
            conn.rollback()
    raise AssertionError("the database accepted a duplicate")


def test_a_duplicate_business_key_that_slips_past_the_check_is_still_its_domain_error(
    backend: Backend,
) -> None:
    assert isinstance(backend, SqlBackend)
    backend.clean()
    engine = backend.engine
    first = sample_product(barcode="690001")
    with engine.begin() as conn:
        conn.execute(sa.insert(ct.products), [product_to_row(first)])
        conn.execute(
            sa.insert(ct.skus), [sku_to_row(first.id, i, s) for i, s in enumerate(first.skus)]
        )
    sku = first.skus[-1]
    same_code = {**sku_to_row(first.id, 9, sku), "id": "other", "barcode": None}
    error = _violation(engine, sa.insert(ct.skus), [same_code])
    assert isinstance(error, DuplicateSkuCode)
    assert error.code == "duplicate_sku_code"
    same_barcode = {**sku_to_row(first.id, 9, sku), "id": "other", "code": "NEW"}
    assert isinstance(_violation(engine, sa.insert(ct.skus), [same_barcode]), DuplicateBarcode)
    same_product = {**product_to_row(first), "id": "p2"}
    error = _violation(engine, sa.insert(ct.products), [same_product])
    assert isinstance(error, DuplicateProductCode)
    if backend.name != "sqlite":  # servers name the value; SQLite only the column
        assert error.context["product_code"] == "P1"
    same_id = {**sku_to_row(first.id, 9, sku), "code": "NEW2", "barcode": None}
    assert isinstance(_violation(engine, sa.insert(ct.skus), [same_id]), ConcurrencyConflict)
    backend.clean()


@pytest.mark.parametrize("limit", [1])
def test_a_search_is_one_statement(backend: Backend, limit: int) -> None:
    from commerce_adapters.sqlalchemy.catalog_queries import search_statement
    from commerce_core import Money, PageRequest
    from commerce_core.catalog import AttributeFilter, CategoryId, ProductSearch, TagId

    query = ProductSearch(
        keyword="tee",
        category=CategoryId("c"),
        tag=TagId("t"),
        min_price=Money.of("1"),
        attributes=(AttributeFilter(name="材质", equals="棉"),),
    )
    statement, params = search_statement(query, PageRequest(limit=limit))
    assert params["category"] == "c"
    assert params["s_like"] == "%tee%"
    assert params["a0_name"] == "材质"
    assert params["a0_text"] == "棉"
    # The statement depends on the search's shape only: other values reuse it, bound anew.
    other = ProductSearch(
        keyword="50%_off/x",
        category=CategoryId("d"),
        tag=TagId("u"),
        min_price=Money.of("2"),
        attributes=(AttributeFilter(name="产地", equals="杭州"),),
    )
    again, other_params = search_statement(other, PageRequest(limit=limit))
    assert again is statement
    assert other_params["s_like"] == "%50/%/_off//x%"
    assert search_statement(ProductSearch(keyword="tee"), PageRequest(limit=limit))[0] is not (
        statement
    )
    assert isinstance(backend, SqlBackend)
    with backend.engine.connect() as conn:
        assert conn.execute(statement, params).all() == []
