"""Customers through the facade, on every backend: profiles, addresses, status and tags."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from commerce_core import Actor, Commerce, InputError, InvalidTransition, Money, PageRequest
from commerce_core.customers import (
    AddAddress,
    AddressLimitReached,
    ChangeProfile,
    ConfigureCustomerProgram,
    CustomerFrozen,
    CustomerNotFound,
    CustomerProgram,
    FreezeCustomer,
    Gender,
    PayFromWallet,
    Profile,
    RegisterCustomer,
    RemoveAddress,
    SetDefaultAddress,
    TagCustomer,
    TopUpWallet,
    UnfreezeCustomer,
    UntagCustomer,
)
from commerce_core.customers.ids import AddressId, CustomerId
from commerce_core.testing import FrozenClock

LI = Profile(
    name="李雷",
    phone="138 0013 8000",
    email="Li.Lei@Example.COM",
    birthday=date(1990, 5, 17),
    gender=Gender.MALE,
    channel="mini_program",
)


def register(shop: Commerce, staff: Actor, profile: Profile = LI) -> CustomerId:
    return shop.execute(RegisterCustomer(profile=profile), actor=staff)


def address(customer: CustomerId, **changes: object) -> AddAddress:
    fields: dict[str, object] = {
        "customer": customer,
        "recipient": "韩梅梅",
        "phone": "+86 139-0000-0000",
        "regions": ("310000", "310100", "310104"),
        "line": "漕溪北路 88 号 2 楼",
    }
    fields.update(changes)
    return AddAddress(**fields)  # type: ignore[arg-type]


def test_a_registered_customer_reads_back_normalized(shop: Commerce, staff: Actor) -> None:
    cid = register(shop, staff)
    got = shop.customers.get(cid)
    assert got.profile.phone == "+8613800138000"
    assert got.profile.email == "Li.Lei@example.com"
    assert got.profile.birthday == date(1990, 5, 17)
    assert got.profile.channel == "mini_program"
    assert got.status == "active"
    assert got.tier.tier == "regular"
    assert got.wallet == Money.zero()
    assert got.points == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"phone": "12345"}, "phone"),
        ({"phone": "+86 138-0013-800O"}, "phone"),
        ({"email": "li.lei@"}, "email"),
        ({"email": "li lei@example.com"}, "email"),
        ({"email": "a@b"}, "email"),
        ({"name": " "}, "name"),
    ],
)
def test_bad_contact_data_names_the_field(changes: dict[str, object], field: str) -> None:
    data: dict[str, object] = {"name": "李雷", **changes}
    with pytest.raises(InputError) as info:
        Profile(**data)  # type: ignore[arg-type]
    assert info.value.field == field


def test_a_future_birthday_is_refused(shop: Commerce, staff: Actor, clock: FrozenClock) -> None:
    tomorrow = clock.now().date() + timedelta(days=1)
    with pytest.raises(InputError) as info:
        register(shop, staff, Profile(name="未来", birthday=tomorrow))
    assert info.value.field == "birthday"
    assert shop.customers.list(PageRequest()).items == ()


def test_a_negative_amount_is_refused_naming_the_field() -> None:
    with pytest.raises(InputError) as info:
        TopUpWallet(customer=CustomerId("c"), amount=Money.of("-1"), top_up="t")
    assert info.value.field == "amount"


def test_personal_data_stays_out_of_repr_and_events(shop: Commerce, staff: Actor) -> None:
    cid = register(shop, staff)
    shop.execute(ChangeProfile(customer=cid, profile=LI), actor=staff)
    text = repr(shop.customers.get(cid))
    for secret in ("李雷", "13800138000", "example.com", "1990"):
        assert secret not in text
    with shop.storage.unit_of_work() as uow:
        payloads = [str(m.payload) for m in uow.outbox.pending(100)]
    assert payloads
    for secret in ("李雷", "13800138000", "example.com", "1990"):
        assert all(secret not in p for p in payloads)


def test_addresses_keep_exactly_one_default(shop: Commerce, staff: Actor) -> None:
    cid = register(shop, staff)
    first = shop.execute(address(cid), actor=staff)
    second = shop.execute(address(cid, line="南京西路 1 号"), actor=staff)
    assert shop.customers.get(cid).default_address == first
    shop.execute(SetDefaultAddress(customer=cid, address=second), actor=staff)
    assert shop.customers.get(cid).default_address == second
    shop.execute(RemoveAddress(customer=cid, address=second), actor=staff)
    got = shop.customers.get(cid)
    assert [a.id for a in got.addresses] == [first]
    assert got.default_address == first
    assert got.addresses[0].regions == ("310000", "310100", "310104")


def test_the_address_limit_is_configurable(shop: Commerce, staff: Actor) -> None:
    shop.execute(ConfigureCustomerProgram(program=CustomerProgram(max_addresses=2)), actor=staff)
    cid = register(shop, staff)
    shop.execute(address(cid), actor=staff)
    shop.execute(address(cid), actor=staff)
    with pytest.raises(AddressLimitReached):
        shop.execute(address(cid), actor=staff)
    with pytest.raises(InputError) as info:
        address(cid, regions=("31 00",))
    assert info.value.field == "regions[0]"


def test_removing_an_unknown_address_is_not_found(shop: Commerce, staff: Actor) -> None:
    cid = register(shop, staff)
    with pytest.raises(LookupError):
        shop.execute(RemoveAddress(customer=cid, address=AddressId("nope")), actor=staff)


def test_a_frozen_customer_cannot_pay_until_unfrozen(shop: Commerce, staff: Actor) -> None:
    cid = register(shop, staff)
    shop.execute(TopUpWallet(customer=cid, amount=Money.of("100"), top_up="t1"), actor=staff)
    shop.execute(FreezeCustomer(customer=cid, reason="risk review"), actor=staff)
    with pytest.raises(CustomerFrozen):
        shop.execute(PayFromWallet(customer=cid, order="o1", amount=Money.of("1")), actor=staff)
    with pytest.raises(InvalidTransition):
        shop.execute(FreezeCustomer(customer=cid, reason="again"), actor=staff)
    shop.execute(UnfreezeCustomer(customer=cid), actor=staff)
    shop.execute(PayFromWallet(customer=cid, order="o1", amount=Money.of("1")), actor=staff)
    assert shop.customers.wallet(cid).balance == Money.of("99")


def test_tags_filter_the_list_and_pages_follow_ids(shop: Commerce, staff: Actor) -> None:
    ids = [register(shop, staff, Profile(name=f"客户{i}")) for i in range(5)]
    shop.execute(TagCustomer(customer=ids[1], tag="vip"), actor=staff)
    shop.execute(TagCustomer(customer=ids[3], tag="vip"), actor=staff)
    shop.execute(TagCustomer(customer=ids[3], tag="高价值"), actor=staff)
    shop.execute(UntagCustomer(customer=ids[3], tag="高价值"), actor=staff)
    vip = shop.customers.list(PageRequest(), tag="vip")
    assert [c.id for c in vip.items] == [ids[1], ids[3]]
    assert shop.customers.get(ids[3]).tags == ("vip",)
    first = shop.customers.list(PageRequest(limit=2))
    assert first.next_cursor is not None
    rest = shop.customers.list(PageRequest(limit=10, after=first.next_cursor))
    assert [c.id for c in (*first.items, *rest.items)] == sorted(ids)


def test_an_unknown_customer_is_not_found(shop: Commerce, staff: Actor) -> None:
    with pytest.raises(CustomerNotFound):
        shop.customers.get(CustomerId("nobody"))
    with pytest.raises(CustomerNotFound):
        shop.execute(TagCustomer(customer=CustomerId("nobody"), tag="x"), actor=staff)
