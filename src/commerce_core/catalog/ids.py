"""Typed ids of the catalog context."""

from __future__ import annotations

from typing import NewType

__all__ = ["BrandId", "CategoryId", "ProductId", "ReviewId", "SkuId", "TagId"]

CategoryId = NewType("CategoryId", str)
ProductId = NewType("ProductId", str)
SkuId = NewType("SkuId", str)
BrandId = NewType("BrandId", str)
TagId = NewType("TagId", str)
ReviewId = NewType("ReviewId", str)
