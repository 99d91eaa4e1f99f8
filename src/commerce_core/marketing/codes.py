"""Redeem codes (兑换码): how a typed code is matched, how codes are generated, and the
read models of codes, batches and grants.

A customer types a code from a poster, a receipt or a chat message: in another case, with
fullwidth characters from a Chinese input method, with Cyrillic or Greek letters that look
Latin, with spaces or dashes, or with O for 0 and I or L for 1. :func:`code_key` folds all of
these to one key, so the code still matches, and two codes that fold to the same key cannot
both exist. Generated codes use an alphabet without 0, 1, O, I and L, so every generated
character is its own key character.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from datetime import datetime
from typing import Any, Final

from attrs import field, frozen

from commerce_core.kernel.errors import InputError
from commerce_core.kernel.validation import check_text

__all__ = [
    "ALPHABET",
    "BATCH_MAX",
    "CODE_MAX",
    "CodeBatch",
    "CouponCode",
    "CouponGrant",
    "GrantReport",
    "GrantSkip",
    "check_code",
    "code_key",
    "generate_code",
]

#: The characters of generated codes: digits and upper-case Latin letters without 0/O,
#: 1/I/L, which customers confuse when they copy a code by hand.
ALPHABET: Final = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
#: Random characters in a generated code (31**12 ≈ 8·10**17 codes: unguessable in practice).
RANDOM_LENGTH: Final = 12
#: Longest code, as typed or shown.
CODE_MAX: Final = 64
#: Shortest key of a code chosen by staff (a short shared code is easy to guess).
KEY_MIN: Final = 4
#: Most codes one batch may hold.
BATCH_MAX: Final = 10_000
#: Longest prefix of generated codes.
PREFIX_MAX: Final = 16

# Letters of other scripts that look like Latin ones, as a customer would read them.
_LOOK_ALIKES: Final = str.maketrans(
    # Cyrillic capitals and small letters
    "АВЕЅІЈКМНОРСТУХаеѕіјкморсухԁԛԝһүӏ"
    # Greek capitals and small letters
    "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧαικνορτυχ",
    "ABESIJKMHOPCTYXaesijkmopcyxdqwhylABEZHIKMNOPTYXaikvoptux",
)
_DIGIT_LOOK_ALIKES: Final = str.maketrans({"o": "0", "i": "1", "l": "1"})
_KEY: Final = re.compile(r"[0-9a-z]+")


def _separator(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) == "Pd" or ch == "_"


def code_key(code: str) -> str:
    """The lookup key of a code: NFKC (fullwidth folded), Cyrillic and Greek look-alikes
    folded to Latin, casefolded, spaces and dashes dropped, O read as 0 and I or L as 1.

    ``code_key("ＳＵＭ-MER 2O26") == code_key("summer2026") == "summer2026"``.
    """
    folded = unicodedata.normalize("NFKC", code).translate(_LOOK_ALIKES).casefold()
    kept = "".join(ch for ch in folded if not _separator(ch))
    return unicodedata.normalize("NFKC", kept).translate(_DIGIT_LOOK_ALIKES)


def check_code(code: object, path: str = "code") -> str:
    """Validate a code chosen by staff and return its key: single-line text whose key is
    4 to 64 Latin letters and digits (after the folding of :func:`code_key`)."""
    text = check_text(code, path, max_length=CODE_MAX)
    key = code_key(text)
    if not _KEY.fullmatch(key):
        raise InputError.for_field(path, "a code is made of letters and digits (and - or spaces)")
    if len(key) < KEY_MIN:
        raise InputError.for_field(path, f"a code has at least {KEY_MIN} letters or digits")
    return key


def generate_code(prefix: str | None = None) -> str:
    """A new random code from :data:`ALPHABET` (``secrets``), shown in groups of four after
    the prefix: ``SPRING-7KQ2-M9XD-H3TP``."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    groups = [body[i : i + 4] for i in range(0, RANDOM_LENGTH, 4)]
    return "-".join([prefix, *groups] if prefix else groups)


def _text(path: str, max_length: int) -> Any:
    def validate(_: Any, __: Any, value: Any) -> None:
        check_text(value, path, max_length=max_length)

    return validate


@frozen
class CouponCode:
    """A redeem code (兑换码) for a coupon template: single-use (one customer, once) or
    shared (many customers, each once, at most the template's total limit in all)."""

    code: str = field(validator=_text("code", CODE_MAX))
    key: str
    template: str
    single_use: bool
    created_at: datetime
    batch: str | None = None
    expires_at: datetime | None = None
    redemptions: int = 0


@frozen
class CodeBatch:
    """A batch of generated single-use codes; its id makes generation idempotent."""

    id: str
    template: str
    count: int
    prefix: str | None
    expires_at: datetime | None
    created_at: datetime


@frozen
class CouponGrant:
    """A staff grant (发券): its id makes it idempotent per customer; ``source`` is
    ``"list"`` or ``"segment:<id>"``."""

    id: str
    template: str
    source: str


@frozen
class GrantSkip:
    """A customer a grant gave no coupon to, and why: ``total`` (the template's uses are
    used up) or ``per_customer`` (this customer has used the per-customer limit)."""

    customer: str
    reason: str


@frozen
class GrantReport:
    """What a grant did: ``granted`` pairs each customer with their coupon id (the same
    ids when the grant runs again), ``skipped`` says who got none and why."""

    grant: str
    template: str
    granted: tuple[tuple[str, str], ...]
    skipped: tuple[GrantSkip, ...]
