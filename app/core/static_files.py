"""Static files as a phone wants them: gzip when the browser takes it (compressed once per
file version and kept), one ETag per encoding, ``Vary: Accept-Encoding``, conditional GETs."""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, abort, request
from werkzeug.security import safe_join

#: Worth compressing: text. Images (PNG) and fonts are compressed already.
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/manifest+json",
                "image/svg+xml")  # fmt: skip
#: Below this, gzip's header costs more than it saves.
MIN_SIZE = 512

mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("text/javascript", ".js")


def resolve(root: Path, name: str) -> Path:
    """The file ``name`` under ``root``, or 404 (never a path outside it)."""
    joined = safe_join(str(root), name)
    if joined is None or not Path(joined).is_file():
        abort(404)
    return Path(joined)


def mimetype_of(path: Path) -> str:
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def is_compressible(mimetype: str) -> bool:
    return mimetype.startswith(COMPRESSIBLE)


@lru_cache(maxsize=256)
def _encoded(path: str, mtime_ns: int, size: int, encoding: str) -> tuple[bytes, str]:
    """The file's bytes in ``encoding`` and their ETag (kept until the file changes)."""
    data = Path(path).read_bytes()
    tag = hashlib.sha256(data).hexdigest()[:20]
    if encoding == "gzip":
        return gzip.compress(data, compresslevel=9, mtime=0), f"{tag}-gzip"
    return data, tag


def wants_gzip() -> bool:
    return request.accept_encodings["gzip"] > 0


def send_static(root: Path, name: str, *, cache_control: str | None = None) -> Response:
    """Serve ``root/name``, gzipped for browsers that take it."""
    path = resolve(root, name)
    mimetype = mimetype_of(path)
    stat = path.stat()
    compressible = is_compressible(mimetype) and stat.st_size >= MIN_SIZE
    encoding = "gzip" if compressible and wants_gzip() else "identity"
    data, etag = _encoded(str(path), stat.st_mtime_ns, stat.st_size, encoding)
    return bytes_response(data, mimetype, etag, encoding=encoding, vary=compressible,
                          cache_control=cache_control, last_modified=stat.st_mtime)  # fmt: skip


def bytes_response(
    data: bytes,
    mimetype: str,
    etag: str,
    *,
    encoding: str = "identity",
    vary: bool = False,
    cache_control: str | None = None,
    last_modified: float | None = None,
) -> Response:
    """A response for ``data`` that answers If-None-Match with 304."""
    response = Response(data, mimetype=mimetype)
    if encoding != "identity":
        response.headers["Content-Encoding"] = encoding
    if vary:
        response.vary.add("Accept-Encoding")
    if cache_control:
        response.headers["Cache-Control"] = cache_control
    if last_modified is not None:
        response.last_modified = last_modified
    response.set_etag(etag)
    return response.make_conditional(request)


class CompressedBlueprint(Blueprint):
    """A blueprint whose own static folder is served through :func:`send_static`."""

    def send_static_file(self, filename: str) -> Response:
        if not self.has_static_folder:
            abort(404)
        return send_static(Path(self.static_folder), filename)
