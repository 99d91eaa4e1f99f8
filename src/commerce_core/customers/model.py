"""The customer aggregate: profile, status, tags, addresses and sign-in streak.

Personal data (name, phone, email, birthday, addresses) is kept out of ``repr`` so it does not
reach logs by accident, and events name customers by id only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Final

from attrs import define, evolve, field, frozen

from commerce_core.customers.contact import normalize_email, normalize_phone
from commerce_core.customers.errors import AddressLimitReached, AddressNotFound, CustomerFrozen
from commerce_core.customers.events import (
    AddressAdded,
    AddressRemoved,
    CustomerAccountFrozen,
    CustomerAccountUnfrozen,
    CustomerProfileChanged,
    CustomerRegistered,
    CustomerTagged,
    CustomerUntagged,
    DefaultAddressChanged,
)
from commerce_core.customers.ids import AddressId, CustomerId
from commerce_core.kernel.errors import InputError, InvalidTransition
from commerce_core.kernel.messages import DomainEvent
from commerce_core.kernel.validation import check_text

__all__ = [
    "STATUS_TRANSITIONS",
    "Address",
    "Customer",
    "CustomerStatus",
    "Gender",
    "Profile",
    "check_birthday",
    "check_tag",
]

NAME_MAX = 64
TAG_MAX = 32
_REGION = re.compile(r"[0-9A-Za-z_-]{1,16}")


class CustomerStatus(StrEnum):
    """Whether the account may be used (冻结: frozen accounts cannot pay, redeem or withdraw)."""

    ACTIVE = "active"
    FROZEN = "frozen"


STATUS_TRANSITIONS: Final[Mapping[CustomerStatus, frozenset[CustomerStatus]]] = MappingProxyType(
    {
        CustomerStatus.ACTIVE: frozenset({CustomerStatus.FROZEN}),
        CustomerStatus.FROZEN: frozenset({CustomerStatus.ACTIVE}),
    }
)


class Gender(StrEnum):
    """As the customer chose to state it."""

    UNSTATED = "unstated"
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


def _name(_: object, __: object, value: Any) -> None:
    check_text(value, "name", max_length=NAME_MAX)


def _phone(value: object) -> object:
    return None if value is None else normalize_phone(value)


def _email(value: object) -> object:
    return None if value is None else normalize_email(value)


def _birthday_type(_: object, __: object, value: Any) -> None:
    if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
        raise InputError.for_field("birthday", "expected a date such as 1990-05-17")


def _channel(_: object, __: object, value: Any) -> None:
    check_text(value, "channel", max_length=32)


def check_birthday(birthday: date | None, *, at: datetime) -> None:
    """A birthday may not lie in the future (nor more than 150 years back)."""
    if birthday is None:
        return
    today = at.date()
    if birthday > today:
        raise InputError.for_field("birthday", "must not be in the future")
    if birthday < today - timedelta(days=150 * 366):
        raise InputError.for_field("birthday", "must be within the last 150 years")


def check_tag(value: object, path: str = "tag") -> str:
    """A tag: short single-line text (``vip``, ``高价值``)."""
    return check_text(value, path, max_length=TAG_MAX)


@frozen(kw_only=True)
class Profile:
    """Who the customer is; every field but ``name`` may be unknown (None)."""

    name: str = field(validator=_name, repr=False)
    phone: str | None = field(default=None, converter=_phone, repr=False)
    email: str | None = field(default=None, converter=_email, repr=False)
    birthday: date | None = field(default=None, validator=_birthday_type, repr=False)
    gender: Gender = field(default=Gender.UNSTATED, converter=Gender)
    #: Where the customer registered: ``web``, ``mini_program``, ``app``, ``store`` ...
    channel: str = field(default="web", validator=_channel)


def _regions(value: object) -> object:
    value = tuple(value) if isinstance(value, list) else value
    if not isinstance(value, tuple) or not 1 <= len(value) <= 4:
        raise InputError.for_field("regions", "give 1 to 4 region codes, broadest first")
    for i, code in enumerate(value):
        if not isinstance(code, str) or not _REGION.fullmatch(code):
            raise InputError.for_field(f"regions[{i}]", "a region code such as '310104'")
    return value


@frozen(kw_only=True)
class Address:
    """A delivery address (收货地址). ``regions`` are codes, broadest first
    (province, city, district, street: ``("310000", "310100", "310104")``); the shop's
    region table gives their names."""

    id: AddressId
    recipient: str = field(
        validator=lambda _, __, v: check_text(v, "recipient", max_length=NAME_MAX), repr=False
    )
    phone: str = field(converter=normalize_phone, repr=False)
    regions: tuple[str, ...] = field(converter=_regions)
    line: str = field(validator=lambda _, __, v: check_text(v, "line", max_length=200), repr=False)
    postal_code: str | None = field(default=None, repr=False)


@define(eq=False)
class Customer:
    """A customer: profile, status, tags, addresses (one default) and sign-in streak."""

    id: CustomerId
    profile: Profile
    registered_at: datetime
    status: CustomerStatus = CustomerStatus.ACTIVE
    tags: frozenset[str] = frozenset()
    addresses: tuple[Address, ...] = ()
    default_address: AddressId | None = None
    last_sign_in: date | None = None
    sign_in_streak: int = 0
    version: int = 0
    events: list[DomainEvent] = field(factory=list, repr=False)

    @classmethod
    def register(cls, id: CustomerId, profile: Profile, *, at: datetime) -> Customer:
        """A new, active customer."""
        check_birthday(profile.birthday, at=at)
        customer = cls(id=id, profile=profile, registered_at=at)
        customer.events.append(CustomerRegistered(customer=id, channel=profile.channel, at=at))
        return customer

    def ensure_active(self) -> None:
        """Refuse with :class:`CustomerFrozen` unless the account is active."""
        if self.status is not CustomerStatus.ACTIVE:
            raise CustomerFrozen(self.id)

    def change_profile(self, profile: Profile, *, at: datetime) -> None:
        """Replace the profile; the event says only that it changed, not what it holds."""
        check_birthday(profile.birthday, at=at)
        if profile != self.profile:
            self.profile = profile
            self.events.append(CustomerProfileChanged(customer=self.id, at=at))

    def _move_to(self, new: CustomerStatus) -> None:
        if new not in STATUS_TRANSITIONS[self.status]:
            raise InvalidTransition(self.status.value, new.value, kind="customer")
        self.status = new

    def freeze(self, reason: str, *, actor: str, at: datetime) -> None:
        """Freeze the account (no wallet payments, redemptions or withdrawals)."""
        check_text(reason, "reason", max_length=200)
        self._move_to(CustomerStatus.FROZEN)
        self.events.append(CustomerAccountFrozen(customer=self.id, actor=actor, at=at))

    def unfreeze(self, *, actor: str, at: datetime) -> None:
        """Make a frozen account usable again."""
        self._move_to(CustomerStatus.ACTIVE)
        self.events.append(CustomerAccountUnfrozen(customer=self.id, actor=actor, at=at))

    def tag(self, tag: str, *, at: datetime) -> None:
        """Add a tag (adding one it has records nothing)."""
        check_tag(tag)
        if tag not in self.tags:
            self.tags = self.tags | {tag}
            self.events.append(CustomerTagged(customer=self.id, tag=tag, at=at))

    def untag(self, tag: str, *, at: datetime) -> None:
        """Remove a tag (removing one it lacks records nothing)."""
        if tag in self.tags:
            self.tags = self.tags - {tag}
            self.events.append(CustomerUntagged(customer=self.id, tag=tag, at=at))

    def address(self, id: AddressId) -> Address:
        """The address with this id, or :class:`AddressNotFound`."""
        for a in self.addresses:
            if a.id == id:
                return a
        raise AddressNotFound(id)

    def add_address(
        self, address: Address, *, limit: int, make_default: bool, at: datetime
    ) -> None:
        """Add an address; the first one, or one marked so, becomes the default."""
        if len(self.addresses) >= limit:
            raise AddressLimitReached(self.id, limit)
        if any(a.id == address.id for a in self.addresses):
            raise InputError.for_field("address.id", f"address id {address.id!r} is taken")
        self.addresses = (*self.addresses, address)
        self.events.append(AddressAdded(customer=self.id, address=address.id, at=at))
        if make_default or self.default_address is None:
            self.set_default_address(address.id, at=at)

    def replace_address(self, address: Address, *, at: datetime) -> None:
        """Change an address in place (same id)."""
        self.address(address.id)
        self.addresses = tuple(address if a.id == address.id else a for a in self.addresses)

    def remove_address(self, id: AddressId, *, at: datetime) -> None:
        """Remove an address; if it was the default, the oldest remaining one becomes it."""
        self.address(id)
        self.addresses = tuple(a for a in self.addresses if a.id != id)
        self.events.append(AddressRemoved(customer=self.id, address=id, at=at))
        if self.default_address == id:
            self.default_address = None
            if self.addresses:
                self.set_default_address(self.addresses[0].id, at=at)

    def set_default_address(self, id: AddressId, *, at: datetime) -> None:
        """Make one address the default (默认地址); there is always exactly one if any."""
        self.address(id)
        if self.default_address != id:
            self.default_address = id
            self.events.append(DefaultAddressChanged(customer=self.id, address=id, at=at))

    def sign_in(self, day: date) -> int | None:
        """Record a daily sign-in (签到); the new streak length, or None if already signed in
        that day. A missed day starts the streak again."""
        if self.last_sign_in is not None and day <= self.last_sign_in:
            return None
        if self.last_sign_in is not None and day == self.last_sign_in + timedelta(days=1):
            self.sign_in_streak += 1
        else:
            self.sign_in_streak = 1
        self.last_sign_in = day
        return self.sign_in_streak

    def copy(self) -> Customer:
        """An independent copy (adapters hand out copies so aliasing bugs show)."""
        return evolve(self, events=[])
