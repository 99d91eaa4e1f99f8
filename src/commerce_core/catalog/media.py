"""Media references (图片, 视频) and typed product attributes (参数): value objects."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any

from attrs import field, frozen

from commerce_core.kernel.errors import InputError
from commerce_core.kernel.validation import check_text

__all__ = [
    "ATTRIBUTE_NAME_MAX",
    "ATTRIBUTE_TEXT_MAX",
    "MEDIA_PER_OWNER_MAX",
    "Attribute",
    "AttributeKind",
    "MediaKind",
    "MediaRef",
    "check_number",
]

MEDIA_PER_OWNER_MAX = 30
ATTRIBUTE_NAME_MAX = 32
ATTRIBUTE_TEXT_MAX = 200
#: Number attributes are exact decimals with at most this many decimals and below 10**12,
#: so every backend can store and compare them as scaled 64-bit integers.
NUMBER_DECIMALS = 6
NUMBER_LIMIT = Decimal(10) ** 12


class MediaKind(StrEnum):
    """What a media reference points at."""

    IMAGE = "image"
    VIDEO = "video"


_MIME_PREFIX = {MediaKind.IMAGE: "image/", MediaKind.VIDEO: "video/"}


def _positive_or_none(path: str) -> Any:
    def validate(_: object, __: object, value: object) -> None:
        if value is not None and (type(value) is not int or not 0 < value < 2**63):
            raise InputError.for_field(path, "must be a positive integer (or omitted)")

    return validate


def _location(_: object, __: object, value: Any) -> None:
    check_text(value, "location", max_length=1000)


def _mime(_: object, __: object, value: Any) -> None:
    text = check_text(value, "mime", max_length=100)
    if "/" not in text or " " in text:
        raise InputError.for_field("mime", "must be a MIME type such as 'image/jpeg'")


def _alt(_: object, __: object, value: Any) -> None:
    if value is not None:
        check_text(value, "alt", max_length=200)


@frozen
class MediaRef:
    """A reference to an image or a video: a URL or a storage key, never the bytes.

    ``location`` is a URL (``https://…``) or a key in the shop's :class:`MediaStore`.
    Images carry ``width``/``height`` (pixels); videos may add ``duration_ms``.
    """

    kind: MediaKind = field(converter=MediaKind)
    location: str = field(validator=_location)
    mime: str = field(validator=_mime)
    size_bytes: int | None = field(default=None, validator=_positive_or_none("size_bytes"))
    width: int | None = field(default=None, validator=_positive_or_none("width"))
    height: int | None = field(default=None, validator=_positive_or_none("height"))
    duration_ms: int | None = field(default=None, validator=_positive_or_none("duration_ms"))
    alt: str | None = field(default=None, validator=_alt)

    def __attrs_post_init__(self) -> None:
        if not self.mime.startswith(_MIME_PREFIX[self.kind]):
            raise InputError.for_field(
                "mime", f"a {self.kind.value} needs a {_MIME_PREFIX[self.kind]}* MIME type"
            )
        if self.kind is MediaKind.IMAGE and self.duration_ms is not None:
            raise InputError.for_field("duration_ms", "only videos have a duration")


class AttributeKind(StrEnum):
    """The type of a non-spec attribute (材质 material, 产地 origin …)."""

    TEXT = "text"
    NUMBER = "number"
    BOOL = "bool"


def check_number(value: object, path: str) -> Decimal:
    """An exact number attribute: a Decimal (or decimal string) within the stored range."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise InputError.for_field(path, "must be an exact decimal, e.g. '1.5'")
    try:
        number = Decimal(value)
    except ArithmeticError:
        raise InputError.for_field(path, f"{value!r} is not a number") from None
    if not number.is_finite() or abs(number) >= NUMBER_LIMIT:
        raise InputError.for_field(path, "must be a finite number below 10**12")
    if number != number.quantize(Decimal(1).scaleb(-NUMBER_DECIMALS)):
        raise InputError.for_field(path, f"at most {NUMBER_DECIMALS} decimals")
    return number


@frozen
class Attribute:
    """A typed non-spec attribute: ``name`` with a text, number or bool value.

    Search filters on them: text and bool by equality, numbers by range.
    """

    name: str
    kind: AttributeKind = field(converter=AttributeKind)
    text: str | None = None
    number: Decimal | None = None
    flag: bool | None = None

    def __attrs_post_init__(self) -> None:
        check_text(self.name, "name", max_length=ATTRIBUTE_NAME_MAX)
        given = [v is not None for v in (self.text, self.number, self.flag)]
        wanted = {AttributeKind.TEXT: 0, AttributeKind.NUMBER: 1, AttributeKind.BOOL: 2}[self.kind]
        if given != [i == wanted for i in range(3)]:
            raise InputError.for_field(
                "value", f"a {self.kind.value} attribute needs exactly its {self.kind.value} value"
            )
        if self.text is not None:
            check_text(self.text, "text", max_length=ATTRIBUTE_TEXT_MAX)
        if self.number is not None:
            object.__setattr__(self, "number", check_number(self.number, "number"))
        if self.flag is not None and not isinstance(self.flag, bool):
            raise InputError.for_field("flag", "must be true or false")

    @classmethod
    def of(cls, name: str, value: str | Decimal | int | bool) -> Attribute:
        """Build from a Python value: str → text, bool → bool, int/Decimal → number."""
        if isinstance(value, bool):
            return cls(name, AttributeKind.BOOL, flag=value)
        if isinstance(value, str):
            return cls(name, AttributeKind.TEXT, text=value)
        return cls(name, AttributeKind.NUMBER, number=check_number(value, "value"))

    @property
    def value(self) -> str | Decimal | bool:
        """The value, whatever its kind."""
        if self.kind is AttributeKind.TEXT:
            assert self.text is not None
            return self.text
        if self.kind is AttributeKind.NUMBER:
            assert self.number is not None
            return self.number
        assert self.flag is not None
        return self.flag
