"""Product reads in SQL: indexed statements over the catalog tables, never aggregates."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from commerce_adapters.sqlalchemy import catalog_tables as ct
from commerce_adapters.sqlalchemy import tables as t
from commerce_adapters.sqlalchemy.catalog_mapping import (
    SCALE,
    price_change_from_row,
    review_from_row,
)
from commerce_adapters.sqlalchemy.catalog_products import load_products
from commerce_adapters.sqlalchemy.engine import SQLITE_BEGIN
from commerce_adapters.sqlalchemy.errors import translating
from commerce_core.catalog.ids import BrandId, CategoryId, ProductId, TagId
from commerce_core.catalog.product_errors import ProductNotFound
from commerce_core.catalog.product_values import PriceChange, ProductStatus
from commerce_core.catalog.product_views import (
    NO_PRICE,
    AttributeFilter,
    BrandView,
    ProductSearch,
    ProductSort,
    ProductSummary,
    ProductView,
    ReviewView,
    TagView,
    decode_search_cursor,
    search_cursor,
)
from commerce_core.catalog.reviews import VISIBLE, RatingSummary, ReviewStatus, summarize
from commerce_core.kernel.money import Money
from commerce_core.kernel.pagination import Page, PageRequest, decode_cursor, encode_cursor

if TYPE_CHECKING:
    from commerce_adapters.sqlalchemy.storage import SqlStorage

__all__ = ["SqlProductQueries", "search_statement"]

P = ct.products.c


def _descendants_query() -> sa.Select[Any]:
    c = t.categories.c
    tree = (
        sa.select(c.id).where(c.id == sa.bindparam("category")).cte("descendants", recursive=True)
    )
    child = t.categories.alias("child")
    tree = tree.union_all(sa.select(child.c.id).join(tree, child.c.parent_id == tree.c.id))
    return sa.select(tree.c.id)


#: Built once: the ids of a category (bound as ``category``) and of all its descendants.
DESCENDANTS = _descendants_query()


def _attribute(i: int, wanted: AttributeFilter, params: dict[str, Any]) -> tuple[object, ...]:
    """Bind one attribute filter's values as ``a{i}_*`` and return the shape it gives."""
    params[f"a{i}_name"] = wanted.name
    if wanted.equals is not None:
        params[f"a{i}_text"] = wanted.equals
        return ("text",)
    if wanted.flag is not None:
        params[f"a{i}_text"] = "true" if wanted.flag else "false"
        return ("bool",)
    if wanted.min is not None:
        params[f"a{i}_min"] = int(wanted.min * SCALE)
    if wanted.max is not None:
        params[f"a{i}_max"] = int(wanted.max * SCALE)
    return ("number", wanted.min is not None, wanted.max is not None)


def _attribute_clause(i: int, shape: tuple[object, ...]) -> sa.ColumnElement[bool]:
    a = ct.product_attributes.c
    inner = sa.select(a.product_id).where(a.name == sa.bindparam(f"a{i}_name"))
    if shape[0] == "number":
        inner = inner.where(a.kind == "number")
        if shape[1]:
            inner = inner.where(a.number_scaled >= sa.bindparam(f"a{i}_min"))
        if shape[2]:
            inner = inner.where(a.number_scaled <= sa.bindparam(f"a{i}_max"))
    else:
        inner = inner.where(a.kind == shape[0], a.text_value == sa.bindparam(f"a{i}_text"))
    return P.id.in_(inner)


def _sort_column(sort: ProductSort) -> sa.ColumnElement[Any]:
    if sort is ProductSort.CREATED:
        return P.created_at
    if sort is ProductSort.PRICE:
        return P.price_sort
    return P.title


def _like_pattern(keyword: str) -> str:
    """``%keyword%`` for LIKE, lower-cased, with ``/``, ``%`` and ``_`` escaped by ``/``."""
    text = keyword.lower().replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{text}%"


#: A search's shape: which filters it has, its sort, direction, cursor and page size.
_Shape = tuple[frozenset[str], tuple[tuple[object, ...], ...], ProductSort, bool, int]

#: Statements already built, by shape (values are bound at execution). Shapes are few (each
#: is a combination of the filters a caller uses), so the cache stays small; it is capped so
#: that callers varying the page size without end cannot grow it without end.
_STATEMENTS: dict[_Shape, sa.Select[Any]] = {}
_STATEMENTS_MAX = 512


