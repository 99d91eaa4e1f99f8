"""The import command and its report."""

from __future__ import annotations

from typing import Any

from attrs import field, frozen

from commerce_core.catalog.import_format import (
    DATA_MAX,
    ImportFormat,
)
from commerce_core.kernel.errors import FieldError, InputError
from commerce_core.kernel.messages import Command

__all__ = [
    "ImportProducts",
    "ImportReport",
    "as_format",
]


def as_format(value: Any) -> ImportFormat:
    """The format named by ``value``, or an :class:`InputError` on ``format``."""
    try:
        return ImportFormat(value)
    except (ValueError, TypeError):
        raise InputError.for_field("format", "must be 'csv' or 'jsonl'") from None


def _data(_: object, __: object, value: Any) -> None:
    if not isinstance(value, str):
        raise InputError.for_field("data", "must be the file's text")
    if len(value) > DATA_MAX:
        raise InputError.for_field("data", f"at most {DATA_MAX} characters per import")


def _flag(_: object, __: object, value: Any) -> None:
    if not isinstance(value, bool):
        raise InputError.for_field("partial", "must be true or false")


@frozen
class ImportReport:
    """What an import did: products created, updated and unchanged, and the rows refused."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: tuple[FieldError, ...] = ()


@frozen(kw_only=True)
class ImportProducts(Command[ImportReport]):
    """Import products with their SKUs from CSV or JSONL text (see docs/catalog/import.md)."""

    type_name = "catalog.import_products"
    format: ImportFormat = field(converter=as_format)
    data: str = field(validator=_data, repr=lambda d: f"<{len(d)} characters>")
    partial: bool = field(default=False, validator=_flag)
    #: Check every row and report what would happen, without changing anything.
    dry_run: bool = field(default=False, validator=_flag)
