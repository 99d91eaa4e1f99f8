"""Minimal, dependency-free checks of phone numbers and email addresses.

See ``docs/decisions/0010-customer-contact-validation.md``: the core keeps to attrs and cattrs,
so these checks catch what is plainly wrong (letters in a phone number, an email without a
domain) and normalize what is harmless (spaces, hyphens, a domain's letter case). Whether a
number or mailbox really exists is a question for an SMS or email round trip, not a regex.
"""

from __future__ import annotations

import re

from commerce_core.kernel.errors import InputError

__all__ = ["normalize_email", "normalize_phone"]

_SEPARATORS = re.compile(r"[\s\-().]")
#: E.164: a country code and subscriber number, 8 to 15 digits in all, no leading zero.
_E164 = re.compile(r"\+[1-9][0-9]{7,14}")
#: A mainland China mobile number (手机号) written without the +86 prefix.
_CN_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")


def normalize_phone(value: object, path: str = "phone") -> str:
    """A phone number in E.164 form (``+8613800138000``).

    Accepts ``+<country code><number>`` with spaces, hyphens, dots or brackets between the
    digits, or an 11-digit mainland mobile number (taken as +86). Anything else is an
    :class:`InputError` on ``path``.
    """
    if not isinstance(value, str) or len(value) > 40:
        raise InputError.for_field(path, "expected a phone number such as +8613800138000")
    compact = _SEPARATORS.sub("", value)
    if _CN_MOBILE.fullmatch(compact):
        return "+86" + compact
    if _E164.fullmatch(compact):
        return compact
    raise InputError.for_field(
        path,
        f"{value!r} is not a phone number: give +<country code><number> (8-15 digits) "
        "or an 11-digit mainland mobile number",
    )


def normalize_email(value: object, path: str = "email") -> str:
    """An email address with its domain lower-cased (the local part is kept as given).

    One ``@``; a dot-atom local part of at most 64 characters; a domain of at least two
    labels of letters, digits and inner hyphens (internationalized domains in their
    ``xn--`` form); at most 254 characters in all.
    """
    if not isinstance(value, str) or not 3 <= len(value) <= 254 or value.count("@") != 1:
        raise InputError.for_field(path, "expected an email address such as li.lei@example.com")
    local, domain = value.split("@")
    labels = domain.split(".")
    if (
        len(local) > 64
        or not _LOCAL.fullmatch(local)
        or len(labels) < 2
        or not all(_LABEL.fullmatch(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise InputError.for_field(
            path, f"{value!r} is not an email address such as li.lei@example.com"
        )
    return f"{local}@{domain.lower()}"
