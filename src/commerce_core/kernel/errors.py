"""The error hierarchy: every refusal has a stable ``code`` and its context as attributes.

Codes are API: frontends map them to messages. Classes subclass builtins where natural, so
``except LookupError`` still catches a :class:`NotFound`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

from attrs import frozen

__all__ = [
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
    "MoneyOverflow",
    "NoHandler",
    "NotFound",
    "SchemaOutdated",
    "StorageError",
    "StorageUnavailable",
]


class CommerceError(Exception):
    """Base of every error the library raises on purpose."""

    code: ClassVar[str] = "commerce_error"

    def __init__(self, message: str, **context: object) -> None:
        super().__init__(message)
        self.message = message
        self.context: Mapping[str, object] = dict(context)

    def to_dict(self) -> dict[str, object]:
        """A JSON-friendly view: ``code``, ``message`` and the context attributes."""
        out: dict[str, object] = {"code": self.code, "message": self.message}
        for key, value in self.context.items():
            out[key] = value if isinstance(value, str | int | bool | None) else str(value)
        return out


@frozen
class FieldError:
    """One problem with one field of some input; ``path`` is dotted (``lines[0].qty``)."""

    path: str
    message: str


class InputError(CommerceError, ValueError):
    """Input from outside was malformed; ``errors`` names every field at fault."""

    code = "invalid_input"

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors: tuple[FieldError, ...] = tuple(errors)
        if not self.errors:
            raise ValueError("InputError needs at least one FieldError")
        text = "; ".join(f"{e.path or '<input>'}: {e.message}" for e in self.errors)
        super().__init__(f"invalid input: {text}")
        self.context = {"field": self.field}

    @classmethod
    def for_field(cls, path: str, message: str) -> InputError:
        """The common case: one field, one message."""
        return cls([FieldError(path, message)])

    @property
    def field(self) -> str:
        """The path of the first field at fault."""
        return self.errors[0].path

    def to_dict(self) -> dict[str, object]:
        out = super().to_dict()
        out["errors"] = [{"path": e.path, "message": e.message} for e in self.errors]
        return out


class MoneyOverflow(InputError):
    """An amount outside the range money can hold: signed 64-bit minor units.

    Raised when parsing and in arithmetic alike, so no amount that a ``BIGINT`` column
    cannot store ever exists.
    """

    code = "money_overflow"

    def __init__(self, path: str, value: object) -> None:
        shown = str(value)
        if len(shown) > 40:
            shown = shown[:20] + "…" + shown[-10:]
        super().__init__(
            [
                FieldError(
                    path,
                    f"{shown} is out of range: amounts are limited to ±(2**63 - 1) minor "
                    "units (about ±92 quadrillion yuan)",
                )
            ]
        )
        self.context = {"field": path}


class NotFound(CommerceError, LookupError):
    """Something named by id does not exist."""

    code = "not_found"

    def __init__(self, kind: str, id: str) -> None:
        super().__init__(f"{kind} {id!r} does not exist", kind=kind, id=id)
        self.kind = kind
        self.id = id


class DomainError(CommerceError):
    """A rule of the business refuses the request; the store is unchanged."""

    code = "domain_error"


class InvalidTransition(DomainError):
    """A lifecycle was asked to move along an edge its transition table does not have."""

    code = "invalid_transition"

    def __init__(self, current: str, requested: str, *, kind: str = "") -> None:
        what = f"{kind} " if kind else ""
        super().__init__(
            f"cannot move {what}from {current!r} to {requested!r}",
            current=current,
            requested=requested,
            kind=kind,
        )
        self.current = current
        self.requested = requested


class CurrencyMismatch(DomainError, ValueError):
    """Arithmetic or comparison between two currencies."""

    code = "currency_mismatch"

    def __init__(self, left: str, right: str) -> None:
        super().__init__(
            f"cannot combine {left} with {right}; convert explicitly first",
            left=left,
            right=right,
        )
        self.left = left
        self.right = right


class ConcurrencyConflict(CommerceError):
    """Someone else changed the same thing first; retrying the command is safe."""

    code = "concurrency_conflict"

    def __init__(self, what: str, detail: str = "") -> None:
        msg = f"concurrent change to {what}"
        super().__init__(f"{msg}: {detail}" if detail else msg, what=what)
        self.what = what


class IdempotencyConflict(CommerceError):
    """An idempotency key was reused for a different command or actor."""

    code = "idempotency_conflict"

    def __init__(self, key: str) -> None:
        super().__init__(
            f"idempotency key {key!r} was already used for a different command; "
            "use a new key for a new request",
            key=key,
        )
        self.key = key


class Forbidden(CommerceError, PermissionError):
    """The actor may not run this command."""

    code = "forbidden"

    def __init__(self, actor: str, action: str, reason: str = "") -> None:
        msg = f"{actor} may not {action}"
        super().__init__(f"{msg}: {reason}" if reason else msg, actor=actor, action=action)
        self.actor = actor
        self.action = action


class NoHandler(CommerceError, LookupError):
    """A command type has no registered handler."""

    code = "no_handler"

    def __init__(self, command: str) -> None:
        super().__init__(f"no handler is registered for command {command!r}", command=command)
        self.command = command


class ConfigurationError(CommerceError, ValueError):
    """The library was wired wrongly (unknown URL scheme, missing extra, bad option)."""

    code = "configuration_error"


class StorageError(CommerceError):
    """The storage failed in a way the library does not classify further."""

    code = "storage_error"


class StorageUnavailable(StorageError, ConnectionError):
    """The storage cannot be reached; the command did not run."""

    code = "storage_unavailable"


class SchemaOutdated(StorageError):
    """The database schema is behind this version of the library."""

    code = "schema_outdated"
