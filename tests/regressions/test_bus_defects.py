"""The bus's own checks, each reached directly (survivors of the mutation run on bus.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from attrs import frozen

from commerce_core import Actor, Commerce, ConfigurationError, InputError
from commerce_core.app import HandlerContext
from commerce_core.app.bus import MessageBus, make_timer, replayable
from commerce_core.catalog import CreateCategory
from commerce_core.kernel import Command
from commerce_core.testing import FrozenClock, SequentialIds

NOW = datetime(2026, 3, 1, 8, tzinfo=UTC)
ALICE = Actor.staff("alice")


def test_make_timer_checks_each_field_itself() -> None:
    cmd = CreateCategory(name="A")
    with pytest.raises(InputError) as err:
        make_timer(cmd, due_at=NOW, key="k", actor="bob")  # type: ignore[arg-type]
    assert (err.value.field, err.value.errors[0].message) == ("actor", "must be an Actor")
    with pytest.raises(InputError) as err:
        make_timer(cmd, due_at=NOW, key="", actor=ALICE)
    assert err.value.field == "key"
    with pytest.raises(InputError) as err:
        make_timer(cmd, due_at=datetime(2026, 3, 1), key="k", actor=ALICE)
    assert err.value.field == "due_at"
    timer = make_timer(cmd, due_at=NOW, key="k", actor=ALICE)
    assert timer.token == ""
    assert make_timer(cmd, due_at=NOW, key="k", actor=ALICE, token="t1").token == "t1"


@frozen(kw_only=True)
class Plan(Command[None]):
    type_name = "test.regressions.plan"
    actor_id: str = "alice"
    key: str = "k"


def test_a_handler_schedules_new_instances_and_its_own_checks_name_the_field() -> None:
    shop = Commerce.from_url("memory://", clock=FrozenClock(NOW), ids=SequentialIds("p"))

    def plan(cmd: Plan, ctx: HandlerContext) -> None:
        runner: object = Actor.staff(cmd.actor_id) if cmd.actor_id else "bob"
        ctx.schedule(
            CreateCategory(name="Later"),
            due_at=ctx.now() + timedelta(hours=1),
            key=cmd.key,
            actor=runner,  # type: ignore[arg-type]
        )

    shop.register(Plan, plan)
    shop.execute(Plan(), actor=ALICE)
    first = shop.scheduled("k")
    shop.execute(Plan(), actor=ALICE)
    second = shop.scheduled("k")
    assert first is not None
    assert second is not None
    assert first.token != ""
    assert first.token != second.token  # each schedule is a new instance
    with pytest.raises(InputError) as err:
        shop.execute(Plan(actor_id=""), actor=ALICE)
    assert (err.value.field, err.value.errors[0].message) == ("actor", "must be an Actor")
    with pytest.raises(InputError) as err:
        shop.execute(Plan(key=""), actor=ALICE)
    assert err.value.field == "key"


def test_the_default_backoff_is_capped_at_half_a_second() -> None:
    bus = MessageBus(
        Commerce.from_url("memory://").storage,
        clock=FrozenClock(NOW),
        ids=SequentialIds(),
        jitter=lambda: 1.0,
    )
    assert bus.backoff(1) == pytest.approx(0.005)
    assert bus.backoff(30) == pytest.approx(0.5)


@frozen(kw_only=True)
class Named(Command[str]):
    type_name = "test.regressions.named"


def test_replay_refusals_name_the_command_and_what_it_returned() -> None:
    with pytest.raises(ConfigurationError) as err:
        replayable(Named(), 5)
    assert str(err.value).startswith("Named returned int, which cannot be stored")
    assert "declare Command[<the result type>] with a JSON-friendly type" in str(err.value)
    assert replayable(Named(), "x") == "x"
