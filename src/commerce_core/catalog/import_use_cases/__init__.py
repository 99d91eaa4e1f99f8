"""Bulk import (批量导入) and export of products with their SKUs.

An import checks every row before it changes anything: rows are parsed, matched to the
store (products by product code, SKUs by SKU code), and applied to in-memory copies; any
bad row refuses the whole import with :class:`ImportRejected` listing every bad line and
field, unless ``partial`` is set, in which case the good products are applied and the bad
ones reported. Running the same file again changes nothing; a spec value the file adds to
an existing product adds its SKUs and leaves the others alone.
"""

from commerce_core.catalog.import_format import ImportFormat
from commerce_core.catalog.import_use_cases.commands import (
    ImportProducts,
    ImportReport,
)
from commerce_core.catalog.import_use_cases.handlers import (
    HANDLERS,
    export_products,
)

__all__ = [
    "HANDLERS",
    "ImportFormat",
    "ImportProducts",
    "ImportReport",
    "export_products",
]
