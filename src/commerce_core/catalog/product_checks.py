"""Checks of a product's parts, shared by the aggregate's methods."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from commerce_core.catalog.media import MEDIA_PER_OWNER_MAX, Attribute, MediaRef
from commerce_core.catalog.product_errors import DuplicateBarcode
from commerce_core.catalog.product_values import (
    SKUS_PER_PRODUCT_MAX,
    SPECS_PER_PRODUCT_MAX,
    TITLE_MAX,
    Sku,
    SpecAttribute,
)
from commerce_core.kernel.errors import InputError
from commerce_core.kernel.validation import check_text, match_key

__all__ = [
    "check_attributes",
    "check_media",
    "check_specs",
    "check_subtitle",
    "check_unique_barcode",
]


def check_specs(specs: Sequence[SpecAttribute]) -> None:
    """Spec attributes: at most five, distinct names and values, a bounded matrix."""
    if len(specs) > SPECS_PER_PRODUCT_MAX:
        raise InputError.for_field("specs", f"at most {SPECS_PER_PRODUCT_MAX} spec attributes")
    names: set[str] = set()
    for i, spec in enumerate(specs):
        if not isinstance(spec, SpecAttribute):
            raise InputError.for_field(f"specs[{i}]", "must be a spec attribute")
        if match_key(spec.name) in names:
            raise InputError.for_field(f"specs[{i}].name", f"{spec.name!r} is listed twice")
        names.add(match_key(spec.name))
        if not spec.values:
            raise InputError.for_field(f"specs[{i}].values", "needs at least one value")
        keys = [match_key(v) for v in spec.values]
        if len(set(keys)) != len(keys):
            raise InputError.for_field(f"specs[{i}].values", "a value is listed twice")
    size = math.prod(len(s.values) for s in specs)
    if size > SKUS_PER_PRODUCT_MAX:
        raise InputError.for_field(
            "specs", f"{size} combinations; a product has at most {SKUS_PER_PRODUCT_MAX} SKUs"
        )


def check_media(media: object, path: str) -> tuple[MediaRef, ...]:
    """An ordered list of media references, at most thirty."""
    if not isinstance(media, tuple | list) or not all(isinstance(m, MediaRef) for m in media):
        raise InputError.for_field(path, "must be a list of media references")
    if len(media) > MEDIA_PER_OWNER_MAX:
        raise InputError.for_field(path, f"at most {MEDIA_PER_OWNER_MAX} media")
    return tuple(media)


def check_attributes(attributes: Iterable[Attribute]) -> tuple[Attribute, ...]:
    """Typed attributes with distinct names, sorted by name."""
    out = tuple(attributes)
    seen: set[str] = set()
    for i, attribute in enumerate(out):
        if not isinstance(attribute, Attribute):
            raise InputError.for_field(f"attributes[{i}]", "must be an attribute")
        if attribute.name in seen:
            raise InputError.for_field(f"attributes[{i}].name", f"{attribute.name!r} is twice")
        seen.add(attribute.name)
    return tuple(sorted(out, key=lambda a: a.name))


def check_subtitle(value: str | None) -> str | None:
    """A subtitle: single-line text, or None."""
    return None if value is None else check_text(value, "subtitle", max_length=TITLE_MAX)


def check_unique_barcode(skus: Iterable[Sku], barcode: str) -> None:
    """Refuse a barcode another of these SKUs already has."""
    for other in skus:
        if other.barcode == barcode:
            raise DuplicateBarcode(barcode, other.code)
