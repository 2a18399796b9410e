"""Take a backup, prune old ones, restore one.

A backup is the database's pg_dump (one consistent snapshot) and the uploads waiting for the
worker, copied after the snapshot: every import job the dump holds as queued has its file,
unless the worker finished it in between (its rerun then fails, saying the file is gone).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app
from sqlalchemy import insert, text

from app.audit.operations import record_audit
from app.backups.archive import (
    DUMP,
    BackupError,
    Manifest,
    archive_name,
    unpack_archive,
    write_archive,
)
from app.backups.models import DatabaseEpoch
from app.backups.postgres import (
    DatabaseContents,
    dump_database,
    dump_revision,
    read_contents,
    restore_database,
)
from app.backups.queries import backup_dir, list_backups
from app.extensions import db
from app.imports.uploads import upload_dir

log = logging.getLogger(__name__)

#: A hidden work directory or partial archive this old belongs to no running backup.
LEFTOVER_AGE = timedelta(days=1)


@dataclass(frozen=True)
class Backup:
    path: Path
    manifest: Manifest


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    replaced: DatabaseContents  # what the database held before (empty, unless --force)
    head: str  # this release's migration head
    #: The restored database's new epoch; None when its schema predates epochs (before
    #: migration 0027): the upgrade makes one, which no phone knows.
    epoch: uuid.UUID | None


def take_backup(now: datetime) -> tuple[Backup, list[Path]]:
    """Back up the app's database and uploads into DOORSTEP_BACKUP_DIR, then prune the old
    archives; (the new one, the removed ones)."""
    config = current_app.config
    backup = write_backup(
        config["SQLALCHEMY_DATABASE_URI"], uploads=upload_dir(), into=backup_dir(), now=now
    )
    removed = prune_backups(
        backup_dir(),
        keep=config["DOORSTEP_BACKUP_KEEP"],
        keep_days=config["DOORSTEP_BACKUP_KEEP_DAYS"],
        now=now,
    )
    record_audit(
        "backup.taken",
        entity_type="backup",
        entity_id=backup.path.name,
        changes={
            "revision": backup.manifest.revision,
            "bytes": backup.manifest.size,
            "uploads": len(backup.manifest.uploads),
            "pruned": [p.name for p in removed],
        },
    )
    log.info(
        "backup %s (%s bytes); pruned %s", backup.path.name, backup.manifest.size, len(removed)
    )
    return backup, removed


def write_backup(database_url: str, *, uploads: Path, into: Path, now: datetime) -> Backup:
    """Dump the database and archive it with the files of ``uploads``; the archive is whole or
    absent (written beside, then renamed)."""
    into.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=into, prefix=".doorstep-backup-") as work:
        dump = Path(work) / DUMP
        dump_database(database_url, dump)
        revision = dump_revision(dump)
        path = into / archive_name(now, revision)
        if path.exists():
            raise BackupError(f"{path} already exists")
        files = sorted(p for p in uploads.iterdir() if p.is_file() and not p.is_symlink())
        manifest = write_archive(path, created_at=now, revision=revision, dump=dump, uploads=files)
    return Backup(path, manifest)


def prune_backups(directory: Path, *, keep: int, keep_days: int, now: datetime) -> list[Path]:
    """Delete the archives past the ``keep`` newest that are also older than ``keep_days``
    (0: past the newest alone decides), and what a killed backup left behind a day ago (its
    hidden work directory or partial archive). Other files are never touched."""
    removed = []
    for backup in list_backups(directory)[keep:]:
        if now - backup.taken_at >= timedelta(days=keep_days):
            backup.path.unlink(missing_ok=True)
            removed.append(backup.path)
    for left in directory.glob(".doorstep-*"):
        if now.timestamp() - left.stat().st_mtime < LEFTOVER_AGE.total_seconds():
            continue
        if left.is_dir():
            shutil.rmtree(left, ignore_errors=True)
        else:
            left.unlink(missing_ok=True)
    return removed


def restore_backup(archive: Path, *, force: bool, migrations: ScriptDirectory) -> Restored:
    """Restore ``archive`` into the app's database and upload directory.

    The archive is checked whole first (every file's sha256 against the manifest, and its
    migration known to this release); the database must be empty unless ``force``, which drops
    what it holds in the restore's own transaction."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    heads = migrations.get_heads()
    backup_dir().mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=backup_dir(), prefix=".doorstep-restore-") as work:
        manifest = unpack_archive(archive, Path(work))
        _check_known(manifest.revision, migrations)
        before = read_contents(url)
        if not before.is_empty and not force:
            raise BackupError(
                f"the database is not empty ({before.describe()}): restore into an empty "
                "database, or add --force to replace what it holds"
            )
        restore_database(url, Path(work) / DUMP, clear_first=not before.is_empty)
        for upload in manifest.uploads:
            _put_upload(Path(work) / upload.path, upload_dir())
    epoch = begin_epoch(manifest.created_at, archive=archive.name)
    head = "+".join(sorted(heads))
    if manifest.revision == head:  # an older schema has an older audit table: upgrade first
        record_audit(
            "backup.restored",
            entity_type="backup",
            entity_id=archive.name,
            changes={
                "taken_at": manifest.created_at.isoformat(),
                "revision": manifest.revision,
                "replaced": before.describe() if not before.is_empty else None,
                "epoch": str(epoch) if epoch else None,
            },
        )
    return Restored(manifest, before, head, epoch)


def begin_epoch(restored_from: datetime, *, archive: str | None) -> uuid.UUID | None:
    """Begin a new life of the database, brought back to ``restored_from``: phones that see
    its epoch send again what they synced since (``queries.check_epoch``). None when the
    schema predates epochs (migration 0027)."""
    if db.session.scalar(text("SELECT to_regclass('public.database_epochs')")) is None:
        return None
    epoch = uuid.uuid4()
    # Only the columns migration 0027 made: an older schema's table takes the row too.
    db.session.execute(
        insert(DatabaseEpoch).values(epoch=epoch, restored_from=restored_from, archive=archive)
    )
    return epoch


def mark_restored(restored_to: datetime, now: datetime) -> uuid.UUID:
    """Tell the phones the database was brought back to ``restored_to`` by other means than
    `doorstep restore` (point-in-time recovery, pg_restore by hand): a new epoch."""
    if restored_to > now:
        raise BackupError(f"{restored_to.isoformat()} is in the future: give the time the "
                          "database was recovered to")  # fmt: skip
    epoch = begin_epoch(restored_to, archive=None)
    if epoch is None:
        raise BackupError("the database predates epochs: run `doorstep db upgrade` (which "
                          "makes the phones send again everything they hold)")  # fmt: skip
    record_audit(
        "backup.marked_restored",
        entity_type="database_epoch",
        entity_id=str(epoch),
        changes={"restored_to": restored_to.isoformat()},
    )
    log.info("database marked as restored to %s: epoch %s", restored_to.isoformat(), epoch)
    return epoch


def _check_known(revision: str, migrations: ScriptDirectory) -> None:
    if revision == "unmigrated":
        return
    for part in revision.split("+"):
        try:
            migrations.get_revision(part)
        except CommandError:
            raise BackupError(
                f"the archive's migration {part} is not one of this release's: a newer "
                "Doorstep made it; restore it with that release"
            ) from None


def _put_upload(source: Path, directory: Path) -> None:
    """Copy beside, then rename: a reader never sees half an upload."""
    target = directory / source.name
    partial = directory / f".{source.name}.restoring"
    shutil.copyfile(source, partial)
    os.replace(partial, target)
