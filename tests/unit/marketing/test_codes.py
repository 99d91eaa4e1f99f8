"""Code keys: what a customer may type differently and still match, and generated codes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commerce_core import InputError
from commerce_core.marketing import ALPHABET, code_key
from commerce_core.marketing.codes import CouponCode, check_code, generate_code

codes = st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=4, max_size=20)


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("SUMMER-2026", "summer2026"),
        ("summer 2026", "summer2026"),
        ("ＳＵＭＭＥＲ－２０２６", "summer2026"),  # fullwidth, as a Chinese IME types
        ("ЅUММЕR—2026", "summer2026"),  # Cyrillic S, M, E and an em dash
        ("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "abezh1kmn0ptyx"),  # Greek capitals
        ("GOLD-IO", "g01d10"),
        ("g0ld_1o", "g01d10"),
        ("Straße", "strasse"),
        ("A\u00a0B\u3000C\tD", "abcd"),
    ],
)
def test_code_key_folds_what_customers_type_differently(typed: str, key: str) -> None:
    assert code_key(typed) == key


@given(codes, st.data())
def test_case_separators_and_look_alikes_never_change_the_key(
    code: str, data: st.DataObject
) -> None:
    key = code_key(code)
    variant = "".join(
        data.draw(st.sampled_from([ch, ch.lower(), ch.upper(), ch + "-", ch + " "])) for ch in code
    )
    swaps = {"0": "O", "1": "I", "O": "0", "I": "l"}
    variant = "".join(swaps.get(ch, ch) if data.draw(st.booleans()) else ch for ch in variant)
    assert code_key(variant) == key
    assert code_key(key) == key  # a key is its own key


def test_generated_codes_use_the_alphabet_in_groups_after_the_prefix() -> None:
    code = generate_code("VIP")
    prefix, *groups = code.split("-")
    assert prefix == "VIP"
    assert [len(g) for g in groups] == [4, 4, 4]
    assert set("".join(groups)) <= set(ALPHABET)
    assert [len(g) for g in generate_code(None).split("-")] == [4, 4, 4]


def test_every_alphabet_character_is_its_own_key() -> None:
    assert code_key(ALPHABET) == ALPHABET.lower()
    assert not set(ALPHABET) & set("01OIL")


def test_generated_codes_differ() -> None:
    assert len({generate_code() for _ in range(1000)}) == 1000


@pytest.mark.parametrize("bad", ["abc", "a-b-c", "SALE!", "折扣2026", " X1234", "x" * 65, 12345])
def test_check_code_refuses_what_cannot_be_a_code(bad: object) -> None:
    with pytest.raises(InputError) as err:
        check_code(bad)
    assert err.value.errors[0].path == "code"


def test_check_code_returns_the_key() -> None:
    assert check_code("Gold-10") == "g01d10"


def test_check_code_says_what_a_code_is_made_of() -> None:
    with pytest.raises(InputError) as err:
        check_code("SALE!2026")
    assert "letters and digits" in err.value.errors[0].message
    with pytest.raises(InputError) as err:
        check_code("ab-c")
    assert err.value.errors[0].message == "a code has at least 4 letters or digits"
    assert check_code("ab-c4") == "abc4"  # four letters or digits are enough
    assert check_code("ab12") == "ab12"


@pytest.mark.parametrize("bad", [None, "", " VIP1", "x" * 65])
def test_a_stored_code_refuses_text_that_cannot_be_shown(bad: object) -> None:
    with pytest.raises(InputError) as err:
        CouponCode(bad, "k", "t", True, datetime(2026, 6, 18, tzinfo=UTC))  # type: ignore[arg-type]
    assert err.value.errors[0].path == "code"
