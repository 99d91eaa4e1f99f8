"""Durable timers: schedule a command, run it once when due, on every backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from attrs import frozen
from tests.backends import Backend

from commerce_core import (
    Actor,
    Commerce,
    CommerceError,
    Forbidden,
    InputError,
    RunReport,
    StorageUnavailable,
)
from commerce_core.app import HandlerContext
from commerce_core.catalog import CategoryCreated, CategoryId, CreateCategory, RenameCategory
from commerce_core.kernel import Command, DomainEvent
from commerce_core.testing import FrozenClock


def test_a_scheduled_command_runs_once_when_due(
    shop: Commerce, clock: FrozenClock, staff: Actor
) -> None:
    new = shop.execute(CreateCategory(name="Summer sale"), actor=staff)
    seen: list[DomainEvent] = []
    shop.subscribe(DomainEvent, seen.append)
    shop.schedule(
        RenameCategory(category=new, name="Summer sale (ended)"),
        due_at=clock.now() + timedelta(hours=1),
        key=f"rename:{new}",
        actor=staff,
    )
    assert shop.run_due().done == ()
    clock.advance(hours=1)
    report = shop.run_due()
    assert report.done == (f"rename:{new}",)
    assert shop.categories.get(new).name == "Summer sale (ended)"
    assert shop.run_due().done == ()
    assert shop.scheduled(f"rename:{new}") is None
    assert [e.type_name for e in seen] == ["catalog.category_renamed"]
    with shop.storage.unit_of_work() as uow:
        assert uow.outbox.pending()[-1].actor == staff


def test_rescheduling_the_same_key_replaces_and_cancel_removes(
    shop: Commerce, clock: FrozenClock, staff: Actor
) -> None:
    shop.schedule(CreateCategory(name="A"), due_at=clock.now(), key="k", actor=staff)
    shop.schedule(CreateCategory(name="B"), due_at=clock.now(), key="k", actor=staff)
    assert shop.run_due().done == ("k",)
    assert [n.name for n in shop.categories.tree()] == ["B"]
    shop.schedule(CreateCategory(name="C"), due_at=clock.now(), key="k2", actor=staff)
    assert shop.cancel_schedule("k2") is True
    assert shop.cancel_schedule("k2") is False
    assert shop.run_due().done == ()


def test_a_refused_timer_fails_at_once_and_is_kept_for_a_person(
    shop: Commerce, clock: FrozenClock, staff: Actor
) -> None:
    shop.execute(CreateCategory(name="Taken"), actor=staff)
    shop.schedule(CreateCategory(name="Taken"), due_at=clock.now(), key="dup", actor=staff)
    report = shop.run_due()
    assert report.failed == ("dup",)
    (failed,) = shop.failed_timers()
    assert failed.key == "dup"
    assert failed.last_error is not None
    assert failed.last_error.startswith("duplicate_category_name")
    assert shop.run_due(clock.now() + timedelta(days=1)).done == ()
    assert len(shop.categories.tree()) == 1


@frozen(kw_only=True)
class Flaky(Command[None]):
    type_name = "test.flaky"


def test_an_unexpected_error_is_retried_with_backoff_then_given_up(
    shop: Commerce, clock: FrozenClock, staff: Actor
) -> None:
    calls: list[int] = []

    def flaky(cmd: Flaky, ctx: HandlerContext) -> None:
        calls.append(1)
        raise OSError("the payment provider timed out")

    shop.register(Flaky, flaky)
    shop.schedule(Flaky(), due_at=clock.now(), key="flaky", actor=staff)
    assert shop.run_due().retried == ("flaky",)
    timer = shop.scheduled("flaky")
    assert timer is not None
    assert timer.attempts == 1
    assert timer.due_at == clock.now() + timedelta(seconds=30)
    for _ in range(10):
        clock.advance(hours=2)
        shop.run_due()
    assert len(calls) == 5
    assert [t.key for t in shop.failed_timers()] == ["flaky"]


def test_schedule_validates_its_input(shop: Commerce, staff: Actor) -> None:
    with pytest.raises(InputError) as err:
        shop.schedule(CreateCategory(name="A"), due_at=datetime(2026, 1, 1), key="k", actor=staff)
    assert err.value.field == "due_at"
    with pytest.raises(InputError) as err2:
        shop.schedule(CreateCategory(name="A"), due_at=datetime.now(UTC), key="", actor=staff)
    assert err2.value.field == "key"


def test_the_worker_loop_runs_due_timers_until_stopped(
    shop: Commerce, clock: FrozenClock, staff: Actor
) -> None:
    shop.schedule(CreateCategory(name="By the worker"), due_at=clock.now(), key="w", actor=staff)
    created: list[DomainEvent] = []
    shop.subscribe(CategoryCreated, created.append)
    ticks: list[float] = []
    shop.work(interval=0.5, stop=lambda: len(ticks) >= 2, sleep=ticks.append)
    assert ticks == [0.5, 0.5]
    assert len(created) == 1


def test_timers_are_authorized_when_scheduled_and_when_run(
    backend: Backend, clock: FrozenClock, staff: Actor
) -> None:
    allowed = {"staff:alice"}

    class Listed:
        def authorize(self, actor: Actor, command: Command[Any]) -> None:
            if str(actor) not in allowed:
                raise Forbidden(str(actor), command.type_name)

    shop = Commerce(backend.storage(), clock=clock, authorizer=Listed())
    with pytest.raises(Forbidden):
        shop.schedule(
            CreateCategory(name="Sneaky"), due_at=clock.now(), key="c", actor=Actor.customer("c1")
        )
    shop.schedule(CreateCategory(name="Later"), due_at=clock.now(), key="s", actor=staff)
    allowed.clear()  # alice lost the permission before the timer came due
    assert shop.run_due().failed == ("s",)
    assert shop.categories.tree() == ()
    (failed,) = shop.failed_timers()
    assert failed.last_error is not None
    assert failed.last_error.startswith("forbidden")
    shop.close()


def test_the_worker_goes_on_after_a_full_batch_and_survives_an_outage(
    shop: Commerce, clock: FrozenClock, staff: Actor
) -> None:
    for i in range(3):
        shop.schedule(CreateCategory(name=f"C{i}"), due_at=clock.now(), key=f"k{i}", actor=staff)
    reports: list[RunReport] = []
    errors: list[CommerceError] = []
    sleeps: list[float] = []
    real_run_due = shop.run_due
    calls = iter(range(100))

    def flaky_run_due(now: datetime | None = None, *, limit: int = 1000) -> RunReport:
        if next(calls) == 0:
            raise StorageUnavailable("the database restarts")
        return real_run_due(now, limit=limit)

    shop.run_due = flaky_run_due  # type: ignore[method-assign]
    shop.work(
        interval=2.0,
        batch=2,
        stop=lambda: len(sleeps) >= 2,
        sleep=sleeps.append,
        on_report=reports.append,
        on_error=errors.append,
    )
    assert [type(e) for e in errors] == [StorageUnavailable]
    # outage → sleep; full batch of 2 → straight on; last 1 → sleep, stop.
    assert [len(r.done) for r in reports] == [2, 1]
    assert sleeps == [2.0, 2.0]


@frozen(kw_only=True)
class LaunchCategory(Command[CategoryId]):
    """A test command: create a category and, in the same transaction, schedule its rename."""

    type_name = "test.launch_category"
    name: str
    crash: bool = False


def launch_category(cmd: LaunchCategory, ctx: HandlerContext) -> CategoryId:
    tree = ctx.uow.categories.get()
    node = tree.add(CategoryId(ctx.new_id()), cmd.name, parent=None, at=ctx.now())
    ctx.uow.categories.save(tree)
    ctx.schedule(
        RenameCategory(category=node.id, name=f"{cmd.name} (live)"),
        due_at=ctx.now() + timedelta(minutes=5),
        key=f"launch:{node.id}",
    )
    if cmd.crash:
        raise RuntimeError("crashed after scheduling")
    return node.id


def test_a_handler_schedules_in_its_own_transaction(
    shop: Commerce, clock: FrozenClock, staff: Actor
) -> None:
    shop.register(LaunchCategory, launch_category)
    with pytest.raises(RuntimeError):
        shop.execute(LaunchCategory(name="Ghost", crash=True), actor=staff)
    assert shop.scheduled_count() == 0
    assert shop.categories.tree() == ()
    new = shop.execute(LaunchCategory(name="Autumn"), actor=staff)
    timer = shop.scheduled(f"launch:{new}")
    assert timer is not None
    assert timer.actor == staff
    clock.advance(minutes=5)
    assert shop.run_due().done == (f"launch:{new}",)
    assert shop.categories.get(new).name == "Autumn (live)"
