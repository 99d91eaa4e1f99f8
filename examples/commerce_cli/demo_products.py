"""The demo's products: a bilingual catalog of a few hundred products, imported in bulk."""

from __future__ import annotations

import csv
import io
import json

from rich.console import Console
from rich.text import Text

from commerce_core import Actor, Commerce, CommerceError, Money, PageRequest
from commerce_core.catalog import (
    CategoryId,
    CreateProduct,
    ImportProducts,
    ProductSearch,
    ProductSort,
    ProductStatus,
    PublishProduct,
    SetSkuPrice,
    SkuInput,
)

__all__ = ["seed_products"]

#: (category name in the demo tree, brand, noun 中文, noun English, specs, base price)
LINES: tuple[tuple[str, str, str, str, dict[str, list[str]], int], ...] = (
    (
        "T恤 T-shirts",
        "棉里 Cottonly",
        "纯棉T恤",
        "Cotton tee",
        {"颜色": ["白 white", "黑 black"], "尺码": ["S", "M", "L"]},
        59,
    ),
    (
        "衬衫 Shirts",
        "棉里 Cottonly",
        "牛津纺衬衫",
        "Oxford shirt",
        {"颜色": ["蓝 blue", "白 white"], "尺码": ["M", "L"]},
        159,
    ),
    ("夹克 Jackets", "山野 Wildpeak", "防风夹克", "Windbreaker", {"尺码": ["M", "L", "XL"]}, 399),
    ("连衣裙 Dresses", "花间 Florae", "碎花连衣裙", "Floral dress", {"尺码": ["S", "M"]}, 269),
    (
        "智能手机 Smartphones",
        "极光 Aurora",
        "智能手机",
        "Smartphone",
        {"存储 storage": ["128GB", "256GB"]},
        2999,
    ),
    (
        "笔记本 Laptops",
        "极光 Aurora",
        "轻薄笔记本",
        "Ultrabook",
        {"内存 memory": ["16GB", "32GB"]},
        5999,
    ),
    (
        "耳机 Headphones",
        "声浪 Sonica",
        "降噪耳机",
        "ANC headphones",
        {"颜色": ["黑 black", "银 silver"]},
        899,
    ),
    (
        "厨具 Kitchenware",
        "厨道 ChefWay",
        "不粘锅",
        "Non-stick pan",
        {"尺寸 size": ["24cm", "28cm"]},
        189,
    ),
    (
        "茶叶 Tea",
        "云雾 Cloudmist",
        "龙井绿茶",
        "Longjing green tea",
        {"规格 pack": ["100g", "250g"]},
        128,
    ),
    ("零食 Snacks", "脆脆 Crunchy", "坚果礼盒", "Nut gift box", {}, 99),
)
PER_LINE = 30


def _catalog_csv(ids: dict[str, CategoryId]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "product_code",
            "title",
            "category",
            "brand",
            "tags",
            "status",
            "specs",
            "attributes",
            "media",
            "sku_code",
            "options",
            "price",
            "list_price",
            "weight_grams",
        ]
    )
    for line_no, (category, brand, zh, en, specs, base) in enumerate(LINES):
        names = list(specs)
        combos: list[dict[str, str]] = [{}]
        for name in names:
            combos = [{**c, name: v} for c in combos for v in specs[name]]
        for n in range(PER_LINE):
            code = f"D{line_no:02d}{n:03d}"
            tags = "新品 new" if n % 3 == 0 else ("热卖 hot" if n % 3 == 1 else "")
            media = [
                {
                    "kind": "image",
                    "location": f"demo/{code}.jpg",
                    "mime": "image/jpeg",
                    "width": 800,
                    "height": 800,
                    "alt": f"{zh} {en}",
                }
            ]
            attributes = {
                "产地 origin": ["浙江 Zhejiang", "广东 Guangdong"][n % 2],
                "包邮 free shipping": n % 2 == 0,
            }
            for k, combo in enumerate(combos):
                first = k == 0
                price = Money.of(base) + Money.of(n % 7 * 10 + k * 5)
                writer.writerow(
                    [
                        code,
                        f"{zh} {en} #{n + 1}" if first else "",
                        ids[category] if first else "",
                        brand if first else "",
                        tags if first else "",
                        "on_shelf" if first and n % 4 != 3 else "" if not first else "draft",
                        json.dumps([[name, specs[name]] for name in names], ensure_ascii=False)
                        if first
                        else "",
                        json.dumps(attributes, ensure_ascii=False) if first else "",
                        json.dumps(media, ensure_ascii=False) if first else "",
                        f"{code}-{k + 1}",
                        json.dumps(combo, ensure_ascii=False),
                        str(price.to_decimal()),
                        str((price + Money.of(50)).to_decimal()) if n % 5 == 0 else "",
                        str(200 + k * 20),
                    ]
                )
    return out.getvalue()


def seed_products(
    commerce: Commerce, console: Console, *, actor: Actor, ids: dict[str, CategoryId]
) -> tuple[int, list[str]]:
    """Import the demo catalog, then show a search, a price change and a refused publish."""
    report = commerce.execute(ImportProducts(format="csv", data=_catalog_csv(ids)), actor=actor)
    products = report.created
    console.print(
        Text(f"▸ Imported {products} products (中英文, {len(LINES)} lines, brands, tags, specs)")
    )
    refusals: list[str] = []
    page = commerce.catalog.products.search(
        ProductSearch(
            category=ids["数码 Electronics"],
            status=ProductStatus.ON_SHELF,
            max_price=Money.of("3000"),
            sort=ProductSort.PRICE,
        ),
        PageRequest(limit=3),
    )
    for summary in page.items:
        console.print(Text(f"    {summary.title}  from {summary.min_price}", style="dim"))
    first = commerce.catalog.products.by_code("D00000")
    commerce.execute(
        SetSkuPrice(product=first.id, sku="D00000-1", price=Money.of("49.00")), actor=actor
    )
    console.print(Text("▸ Repriced D00000-1 to ¥49.00 (recorded in the price history)"))
    console.print(Text("▸ Tried to reuse the SKU code D00000-1 on a new product"))
    draft = commerce.catalog.products.by_code("D00003")
    commerce.execute(PublishProduct(product=draft.id), actor=actor)
    console.print(Text(f"▸ Published {draft.title} (上架)"))
    try:
        commerce.execute(
            CreateProduct(
                code="DUP", title="重复 Duplicate", skus=(SkuInput(options=(), code="D00000-1"),)
            ),
            actor=actor,
        )
    except CommerceError as exc:
        refusals.append(exc.code)
        console.print(
            Text(f"    refused [{exc.code}] {exc.message}", style="yellow"), soft_wrap=True
        )
    return products, refusals
