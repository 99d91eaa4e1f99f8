"""The embedded default :class:`~commerce_core.catalog.MediaStore`: files under a directory."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from commerce_core.kernel.errors import InputError, NotFound, StorageError

__all__ = ["LocalMediaStore"]

#: Keys are relative paths of plain segments: no "..", no leading "/", no odd characters.
_KEY = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}(/[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}){0,7}")


def _check_key(key: object) -> str:
    if not isinstance(key, str) or not _KEY.fullmatch(key) or ".." in key.split("/"):
        raise InputError.for_field(
            "key", "a relative path of letters, digits, '.', '_' and '-' segments, e.g. p/1.jpg"
        )
    return key


class LocalMediaStore:
    """Media files in a local directory, served from ``base_url`` (a CDN or web server path).

    Writes are atomic (a temporary file renamed into place), so a reader never sees half a
    file. For several app servers, use an object-storage adapter instead.
    """

    def __init__(self, root: str | os.PathLike[str], *, base_url: str = "/media/") -> None:
        self.root = Path(root)
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"

    def _path(self, key: str) -> Path:
        return self.root / _check_key(key)

    def put(self, key: str, data: bytes, *, mime: str) -> str:
        path = self._path(key)
        if not isinstance(data, bytes):
            raise InputError.for_field("data", "must be bytes")
        if not isinstance(mime, str) or "/" not in mime:
            raise InputError.for_field("mime", "must be a MIME type such as 'image/jpeg'")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        except OSError as exc:
            raise StorageError(f"cannot store media {key!r}: {exc}") from exc
        return key

    def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise NotFound("media", key) from None
        except OSError as exc:
            raise StorageError(f"cannot read media {key!r}: {exc}") from exc

    def delete(self, key: str) -> bool:
        try:
            self._path(key).unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise StorageError(f"cannot delete media {key!r}: {exc}") from exc
        return True

    def url(self, key: str) -> str:
        return self.base_url + _check_key(key)
