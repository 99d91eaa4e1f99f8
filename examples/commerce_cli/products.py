"""``commerce products …``: list (商品列表), show, create, shelf moves, import and export."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from commerce_cli.render import make_console, print_json
from commerce_cli.session import DEFAULT_DB, Db, done, open_store, say
from commerce_core import Commerce, Money, PageRequest, serialization
from commerce_core.catalog import (
    CategoryId,
    CreateProduct,
    ImportFormat,
    ImportProducts,
    MediaKind,
    MediaRef,
    ProductId,
    ProductSearch,
    ProductSort,
    ProductStatus,
    ProductView,
    PublishProduct,
    SpecAttribute,
    UnpublishProduct,
    export_products,
)

__all__ = ["products_app"]

products_app = typer.Typer(help="Products and SKUs (商品与SKU).", no_args_is_help=True)

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
ProductArg = Annotated[str, typer.Argument(help="Product id or product code.")]
#: Products per command when a large import is applied (the progress bar moves per chunk).
CHUNK = 500


def _resolve(commerce: Commerce, product: str) -> ProductView:
    """A product by id, or else by product code."""
    try:
        return commerce.catalog.products.get(ProductId(product))
    except LookupError:
        return commerce.catalog.products.by_code(product)


def _price(low: Money | None, high: Money | None) -> str:
    if low is None or high is None:
        return "—"
    return str(low) if low == high else f"{low} – {high}"


@products_app.command("list")
def products_list(
    *,
    db: Db = DEFAULT_DB,
    keyword: Annotated[
        str | None, typer.Option("--keyword", "-k", help="Title, code or barcode.")
    ] = None,
    category: Annotated[
        str | None, typer.Option("--category", help="Category id (with descendants).")
    ] = None,
    status: Annotated[
        ProductStatus | None, typer.Option("--status", help="Lifecycle status.")
    ] = None,
    sort: Annotated[ProductSort, typer.Option("--sort", help="Sort field.")] = ProductSort.CREATED,
    descending: Annotated[bool, typer.Option("--desc", help="Sort descending.")] = False,
    limit: Annotated[int, typer.Option("--limit", help="Page size, 1 to 500.")] = 50,
    after: Annotated[
        str | None, typer.Option("--after", help="Cursor of the previous page.")
    ] = None,
    as_json: Json = False,
) -> None:
    """Search products, a page at a time."""
    with open_store(db, as_json=as_json) as (commerce, _):
        query = ProductSearch(
            keyword=keyword,
            category=CategoryId(category) if category else None,
            status=status,
            sort=sort,
            descending=descending,
        )
        page = commerce.catalog.products.search(query, PageRequest(limit=limit, after=after))
    if as_json:
        print_json(
            {"items": serialization.unstructure(page.items), "next_cursor": page.next_cursor}
        )
        return
    if not page.items:
        say("No products found.")
        return
    table = Table("code", "title", "status", "price", "SKUs", "id")
    for p in page.items:
        table.add_row(
            Text(p.code),
            Text(p.title),
            p.status.value,
            _price(p.min_price, p.max_price),
            str(p.sku_count),
            Text(p.id, style="dim"),
        )
    say(table)
    if page.next_cursor is not None:
        say(Text(f"More: --after {page.next_cursor}", style="dim"))


@products_app.command("show")
def products_show(product: ProductArg, db: Db = DEFAULT_DB, as_json: Json = False) -> None:
    """Show one product with its SKUs."""
    with open_store(db, as_json=as_json) as (commerce, _):
        view = _resolve(commerce, product)
    if as_json:
        print_json(serialization.unstructure(view))
        return
    head = Text(view.title, style="bold")
    head.append(f"  {view.code}  {view.status.value}  {view.id}", style="dim")
    say(head)
    specs = " × ".join(f"{s.name}: {'/'.join(s.values)}" for s in view.specs)
    if specs:
        say(Text(specs))
    table = Table("SKU", "options", "price", "list price", "barcode", "enabled")
    for sku in view.skus:
        table.add_row(
            Text(sku.code),
            Text(" / ".join(sku.options)),
            str(sku.price) if sku.price else "—",
            str(sku.list_price) if sku.list_price else "",
            Text(sku.barcode or ""),
            "yes" if sku.enabled else "no",
        )
    say(table)


def _spec(text: str) -> SpecAttribute:
    name, sep, values = text.partition("=")
    if not sep:
        raise typer.BadParameter(f"{text!r}: write NAME=VALUE,VALUE (e.g. 颜色=红,蓝)")
    return SpecAttribute(name, tuple(values.split(",")))


@products_app.command("create")
def products_create(
    code: Annotated[str, typer.Argument(help="Product code (货号), unique in the shop.")],
    title: Annotated[str, typer.Argument(help="Title.")],
    *,
    db: Db = DEFAULT_DB,
    category: Annotated[str | None, typer.Option("--category", help="Category id.")] = None,
    spec: Annotated[
        list[str] | None, typer.Option("--spec", help="Spec attribute: 颜色=红,蓝 (repeat).")
    ] = None,
    price: Annotated[
        str | None, typer.Option("--price", help="Price of every SKU, e.g. 59.00.")
    ] = None,
    image: Annotated[
        str | None, typer.Option("--image", help="URL of a JPEG product image.")
    ] = None,
) -> None:
    """Create a draft product; its SKUs are every combination of the specs."""
    with open_store(db) as (commerce, actor):
        command = CreateProduct(
            code=code,
            title=title,
            category=CategoryId(category) if category else None,
            specs=tuple(_spec(s) for s in spec or ()),
            default_price=Money.of(price) if price is not None else None,
            media=(MediaRef(MediaKind.IMAGE, image, "image/jpeg"),) if image else (),
        )
        new_id = commerce.execute(command, actor=actor)
        skus = len(commerce.catalog.products.get(new_id).skus)
    done("Created", f"{title} ({skus} SKUs)", new_id)


@products_app.command("publish")
def products_publish(product: ProductArg, db: Db = DEFAULT_DB) -> None:
    """Put a product on shelf (上架)."""
    with open_store(db) as (commerce, actor):
        view = _resolve(commerce, product)
        commerce.execute(PublishProduct(product=view.id), actor=actor)
    done("On shelf", view.title, view.id)


@products_app.command("unpublish")
def products_unpublish(product: ProductArg, db: Db = DEFAULT_DB) -> None:
    """Take a product off shelf (下架)."""
    with open_store(db) as (commerce, actor):
        view = _resolve(commerce, product)
        commerce.execute(UnpublishProduct(product=view.id), actor=actor)
    done("Off shelf", view.title, view.id)


def _format_of(path: Path, given: ImportFormat | None) -> ImportFormat:
    if given is not None:
        return given
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        return ImportFormat.JSONL
    return ImportFormat.CSV


def _chunks(fmt: ImportFormat, text: str) -> list[tuple[int, str]]:
    """Split a file into whole products, ``CHUNK`` at a time: (products, text) pairs."""
    if fmt is ImportFormat.JSONL:
        lines = [line for line in text.splitlines() if line.strip()]
        return [
            (len(lines[i : i + CHUNK]), "\n".join(lines[i : i + CHUNK]) + "\n")
            for i in range(0, len(lines), CHUNK)
        ]
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return []
    header, body = rows[0], rows[1:]
    key = header.index("product_code") if "product_code" in header else 0
    groups: dict[str, list[list[str]]] = {}
    for row in body:
        groups.setdefault(row[key] if key < len(row) else "", []).append(row)
    products = list(groups.values())
    out = []
    for i in range(0, len(products), CHUNK):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        part = products[i : i + CHUNK]
        for group in part:
            writer.writerows(group)
        out.append((len(part), buffer.getvalue()))
    return out


@products_app.command("import")
def products_import(
    file: Annotated[
        Path, typer.Argument(help="A .csv or .jsonl file.", exists=True, dir_okay=False)
    ],
    db: Db = DEFAULT_DB,
    fmt: Annotated[
        ImportFormat | None, typer.Option("--format", help="csv or jsonl (default: by extension).")
    ] = None,
    partial: Annotated[
        bool, typer.Option("--partial", help="Apply the good rows, report the bad.")
    ] = False,
) -> None:
    """Import products with their SKUs: every row is checked before anything is applied."""
    form = _format_of(file, fmt)
    text = file.read_text(encoding="utf-8-sig")
    console = make_console()
    with open_store(db) as (commerce, actor):
        # Pass 1 checks every row of the whole file (a refusal lists each bad one and
        # nothing is applied); pass 2 applies it a chunk at a time under a progress bar.
        check = commerce.execute(
            ImportProducts(format=form, data=text, partial=partial, dry_run=True), actor=actor
        )
        chunks = _chunks(form, text)
        created = updated = unchanged = 0
        with Progress(
            TextColumn("Importing"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=sum(n for n, _ in chunks) < CHUNK,
        ) as bar:
            task = bar.add_task("import", total=sum(n for n, _ in chunks))
            for count, part in chunks:
                report = commerce.execute(
                    ImportProducts(format=form, data=part, partial=partial), actor=actor
                )
                created += report.created
                updated += report.updated
                unchanged += report.unchanged
                bar.advance(task, count)
    for error in check.errors:
        console.print(
            Text(f"  skipped {error.path}: {error.message}", style="yellow"), soft_wrap=True
        )
    say(
        Text(
            f"Imported {file.name}: {created} created, {updated} updated, {unchanged} unchanged"
            + (
                f", {len({e.path.split('.')[0] for e in check.errors})} bad rows skipped"
                if check.errors
                else ""
            ),
            style="green",
        )
    )


@products_app.command("export")
def products_export(
    file: Annotated[Path | None, typer.Argument(help="Where to write (default: stdout).")] = None,
    db: Db = DEFAULT_DB,
    fmt: Annotated[ImportFormat, typer.Option("--format", help="csv or jsonl.")] = ImportFormat.CSV,
) -> None:
    """Export every product with its SKUs (the file imports back to the same catalog)."""
    with open_store(db) as (commerce, _):
        text = export_products(commerce.catalog.products, fmt)
    if file is None:
        make_console().out(text, end="", highlight=False)
    else:
        file.write_text(text, encoding="utf-8")
        say(Text(f"Wrote {file}", style="green"))