def search_statement(
    query: ProductSearch, page: PageRequest
) -> tuple[sa.Select[Any], dict[str, Any]]:
    """The one SELECT that answers a product search page (``limit + 1`` rows), and the
    values of its bound parameters.

    The statement depends only on the search's shape (which filters are given, the sort and
    the page size), so it is built once per shape and reused with new values: SQLAlchemy's
    compiled cache then serves it without compiling again."""
    params: dict[str, Any] = {}
    if query.status is not None:
        params["s_status"] = query.status.value
    if query.category is not None:
        params["category"] = query.category
    if query.brand is not None:
        params["s_brand"] = query.brand
    if query.tag is not None:
        params["s_tag"] = query.tag
    if query.keyword is not None:
        params["s_like"] = _like_pattern(query.keyword)
        params["s_keyword"] = query.keyword
    if query.min_price is not None:
        params["s_min_currency"] = query.min_price.currency
        params["s_min"] = query.min_price.minor
    if query.max_price is not None:
        params["s_max_currency"] = query.max_price.currency
        params["s_max"] = query.max_price.minor
    attributes = tuple(_attribute(i, w, params) for i, w in enumerate(query.attributes))
    if page.after is not None:
        value, last = decode_search_cursor(page.after, query.sort)
        params["s_mark"] = (
            datetime.fromisoformat(str(value)) if query.sort is ProductSort.CREATED else value
        )
        params["s_last"] = last
    shape: _Shape = (
        frozenset(k for k in params if k.startswith(("s_", "category"))),
        attributes,
        query.sort,
        query.descending,
        page.limit,
    )
    stmt = _STATEMENTS.get(shape)
    if stmt is None:
        stmt = _build(shape)
        if len(_STATEMENTS) >= _STATEMENTS_MAX:
            _STATEMENTS.clear()
        _STATEMENTS[shape] = stmt
    return stmt, params


def _build(shape: _Shape) -> sa.Select[Any]:
    given, attributes, sort, descending, limit = shape
    stmt = sa.select(
        P.id,
        P.code,
        P.title,
        P.status,
        P.brand_id,
        P.category_id,
        P.currency,
        P.min_price_minor,
        P.max_price_minor,
        P.price_sort,
        P.sku_count,
        P.image,
        P.created_at,
        P.updated_at,
    )
    if "s_status" in given:
        stmt = stmt.where(P.status == sa.bindparam("s_status"))
    if "category" in given:
        # The descendants subquery is built once; only its parameter changes.
        stmt = stmt.where(P.category_id.in_(DESCENDANTS))
    if "s_brand" in given:
        stmt = stmt.where(P.brand_id == sa.bindparam("s_brand"))
    if "s_tag" in given:
        pt = ct.product_tags.c
        stmt = stmt.where(
            P.id.in_(sa.select(pt.product_id).where(pt.tag_id == sa.bindparam("s_tag")))
        )
    if "s_keyword" in given:
        s = ct.skus.c
        kw: sa.BindParameter[Any] = sa.bindparam("s_keyword")
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(P.title).like(sa.bindparam("s_like"), escape="/"),
                P.code == kw,
                P.id.in_(sa.select(s.product_id).where(s.code == kw)),
                P.id.in_(sa.select(s.product_id).where(s.barcode == kw)),
            )
        )
    # Price bounds go on price_sort (the cheapest enabled price, or NO_PRICE): the same
    # column the price sort walks, so a price-sorted page is one index range scan.
    if "s_min" in given:
        stmt = stmt.where(
            P.currency == sa.bindparam("s_min_currency"),
            P.price_sort >= sa.bindparam("s_min"),
            P.price_sort < NO_PRICE,
        )
    if "s_max" in given:
        stmt = stmt.where(
            P.currency == sa.bindparam("s_max_currency"), P.price_sort <= sa.bindparam("s_max")
        )
    for i, attribute in enumerate(attributes):
        stmt = stmt.where(_attribute_clause(i, attribute))
    key = _sort_column(sort)
    if "s_mark" in given:
        mark: sa.BindParameter[Any] = sa.bindparam("s_mark")
        last: sa.BindParameter[Any] = sa.bindparam("s_last")
        if descending:
            stmt = stmt.where(sa.or_(key < mark, sa.and_(key == mark, P.id < last)))
        else:
            stmt = stmt.where(sa.or_(key > mark, sa.and_(key == mark, P.id > last)))
    stmt = stmt.order_by(key.desc(), P.id.desc()) if descending else stmt.order_by(key, P.id)
    return stmt.limit(limit + 1)


