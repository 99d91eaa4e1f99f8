"""Media storage adapters: where the bytes behind a ``MediaRef`` live."""

from commerce_adapters.media.local import LocalMediaStore

__all__ = ["LocalMediaStore"]
