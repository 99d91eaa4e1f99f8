"""File adapters: the embedded defaults for ports that talk to other systems through files."""

from commerce_adapters.files.wms import (
    CsvWmsFile,
    JsonlMovementFile,
    JsonlWmsFile,
    export_movements,
    import_wms,
)

__all__ = ["CsvWmsFile", "JsonlMovementFile", "JsonlWmsFile", "export_movements", "import_wms"]
