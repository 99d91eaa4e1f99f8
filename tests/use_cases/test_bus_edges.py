"""The bus where the first suite was blind: its configuration, the backoff it sleeps, what it
registers, timers cancelled by handlers, the idempotency fingerprint and error details."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from attrs import frozen
from tests.backends import Backend

from commerce_core import (
    Actor,
    Commerce,
    ConcurrencyConflict,
    ConfigurationError,
    Forbidden,
    IdempotencyConflict,
    InputError,
    Money,
)
from commerce_core.app import HandlerContext, MessageBus
from commerce_core.app.ports import Storage
from commerce_core.catalog import CategoryCreated, CategoryId, CreateCategory
from commerce_core.kernel import Command, DomainEvent, NoHandler
from commerce_core.kernel.errors import FieldError
from commerce_core.testing import FrozenClock, SequentialIds


@frozen(kw_only=True)
class CancelTimer(Command[bool]):
    """A test command: cancel a timer from inside a handler."""

    type_name = "test.cancel_timer"
    key: str


def cancel_timer(cmd: CancelTimer, ctx: HandlerContext) -> bool:
    return ctx.cancel_schedule(cmd.key)


@frozen(kw_only=True)
class Unnamed(Command[None]):
    """A command class that forgot its type_name."""


@pytest.fixture
def storage(backend: Backend) -> Iterator[Storage]:
    store = backend.storage()
    try:
        yield store
    finally:
        store.close()


def always_conflicts(calls: list[int]) -> object:
    def handler(cmd: CreateCategory, ctx: HandlerContext) -> None:
        calls.append(1)
        raise ConcurrencyConflict("test", "always")

    return handler


@pytest.mark.parametrize("bad", [0, -1, True, 1.5, "3", None])
def test_max_attempts_must_be_a_positive_integer(storage: Storage, bad: object) -> None:
    with pytest.raises(ConfigurationError) as err:
        MessageBus(storage, clock=FrozenClock(), ids=SequentialIds(), max_attempts=bad)  # type: ignore[arg-type]
    assert err.value.message == "max_attempts must be an integer >= 1"


def test_one_attempt_means_no_retry_and_no_sleep(storage: Storage, staff: Actor) -> None:
    calls: list[int] = []
    sleeps: list[float] = []
    bus = MessageBus(
        storage, clock=FrozenClock(), ids=SequentialIds(), max_attempts=1, sleep=sleeps.append
    )
    bus.register(CreateCategory, always_conflicts(calls))  # type: ignore[arg-type]
    with pytest.raises(ConcurrencyConflict) as err:
        bus.handle(CreateCategory(name="x"), actor=staff)
    assert (err.value.what, err.value.message) == ("test", "concurrent change to test: always")
    assert (len(calls), sleeps) == (1, [])


@pytest.mark.parametrize(("jitter", "spread"), [(1.0, 1.0), (0.0, 0.5), (0.5, 0.75)])
def test_retries_back_off_exponentially_capped_and_spread_by_jitter(
    storage: Storage, staff: Actor, jitter: float, spread: float
) -> None:
    calls: list[int] = []
    sleeps: list[float] = []
    bus = MessageBus(
        storage,
        clock=FrozenClock(),
        ids=SequentialIds(),
        max_attempts=6,
        backoff=0.5,
        max_backoff=3.0,
        sleep=sleeps.append,
        jitter=lambda: jitter,
    )
    bus.register(CreateCategory, always_conflicts(calls))  # type: ignore[arg-type]
    with pytest.raises(ConcurrencyConflict):
        bus.handle(CreateCategory(name="x"), actor=staff)
    assert len(calls) == 6
    assert sleeps == pytest.approx([x * spread for x in [0.5, 1.0, 2.0, 3.0, 3.0]])


def test_the_default_is_eight_attempts_from_five_milliseconds(
    storage: Storage, staff: Actor
) -> None:
    calls: list[int] = []
    sleeps: list[float] = []
    bus = MessageBus(
        storage, clock=FrozenClock(), ids=SequentialIds(), sleep=sleeps.append, jitter=lambda: 1.0
    )
    bus.register(CreateCategory, always_conflicts(calls))  # type: ignore[arg-type]
    with pytest.raises(ConcurrencyConflict):
        bus.handle(CreateCategory(name="x"), actor=staff)
    assert bus.max_attempts == 8
    assert len(calls) == 8
    assert sleeps == pytest.approx([0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32])


@pytest.mark.parametrize(
    ("thing", "message"),
    [
        (int, "<class 'int'> is not a Command class"),
        (CategoryCreated, f"{CategoryCreated!r} is not a Command class"),
        (CreateCategory(name="x"), f"{CreateCategory(name='x')!r} is not a Command class"),
        (Unnamed, "Unnamed needs a type_name"),
    ],
)
def test_register_refuses_what_is_not_a_named_command_class(
    storage: Storage, thing: object, message: str
) -> None:
    bus = MessageBus(storage, clock=FrozenClock(), ids=SequentialIds())
    with pytest.raises(ConfigurationError) as err:
        bus.register(thing, lambda cmd, ctx: None)  # type: ignore[arg-type]
    assert err.value.message == message
    with pytest.raises(NoHandler):
        bus.handler_for(CreateCategory(name="x"))


def test_no_handler_names_the_command_type(storage: Storage, staff: Actor) -> None:
    bus = MessageBus(storage, clock=FrozenClock(), ids=SequentialIds())
    with pytest.raises(NoHandler) as err:
        bus.handle(CancelTimer(key="k"), actor=staff)
    assert (err.value.command, err.value.code) == ("test.cancel_timer", "no_handler")
    assert err.value.message == "no handler is registered for command 'test.cancel_timer'"


def test_handle_names_the_field_of_bad_input(storage: Storage, staff: Actor) -> None:
    bus = MessageBus(storage, clock=FrozenClock(), ids=SequentialIds())
    with pytest.raises(InputError) as err:
        bus.handle("create", actor=staff)  # type: ignore[arg-type]
    assert err.value.errors == (FieldError("command", "'create' is not a command"),)
    with pytest.raises(InputError) as err2:
        bus.handle(CreateCategory(name="x"), actor="alice")  # type: ignore[arg-type]
    assert err2.value.errors == (FieldError("actor", "every command needs an Actor"),)


def test_a_handler_can_cancel_a_timer_in_its_transaction(
    shop: Commerce, clock: FrozenClock, staff: Actor
) -> None:
    shop.register(CancelTimer, cancel_timer)
    shop.schedule(CreateCategory(name="Later"), due_at=clock.now(), key="k", actor=staff)
    shop.schedule(CreateCategory(name="Kept"), due_at=clock.now(), key="other", actor=staff)
    assert shop.execute(CancelTimer(key="k"), actor=staff) is True
    assert shop.scheduled("k") is None
    assert shop.execute(CancelTimer(key="k"), actor=staff) is False
    assert shop.run_due(clock.now() + timedelta(seconds=1)).done == ("other",)
    assert [n.name for n in shop.categories.tree()] == ["Kept"]


def test_the_idempotency_fingerprint_is_stable_canonical_json(shop: Commerce, staff: Actor) -> None:
    # Records outlive deployments: a retry after an upgrade must still match its first run.
    shop.execute(CreateCategory(name="鞋 Shoes"), actor=staff, idempotency_key="fp")
    canonical = (
        '{"actor":["staff","alice"],"command":{"name":"鞋 Shoes","parent":null,'
        '"position":null,"type":"catalog.create_category"}}'
    )
    with shop.storage.unit_of_work() as uow:
        record = uow.idempotency.get("fp")
    assert record is not None
    assert record.fingerprint == hashlib.sha256(canonical.encode()).hexdigest()


def test_a_failing_subscriber_is_logged_with_the_subscriber_and_the_event(
    shop: Commerce, staff: Actor, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(event: object) -> None:
        raise ValueError("subscriber bug")

    seen: list[DomainEvent] = []
    shop.subscribe(CategoryCreated, broken)
    shop.subscribe(CategoryCreated, seen.append)
    with caplog.at_level(logging.ERROR, logger="commerce_core.bus"):
        new = shop.execute(CreateCategory(name="A"), actor=staff)
    (record,) = caplog.records
    assert record.getMessage() == f"subscriber {broken!r} failed on {seen[0]}"
    assert record.exc_info is not None
    assert shop.categories.get(CategoryId(new)).name == "A"


@frozen(kw_only=True)
class Quote(Command[Money]):
    """A test command whose result needs structuring when an idempotent retry replays it."""

    type_name = "test.quote"
    minor: int


def test_an_idempotent_replay_returns_the_declared_result_type(
    shop: Commerce, staff: Actor
) -> None:
    shop.register(Quote, lambda cmd, ctx: Money(cmd.minor, "KWD"))
    first = shop.execute(Quote(minor=1005), actor=staff, idempotency_key="q")
    again = shop.execute(Quote(minor=1005), actor=staff, idempotency_key="q")
    assert first == again == Money(1005, "KWD")
    assert isinstance(again, Money)


def test_an_idempotency_conflict_names_the_key(shop: Commerce, staff: Actor) -> None:
    shop.execute(CreateCategory(name="A"), actor=staff, idempotency_key="key-1")
    with pytest.raises(IdempotencyConflict) as err:
        shop.execute(CreateCategory(name="B"), actor=staff, idempotency_key="key-1")
    assert err.value.key == "key-1"


def test_an_unknown_command_is_refused_before_authorization(backend: Backend, staff: Actor) -> None:
    class Nobody:
        def authorize(self, actor: Actor, command: Command[Any]) -> None:
            raise Forbidden(str(actor), command.type_name)

    shop = Commerce(backend.storage(), authorizer=Nobody())
    try:
        with pytest.raises(NoHandler):
            shop.execute(CancelTimer(key="k"), actor=staff)
    finally:
        shop.close()


def test_handler_for_names_a_non_command_by_its_class(storage: Storage) -> None:
    bus = MessageBus(storage, clock=FrozenClock(), ids=SequentialIds())
    with pytest.raises(NoHandler) as err:
        bus.handler_for(object())  # type: ignore[arg-type]
    assert err.value.command == "object"


def test_each_retry_is_logged_with_the_command_and_attempt(
    storage: Storage, staff: Actor, caplog: pytest.LogCaptureFixture
) -> None:
    bus = MessageBus(
        storage, clock=FrozenClock(), ids=SequentialIds(), max_attempts=3, sleep=lambda s: None
    )
    bus.register(CreateCategory, always_conflicts([]))  # type: ignore[arg-type]
    with (
        caplog.at_level(logging.DEBUG, logger="commerce_core.bus"),
        pytest.raises(ConcurrencyConflict),
    ):
        bus.handle(CreateCategory(name="x"), actor=staff)
    assert [r.getMessage() for r in caplog.records] == [
        "conflict on catalog.create_category, attempt 1",
        "conflict on catalog.create_category, attempt 2",
    ]
