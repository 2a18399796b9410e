"""The one way to open an uploaded file that may be compressed: gzip or zip, with caps.

A small upload can unpack to gigabytes (a "zip bomb"). Every reader of uploads (voter files,
GeoJSON, KML/KMZ, zipped Shapefiles) goes through here, and the caps are checked while the
bytes stream, so a bomb is refused after a few megabytes, not after it filled the memory:

- ``DOORSTEP_MAX_UNPACKED_MB``: no file unpacks to more than this;
- ``DOORSTEP_MAX_UNPACK_RATIO``: no file unpacks to more than this many times its packed size
  (checked once it has unpacked ``RATIO_GRACE_BYTES``: a tiny file may compress very well).
"""

from __future__ import annotations

import gzip
import io
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import current_app, has_app_context

from app.core.errors import DoorstepError

GZIP_MAGIC = b"\x1f\x8b"
RATIO_GRACE_BYTES = 1 << 20
DEFAULT_MAX_UNPACKED_MB = 16 * 1024
DEFAULT_MAX_RATIO = 100


class UnpackedTooLarge(DoorstepError):
    status = 413
    code = "unpacked_too_large"


class DamagedArchive(DoorstepError):
    status = 422
    code = "damaged_archive"


@dataclass(frozen=True)
class UnpackLimits:
    max_bytes: int
    max_ratio: int

    @classmethod
    def current(cls) -> UnpackLimits:
        """The configured caps (the defaults outside an application)."""
        config = current_app.config if has_app_context() else {}
        return cls(
            max_bytes=config.get("DOORSTEP_MAX_UNPACKED_MB", DEFAULT_MAX_UNPACKED_MB) << 20,
            max_ratio=config.get("DOORSTEP_MAX_UNPACK_RATIO", DEFAULT_MAX_RATIO),
        )

    def check(self, unpacked: int, packed: int, what: str) -> None:
        if unpacked > self.max_bytes:
            raise UnpackedTooLarge(
                f"{what} unpacks to more than {self.max_bytes >> 20} MB"
                " (DOORSTEP_MAX_UNPACKED_MB); split it or send it uncompressed.",
                fields={"file": "too_large"},
            )
        if unpacked > RATIO_GRACE_BYTES and unpacked > self.max_ratio * max(packed, 1):
            raise UnpackedTooLarge(
                f"{what} unpacks to more than {self.max_ratio} times its size"
                " (DOORSTEP_MAX_UNPACK_RATIO); this is not an ordinary compressed file.",
                fields={"file": "compression_ratio"},
            )


class CappedStream(io.RawIOBase):
    """A decompressing stream that counts what it gives out against what it read packed."""

    def __init__(self, inner: IO[bytes], packed_bytes, limits: UnpackLimits, what: str, kind: str):
        self._inner, self._packed_bytes, self._limits = inner, packed_bytes, limits
        self._what, self.kind = what, kind
        self.position = self.unpacked = 0  # a seek back re-reads: count the furthest point

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._inner.seekable()

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self.position = self._inner.seek(offset, whence)
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer) -> int:
        try:
            data = self._inner.read(len(buffer))
        except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as exc:
            raise DamagedArchive(f"{self._what} is a damaged {self.kind} archive ({exc}).") from exc
        self.position += len(data)
        self.unpacked = max(self.unpacked, self.position)
        self._limits.check(self.unpacked, self._packed_bytes(), self._what)
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()


def open_unpacked(path: Path, what: str = "The file") -> tuple[IO[bytes], IO[bytes]]:
    """The file's bytes (gunzipped, capped, when gzip) and the raw handle whose position is
    progress. The caller closes the raw handle."""
    raw = open(path, "rb")  # noqa: SIM115 - the caller closes it
    if raw.read(2) != GZIP_MAGIC:
        raw.seek(0)
        return raw, raw
    raw.seek(0)
    stream = CappedStream(
        gzip.GzipFile(fileobj=raw), raw.tell, UnpackLimits.current(), what, "gzip"
    )
    return io.BufferedReader(stream, 64 * 1024), raw


class CappedZip:
    """A zip archive whose members are checked against the caps before and while unpacking.

    Sizes declared in the archive are checked first (cheap), and each member is read through
    a counting stream as well: zipfile stops at the declared size, so a member cannot unpack
    past what was checked.
    """

    def __init__(self, path: Path, what: str = "The zip"):
        self.what = what
        self.limits = UnpackLimits.current()
        try:
            self.archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise DamagedArchive(f"{what} could not be opened ({exc}).") from exc
        infos = self.archive.infolist()
        self.limits.check(
            sum(i.file_size for i in infos), sum(i.compress_size for i in infos), what
        )
        for info in infos:
            self.limits.check(info.file_size, info.compress_size, f"{what} ({info.filename})")

    def namelist(self) -> list[str]:
        return self.archive.namelist()

    @contextmanager
    def open(self, name: str):
        info = self.archive.getinfo(name)
        stream = CappedStream(
            self.archive.open(info), lambda: info.compress_size, self.limits, self.what, "zip"
        )
        try:
            yield stream  # unbuffered: a Shapefile reader seeks in it
        finally:
            stream.close()

    def read(self, name: str) -> bytes:
        with self.open(name) as member:
            return member.readall()

    def close(self) -> None:
        self.archive.close()

    def __enter__(self) -> CappedZip:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
