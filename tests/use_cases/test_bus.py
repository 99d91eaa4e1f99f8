"""The message bus: units of work, idempotency, retries, actors, authorization, events."""

from __future__ import annotations

from typing import Any

import pytest
from attrs import frozen
from tests.backends import Backend

from commerce_core import (
    Actor,
    Commerce,
    ConcurrencyConflict,
    Forbidden,
    IdempotencyConflict,
    InputError,
)
from commerce_core.app import HandlerContext, MessageBus, SystemClock
from commerce_core.catalog import (
    CategoryCreated,
    CategoryId,
    CreateCategory,
    RenameCategory,
)
from commerce_core.kernel import Command, DomainEvent, NoHandler
from commerce_core.serialization import structure_event
from commerce_core.testing import SequentialIds


@frozen(kw_only=True)
class CreateThenCrash(Command[None]):
    """A test command: one real write, then an exception."""

    type_name = "test.create_then_crash"
    name: str


def create_then_crash(cmd: CreateThenCrash, ctx: HandlerContext) -> None:
    tree = ctx.uow.categories.get()
    tree.add(CategoryId(ctx.new_id()), cmd.name, parent=None, at=ctx.now())
    ctx.uow.categories.save(tree)
    raise RuntimeError("the process died here")


def state(shop: Commerce) -> tuple[object, int]:
    with shop.storage.unit_of_work() as uow:
        return shop.categories.tree(), len(uow.outbox.pending(limit=1000))


def test_a_crash_after_the_first_write_leaves_no_partial_change(
    shop: Commerce, staff: Actor
) -> None:
    shop.execute(CreateCategory(name="Before"), actor=staff)
    before = state(shop)
    shop.register(CreateThenCrash, create_then_crash)
    with pytest.raises(RuntimeError):
        shop.execute(CreateThenCrash(name="Half"), actor=staff, idempotency_key="crash-1")
    assert state(shop) == before
    # The key was not used up by the failed attempt.
    shop.register(CreateThenCrash, lambda cmd, ctx: None)
    shop.execute(CreateThenCrash(name="Half"), actor=staff, idempotency_key="crash-1")


def test_events_go_to_the_outbox_with_the_actor(shop: Commerce, staff: Actor) -> None:
    new = shop.execute(CreateCategory(name="Shoes 鞋"), actor=staff)
    with shop.storage.unit_of_work() as uow:
        (message,) = uow.outbox.pending()
    assert message.actor == staff
    assert message.type == "catalog.category_created"
    event = structure_event(message.payload)
    assert event == CategoryCreated(
        category=new, name="Shoes 鞋", parent=None, position=0, at=shop.clock.now()
    )


def test_same_key_and_command_returns_the_first_result_without_a_second_effect(
    shop: Commerce, staff: Actor
) -> None:
    first = shop.execute(CreateCategory(name="Once"), actor=staff, idempotency_key="k-1")
    again = shop.execute(CreateCategory(name="Once"), actor=staff, idempotency_key="k-1")
    assert first == again
    assert [n.name for n in shop.categories.tree()] == ["Once"]
    unit = shop.execute(
        RenameCategory(category=first, name="Renamed"), actor=staff, idempotency_key="k-2"
    )
    assert unit is None
    assert (
        shop.execute(
            RenameCategory(category=first, name="Renamed"), actor=staff, idempotency_key="k-2"
        )
        is None
    )


def test_same_key_with_another_command_or_actor_is_a_conflict(shop: Commerce, staff: Actor) -> None:
    shop.execute(CreateCategory(name="A"), actor=staff, idempotency_key="k")
    with pytest.raises(IdempotencyConflict) as err:
        shop.execute(CreateCategory(name="B"), actor=staff, idempotency_key="k")
    assert err.value.code == "idempotency_conflict"
    with pytest.raises(IdempotencyConflict):
        shop.execute(CreateCategory(name="A"), actor=Actor.staff("bob"), idempotency_key="k")
    assert [n.name for n in shop.categories.tree()] == ["A"]


def test_bad_idempotency_keys_and_actors_are_input_errors(shop: Commerce, staff: Actor) -> None:
    with pytest.raises(InputError) as err:
        shop.execute(CreateCategory(name="A"), actor=staff, idempotency_key="")
    assert err.value.field == "idempotency_key"
    with pytest.raises(InputError) as err2:
        shop.execute(CreateCategory(name="A"), actor="alice", idempotency_key=None)  # type: ignore[arg-type]
    assert err2.value.field == "actor"


def test_an_authorizer_can_refuse(backend: Backend, staff: Actor) -> None:
    class OnlyStaff:
        def authorize(self, actor: Actor, command: Command[Any]) -> None:
            if actor.kind != "staff":
                raise Forbidden(str(actor), command.type_name)

    shop = Commerce(backend.storage(), authorizer=OnlyStaff())
    with pytest.raises(Forbidden) as err:
        shop.execute(CreateCategory(name="A"), actor=Actor.customer("c1"))
    assert isinstance(err.value, PermissionError)
    assert shop.categories.tree() == ()
    shop.execute(CreateCategory(name="A"), actor=staff)
    assert len(shop.categories.tree()) == 1
    shop.close()


def test_subscribers_get_events_after_commit_and_cannot_break_the_command(
    shop: Commerce, staff: Actor
) -> None:
    seen: list[DomainEvent] = []

    def broken(event: DomainEvent) -> None:
        raise ValueError("subscriber bug")

    shop.subscribe(DomainEvent, broken)
    shop.subscribe(CategoryCreated, seen.append)
    new = shop.execute(CreateCategory(name="A"), actor=staff)
    assert [type(e) for e in seen] == [CategoryCreated]
    assert shop.categories.get(new).name == "A"


def test_unknown_commands_have_no_handler(shop: Commerce, staff: Actor) -> None:
    with pytest.raises(NoHandler):
        shop.execute(CreateThenCrash(name="x"), actor=staff)


def test_conflicts_are_retried_a_bounded_number_of_times(backend: Backend, staff: Actor) -> None:
    calls: list[int] = []

    def always_conflicts(cmd: CreateCategory, ctx: HandlerContext) -> None:
        calls.append(1)
        raise ConcurrencyConflict("test")

    storage = backend.storage()
    bus = MessageBus(
        storage, clock=SystemClock(), ids=SequentialIds(), max_attempts=3, sleep=lambda s: None
    )
    bus.register(CreateCategory, always_conflicts)
    with pytest.raises(ConcurrencyConflict):
        bus.handle(CreateCategory(name="x"), actor=staff)
    assert len(calls) == 3

    flaky: list[int] = []

    def conflicts_once(cmd: CreateCategory, ctx: HandlerContext) -> CategoryId:
        flaky.append(1)
        tree = ctx.uow.categories.get()
        node = tree.add(CategoryId(ctx.new_id()), cmd.name, parent=None, at=ctx.now())
        ctx.uow.categories.save(tree)
        if len(flaky) == 1:
            raise ConcurrencyConflict("test")
        return node.id

    bus.register(CreateCategory, conflicts_once)
    bus.handle(CreateCategory(name="y"), actor=staff)
    assert len(flaky) == 2
    assert [n.name for n in storage.categories.tree()] == ["y"]
    storage.close()
