"""Refusals of the catalog's products, brands, tags and reviews, each with a stable code."""

from __future__ import annotations

from collections.abc import Sequence

from commerce_core.kernel.errors import DomainError, FieldError, InputError, NotFound

__all__ = [
    "BrandNotFound",
    "DuplicateBarcode",
    "DuplicateBrandName",
    "DuplicateProductCode",
    "DuplicateReview",
    "DuplicateSkuCode",
    "DuplicateTagName",
    "ImportRejected",
    "ProductNotFound",
    "ProductNotReady",
    "PurchaseNotVerified",
    "ReviewNotFound",
    "SkuNotFound",
    "TagNotFound",
]


class ProductNotFound(NotFound):
    """No product has this id (or code)."""

    code = "product_not_found"

    def __init__(self, id: str) -> None:
        super().__init__("product", id)


class SkuNotFound(NotFound):
    """The product has no SKU with this code."""

    code = "sku_not_found"

    def __init__(self, code: str) -> None:
        super().__init__("sku", code)


class BrandNotFound(NotFound):
    """No brand has this id."""

    code = "brand_not_found"

    def __init__(self, id: str) -> None:
        super().__init__("brand", id)


class TagNotFound(NotFound):
    """No tag has this id."""

    code = "tag_not_found"

    def __init__(self, id: str) -> None:
        super().__init__("tag", id)


class ReviewNotFound(NotFound):
    """No review has this id."""

    code = "review_not_found"

    def __init__(self, id: str) -> None:
        super().__init__("review", id)


class DuplicateSkuCode(DomainError):
    """A SKU code is unique in the shop; this one is taken (by another SKU or product)."""

    code = "duplicate_sku_code"

    def __init__(self, sku_code: str, owner: str = "") -> None:
        where = f" by product {owner!r}" if owner else ""
        super().__init__(
            f"SKU code {sku_code!r} is already used{where}; choose another code",
            sku_code=sku_code,
            owner=owner,
        )
        self.sku_code = sku_code
        self.owner = owner


class DuplicateBarcode(DomainError):
    """A barcode is unique in the shop; this one is on another SKU already."""

    code = "duplicate_barcode"

    def __init__(self, barcode: str, owner: str = "") -> None:
        where = f" (SKU {owner!r})" if owner else ""
        super().__init__(
            f"barcode {barcode!r} is already on another SKU{where}; each barcode names one SKU",
            barcode=barcode,
            owner=owner,
        )
        self.barcode = barcode
        self.owner = owner


class DuplicateProductCode(DomainError):
    """A product code (货号, what imports match on) is unique in the shop."""

    code = "duplicate_product_code"

    def __init__(self, product_code: str) -> None:
        super().__init__(
            f"product code {product_code!r} is already used; choose another code",
            product_code=product_code,
        )
        self.product_code = product_code


class DuplicateBrandName(DomainError):
    """Two brands may not share a name (compared case-insensitively, NFKC)."""

    code = "duplicate_brand_name"

    def __init__(self, name: str, existing: str) -> None:
        super().__init__(
            f"a brand named {name!r} already exists ({existing!r})", name=name, existing=existing
        )
        self.name = name
        self.existing = existing


class DuplicateTagName(DomainError):
    """Two tags may not share a name (compared case-insensitively, NFKC); merge them instead."""

    code = "duplicate_tag_name"

    def __init__(self, name: str, existing: str) -> None:
        super().__init__(
            f"a tag named {name!r} already exists ({existing!r}); merge the tags instead",
            name=name,
            existing=existing,
        )
        self.name = name
        self.existing = existing


class ProductNotReady(DomainError):
    """A product cannot go on shelf yet; ``missing`` lists every thing it lacks."""

    code = "product_not_ready"

    def __init__(self, product: str, missing: Sequence[str]) -> None:
        super().__init__(
            f"product {product!r} cannot go on shelf: {'; '.join(missing)}",
            product=product,
            missing=" | ".join(missing),
        )
        self.product = product
        self.missing = tuple(missing)


class DuplicateReview(DomainError):
    """An order line may be reviewed once."""

    code = "duplicate_review"

    def __init__(self, order_line: str) -> None:
        super().__init__(
            f"order line {order_line!r} has a review already; edit or reply to that one",
            order_line=order_line,
        )
        self.order_line = order_line


class PurchaseNotVerified(DomainError):
    """A review must come from a customer who bought that SKU on that order line."""

    code = "purchase_not_verified"

    def __init__(self, customer: str, order_line: str, sku_code: str) -> None:
        super().__init__(
            f"customer {customer!r} did not buy SKU {sku_code!r} on order line {order_line!r}; "
            "only purchases can be reviewed",
            customer=customer,
            order_line=order_line,
            sku_code=sku_code,
        )
        self.customer = customer
        self.order_line = order_line
        self.sku_code = sku_code


class ImportRejected(InputError):
    """A bulk import had bad rows; ``errors`` names each one by line and field.

    Nothing was applied. Fix the rows, or import with ``partial=True`` to apply the good
    ones and get the bad ones back in the report.
    """

    code = "import_rejected"

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__(errors)
        self.context = {
            "field": self.field,
            "bad_rows": len({e.path.split(".")[0] for e in errors}),
        }
