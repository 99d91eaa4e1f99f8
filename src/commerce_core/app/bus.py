"""The message bus: runs each command in one unit of work, on behalf of an actor.

Per command: authorize → (idempotency lookup) → handler → events to the outbox → (record
the result under the idempotency key) → commit → dispatch events to subscribers. A
:class:`ConcurrencyConflict` reruns the whole command from a fresh unit of work, a bounded
number of times.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Protocol, TypeVar

from attrs import field, frozen

from commerce_core import serialization
from commerce_core.app.ports import (
    IdempotencyRecord,
    OutboxMessage,
    Storage,
    Timer,
    UnitOfWork,
)
from commerce_core.kernel.actors import Actor
from commerce_core.kernel.clock import Clock, ensure_utc
from commerce_core.kernel.errors import (
    ConcurrencyConflict,
    ConfigurationError,
    IdempotencyConflict,
    InputError,
    NoHandler,
)
from commerce_core.kernel.ids import IdGenerator
from commerce_core.kernel.messages import Command, DomainEvent, result_type
from commerce_core.kernel.validation import check_text

__all__ = [
    "AllowAll",
    "Authorizer",
    "Handler",
    "HandlerContext",
    "MessageBus",
    "Subscriber",
    "make_timer",
    "replayable",
]

log = logging.getLogger("commerce_core.bus")

R = TypeVar("R")
Handler = Callable[[Any, "HandlerContext"], Any]
Subscriber = Callable[[DomainEvent], None]

IDEMPOTENCY_KEY_MAX = 200
TIMER_KEY_MAX = 200


class Authorizer(Protocol):
    """Decides whether an actor may run a command; raises :class:`Forbidden` if not."""

    def authorize(self, actor: Actor, command: Command[Any]) -> None: ...


class AllowAll:
    """The default authorizer: everyone may do everything (access control plugs in here)."""

    def authorize(self, actor: Actor, command: Command[Any]) -> None:
        return None


def make_timer(
    command: Command[Any], *, due_at: datetime, key: str, actor: Actor, token: str = ""
) -> Timer:
    """A validated timer for ``command``: key checked, time aware, command serialized.

    ``token`` names this instance of the key: a timer re-armed under the same key is a new
    instance, and the runner completes only the instance it claimed.
    """
    check_text(key, "key", max_length=TIMER_KEY_MAX)
    if not isinstance(actor, Actor):
        raise InputError.for_field("actor", "must be an Actor")
    return Timer(
        key=key,
        due_at=ensure_utc(due_at, "due_at"),
        command=serialization.unstructure_message(command),
        actor=actor,
        token=token,
    )


@frozen
class HandlerContext:
    """What a handler gets: the unit of work, the actor, the time, new ids, and timers."""

    uow: UnitOfWork
    actor: Actor
    clock: Clock
    ids: IdGenerator
    bus: MessageBus
    #: Timer keys this handler scheduled or cancelled (the timer runner needs to know
    #: whether a handler re-armed the very timer that is running it).
    timer_keys: set[str] = field(factory=set, eq=False, repr=False)

    def now(self) -> datetime:
        return self.clock.now()

    def new_id(self) -> str:
        return self.ids.new_id()

    def schedule(
        self,
        command: Command[Any],
        *,
        due_at: datetime,
        key: str,
        actor: Actor | None = None,
    ) -> None:
        """Run ``command`` at ``due_at``, in this same transaction: if the handler fails,
        the timer was never set. Same key replaces. Runs as ``actor`` (default: this one)."""
        runner = actor or self.actor
        self.bus.handler_for(command)
        # Checked now and again when it runs: permissions may change in between.
        if not isinstance(runner, Actor):
            raise InputError.for_field("actor", "must be an Actor")
        self.bus.authorizer.authorize(runner, command)
        timer = make_timer(command, due_at=due_at, key=key, actor=runner, token=self.new_id())
        self.uow.timers.schedule(timer)
        self.timer_keys.add(key)

    def cancel_schedule(self, key: str) -> bool:
        """Cancel a timer in this transaction; False if none had that key."""
        check_text(key, "key", max_length=TIMER_KEY_MAX)
        self.timer_keys.add(key)
        return self.uow.timers.cancel(key)


class MessageBus:
    """Runs commands; see the module docstring for the pipeline."""

    def __init__(
        self,
        storage: Storage,
        *,
        clock: Clock,
        ids: IdGenerator,
        authorizer: Authorizer | None = None,
        handlers: Mapping[type[Command[Any]], Handler] | None = None,
        max_attempts: int = 8,
        backoff: float = 0.005,
        max_backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        if type(max_attempts) is not int or max_attempts < 1:
            raise ConfigurationError("max_attempts must be an integer >= 1")
        self.storage = storage
        self.clock = clock
        self.ids = ids
        self.authorizer: Authorizer = authorizer or AllowAll()
        self._handlers: dict[type[Command[Any]], Handler] = dict(handlers or {})
        self._subscribers: dict[type[DomainEvent], list[Subscriber]] = {}
        self.max_attempts = max_attempts
        self._backoff = backoff
        self._max_backoff = max_backoff
        self._sleep = sleep
        self._jitter = jitter

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after conflict number ``attempt`` (1-based): exponential from
        ``backoff``, capped at ``max_backoff``, and spread by jitter over its upper half so
        that workers which collided once do not collide again in lockstep."""
        ceiling = min(self._max_backoff, self._backoff * 2 ** (attempt - 1))
        return float(ceiling * (0.5 + 0.5 * self._jitter()))

    # -- wiring ------------------------------------------------------------------------
    def register(self, command: type[Command[Any]], handler: Handler) -> None:
        """Add or replace the handler of a command type (a shop's own commands too)."""
        if not (isinstance(command, type) and issubclass(command, Command)):
            raise ConfigurationError(f"{command!r} is not a Command class")
        if not command.type_name:
            raise ConfigurationError(f"{command.__qualname__} needs a type_name")
        self._handlers[command] = handler

    def subscribe(self, event: type[DomainEvent], subscriber: Subscriber) -> None:
        """Call ``subscriber`` after commit for each event of this type (or a subclass)."""
        self._subscribers.setdefault(event, []).append(subscriber)

    def handler_for(self, command: Command[Any]) -> Handler:
        try:
            return self._handlers[type(command)]
        except KeyError:
            raise NoHandler(getattr(command, "type_name", type(command).__qualname__)) from None

    # -- running -----------------------------------------------------------------------
    def handle(self, command: Command[R], *, actor: Actor, idempotency_key: str | None = None) -> R:
        """Run one command to completion and return what its handler returned."""
        if not isinstance(command, Command):
            raise InputError.for_field("command", f"{command!r} is not a command")
        if not isinstance(actor, Actor):
            raise InputError.for_field("actor", "every command needs an Actor")
        if idempotency_key is not None:
            check_text(idempotency_key, "idempotency_key", max_length=IDEMPOTENCY_KEY_MAX)
        handler = self.handler_for(command)
        self.authorizer.authorize(actor, command)
        fingerprint = _fingerprint(command, actor) if idempotency_key else ""
        for attempt in range(1, self.max_attempts + 1):
            try:
                with self.storage.unit_of_work() as uow:
                    if idempotency_key is not None:
                        record = uow.idempotency.get(idempotency_key)
                        if record is not None:
                            if record.fingerprint != fingerprint:
                                raise IdempotencyConflict(idempotency_key)
                            restored: R = serialization.structure(
                                record.result, result_type(type(command))
                            )
                            return restored
                        # Claim the key first: a concurrent twin blocks or conflicts here.
                        uow.idempotency.add(
                            IdempotencyRecord(
                                key=idempotency_key,
                                fingerprint=fingerprint,
                                result=None,
                                actor=actor,
                                created_at=self.clock.now(),
                            )
                        )
                    result, events = self.run_in(uow, command, actor, handler)
                    if idempotency_key is not None:
                        uow.idempotency.set_result(idempotency_key, replayable(command, result))
                    uow.commit()
            except ConcurrencyConflict:
                if attempt == self.max_attempts:
                    raise
                log.debug("conflict on %s, attempt %d", command.type_name, attempt)
                self._sleep(self.backoff(attempt))
                continue
            self.dispatch(events)
            typed: R = result
            return typed
        raise AssertionError("unreachable")  # pragma: no cover

    def run_in(
        self,
        uow: UnitOfWork,
        command: Command[Any],
        actor: Actor,
        handler: Handler | None = None,
        *,
        ctx: HandlerContext | None = None,
    ) -> tuple[Any, list[DomainEvent]]:
        """Run a handler inside an open unit of work and stage its events in the outbox.

        Does not commit: the caller owns the transaction (the bus, or the timer runner).
        """
        handler = handler or self.handler_for(command)
        ctx = ctx or self.context(uow, actor)
        result = handler(command, ctx)
        events = uow.collect_events()
        if events:
            uow.outbox.add(
                [
                    OutboxMessage(
                        id=self.ids.new_id(),
                        type=event.type_name,
                        payload=serialization.unstructure_message(event),
                        actor=actor,
                        occurred_at=event.at,
                    )
                    for event in events
                ]
            )
        return result, events

    def context(self, uow: UnitOfWork, actor: Actor) -> HandlerContext:
        """The context handlers get, for work done in ``uow`` on behalf of ``actor``."""
        return HandlerContext(uow=uow, actor=actor, clock=self.clock, ids=self.ids, bus=self)

    def dispatch(self, events: list[DomainEvent]) -> None:
        """Give committed events to in-process subscribers; a failing one is logged only.

        The outbox keeps every event for reliable publishing; subscribers are best effort.
        """
        for event in events:
            for event_type, subscribers in self._subscribers.items():
                if isinstance(event, event_type):
                    for subscriber in subscribers:
                        try:
                            subscriber(event)
                        except Exception:
                            log.exception("subscriber %r failed on %s", subscriber, event)


