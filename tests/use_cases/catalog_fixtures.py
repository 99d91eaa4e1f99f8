"""Shared builders for the product tests: a small bilingual catalog."""

from __future__ import annotations

from commerce_core import Actor, Commerce, Money
from commerce_core.catalog import (
    CategoryId,
    CreateCategory,
    CreateProduct,
    MediaKind,
    MediaRef,
    ProductId,
    SkuInput,
    SpecAttribute,
)

IMAGE = MediaRef(
    MediaKind.IMAGE,
    "https://img.example.com/tee.jpg",
    "image/jpeg",
    size_bytes=120_000,
    width=800,
    height=800,
    alt="T恤 正面",
)
COLOR = SpecAttribute("颜色", ("红", "蓝"))
SIZE = SpecAttribute("尺码", ("S", "M", "L"))


def yuan(text: str) -> Money:
    return Money.of(text)


def category(shop: Commerce, staff: Actor, name: str = "服装 Apparel") -> CategoryId:
    return shop.execute(CreateCategory(name=name), actor=staff)


def tee(
    shop: Commerce,
    staff: Actor,
    *,
    code: str = "TEE",
    title: str = "Cotton tee 纯棉T恤",
    cat: CategoryId | None = None,
    price: str | None = "59.00",
    media: tuple[MediaRef, ...] = (IMAGE,),
    skus: tuple[SkuInput, ...] = (),
) -> ProductId:
    return shop.execute(
        CreateProduct(
            code=code,
            title=title,
            category=cat,
            specs=(COLOR, SIZE),
            skus=skus,
            media=media,
            default_price=yuan(price) if price is not None else None,
        ),
        actor=staff,
    )
