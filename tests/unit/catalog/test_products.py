"""The product aggregate alone: SKU matrix, spec changes, lifecycle table (properties too)."""

from __future__ import annotations

import itertools
import math
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commerce_core import InvalidTransition, Money
from commerce_core.catalog import (
    PRODUCT_TRANSITIONS,
    DuplicateSkuCode,
    Product,
    ProductId,
    ProductStatus,
    SpecAttribute,
)
from commerce_core.kernel import InputError

T0 = datetime(2026, 5, 1, tzinfo=UTC)


def _ids() -> itertools.count[int]:
    return itertools.count(1)


def _product(specs: list[SpecAttribute]) -> Product:
    counter = _ids()
    return Product.create(
        ProductId("p"),
        code="P",
        title="Product",
        new_id=lambda: f"s{next(counter)}",
        by="staff:t",
        at=T0,
        specs=specs,
        default_price=Money.of("1"),
    )


values = st.lists(
    st.text(alphabet="abcdefgh红蓝绿", min_size=1, max_size=3), min_size=1, max_size=4, unique=True
)
specs_strategy = st.lists(values, min_size=0, max_size=3).map(
    lambda vs: [SpecAttribute(f"spec{i}", tuple(v)) for i, v in enumerate(vs)]
)


@given(specs_strategy)
def test_the_matrix_has_the_product_of_the_value_counts(specs: list[SpecAttribute]) -> None:
    product = _product(specs)
    assert len(product.skus) == math.prod(len(s.values) for s in specs)
    assert len({s.options for s in product.skus}) == len(product.skus)
    assert len({s.code for s in product.skus}) == len(product.skus)


@given(
    specs_strategy.filter(lambda s: len(s) > 0),
    st.lists(
        st.tuples(st.booleans(), st.integers(0, 2), st.sampled_from("abcxyz红绿")), max_size=15
    ),
)
@settings(max_examples=150)
def test_no_sku_is_ever_deleted(
    specs: list[SpecAttribute], moves: list[tuple[bool, int, str]]
) -> None:
    product = _product(specs)
    counter = itertools.count(1000)
    seen: dict[str, tuple[str, ...]] = {}
    for add, index, value in moves:
        before = {s.id: s for s in product.skus}
        spec = product.specs[index % len(product.specs)].name
        try:
            if add:
                product.add_spec_value(spec, value, new_id=lambda: f"n{next(counter)}", at=T0)
            else:
                product.remove_spec_value(spec, value, at=T0)
        except InputError:
            assert {s.id: s for s in product.skus} == before  # a refusal changes nothing
            continue
        now = {s.id: s for s in product.skus}
        assert set(before) <= set(now)
        for id, sku in before.items():
            assert now[id].options == sku.options
            if add:
                assert now[id] == sku  # adding leaves every existing SKU alone
        seen.update({s.id: s.options for s in product.skus})
        live = {s.options for s in product.skus}
        assert set(product.combinations()) <= live  # every current combination has a SKU
        for sku in product.skus:
            current = all(v in s.values for v, s in zip(sku.options, product.specs, strict=True))
            if not current:
                assert not sku.enabled
    assert set(seen) <= {s.id for s in product.skus}


def test_every_move_outside_the_table_is_refused() -> None:
    for start in ProductStatus:
        for target in ProductStatus:
            product = _product([SpecAttribute("颜色", ("红",))])
            product.status = start
            product.category = "c"  # type: ignore[assignment]
            product.media = ()
            allowed = target in PRODUCT_TRANSITIONS[start]
            move = {
                ProductStatus.ON_SHELF: lambda p: p.publish(at=T0),
                ProductStatus.OFF_SHELF: lambda p: p.unpublish(at=T0),
                ProductStatus.ARCHIVED: lambda p: p.archive(at=T0),
                ProductStatus.DRAFT: None,
            }[target]
            if move is None:
                assert not allowed
                continue
            if allowed:
                if target is ProductStatus.ON_SHELF:
                    with pytest.raises(Exception, match="image"):
                        move(product)
                    continue
                move(product)
                assert product.status is target
            else:
                with pytest.raises(InvalidTransition):
                    move(product)
                assert product.status is start


def test_too_many_combinations_are_refused() -> None:
    many = [SpecAttribute(f"s{i}", tuple(str(v) for v in range(11))) for i in range(3)]
    with pytest.raises(InputError) as err:
        _product(many)
    assert err.value.field == "specs"


def test_a_new_spec_value_takes_the_codes_given_for_its_combinations() -> None:
    product = _product([SpecAttribute("颜色", ("红",)), SpecAttribute("尺码", ("S", "M"))])
    before = product.skus
    added = product.add_spec_value(
        "颜色", "蓝", new_id=lambda: "new", at=T0, codes={("蓝", "M"): "P-BM", ("红", "S"): "X"}
    )
    # A code for an existing combination is ignored; a combination without one is numbered.
    assert [(s.code, s.options) for s in added] == [("P-3", ("蓝", "S")), ("P-BM", ("蓝", "M"))]
    assert product.skus[:2] == before


def test_numbered_codes_skip_the_codes_given_for_other_new_combinations() -> None:
    product = _product([SpecAttribute("颜色", ("红",)), SpecAttribute("尺码", ("S", "M"))])
    added = product.add_spec_value(
        "颜色", "蓝", new_id=lambda: "new", at=T0, codes={("蓝", "M"): "P-3"}
    )
    assert [(s.code, s.options) for s in added] == [("P-4", ("蓝", "S")), ("P-3", ("蓝", "M"))]


def test_a_new_spec_value_refuses_a_code_the_product_holds_and_changes_nothing() -> None:
    product = _product([SpecAttribute("颜色", ("红",))])
    specs, skus = product.specs, product.skus
    with pytest.raises(DuplicateSkuCode):
        product.add_spec_value("颜色", "蓝", new_id=lambda: "new", at=T0, codes={("蓝",): "P-1"})
    with pytest.raises(InputError) as err:
        product.add_spec_value("颜色", "蓝", new_id=lambda: "new", at=T0, codes={("蓝",): ""})
    assert err.value.errors[0].path.startswith("codes[")
    assert (product.specs, product.skus, product.events[1:]) == (specs, skus, [])
