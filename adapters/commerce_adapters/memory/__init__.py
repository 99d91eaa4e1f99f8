"""The in-memory backend: for tests and trying things out (``Commerce.from_url("memory://")``).

It behaves like a database where it matters: every get returns a copy and every save
stores one, so aliasing bugs show; a unit of work sees its own writes, and a rollback
really discards them; commits check versions optimistically, so concurrent units of work
conflict as they would on a server.
"""

from commerce_adapters.memory.storage import (
    MemoryCategoryQueries,
    MemoryParticipant,
    MemoryStorage,
    MemoryUnitOfWork,
    open_backend,
)

__all__ = [
    "MemoryCategoryQueries",
    "MemoryParticipant",
    "MemoryStorage",
    "MemoryUnitOfWork",
    "open_backend",
]
