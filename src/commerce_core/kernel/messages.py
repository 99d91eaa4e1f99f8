"""Commands and domain events, and the registry that names them for the outbox and timers.

Every concrete message class sets ``type_name`` (``"catalog.create_category"``); the name is
the tag of the tagged union the serialization edge reads and writes, so it is API: never
rename one that has shipped.
"""

from __future__ import annotations

import typing
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeVar

from attrs import frozen

__all__ = [
    "Command",
    "DomainEvent",
    "Message",
    "message_class",
    "result_type",
]

R = TypeVar("R")

_REGISTRY: dict[str, type[Message]] = {}


class Message:
    """Base of commands and events: registers each concrete subclass by ``type_name``."""

    __slots__ = ()
    type_name: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("type_name", "")
        if not name:
            return
        existing = _REGISTRY.get(name)
        if existing is not None and existing.__qualname__ != cls.__qualname__:
            raise TypeError(f"message type {name!r} is taken by {existing.__qualname__}")
        # attrs rebuilds slotted classes; the last (slotted) class is the one that counts.
        _REGISTRY[name] = cls


@frozen(kw_only=True)
class Command(Message, Generic[R]):
    """An instruction to change the store; ``R`` is what its handler returns."""


@frozen(kw_only=True)
class DomainEvent(Message):
    """A fact that happened, at an aware UTC time."""

    at: datetime


def message_class(name: str) -> type[Message] | None:
    """The registered message class for a type name, if any."""
    return _REGISTRY.get(name)


def result_type(command: type[Command[Any]]) -> Any:
    """The ``R`` of ``Command[R]`` a command class declares (``type(None)`` for ``None``)."""
    for klass in command.__mro__:
        for base in getattr(klass, "__orig_bases__", ()):
            if typing.get_origin(base) is Command:
                (arg,) = typing.get_args(base)
                return type(None) if arg is None else arg
    return type(None)
