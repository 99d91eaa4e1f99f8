"""The pure rules of the customers context: contact checks, lots, refund shares, tiers,
program rules, RFM and the customer aggregate."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commerce_core import InputError, InvalidTransition, Money
from commerce_core.customers import (
    Address,
    Customer,
    CustomerProgram,
    Membership,
    PointsLot,
    PointsRedemptionTerms,
    Profile,
    RfmBands,
    Tier,
    TierBenefits,
    TierChanged,
    TopUpBonus,
    normalize_email,
    normalize_phone,
    oldest_first,
    refund_share,
    rfm_score,
    take_oldest_first,
)
from commerce_core.customers.ids import AddressId, CustomerId

T0 = datetime(2026, 5, 1, tzinfo=UTC)
C = CustomerId("c")


# -- contact -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("given_", "stored"),
    [
        ("13800138000", "+8613800138000"),
        ("138 0013 8000", "+8613800138000"),
        ("+86 138-0013-8000", "+8613800138000"),
        ("+1 (415) 555-2671", "+14155552671"),
        ("+852 9123 4567", "+85291234567"),
    ],
)
def test_phones_are_stored_in_e164(given_: str, stored: str) -> None:
    assert normalize_phone(given_) == stored


@pytest.mark.parametrize(
    "bad", ["", "12345", "23800138000", "+0123456789", "+86 138 0013 800O", "+1234567890123456"]
)
def test_bad_phones_are_refused(bad: str) -> None:
    with pytest.raises(InputError) as info:
        normalize_phone(bad, "address.phone")
    assert info.value.field == "address.phone"


@given(st.text(min_size=1, max_size=30).filter(lambda s: any(c.isalpha() for c in s)))
def test_a_phone_with_letters_is_never_accepted(text: str) -> None:
    with pytest.raises(InputError):
        normalize_phone(text)


def test_emails_keep_the_local_part_and_lower_the_domain() -> None:
    assert normalize_email("Li.Lei+shop@Example.COM") == "Li.Lei+shop@example.com"
    assert normalize_email("a@xn--fiqs8s.xn--fiqs8s") == "a@xn--fiqs8s.xn--fiqs8s"
    for bad in ("li.lei", "a@b", "a@@b.com", "a b@c.com", ".a@b.com", "a@-b.com", "a@b.123"):
        with pytest.raises(InputError):
            normalize_email(bad)


# -- lots and shares -----------------------------------------------------------------------
lots_strategy = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(0, 50)), max_size=8
).map(
    lambda rows: [
        PointsLot(
            id=f"l{i}",
            customer=C,
            points=max(r, 1),
            remaining=r,
            reference=f"r{i}",
            earned_at=T0 + timedelta(days=e),
            expires_at=T0 + timedelta(days=100 + x),
        )
        for i, (x, e, r) in enumerate(rows)
    ]
)


@given(lots_strategy, st.data())
def test_spending_takes_exactly_and_oldest_first(
    lots: list[PointsLot], data: st.DataObject
) -> None:
    total = sum(lot.remaining for lot in lots)
    want = data.draw(st.integers(0, total))
    takes = take_oldest_first(lots, want)
    assert sum(n for _, n in takes) == want
    order = [lot.id for lot in oldest_first(lots)]
    taken = {lot.id: n for lot, n in takes}
    # Every lot before the last one touched is emptied; none after it is touched.
    touched = [i for i, lot_id in enumerate(order) if lot_id in taken]
    if touched:
        by_id = {lot.id: lot for lot in lots}
        for lot_id in order[: touched[-1]]:
            assert taken.get(lot_id, 0) == by_id[lot_id].remaining
        assert all(lot_id not in taken for lot_id in order[touched[-1] + 1 :])


def test_spending_more_than_held_is_refused() -> None:
    with pytest.raises(InputError):
        take_oldest_first([], 1)


@given(
    st.integers(0, 10**6),
    st.integers(1, 10**8),
    st.lists(st.integers(1, 100), min_size=1, max_size=6),
)
def test_refund_shares_add_up_and_a_full_refund_gives_everything(
    total: int, paid: int, parts: list[int]
) -> None:
    weights = sum(parts)
    refunded = 0
    given_back = 0
    for i, part in enumerate(parts):
        refunded = paid if i == len(parts) - 1 else refunded + paid * part // weights
        now = refund_share(total, Money.from_minor(refunded), Money.from_minor(paid))
        assert now >= given_back  # cumulative shares never shrink
        given_back = now
    assert given_back == total


def test_a_refund_share_rounds_by_largest_remainder() -> None:
    assert refund_share(99, Money.of("33.33"), Money.of("99.99")) == 33
    assert refund_share(1, Money.of("1"), Money.of("2")) == 1
    assert refund_share(5, Money.zero(), Money.of("10")) == 0


# -- the program ---------------------------------------------------------------------------
def test_the_program_refuses_impossible_tiers() -> None:
    with pytest.raises(InputError):
        CustomerProgram(tiers=(Tier(code="a", name="A", threshold=10),))
    with pytest.raises(InputError):
        CustomerProgram(
            tiers=(Tier(code="a", name="A", threshold=0), Tier(code="b", name="B", threshold=0))
        )
    with pytest.raises(InputError):
        TierBenefits(discount_rate=Decimal("1.2"))
    with pytest.raises(InputError) as info:
        CustomerProgram(max_addresses=0)
    assert info.value.field == "max_addresses"


def test_program_rules() -> None:
    program = CustomerProgram(
        top_up_bonuses=(
            TopUpBonus(threshold=Money.of("500"), bonus=Money.of("50")),
            TopUpBonus(threshold=Money.of("1000"), bonus=Money.of("120")),
        )
    )
    assert program.top_up_bonus(Money.of("499.99")) == Money.zero()
    assert program.top_up_bonus(Money.of("999")) == Money.of("50")
    assert program.top_up_bonus(Money.of("1000")) == Money.of("120")
    assert program.points_for(Money.of("99.99")) == 99
    assert program.points_for(Money.of("100"), 150) == 150
    assert program.points_expiry(T0) == datetime(2028, 1, 1, tzinfo=UTC)
    assert program.tier_for(4999).code == "silver"
    assert program.tier("gone").code == "regular"


def test_redemption_terms_value_points_and_cap_them() -> None:
    terms = PointsRedemptionTerms(per_yuan=100, max_share_percent=50)
    assert terms.value_of(250) == Money.of("2.50")
    assert terms.max_points(Money.of("30.01"), balance=10_000) == 1500
    assert terms.max_points(Money.of("30"), balance=700) == 700


# -- tiers ---------------------------------------------------------------------------------
def test_a_membership_upgrades_at_once_and_downgrades_only_at_review() -> None:
    program = CustomerProgram(tier_review_days=30)
    m = Membership.start(C, program, at=T0)
    assert m.add_growth(6000, program, at=T0) is True
    assert m.tier == "gold"
    assert m.review(program, at=T0 + timedelta(days=29)) is False
    assert m.review(program, at=T0 + timedelta(days=30)) is False  # earned gold this period
    m.add_growth(1500, program, at=T0 + timedelta(days=31))
    assert m.tier == "gold"  # no upgrade to a lower tier
    # Two periods close: 1,500 earned (silver), then nothing (regular).
    assert m.review(program, at=T0 + timedelta(days=95)) is True
    assert m.tier == "regular"
    assert (m.growth, m.period_growth) == (7500, 0)
    changes = [e.new_tier for e in m.events if isinstance(e, TierChanged)]
    assert changes == ["gold", "silver", "regular"]


# -- RFM -----------------------------------------------------------------------------------
def test_rfm_scores_follow_the_bands() -> None:
    bands = RfmBands()
    never = rfm_score(bands, last_paid=None, payments=0, spent=Money.zero(), at=T0)
    assert never.code == "000"
    week = rfm_score(
        bands, last_paid=T0 - timedelta(days=7), payments=16, spent=Money.of("10000"), at=T0
    )
    assert week.code == "555"
    old = rfm_score(
        bands, last_paid=T0 - timedelta(days=181), payments=1, spent=Money.of("99"), at=T0
    )
    assert old.code == "111"


# -- the customer aggregate ----------------------------------------------------------------
def _address(id: str) -> Address:
    return Address(
        id=AddressId(id), recipient="韩梅梅", phone="13900139000", regions=("310000",), line="x"
    )


def test_the_default_address_moves_to_the_oldest_left() -> None:
    c = Customer.register(C, Profile(name="李雷"), at=T0)
    for i in "abc":
        c.add_address(_address(i), limit=3, make_default=i == "b", at=T0)
    assert c.default_address == "b"
    c.remove_address(AddressId("b"), at=T0)
    assert c.default_address == "a"
    c.remove_address(AddressId("a"), at=T0)
    c.remove_address(AddressId("c"), at=T0)
    assert c.default_address is None


def test_sign_in_streaks_restart_after_a_missed_day() -> None:
    c = Customer.register(C, Profile(name="李雷"), at=T0)
    days = [date(2026, 5, 1), date(2026, 5, 2), date(2026, 5, 2), date(2026, 5, 4)]
    assert [c.sign_in(d) for d in days] == [1, 2, None, 1]


def test_status_moves_follow_the_table() -> None:
    c = Customer.register(C, Profile(name="李雷"), at=T0)
    with pytest.raises(InvalidTransition):
        c.unfreeze(actor="staff:a", at=T0)
    c.freeze("risk", actor="staff:a", at=T0)
    with pytest.raises(InvalidTransition):
        c.freeze("again", actor="staff:a", at=T0)


def test_a_birthday_is_refused_in_the_future_and_out_of_repr() -> None:
    with pytest.raises(InputError) as info:
        Customer.register(C, Profile(name="x", birthday=date(2026, 5, 2)), at=T0)
    assert info.value.field == "birthday"
    profile = Profile(name="李雷", phone="13800138000", email="a@b.cn", birthday=date(1990, 1, 1))
    assert "李雷" not in repr(profile)
    assert "13800138000" not in repr(profile)
