"""The shared kernel: money, ids, time, errors, messages, pagination. No I/O here."""

from commerce_core.kernel.actors import Actor, ActorKind
from commerce_core.kernel.clock import Clock, ensure_utc
from commerce_core.kernel.errors import (
    CommerceError,
    ConcurrencyConflict,
    ConfigurationError,
    CurrencyMismatch,
    DomainError,
    FieldError,
    Forbidden,
    IdempotencyConflict,
    InputError,
    InvalidTransition,
    MoneyOverflow,
    NoHandler,
    NotFound,
    SchemaOutdated,
    StorageError,
    StorageUnavailable,
)
from commerce_core.kernel.ids import IdGenerator
from commerce_core.kernel.messages import Command, DomainEvent, Message, result_type
from commerce_core.kernel.money import CURRENCIES, Currency, Money, Rounding, allocate, currency
from commerce_core.kernel.pagination import (
    MAX_PAGE_SIZE,
    Page,
    PageRequest,
    decode_cursor,
    encode_cursor,
)

__all__ = [
    "CURRENCIES",
    "MAX_PAGE_SIZE",
    "Actor",
    "ActorKind",
    "Clock",
    "Command",
    "CommerceError",
    "ConcurrencyConflict",
    "ConfigurationError",
    "Currency",
    "CurrencyMismatch",
    "DomainError",
    "DomainEvent",
    "FieldError",
    "Forbidden",
    "IdGenerator",
    "IdempotencyConflict",
    "InputError",
    "InvalidTransition",
    "Message",
    "Money",
    "MoneyOverflow",
    "NoHandler",
    "NotFound",
    "Page",
    "PageRequest",
    "Rounding",
    "SchemaOutdated",
    "StorageError",
    "StorageUnavailable",
    "allocate",
    "currency",
    "decode_cursor",
    "encode_cursor",
    "ensure_utc",
    "result_type",
]
