"""attrs validators that turn bad values into :class:`InputError` naming the field."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from commerce_core.kernel.errors import InputError

__all__ = ["bounded_text", "check_text", "optional_bounded_text"]


def check_text(value: object, path: str, *, max_length: int, min_length: int = 1) -> str:
    """Validate a single-line text: a str, no control characters, not blank, bounded."""
    if not isinstance(value, str):
        raise InputError.for_field(path, f"expected text, got {type(value).__name__}")
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise InputError.for_field(path, "must not contain control characters")
    if value != value.strip():
        raise InputError.for_field(path, "must not start or end with whitespace")
    if len(value) < min_length:
        raise InputError.for_field(path, "must not be empty")
    if len(value) > max_length:
        raise InputError.for_field(path, f"must be at most {max_length} characters")
    return value


def bounded_text(path: str, *, max_length: int) -> Callable[[Any, Any, Any], None]:
    """An attrs validator for :func:`check_text`."""

    def validate(_: Any, __: Any, value: Any) -> None:
        check_text(value, path, max_length=max_length)

    return validate


def optional_bounded_text(path: str, *, max_length: int) -> Callable[[Any, Any, Any], None]:
    """Like :func:`bounded_text`, but ``None`` passes."""

    def validate(_: Any, __: Any, value: Any) -> None:
        if value is not None:
            check_text(value, path, max_length=max_length)

    return validate
