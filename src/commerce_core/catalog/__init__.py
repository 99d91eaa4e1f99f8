"""The catalog context (商品目录). So far: the category tree (类目树)."""

from commerce_core.catalog.errors import (
    CategoryCycle,
    CategoryNotEmpty,
    CategoryNotFound,
    CategoryOrderMismatch,
    CategoryTooDeep,
    DuplicateCategoryName,
)
from commerce_core.catalog.events import (
    CategoriesReordered,
    CategoryCreated,
    CategoryDeleted,
    CategoryMoved,
    CategoryRenamed,
)
from commerce_core.catalog.ids import CategoryId
from commerce_core.catalog.model import (
    CATEGORY_MAX_DEPTH,
    CATEGORY_NAME_MAX,
    Category,
    CategoryTree,
)
from commerce_core.catalog.ports import (
    CatalogContext,
    CatalogUnitOfWork,
    CategoryNode,
    CategoryQueries,
    CategoryTreeRepository,
    CategoryView,
    build_forest,
)
from commerce_core.catalog.use_cases import (
    CreateCategory,
    DeleteCategory,
    MoveCategory,
    RenameCategory,
    ReorderCategories,
)

__all__ = [
    "CATEGORY_MAX_DEPTH",
    "CATEGORY_NAME_MAX",
    "CatalogContext",
    "CatalogUnitOfWork",
    "CategoriesReordered",
    "Category",
    "CategoryCreated",
    "CategoryCycle",
    "CategoryDeleted",
    "CategoryId",
    "CategoryMoved",
    "CategoryNode",
    "CategoryNotEmpty",
    "CategoryNotFound",
    "CategoryOrderMismatch",
    "CategoryQueries",
    "CategoryRenamed",
    "CategoryTooDeep",
    "CategoryTree",
    "CategoryTreeRepository",
    "CategoryView",
    "CreateCategory",
    "DeleteCategory",
    "DuplicateCategoryName",
    "MoveCategory",
    "RenameCategory",
    "ReorderCategories",
    "build_forest",
]
