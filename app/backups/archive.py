"""The backup archive: one tar holding the database dump, the uploads and a manifest.

    doorstep-20261205T230112Z-0019_contact_confirmations.tar
        database.dump     pg_dump --format=custom (pg_dump compresses it)
        uploads/NAME      the import files waiting in DOORSTEP_UPLOAD_DIR
        manifest.json     format, time, migration, and each file's size and sha256

The tar is not compressed again: the dump already is, and voter files arrive gzipped. The
manifest comes last, so each checksum is taken while its file streams into the tar; a restore
unpacks every file and compares before it touches the database.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import tarfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

FORMAT = "doorstep-backup/1"
DUMP = "database.dump"
UPLOADS = "uploads/"
MANIFEST = "manifest.json"
_STAMP = "%Y%m%dT%H%M%SZ"
_NAME = re.compile(r"doorstep-(?P<stamp>\d{8}T\d{6}Z)-(?P<revision>[A-Za-z0-9_+.-]+)\.tar")


class BackupError(Exception):
    """A backup or a restore cannot go on; the message tells the operator why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ArchivedFile:
    path: str  # inside the tar: database.dump or uploads/NAME
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    created_at: datetime
    revision: str  # the Alembic revision of the dump ("+"-joined if several heads)
    files: tuple[ArchivedFile, ...]

    @property
    def uploads(self) -> list[ArchivedFile]:
        return [f for f in self.files if f.path.startswith(UPLOADS)]

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "format": FORMAT,
                "created_at": self.created_at.isoformat(),
                "revision": self.revision,
                "files": [vars(f) for f in self.files],
            },
            indent=2,
        ).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            data = json.loads(raw)
            if data.get("format") != FORMAT:
                raise BackupError(f"the manifest's format is {data.get('format')!r}, not {FORMAT}")
            return cls(
                created_at=datetime.fromisoformat(data["created_at"]),
                revision=str(data["revision"]),
                files=tuple(
                    ArchivedFile(f["path"], int(f["size"]), f["sha256"]) for f in data["files"]
                ),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BackupError(f"the manifest cannot be read ({exc})") from None


def archive_name(created_at: datetime, revision: str) -> str:
    """``doorstep-20261205T230112Z-0019_contact_confirmations.tar``: UTC time, then migration."""
    return f"doorstep-{created_at.astimezone(UTC).strftime(_STAMP)}-{revision}.tar"


def parse_archive_name(name: str) -> tuple[datetime, str] | None:
    """(time taken, revision) from an archive's name; None for any other file."""
    match = _NAME.fullmatch(name)
    if match is None:
        return None
    taken_at = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=UTC)
    return taken_at, match["revision"]


class _Hashing:
    """A file read through: counts and hashes what tarfile reads from it."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream, self.sha256, self.size = stream, hashlib.sha256(), 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.sha256.update(chunk)
        self.size += len(chunk)
        return chunk


def _add(tar: tarfile.TarFile, source: Path, path: str) -> ArchivedFile:
    with open(source, "rb") as stream:
        info = tar.gettarinfo(fileobj=stream, arcname=path)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        hashing = _Hashing(stream)
        tar.addfile(info, hashing)
    return ArchivedFile(path, hashing.size, hashing.sha256.hexdigest())


def write_archive(
    path: Path, *, created_at: datetime, revision: str, dump: Path, uploads: list[Path]
) -> Manifest:
    """Write the archive at ``path`` (whole or not at all: it is renamed into place at the end)."""
    partial = path.with_name(f".{path.name}.partial")  # hidden: list_backups skips it
    partial.touch(mode=0o600)  # every voter's record is in it: its owner's eyes only
    try:
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
            files = [_add(tar, dump, DUMP)]
            files += [_add(tar, upload, UPLOADS + upload.name) for upload in uploads]
            manifest = Manifest(created_at, revision, tuple(files))
            raw = manifest.to_json()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(raw), int(created_at.timestamp())
            tar.addfile(info, io.BytesIO(raw))
        with open(partial, "rb") as written:
            os.fsync(written.fileno())
        partial.rename(path)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def _is_member_name(name: str) -> bool:
    if name in (DUMP, MANIFEST):
        return True
    upload = name.removeprefix(UPLOADS)
    return (
        name.startswith(UPLOADS)
        and upload not in ("", ".", "..")
        and "/" not in upload
        and "\\" not in upload
        and "\0" not in upload
    )


def unpack_archive(path: Path, into: Path) -> Manifest:
    """Unpack the archive into ``into`` (``database.dump``, ``uploads/NAME``) and check every
    file against the manifest: its size, its sha256, nothing missing and nothing extra."""
    (into / UPLOADS).mkdir(parents=True, exist_ok=True)
    found: dict[str, ArchivedFile] = {}
    raw_manifest = None
    try:
        with tarfile.open(path, "r:") as tar:
            for member in tar:
                if not member.isfile() or not _is_member_name(member.name):
                    raise BackupError(f"{path.name} holds {member.name!r}, not a backup's file")
                stream = tar.extractfile(member)
                assert stream is not None  # a regular file always has one
                if member.name == MANIFEST:
                    raw_manifest = stream.read()
                    continue
                hashing = _Hashing(stream)
                with open(into / member.name, "wb") as out:
                    shutil.copyfileobj(hashing, out, 1024 * 1024)
                found[member.name] = ArchivedFile(
                    member.name, hashing.size, hashing.sha256.hexdigest()
                )
    except (tarfile.TarError, EOFError) as exc:
        raise BackupError(f"{path.name} is not a whole backup archive ({exc})") from None
    if raw_manifest is None:
        raise BackupError(f"{path.name} has no {MANIFEST}: not a Doorstep backup, or cut short")
    manifest = Manifest.from_json(raw_manifest)
    listed = {f.path: f for f in manifest.files}
    if DUMP not in listed:
        raise BackupError(f"the manifest of {path.name} lists no {DUMP}")
    for name in sorted(listed.keys() | found.keys()):
        expected, actual = listed.get(name), found.get(name)
        if expected is None:
            raise BackupError(f"{path.name} holds {name}, which its manifest does not list")
        if actual is None:
            raise BackupError(f"{path.name} lacks {name}, which its manifest lists")
        if actual != expected:
            raise BackupError(
                f"{path.name} is damaged: {name} has sha256 {actual.sha256[:16]}... and "
                f"{actual.size} bytes, its manifest says {expected.sha256[:16]}... and "
                f"{expected.size} bytes"
            )
    return manifest
