"""Open a storage backend by URL, through the ``commerce_core.backends`` entry points.

The core never imports an adapter: an installed distribution names, per URL scheme, a
function ``open_backend(url, *, migrate, **options) -> Storage``. This package's own
adapters register ``memory``, ``sqlite``, ``postgresql``, ``mysql`` and ``mariadb``.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any, cast

from commerce_core.app.ports import Storage
from commerce_core.kernel.errors import ConfigurationError

__all__ = ["backend_schemes", "open_storage"]

GROUP = "commerce_core.backends"


def backend_schemes() -> list[str]:
    """The URL schemes an installed backend answers to."""
    return sorted({ep.name for ep in entry_points(group=GROUP)})


def open_storage(url: str, *, migrate: bool | None = None, **options: Any) -> Storage:
    """Find the backend for ``url``'s scheme and open it."""
    if not isinstance(url, str) or "://" not in url:
        raise ConfigurationError(
            f"expected a URL such as 'sqlite:///shop.db' or 'memory://', got {url!r}"
        )
    scheme = url.split("://", 1)[0].split("+", 1)[0].lower()
    found = [ep for ep in entry_points(group=GROUP) if ep.name == scheme]
    if not found:
        known = ", ".join(backend_schemes()) or "none"
        raise ConfigurationError(
            f"no installed backend handles {scheme!r} URLs (installed: {known}); "
            "install the extra, e.g. pip install 'commerce-core[postgresql]'"
        )
    try:
        opener = found[0].load()
    except ImportError as exc:
        raise ConfigurationError(
            f"the {scheme!r} backend is installed but cannot be imported ({exc}); "
            f"install its extra, e.g. pip install 'commerce-core[{_extra_for(scheme)}]'"
        ) from exc
    return cast("Storage", opener(url, migrate=migrate, **options))


def _extra_for(scheme: str) -> str:
    return {"postgresql": "postgresql", "mysql": "mysql", "mariadb": "mysql"}.get(
        scheme, "sqlalchemy"
    )
