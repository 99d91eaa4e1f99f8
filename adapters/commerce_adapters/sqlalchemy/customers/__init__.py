"""The customers context on SQL: its tables, repositories joined to the unit of work's
transaction, the read queries of ``shop.customers``, and segment rules compiled to SQL."""

from commerce_adapters.sqlalchemy.customers.queries import SqlCustomerQueries
from commerce_adapters.sqlalchemy.customers.segments import compile_rule
from commerce_adapters.sqlalchemy.customers.store import SqlCustomerStore

__all__ = ["SqlCustomerQueries", "SqlCustomerStore", "compile_rule"]