def replayable(command: Command[Any], result: object) -> Any:
    """The JSON form of ``result``, checked to read back as the command's declared result.

    Run before commit, on every backend alike: a result that could not be replayed under an
    idempotency key refuses the command (nothing is committed) instead of succeeding once
    and failing on every retry.
    """
    declared = result_type(type(command))
    try:
        data = serialization.unstructure(result)
        json.dumps(data, allow_nan=False)
        restored = serialization.structure(data, declared)
    except (TypeError, ValueError, InputError, ConfigurationError) as exc:
        raise ConfigurationError(
            f"{type(command).__qualname__} returned {type(result).__name__}, which cannot be "
            f"stored for an idempotent replay as its declared result {declared!r}: declare "
            "Command[<the result type>] with a JSON-friendly type (str, int, bool, Decimal, "
            f"Money, attrs classes …) ({exc})"
        ) from None
    if restored != result:
        raise ConfigurationError(
            f"{type(command).__qualname__} returned {result!r}, which reads back as "
            f"{restored!r}; declare Command[<the result type>] to match what it returns"
        )
    return data


def _fingerprint(command: Command[Any], actor: Actor) -> str:
    body = {
        "command": serialization.unstructure_message(command),
        "actor": [actor.kind.value, actor.id],
    }
    raw = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()