def _summary(row: RowMapping) -> ProductSummary:
    currency = str(row["currency"]).strip()
    low, high = row["min_price_minor"], row["max_price_minor"]
    return ProductSummary(
        id=ProductId(row["id"]),
        code=row["code"],
        title=row["title"],
        status=ProductStatus(row["status"]),
        brand=BrandId(row["brand_id"]) if row["brand_id"] is not None else None,
        category=CategoryId(row["category_id"]) if row["category_id"] is not None else None,
        min_price=Money(int(low), currency) if low is not None else None,
        max_price=Money(int(high), currency) if high is not None else None,
        sku_count=int(row["sku_count"]),
        image=row["image"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


class SqlProductQueries:
    """Product reads on SQL, each in a read-only transaction."""

    def __init__(self, storage: SqlStorage) -> None:
        self._storage = storage

    def _read(self) -> Connection:
        # Reads must not take SQLite's write lock (see engine.py).
        conn = self._storage.engine.connect()
        return conn.execution_options(**{SQLITE_BEGIN: "DEFERRED"})

    def get(self, id: ProductId) -> ProductView:
        with translating(), self._read() as conn:
            found = load_products(conn, [id])
        if not found:
            raise ProductNotFound(id)
        return ProductView.of(found[0])

    def by_code(self, code: str) -> ProductView:
        with translating(), self._read() as conn:
            id = conn.execute(sa.select(P.id).where(P.code == code)).scalar_one_or_none()
            found = load_products(conn, [id]) if id is not None else []
        if not found:
            raise ProductNotFound(code)
        return ProductView.of(found[0])

    def search(self, query: ProductSearch, page: PageRequest) -> Page[ProductSummary]:
        stmt, params = search_statement(query, page)
        with translating(), self._read() as conn:
            rows = conn.execute(stmt, params).mappings().all()
        more = len(rows) > page.limit
        rows = rows[: page.limit]
        items = tuple(_summary(r) for r in rows)
        cursor = None
        if more:
            last = rows[-1]
            value: str | int
            if query.sort is ProductSort.CREATED:
                value = last["created_at"].isoformat()
            elif query.sort is ProductSort.PRICE:
                value = int(last["price_sort"])
            else:
                value = last["title"]
            cursor = search_cursor(value, last["id"])
        return Page(items, cursor)

    def price_history(self, id: ProductId) -> tuple[PriceChange, ...]:
        h = ct.price_history.c
        with translating(), self._read() as conn:
            if conn.execute(sa.select(P.id).where(P.id == id)).scalar_one_or_none() is None:
                raise ProductNotFound(id)
            rows = conn.execute(
                sa.select(ct.price_history).where(h.product_id == id).order_by(h.seq)
            ).mappings()
            return tuple(price_change_from_row(r) for r in rows)

    def brands(self) -> tuple[BrandView, ...]:
        b = ct.brands.c
        with translating(), self._read() as conn:
            rows = conn.execute(sa.select(b.id, b.name).order_by(b.name, b.id)).all()
        return tuple(BrandView(BrandId(i), n) for i, n in rows)

    def tags(self) -> tuple[TagView, ...]:
        g = ct.tags.c
        with translating(), self._read() as conn:
            rows = conn.execute(sa.select(g.id, g.name).order_by(g.name, g.id)).all()
        return tuple(TagView(TagId(i), n) for i, n in rows)

    def reviews(
        self, id: ProductId, page: PageRequest, *, status: ReviewStatus | None = None
    ) -> Page[ReviewView]:
        r = ct.reviews.c
        stmt = sa.select(ct.reviews).where(r.product_id == id)
        if status is not None:
            stmt = stmt.where(r.status == ReviewStatus(status).value)
        if page.after is not None:
            at_text, last = decode_cursor(page.after, arity=2)
            at = datetime.fromisoformat(str(at_text))
            stmt = stmt.where(sa.or_(r.created_at < at, sa.and_(r.created_at == at, r.id < last)))
        stmt = stmt.order_by(r.created_at.desc(), r.id.desc()).limit(page.limit + 1)
        with translating(), self._read() as conn:
            rows = conn.execute(stmt).mappings().all()
        more = len(rows) > page.limit
        reviews = [review_from_row(row) for row in rows[: page.limit]]
        items = tuple(
            ReviewView(
                id=v.id,
                product=v.product,
                sku=v.sku,
                sku_code=v.sku_code,
                order_line=v.order_line,
                customer=v.customer,
                rating=v.rating,
                text=v.text,
                images=v.images,
                status=v.status,
                reason=v.reason,
                reply=v.reply,
                created_at=v.created_at,
            )
            for v in reviews
        )
        cursor = (
            encode_cursor([reviews[-1].created_at.isoformat(), reviews[-1].id]) if more else None
        )
        return Page(items, cursor)

    def rating_summary(self, id: ProductId) -> RatingSummary:
        r = ct.reviews.c
        stmt = (
            sa.select(r.rating, sa.func.count())
            .where(r.product_id == id, r.status.in_([s.value for s in VISIBLE]))
            .group_by(r.rating)
        )
        with translating(), self._read() as conn:
            rows = conn.execute(stmt).all()
        return summarize(id, (int(rating) for rating, n in rows for _ in range(int(n))))
