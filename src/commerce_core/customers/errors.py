"""Refusals of the customers context."""

from __future__ import annotations

from commerce_core.kernel.errors import DomainError, NotFound

__all__ = [
    "AddressLimitReached",
    "AddressNotFound",
    "CustomerEmailTaken",
    "CustomerFrozen",
    "CustomerNotFound",
    "CustomerPhoneTaken",
    "InsufficientPoints",
    "InsufficientWalletBalance",
    "LedgerReferenceConflict",
    "SegmentNotFound",
    "WithdrawalNotFound",
]


class CustomerNotFound(NotFound):
    """No customer has this id."""

    code = "customer_not_found"

    def __init__(self, id: str) -> None:
        super().__init__("customer", id)


class AddressNotFound(NotFound):
    """The customer has no address with this id."""

    code = "address_not_found"

    def __init__(self, id: str) -> None:
        super().__init__("address", id)


class WithdrawalNotFound(NotFound):
    """No withdrawal request has this id."""

    code = "withdrawal_not_found"

    def __init__(self, id: str) -> None:
        super().__init__("withdrawal", id)


class SegmentNotFound(NotFound):
    """No segment has this id."""

    code = "segment_not_found"

    def __init__(self, id: str) -> None:
        super().__init__("segment", id)


class CustomerFrozen(DomainError):
    """A frozen customer may not pay from the wallet, redeem points or withdraw."""

    code = "customer_frozen"

    def __init__(self, customer: str) -> None:
        super().__init__(
            f"customer {customer!r} is frozen; unfreeze the account first", customer=customer
        )
        self.customer = customer


class AddressLimitReached(DomainError):
    """A customer already has the most addresses the program allows."""

    code = "address_limit_reached"

    def __init__(self, customer: str, limit: int) -> None:
        super().__init__(
            f"customer {customer!r} already has {limit} addresses, the most allowed; "
            "remove one first",
            customer=customer,
            limit=limit,
        )
        self.limit = limit


class InsufficientWalletBalance(DomainError):
    """A debit would take the wallet below zero; nothing was taken."""

    code = "insufficient_wallet_balance"

    def __init__(self, customer: str, requested: str, available: str) -> None:
        super().__init__(
            f"the wallet of customer {customer!r} holds {available}, less than {requested}",
            customer=customer,
            requested=requested,
            available=available,
        )
        self.customer = customer


class InsufficientPoints(DomainError):
    """A redemption asks for more points than the customer holds; nothing was taken."""

    code = "insufficient_points"

    def __init__(self, customer: str, requested: int, available: int) -> None:
        super().__init__(
            f"customer {customer!r} holds {available} points, fewer than {requested}",
            customer=customer,
            requested=requested,
            available=available,
        )
        self.customer = customer


class LedgerReferenceConflict(DomainError):
    """A ledger reference was reused for a different entry (kind or amount differ).

    References make ledger commands idempotent: the same reference with the same entry
    returns the first result; with a different one it is refused.
    """

    code = "ledger_reference_conflict"

    def __init__(self, customer: str, reference: str) -> None:
        super().__init__(
            f"reference {reference!r} of customer {customer!r} already names a different "
            "ledger entry; use a new reference for a new entry",
            customer=customer,
            reference=reference,
        )
        self.reference = reference


class CustomerPhoneTaken(DomainError):
    """Another customer of the shop has this phone number (phone numbers are unique)."""

    code = "customer_phone_taken"

    def __init__(self, phone: str = "") -> None:
        # The number itself is personal data: named by the field, not shown.
        super().__init__(
            "another customer already has this phone number; a phone number belongs to one "
            "customer of the shop",
            field="phone",
        )
        self.field = "phone"


class CustomerEmailTaken(DomainError):
    """Another customer of the shop has this email address, in any letter case."""

    code = "customer_email_taken"

    def __init__(self, email: str = "") -> None:
        super().__init__(
            "another customer already has this email address (compared without letter "
            "case); an address belongs to one customer of the shop",
            field="email",
        )
        self.field = "email"
