"""attrs validators that turn bad values into :class:`InputError` naming the field."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from commerce_core.kernel.errors import InputError

__all__ = ["bounded_text", "check_text", "match_key", "optional_bounded_text"]

# Control (Cc), format (Cf: zero-width spaces and joiners, soft hyphen, BOM, bidi marks),
# surrogate (Cs) and line/paragraph separator (Zl, Zp) characters: invisible or unencodable,
# they make two texts that look the same compare different.
_REFUSED = {
    "Cc": "control characters",
    "Cf": "invisible format characters (zero-width space, soft hyphen, bidi marks …)",
    "Cs": "lone surrogates (not valid Unicode text)",
    "Zl": "line separators",
    "Zp": "paragraph separators",
}


def match_key(text: str) -> str:
    """The form two names are compared in: NFKC-normalized and case-folded.

    "Café" (NFC or NFD), "CAFÉ" and fullwidth "Ｃａｆé" all give the same key.
    """
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def check_text(value: object, path: str, *, max_length: int, min_length: int = 1) -> str:
    """Validate a single-line text: a str of valid Unicode without control or invisible
    format characters, not blank, no surrounding whitespace, bounded in length."""
    if not isinstance(value, str):
        raise InputError.for_field(path, f"expected text, got {type(value).__name__}")
    if len(value) > max_length * 4:  # before scanning a huge value
        raise InputError.for_field(path, f"must be at most {max_length} characters")
    # Printable text has none of the refused categories: skip the scan (bulk imports).
    for ch in () if value.isprintable() else value:
        kind = _REFUSED.get(unicodedata.category(ch))
        if kind is not None:
            raise InputError.for_field(path, f"must not contain {kind}; found U+{ord(ch):04X}")
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
