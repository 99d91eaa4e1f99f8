"""Brands (品牌) and tags (标签): small named aggregates products point at by id."""

from __future__ import annotations

from datetime import datetime

from attrs import define, field

from commerce_core.catalog.ids import BrandId, TagId
from commerce_core.catalog.product_events import BrandCreated, BrandRenamed, TagCreated, TagRenamed
from commerce_core.kernel.messages import DomainEvent
from commerce_core.kernel.validation import check_text, match_key

__all__ = ["BRAND_NAME_MAX", "TAG_NAME_MAX", "Brand", "Tag", "name_key"]

BRAND_NAME_MAX = 64
TAG_NAME_MAX = 32


def name_key(name: str) -> str:
    """How brand and tag names are compared for uniqueness: NFKC and case-folded."""
    return match_key(name)


@define(eq=False)
class Brand:
    """A brand; its name is unique in the shop (compared by :func:`name_key`)."""

    id: BrandId
    name: str
    version: int = 0
    events: list[DomainEvent] = field(factory=list, repr=False)

    @classmethod
    def create(cls, id: BrandId, name: str, *, at: datetime) -> Brand:
        """A new brand."""
        brand = cls(id, check_text(name, "name", max_length=BRAND_NAME_MAX))
        brand.events.append(BrandCreated(brand=id, name=name, at=at))
        return brand

    def rename(self, name: str, *, at: datetime) -> None:
        """Give the brand a new name; the same name records nothing."""
        check_text(name, "name", max_length=BRAND_NAME_MAX)
        if name == self.name:
            return
        old, self.name = self.name, name
        self.events.append(BrandRenamed(brand=self.id, old_name=old, new_name=name, at=at))


@define(eq=False)
class Tag:
    """A tag (标签) products carry; unique by name, merged rather than duplicated."""

    id: TagId
    name: str
    version: int = 0
    events: list[DomainEvent] = field(factory=list, repr=False)

    @classmethod
    def create(cls, id: TagId, name: str, *, at: datetime) -> Tag:
        """A new tag."""
        tag = cls(id, check_text(name, "name", max_length=TAG_NAME_MAX))
        tag.events.append(TagCreated(tag=id, name=name, at=at))
        return tag

    def rename(self, name: str, *, at: datetime) -> None:
        """Give the tag a new name; the same name records nothing."""
        check_text(name, "name", max_length=TAG_NAME_MAX)
        if name == self.name:
            return
        old, self.name = self.name, name
        self.events.append(TagRenamed(tag=self.id, old_name=old, new_name=name, at=at))
