"""Reading the backup directory (which archives there are, newest first) and the database's
epoch (which life of the database this is, and what a phone that knew another has lost)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select

from app.backups.archive import parse_archive_name
from app.backups.models import DatabaseEpoch
from app.config import PROJECT_ROOT
from app.extensions import db

#: Phones re-send from this long before the backup's time: a sync answered just before the
#: backup began may commit after its snapshot did, and records an older app synced are dated
#: by the phone's own clock. Re-sending too much costs a "duplicate"; too little, a knock.
RESEND_MARGIN = timedelta(hours=1)


@dataclass(frozen=True)
class BackupFile:
    path: Path
    taken_at: datetime  # from the name: the UTC time the backup started
    revision: str
    size: int


def configured_backup_dir(config: Mapping[str, Any]) -> Path:
    """DOORSTEP_BACKUP_DIR, else var/backups in the checkout."""
    configured = config.get("DOORSTEP_BACKUP_DIR")
    return Path(configured) if configured else PROJECT_ROOT / "var" / "backups"


def backup_dir() -> Path:
    return configured_backup_dir(current_app.config)


def list_backups(directory: Path) -> list[BackupFile]:
    """The archives in ``directory`` (by their names; partial ones are hidden), newest first."""
    if not directory.is_dir():
        return []
    found = []
    for path in directory.iterdir():
        parsed = parse_archive_name(path.name)
        if parsed is not None and path.is_file():
            found.append(BackupFile(path, parsed[0], parsed[1], path.stat().st_size))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


@dataclass(frozen=True)
class EpochCheck:
    """The current epoch, and what a phone that last synced with ``known`` must send again."""

    epoch: uuid.UUID
    resend: bool
    #: Re-send what the server acknowledged at or after this time (server's clock); None with
    #: ``resend``: everything the phone holds.
    resend_since: datetime | None


def current_epoch() -> uuid.UUID:
    """The epoch of the database's current life."""
    return db.session.scalar(select(DatabaseEpoch.epoch).order_by(DatabaseEpoch.id.desc()).limit(1))


def check_epoch(known: uuid.UUID | None) -> EpochCheck:
    """What a phone that last synced with epoch ``known`` (None: with none yet) has lost.

    The lives after ``known`` each began from a backup's time; what the phone had synced
    since the earliest of them is gone. An epoch this database never had (a life that a
    later restore abandoned, or another database) means anything may be gone: since the
    earliest restore this database descends from, or everything when there was none. A phone
    with no epoch yet (new, or its app older) re-sends since the earliest restore, if any.
    """
    lives = db.session.execute(
        select(DatabaseEpoch.epoch, DatabaseEpoch.restored_from).order_by(DatabaseEpoch.id)
    ).all()
    current = lives[-1].epoch
    if known == current:
        return EpochCheck(current, resend=False, resend_since=None)
    epochs = [life.epoch for life in lives]
    after = lives[epochs.index(known) + 1 :] if known in epochs else lives
    times = [life.restored_from for life in after if life.restored_from is not None]
    if times:
        return EpochCheck(current, resend=True, resend_since=min(times) - RESEND_MARGIN)
    # No restore since: a new phone has nothing to lose; an unknown epoch, everything.
    return EpochCheck(current, resend=known is not None, resend_since=None)
