"""The product aggregate (商品) and its SKUs: see :mod:`.aggregate` and :mod:`.skus`."""

from commerce_core.catalog.products.aggregate import Product

__all__ = ["Product"]
