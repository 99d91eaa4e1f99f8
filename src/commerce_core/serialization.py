"""The edge: a strict cattrs converter for JSON in and out.

Strict on purpose. Money is never read from a float; datetimes must carry a time zone; an
int is never read from a bool, float or string, nor a bool from a string; unknown keys are
refused. Commands and events travel as a tagged union ``{"type": "<type_name>", ...}`` so
the outbox and the timer store can read them back. Every structuring failure becomes one
:class:`InputError` listing each field at fault by path.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
    StructureHandlerNotFoundError,
)

from commerce_core.kernel.clock import ensure_utc
from commerce_core.kernel.errors import ConfigurationError, FieldError, InputError
from commerce_core.kernel.messages import Command, DomainEvent, Message, message_class
from commerce_core.kernel.money import Money

__all__ = [
    "converter",
    "make_converter",
    "structure",
    "structure_command",
    "structure_event",
    "structure_message",
    "unstructure",
    "unstructure_message",
]

T = TypeVar("T")


def _structure_int(value: object, _: type) -> int:
    if type(value) is not int:
        raise TypeError(f"expected an integer, got {type(value).__name__}")
    if not INT_MIN <= value <= INT_MAX:
        raise ValueError("out of range: integers here fit in 64 bits")
    return value


def _structure_str(value: object, _: type) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _structure_bool(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {type(value).__name__}")
    return value


def _structure_none(value: object, _: type) -> None:
    if value is not None:
        raise TypeError(f"expected null, got {type(value).__name__}")


def _refuse_float(value: object, _: type) -> float:
    raise TypeError("floats are not accepted here; send an exact decimal string")


#: The only decimal text the edge reads: ASCII digits, an optional sign and fraction. No
#: exponents, spaces, underscores or other scripts' digits, which Python's own parsers accept.
DECIMAL_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?", re.ASCII)
DECIMAL_TEXT_MAX = 40
#: Integers at the edge fit a signed 64-bit column.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1


def _shorten(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _check_decimal_text(value: str) -> str:
    if len(value) > DECIMAL_TEXT_MAX or not DECIMAL_TEXT.fullmatch(value):
        raise ValueError(
            f"{_shorten(value)} is not a plain decimal number; write digits with an "
            f"optional '-' and '.', e.g. \"12.34\" (at most {DECIMAL_TEXT_MAX} characters)"
        )
    return value


def _structure_decimal(value: object, _: type) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise TypeError(f"expected a decimal string, got {type(value).__name__}")
    if isinstance(value, int) and not INT_MIN <= value <= INT_MAX:
        raise ValueError("out of range")
    if isinstance(value, str):
        _check_decimal_text(value)
    try:
        result = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a decimal number") from None
    if not result.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return result


def _unstructure_decimal(value: Decimal) -> str:
    # Plain digits, never exponent notation: what the edge writes, it must read back.
    text = format(value, "f")
    return "0" if text == "-0" else text


def _structure_date(value: object, _: type) -> date:
    if isinstance(value, datetime) or not isinstance(value, str | date):
        raise TypeError("expected an ISO-8601 date string such as '2026-01-31'")
    if isinstance(value, date):
        return value
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value, re.ASCII):
        raise ValueError(f"{_shorten(value)} is not an ISO-8601 date such as '2026-01-31'")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{_shorten(value)} is not a valid date") from None


def _structure_datetime(value: object, _: type) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO-8601 datetime") from None
    if not isinstance(value, datetime):
        raise TypeError(f"expected an ISO-8601 datetime string, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("datetime must carry a time zone, e.g. '2026-01-01T08:00:00+08:00'")
    return ensure_utc(value)


def _structure_money(value: object, _: type) -> Money:
    if isinstance(value, Money):
        return value
    if not isinstance(value, Mapping):
        raise TypeError('expected {"amount": "12.34", "currency": "CNY"}')
    extra = set(value) - {"amount", "currency"}
    if extra:
        raise ForbiddenExtraKeysError("", Money, extra)
    if "amount" not in value:
        raise InputError.for_field("amount", 'required: a decimal string such as "12.34"')
    amount = value["amount"]
    code = value.get("currency", "CNY")
    if isinstance(amount, bool) or not isinstance(amount, str | int):
        raise InputError.for_field(
            "amount", 'must be a decimal string such as "12.34" (never a float)'
        )
    if isinstance(amount, str):
        try:
            _check_decimal_text(amount)
        except ValueError as exc:
            raise InputError.for_field("amount", str(exc)) from None
    if not isinstance(code, str):
        raise InputError.for_field("currency", "must be an ISO-4217 code string such as 'CNY'")
    return Money.of(amount, code)


def _unstructure_money(value: Money) -> dict[str, str]:
    return {"amount": str(value.to_decimal()), "currency": value.currency}


def _is_union(t: Any) -> bool:
    return typing.get_origin(t) in (typing.Union, types.UnionType)


def _is_homogeneous_tuple(t: Any) -> bool:
    args = typing.get_args(t)
    return typing.get_origin(t) is tuple and len(args) == 2 and args[1] is Ellipsis


def _kind_tag(member: Any) -> str | None:
    """The ``kind`` tag of an attrs class whose ``kind`` field defaults to a string."""
    if not attrs.has(member):
        return None
    kind = getattr(attrs.fields(member), "kind", None)
    return kind.default if kind is not None and isinstance(kind.default, str) else None


def _union_hook(conv: cattrs.Converter) -> Callable[[Any], Callable[[object, Any], Any]]:
    """Unions (``int | str``, ``X | None``): the first member that reads the value wins; a
    value of a member's own type that member refuses keeps that member's error. A union of
    attrs classes tagged by a ``kind`` field (pricing rules) is read by its tag."""

    def union_hook(t: Any) -> Callable[[object, Any], Any]:
        members = typing.get_args(t)
        names = " or ".join(
            "null" if m is type(None) else getattr(m, "__name__", str(m)) for m in members
        )
        tags = {tag: m for m in members if (tag := _kind_tag(m)) is not None}

        def structure_union(value: object, _: Any) -> Any:
            if value is None:
                if type(None) in members:
                    return None
                raise TypeError(f"expected {names}, got null")
            if tags and isinstance(value, Mapping):
                tag = value.get("kind")
                if tag in tags:
                    return conv.structure(value, tags[tag])
                raise InputError.for_field("kind", f"expected one of {sorted(tags)}")
            failures: list[Exception] = []
            for member in members:
                if member is type(None):
                    continue
                try:
                    return conv.structure(value, member)
                except (ClassValidationError, IterableValidationError, TypeError, ValueError) as e:
                    if type(value) is member:  # the right kind of value, but a bad one
                        raise
                    failures.append(e)
            if len(failures) == 1:
                raise failures[0]
            raise TypeError(f"expected {names}, got {type(value).__name__}")

        return structure_union

    return union_hook


def make_converter() -> cattrs.Converter:
    """Build a new strict converter (the module-level :data:`converter` is one of these)."""
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook(float, _refuse_float)
    conv.register_structure_hook(type(None), _structure_none)
    conv.register_structure_hook(Decimal, _structure_decimal)
    conv.register_unstructure_hook(Decimal, _unstructure_decimal)
    conv.register_structure_hook(datetime, _structure_datetime)
    conv.register_unstructure_hook(datetime, lambda d: ensure_utc(d).isoformat())
    conv.register_structure_hook(date, _structure_date)
    conv.register_unstructure_hook(date, date.isoformat)
    conv.register_structure_hook(Money, _structure_money)
    conv.register_unstructure_hook(Money, _unstructure_money)

    conv.register_structure_hook_factory(_is_union, _union_hook(conv))

    def tuple_hook(t: Any) -> Callable[[object, Any], tuple[Any, ...]]:
        item = typing.get_args(t)[0]

        def structure_tuple(value: object, _: Any) -> tuple[Any, ...]:
            if not isinstance(value, list | tuple):
                raise TypeError(f"expected a list, got {type(value).__name__}")
            out: list[Any] = []
            errors: list[Exception] = []
            for i, element in enumerate(value):
                try:
                    out.append(conv.structure(element, item))
                except Exception as exc:
                    exc.__notes__ = [
                        *getattr(exc, "__notes__", []),
                        IterableValidationNote(f"Structuring {t} @ index {i}", i, item),
                    ]
                    errors.append(exc)
            if errors:
                raise IterableValidationError(f"While structuring {t!r}", errors, t)
            return tuple(out)

        return structure_tuple

    conv.register_structure_hook_factory(_is_homogeneous_tuple, tuple_hook)

    def enum_hook(t: type[Enum]) -> Callable[[object, Any], Enum]:
        def structure_enum(value: object, _: Any) -> Enum:
            if not isinstance(value, str | int) or isinstance(value, bool):
                raise TypeError(f"expected one of {[m.value for m in t]}")
            try:
                return t(value)
            except ValueError:
                raise ValueError(f"expected one of {[m.value for m in t]}") from None

        return structure_enum

    conv.register_structure_hook_factory(
        lambda t: isinstance(t, type) and issubclass(t, Enum), enum_hook
    )
    return conv


converter: cattrs.Converter = make_converter()


def _message_of(exc: BaseException) -> str:
    if isinstance(exc, InputError):
        return "; ".join(e.message for e in exc.errors)
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, ForbiddenExtraKeysError):
        return "unknown field"
    text = str(exc)
    return text or type(exc).__name__


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _field_errors(exc: BaseException, path: str = "") -> list[FieldError]:
    out: list[FieldError] = []
    if isinstance(exc, IterableValidationError):
        items, rest = exc.group_exceptions()
        for sub, item in items:
            out.extend(_field_errors(sub, f"{path}[{item.index!r}]"))
        out.extend(e for sub in rest for e in _field_errors(sub, path))
    elif isinstance(exc, ClassValidationError):
        fields, others = exc.group_exceptions()
        for sub, attribute in fields:
            out.extend(_field_errors(sub, _join(path, attribute.name)))
        out.extend(e for sub in others for e in _field_errors(sub, path))
    elif isinstance(exc, ForbiddenExtraKeysError):
        out.extend(FieldError(_join(path, k), "unknown field") for k in sorted(exc.extra_fields))
    elif isinstance(exc, InputError):
        # Raised by a validator while building a class: its path is relative to that class.
        out.extend(FieldError(_join(path, e.path), e.message) for e in exc.errors)
    else:
        out.append(FieldError(path, _message_of(exc)))
    return out


def structure(data: object, cls: type[T]) -> T:
    """Read ``data`` (parsed JSON) as ``cls``; any problem is one :class:`InputError`."""
    try:
        return converter.structure(data, cls)
    except InputError:
        raise
    except StructureHandlerNotFoundError as exc:
        raise ConfigurationError(
            f"the JSON edge cannot read {exc.type_!r}; use JSON-friendly field types "
            "(str, int, bool, Decimal, Money, date, datetime, enums, tuples, attrs classes) "
            "or register a hook on commerce_core.serialization.converter"
        ) from None
    except (ClassValidationError, IterableValidationError, TypeError, ValueError, KeyError) as exc:
        if _handler_missing(exc) is not None:
            raise ConfigurationError(
                f"the JSON edge cannot read {_handler_missing(exc)!r}; use JSON-friendly "
                "field types or register a hook on commerce_core.serialization.converter"
            ) from None
        raise InputError(_field_errors(exc)) from None


def _handler_missing(exc: BaseException) -> object | None:
    """The type no hook could read, if that is what is underneath a validation error."""
    if isinstance(exc, StructureHandlerNotFoundError):
        found: object = exc.type_
        return found
    for sub in getattr(exc, "exceptions", ()):
        found = _handler_missing(sub)
        if found is not None:
            return found
    return None


def unstructure(value: object) -> Any:
    """Turn a value into plain JSON-ready data."""
    return converter.unstructure(value)


def unstructure_message(message: Message) -> dict[str, Any]:
    """A command or event as ``{"type": ..., **fields}``."""
    if not message.type_name:
        raise TypeError(f"{type(message).__qualname__} has no type_name")
    body = converter.unstructure(message)
    return {"type": message.type_name, **body}


def structure_message(data: object, kind: type[Message] = Message) -> Message:
    """Read a tagged command or event back; unknown or missing ``type`` is an InputError."""
    if not isinstance(data, Mapping):
        raise InputError.for_field("", "expected a JSON object")
    name = data.get("type")
    if not isinstance(name, str):
        raise InputError.for_field(
            "type", "required: the message type, e.g. 'catalog.create_category'"
        )
    cls = message_class(name)
    if cls is None:
        raise InputError.for_field("type", f"unknown message type {_shorten(name, 80)}")
    if not issubclass(cls, kind):
        what = (
            "a command" if kind is Command else "an event" if kind is DomainEvent else "a message"
        )
        raise InputError.for_field("type", f"{name!r} is not {what}")
    body = {k: v for k, v in data.items() if k != "type"}
    return structure(body, cls)


def structure_command(data: object) -> Command[Any]:
    """Like :func:`structure_message`, but the message must be a command."""
    message = structure_message(data, Command)
    assert isinstance(message, Command)
    return message


def structure_event(data: object) -> DomainEvent:
    """Like :func:`structure_message`, but the message must be an event."""
    message = structure_message(data, DomainEvent)
    assert isinstance(message, DomainEvent)
    return message
