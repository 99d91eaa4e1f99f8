"""Who a command is run on behalf of."""

from __future__ import annotations

from enum import StrEnum

from attrs import field, frozen

from commerce_core.kernel.validation import bounded_text

__all__ = ["Actor", "ActorKind"]


class ActorKind(StrEnum):
    """The three kinds of actor: back-office staff, shoppers, and the system itself."""

    STAFF = "staff"
    CUSTOMER = "customer"
    SYSTEM = "system"


@frozen
class Actor:
    """An actor: its kind and its id (a staff login, a customer id, a job name)."""

    kind: ActorKind = field(converter=ActorKind)
    id: str = field(validator=bounded_text("actor.id", max_length=128))

    @classmethod
    def staff(cls, id: str) -> Actor:
        return cls(ActorKind.STAFF, id)

    @classmethod
    def customer(cls, id: str) -> Actor:
        return cls(ActorKind.CUSTOMER, id)

    @classmethod
    def system(cls, id: str = "system") -> Actor:
        return cls(ActorKind.SYSTEM, id)

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.id}"
