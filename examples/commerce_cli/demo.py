"""``commerce demo``: build a realistic category tree and show what the catalog allows and refuses.

:func:`run_demo` takes any :class:`Commerce`, so it runs the same on ``memory://`` in a test
as on the SQLite file the command line gives it.
"""

from __future__ import annotations

import attrs
from attrs import frozen
from rich.console import Console
from rich.text import Text

from commerce_cli.customers_demo import CustomersDemoResult, run_customers_demo
from commerce_cli.demo_products import seed_products
from commerce_cli.pricing import run_pricing_demo
from commerce_cli.render import category_tree
from commerce_cli.stock import stock_demo
from commerce_core import Actor, Commerce, CommerceError
from commerce_core.catalog import (
    CategoryId,
    CreateCategory,
    DeleteCategory,
    MoveCategory,
    RenameCategory,
    ReorderCategories,
)

__all__ = ["SAMPLE_TREE", "DemoResult", "run_demo"]

Sample = tuple[str, tuple["Sample", ...]]

#: The tree the demo starts from: (name, children). Two entries are "mistakes" the demo
#: then fixes: a misnamed category (renamed) and one under the wrong parent (moved).
SAMPLE_TREE: tuple[Sample, ...] = (
    (
        "服装 Apparel",
        (
            ("男装 Menswear", (("T恤 T-shirts", ()), ("衬衫 Shirts", ()), ("夹克 Jackets", ()))),
            ("女装 Womenswear", (("连衣裙 Dresses", ()), ("半身裙 Skirts", ()))),
            ("童装 Kidswear", ()),
        ),
    ),
    (
        "数码 Electronics",
        (
            ("手机 Phones", (("智能手机 Smartphones", ()), ("平板 Tablets", ()))),
            ("电脑 Computers", (("笔记本电脑 Notebook PCs", ()), ("显示器 Monitors", ()))),
            ("耳机 Headphones", ()),
        ),
    ),
    ("家居 Home & Living", (("厨具 Kitchenware", ()), ("床上用品 Bedding", ()))),
    ("食品 Food & Grocery", (("零食 Snacks", ()), ("茶叶 Tea", ()))),
)


@frozen
class DemoResult:
    """What the demo did: the ids it made by name, and the codes of the refusals it met."""

    ids: dict[str, CategoryId]
    refusals: tuple[str, ...]
    category_count: int
    depth: int
    customers: CustomersDemoResult | None = None
    products: int = 0


def _step(console: Console, title: str, detail: str = "") -> None:
    line = Text("▸ ", style="cyan")
    line.append(title, style="bold")
    if detail:
        line.append(f"  {detail}")
    console.print(line, soft_wrap=True)


def _refused(console: Console, exc: CommerceError) -> None:
    line = Text("    refused ", style="yellow")
    line.append(f"[{exc.code}]", style="bold yellow")
    line.append(f" {exc.message}", style="dim")
    console.print(line, soft_wrap=True)


def run_demo(commerce: Commerce, console: Console, *, actor: Actor) -> DemoResult:
    """Build :data:`SAMPLE_TREE`, then rename, move, reorder, and try two refused changes."""
    ids: dict[str, CategoryId] = {}
    refusals: list[str] = []

    def create(children: tuple[Sample, ...], parent: CategoryId | None) -> None:
        for name, grandchildren in children:
            ids[name] = commerce.execute(CreateCategory(name=name, parent=parent), actor=actor)
            create(grandchildren, ids[name])

    create(SAMPLE_TREE, None)
    _step(console, f"Created {len(ids)} categories", "(3 levels, 中英文 names)")

    old, new = "笔记本电脑 Notebook PCs", "笔记本 Laptops"
    commerce.execute(RenameCategory(category=ids[old], name=new), actor=actor)
    ids[new] = ids.pop(old)
    _step(console, "Renamed", f"{old} → {new}")

    commerce.execute(
        MoveCategory(category=ids["平板 Tablets"], parent=ids["电脑 Computers"], position=1),
        actor=actor,
    )
    _step(console, "Moved", "平板 Tablets: 手机 Phones → 电脑 Computers (2nd place)")

    top = ("数码 Electronics", "服装 Apparel", "食品 Food & Grocery", "家居 Home & Living")
    commerce.execute(ReorderCategories(parent=None, order=tuple(ids[n] for n in top)), actor=actor)
    _step(console, "Reordered the top level", " · ".join(top))

    _step(console, "Tried to move 数码 Electronics under its own child 手机 Phones")
    try:
        commerce.execute(
            MoveCategory(category=ids["数码 Electronics"], parent=ids["手机 Phones"]), actor=actor
        )
    except CommerceError as exc:
        refusals.append(exc.code)
        _refused(console, exc)

    _step(console, "Tried to delete 服装 Apparel, which still has subcategories")
    try:
        commerce.execute(DeleteCategory(category=ids["服装 Apparel"]), actor=actor)
    except CommerceError as exc:
        refusals.append(exc.code)
        _refused(console, exc)

    products, product_refusals = seed_products(commerce, console, actor=actor, ids=ids)
    refusals.extend(product_refusals)

    forest = commerce.categories.tree()
    walked = [pair for node in forest for pair in node.walk()]
    console.print()
    console.print(category_tree(forest))
    console.print()
    _step(console, "Received stock and took orders", "(库存 and a low-stock alert)")
    stock_demo(commerce, console, actor=actor)
    result = DemoResult(
        ids=ids,
        refusals=tuple(refusals),
        category_count=len(walked),
        depth=1 + max((depth for depth, _ in walked), default=-1),
        products=products,
    )
    console.print(
        Text(
            f"{result.category_count} categories, {result.depth} levels, "
            f"{result.products} products; "
            f"1 rename, 1 move, 1 reorder; refused: {', '.join(result.refusals) or 'nothing'}",
            style="green",
        )
    )
    console.print()
    members = run_customers_demo(commerce, console, actor=actor)
    run_pricing_demo(commerce, console, actor=actor)
    return attrs.evolve(result, customers=members)
