"""Publishing stamps a message once: a second ``mark_published`` keeps the first time.

The Outbox port does not read ``published_at`` back, so these tests look at what each
adapter stored: a re-stamp would lie about when a subscriber first saw the event.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from tests.backends import Backend

from commerce_adapters.memory import MemoryStorage
from commerce_adapters.sqlalchemy import SqlStorage
from commerce_adapters.sqlalchemy import tables as t
from commerce_core.app.ports import OutboxMessage, Storage
from commerce_core.kernel.actors import Actor

T0 = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)


def message(id: str) -> OutboxMessage:
    return OutboxMessage(
        id=id,
        type="catalog.category_created",
        payload={"type": "catalog.category_created"},
        actor=Actor.staff("alice"),
        occurred_at=T0,
    )


def stamps(storage: Storage) -> dict[str, datetime | None]:
    if isinstance(storage, MemoryStorage):
        return {i: m.published_at for i, m in storage._state.outbox.items()}
    assert isinstance(storage, SqlStorage)
    c = t.outbox_messages.c
    with storage.engine.connect() as conn:
        rows = conn.execute(sa.select(c.id, c.published_at)).all()
    return {row.id: _aware(row.published_at) for row in rows}


def _aware(value: datetime | None) -> datetime | None:
    # Some databases hand back naive UTC; the adapter's own reads normalise it.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def test_marking_a_published_message_again_keeps_its_first_stamp(backend: Backend) -> None:
    storage = backend.storage()
    first, later = T0 + timedelta(seconds=5), T0 + timedelta(hours=1)
    try:
        with storage.unit_of_work() as uow:
            uow.outbox.add([message("m1"), message("m2")])
            uow.commit()
        with storage.unit_of_work() as uow:
            uow.outbox.mark_published(["m1"], first)
            uow.commit()
        with storage.unit_of_work() as uow:
            uow.outbox.mark_published(["m1", "m2"], later)
            uow.commit()
        assert stamps(storage) == {"m1": first, "m2": later}
    finally:
        storage.close()


def test_a_stamp_that_is_not_committed_is_not_kept(backend: Backend) -> None:
    storage = backend.storage()
    try:
        with storage.unit_of_work() as uow:
            uow.outbox.add([message("m1")])
            uow.commit()
        with storage.unit_of_work() as uow:
            uow.outbox.mark_published(["m1"], T0)
            assert uow.outbox.pending() == []
        assert stamps(storage) == {"m1": None}
        with storage.unit_of_work() as uow:
            assert [m.id for m in uow.outbox.pending()] == ["m1"]
    finally:
        storage.close()
