"""The customers context on the memory backend: committed state in
:meth:`MemoryStorage.context_state`, staged writes in a participant of the unit of work."""

from commerce_adapters.memory.customers.queries import MemoryCustomerQueries
from commerce_adapters.memory.customers.state import CustomersState
from commerce_adapters.memory.customers.store import MemoryCustomerStore

__all__ = ["CustomersState", "MemoryCustomerQueries", "MemoryCustomerStore"]
