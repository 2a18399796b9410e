"""The archive format (no database): names, checksums, what a restore refuses; retention."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tarfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.backups.archive import (
    BackupError,
    archive_name,
    parse_archive_name,
    unpack_archive,
    write_archive,
)
from app.backups.operations import prune_backups
from app.backups.queries import list_backups
from app.backups.schedule import is_backup_due

NOW = datetime(2026, 12, 5, 23, 1, 12, tzinfo=UTC)


@pytest.fixture
def files(tmp_path) -> tuple[Path, list[Path]]:
    dump = tmp_path / "made" / "database.dump"
    dump.parent.mkdir()
    dump.write_bytes(b"PGDMP" + bytes(range(256)) * 100)
    uploads = [tmp_path / "made" / "1-aa-voters.csv.gz", tmp_path / "made" / "2-bb-areas.zip"]
    for n, upload in enumerate(uploads):
        upload.write_bytes(b"x" * (n + 1) * 1000)
    return dump, uploads


def test_names_carry_the_time_and_the_migration():
    name = archive_name(NOW, "0019_contact_confirmations")
    assert name == "doorstep-20261205T230112Z-0019_contact_confirmations.tar"
    assert parse_archive_name(name) == (NOW, "0019_contact_confirmations")
    for other in (".doorstep-20261205T230112Z-0019_a.tar.partial", "doorstep.tar", "notes.txt"):
        assert parse_archive_name(other) is None


def test_what_is_written_unpacks_the_same_and_checks(tmp_path, files):
    dump, uploads = files
    path = tmp_path / archive_name(NOW, "0019_x")
    written = write_archive(path, created_at=NOW, revision="0019_x", dump=dump, uploads=uploads)
    assert [f.path for f in written.files] == [
        "database.dump", "uploads/1-aa-voters.csv.gz", "uploads/2-bb-areas.zip"]  # fmt: skip
    assert not list(tmp_path.glob(".*partial"))
    assert path.stat().st_mode & 0o777 == 0o600  # the whole voter file: its owner's only
    unpacked = unpack_archive(path, tmp_path / "out")
    assert unpacked == written
    assert (tmp_path / "out" / "database.dump").read_bytes() == dump.read_bytes()
    assert (tmp_path / "out" / "uploads" / "2-bb-areas.zip").read_bytes() == b"x" * 2000
    assert [(b.taken_at, b.revision) for b in list_backups(tmp_path)] == [(NOW, "0019_x")]


def _tar(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _manifest(**files: bytes) -> bytes:
    listed = [
        {"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        for name, data in files.items()
    ]
    return json.dumps({"format": "doorstep-backup/1", "created_at": NOW.isoformat(),
                       "revision": "0019_x", "files": listed}).encode()  # fmt: skip


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"../evil": b"x"}, "holds '../evil', not a backup's file"),
        ({"uploads/../../etc/cron.d/x": b"x"}, "not a backup's file"),
        ({"database.dump": b"dump"}, "has no manifest.json"),
        ({"manifest.json": b"{not json"}, "the manifest cannot be read"),
        ({"manifest.json": b"[]"}, "the manifest cannot be read"),
        ({"database.dump": b"dump", "manifest.json": _manifest(**{"database.dump": b"dumb"})},
         "is damaged: database.dump"),
        ({"database.dump": b"dump", "uploads/a": b"a",
          "manifest.json": _manifest(**{"database.dump": b"dump"})},
         "holds uploads/a, which its manifest does not list"),
        ({"database.dump": b"dump",
          "manifest.json": _manifest(**{"database.dump": b"dump", "uploads/a": b"a"})},
         "lacks uploads/a"),
    ],
)  # fmt: skip
def test_a_restore_refuses_what_is_not_a_whole_backup(tmp_path, members, message):
    path = _tar(tmp_path / "doorstep-20261205T230112Z-0019_x.tar", members)
    with pytest.raises(BackupError, match=re.escape(message)):
        unpack_archive(path, tmp_path / "out")
    assert not (tmp_path / "etc").exists()


def test_an_archive_cut_short_is_refused(tmp_path, files):
    dump, uploads = files
    path = tmp_path / archive_name(NOW, "0019_x")
    write_archive(path, created_at=NOW, revision="0019_x", dump=dump, uploads=uploads)
    path.write_bytes(path.read_bytes()[:30000])
    with pytest.raises(BackupError, match=r"not a whole backup archive|has no manifest"):
        unpack_archive(path, tmp_path / "out")


def test_retention_keeps_the_newest_and_the_young(tmp_path):
    hours = [0, 5, 30, 60, 100, 200]  # age of each archive
    for age in hours:
        (tmp_path / archive_name(NOW - timedelta(hours=age), "0019_x")).write_bytes(b"")
    (tmp_path / "notes.txt").write_text("mine")
    for left in (".doorstep-backup-killed", ".doorstep-backup-running"):  # a killed backup's
        (tmp_path / left).mkdir()
    os.utime(tmp_path / ".doorstep-backup-killed", (0, (NOW - timedelta(days=2)).timestamp()))

    def ages() -> list[int]:
        return [int((NOW - b.taken_at) / timedelta(hours=1)) for b in list_backups(tmp_path)]

    removed = prune_backups(tmp_path, keep=2, keep_days=3, now=NOW)
    assert len(removed) == 2 and ages() == [0, 5, 30, 60]  # the rest are younger than 3 days
    prune_backups(tmp_path, keep=2, keep_days=0, now=NOW)
    assert ages() == [0, 5]
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("doorstep-")) == [
        ".doorstep-backup-running", "notes.txt"]  # fmt: skip


def test_a_scheduled_backup_is_due_by_the_newest_archive():
    assert not is_backup_due(NOW, 0, None)  # off
    assert is_backup_due(NOW, 24, None)
    assert not is_backup_due(NOW, 24, NOW - timedelta(hours=23))
    assert is_backup_due(NOW, 24, NOW - timedelta(hours=24))
