"""commerce_core: the engine of a shop's back office (购物网站后台管理系统).

The public API: :class:`Commerce` (build it with ``Commerce.from_url(...)``), the kernel
types, and each context's package (``commerce_core.catalog``).
"""

from commerce_core.app import Commerce, RunReport
from commerce_core.kernel import (
    Actor,
    ActorKind,
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
    Money,
    MoneyOverflow,
    NoHandler,
    NotFound,
    Page,
    PageRequest,
    Rounding,
    SchemaOutdated,
    StorageError,
    StorageUnavailable,
    allocate,
)

__version__ = "0.1.0.dev0"

__all__ = [
    "Actor",
    "ActorKind",
    "Commerce",
    "CommerceError",
    "ConcurrencyConflict",
    "ConfigurationError",
    "CurrencyMismatch",
    "DomainError",
    "FieldError",
    "Forbidden",
    "IdempotencyConflict",
    "InputError",
    "InvalidTransition",
    "Money",
    "MoneyOverflow",
    "NoHandler",
    "NotFound",
    "Page",
    "PageRequest",
    "Rounding",
    "RunReport",
    "SchemaOutdated",
    "StorageError",
    "StorageUnavailable",
    "__version__",
    "allocate",
]
