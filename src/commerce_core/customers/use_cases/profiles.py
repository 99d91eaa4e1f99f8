"""Customer commands: register, profile, status, tags, addresses, and the program itself."""

from __future__ import annotations

from typing import Any

from attrs import field, frozen

from commerce_core.customers.ids import AddressId, CustomerId
from commerce_core.customers.model import Address, Customer, Profile, check_tag
from commerce_core.customers.ports import CustomersContext
from commerce_core.customers.program import CustomerProgram
from commerce_core.customers.tiers import Membership
from commerce_core.customers.use_cases._common import EXPIRY_ACTOR, text
from commerce_core.customers.use_cases.membership import ReviewTier, review_key
from commerce_core.kernel.errors import InputError
from commerce_core.kernel.messages import Command

__all__ = [
    "AddAddress",
    "ChangeProfile",
    "ConfigureCustomerProgram",
    "FreezeCustomer",
    "RegisterCustomer",
    "RemoveAddress",
    "SetDefaultAddress",
    "TagCustomer",
    "UnfreezeCustomer",
    "UntagCustomer",
]


def _profile(_: object, __: object, value: Any) -> None:
    if not isinstance(value, Profile):
        raise InputError.for_field("profile", "expected a Profile")


@frozen(kw_only=True)
class RegisterCustomer(Command[CustomerId]):
    """Register a customer: profile, empty wallet and points, the lowest tier."""

    type_name = "customers.register_customer"
    profile: Profile = field(validator=_profile)


@frozen(kw_only=True)
class ChangeProfile(Command[None]):
    """Replace a customer's profile."""

    type_name = "customers.change_profile"
    customer: CustomerId = field(validator=text("customer"))
    profile: Profile = field(validator=_profile)


@frozen(kw_only=True)
class FreezeCustomer(Command[None]):
    """Freeze an account (冻结), with the reason."""

    type_name = "customers.freeze_customer"
    customer: CustomerId = field(validator=text("customer"))
    reason: str = field(validator=text("reason", 200))


@frozen(kw_only=True)
class UnfreezeCustomer(Command[None]):
    """Make a frozen account usable again."""

    type_name = "customers.unfreeze_customer"
    customer: CustomerId = field(validator=text("customer"))


@frozen(kw_only=True)
class TagCustomer(Command[None]):
    """Add a tag (标签) to a customer."""

    type_name = "customers.tag_customer"
    customer: CustomerId = field(validator=text("customer"))
    tag: str = field(validator=lambda _, __, v: check_tag(v))


@frozen(kw_only=True)
class UntagCustomer(Command[None]):
    """Remove a tag from a customer."""

    type_name = "customers.untag_customer"
    customer: CustomerId = field(validator=text("customer"))
    tag: str = field(validator=lambda _, __, v: check_tag(v))


@frozen(kw_only=True)
class AddAddress(Command[AddressId]):
    """Add a delivery address; the first one (or ``make_default``) becomes the default."""

    type_name = "customers.add_address"
    customer: CustomerId = field(validator=text("customer"))
    recipient: str
    phone: str
    regions: tuple[str, ...]
    line: str
    postal_code: str | None = None
    make_default: bool = False

    def __attrs_post_init__(self) -> None:
        # Validate now, at the edge, so a bad address never reaches a handler.
        self.address(AddressId("new"))

    def address(self, id: AddressId) -> Address:
        """The :class:`Address` this command describes, under ``id``."""
        return Address(
            id=id,
            recipient=self.recipient,
            phone=self.phone,
            regions=self.regions,
            line=self.line,
            postal_code=self.postal_code,
        )


@frozen(kw_only=True)
class RemoveAddress(Command[None]):
    """Remove an address."""

    type_name = "customers.remove_address"
    customer: CustomerId = field(validator=text("customer"))
    address: AddressId = field(validator=text("address"))


@frozen(kw_only=True)
class SetDefaultAddress(Command[None]):
    """Make an address the default one."""

    type_name = "customers.set_default_address"
    customer: CustomerId = field(validator=text("customer"))
    address: AddressId = field(validator=text("address"))


@frozen(kw_only=True)
class ConfigureCustomerProgram(Command[None]):
    """Set the membership program: limits, bonus rules, points, tiers, RFM bands."""

    type_name = "customers.configure_program"
    program: CustomerProgram


def register_customer(cmd: RegisterCustomer, ctx: CustomersContext) -> CustomerId:
    store = ctx.uow.customers
    program = store.program.get()
    at = ctx.now()
    customer = Customer.register(CustomerId(ctx.new_id()), cmd.profile, at=at)
    store.profiles.add(customer)
    store.wallets.open(customer.id, program.currency)
    store.points.open(customer.id)
    membership = Membership.start(customer.id, program, at=at)
    store.memberships.add(membership)
    ctx.schedule(
        ReviewTier(customer=customer.id),
        due_at=membership.next_review_at,
        key=review_key(customer.id),
        actor=EXPIRY_ACTOR,
    )
    return customer.id


def change_profile(cmd: ChangeProfile, ctx: CustomersContext) -> None:
    repo = ctx.uow.customers.profiles
    customer = repo.get(cmd.customer)
    customer.change_profile(cmd.profile, at=ctx.now())
    repo.save(customer)


def freeze_customer(cmd: FreezeCustomer, ctx: CustomersContext) -> None:
    repo = ctx.uow.customers.profiles
    customer = repo.get(cmd.customer)
    customer.freeze(cmd.reason, actor=str(ctx.actor), at=ctx.now())
    repo.save(customer)


def unfreeze_customer(cmd: UnfreezeCustomer, ctx: CustomersContext) -> None:
    repo = ctx.uow.customers.profiles
    customer = repo.get(cmd.customer)
    customer.unfreeze(actor=str(ctx.actor), at=ctx.now())
    repo.save(customer)


def tag_customer(cmd: TagCustomer, ctx: CustomersContext) -> None:
    repo = ctx.uow.customers.profiles
    customer = repo.get(cmd.customer)
    customer.tag(cmd.tag, at=ctx.now())
    repo.save(customer)


def untag_customer(cmd: UntagCustomer, ctx: CustomersContext) -> None:
    repo = ctx.uow.customers.profiles
    customer = repo.get(cmd.customer)
    customer.untag(cmd.tag, at=ctx.now())
    repo.save(customer)


def add_address(cmd: AddAddress, ctx: CustomersContext) -> AddressId:
    store = ctx.uow.customers
    customer = store.profiles.get(cmd.customer)
    address = cmd.address(AddressId(ctx.new_id()))
    limit = store.program.get().max_addresses
    customer.add_address(address, limit=limit, make_default=cmd.make_default, at=ctx.now())
    store.profiles.save(customer)
    return address.id


def remove_address(cmd: RemoveAddress, ctx: CustomersContext) -> None:
    repo = ctx.uow.customers.profiles
    customer = repo.get(cmd.customer)
    customer.remove_address(cmd.address, at=ctx.now())
    repo.save(customer)


def set_default_address(cmd: SetDefaultAddress, ctx: CustomersContext) -> None:
    repo = ctx.uow.customers.profiles
    customer = repo.get(cmd.customer)
    customer.set_default_address(cmd.address, at=ctx.now())
    repo.save(customer)


def configure_program(cmd: ConfigureCustomerProgram, ctx: CustomersContext) -> None:
    ctx.uow.customers.program.save(cmd.program)
