"""The application layer: the message bus, units of work, timers and the ``Commerce`` facade."""

from commerce_core.app.bootstrap import backend_schemes, open_storage
from commerce_core.app.bus import AllowAll, Authorizer, HandlerContext, MessageBus
from commerce_core.app.commerce import DEFAULT_URL, Commerce, RunReport
from commerce_core.app.ports import (
    IdempotencyRecord,
    IdempotencyStore,
    Outbox,
    OutboxMessage,
    Storage,
    Timer,
    TimerStatus,
    TimerStore,
    UnitOfWork,
)
from commerce_core.app.system import SystemClock, TimeOrderedIds
from commerce_core.app.unit_of_work import SeenAggregates

__all__ = [
    "DEFAULT_URL",
    "AllowAll",
    "Authorizer",
    "Commerce",
    "HandlerContext",
    "IdempotencyRecord",
    "IdempotencyStore",
    "MessageBus",
    "Outbox",
    "OutboxMessage",
    "RunReport",
    "SeenAggregates",
    "Storage",
    "SystemClock",
    "TimeOrderedIds",
    "Timer",
    "TimerStatus",
    "TimerStore",
    "UnitOfWork",
    "backend_schemes",
    "open_storage",
]
