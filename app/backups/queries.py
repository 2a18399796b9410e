"""Reading the backup directory: which archives there are, newest first."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app

from app.backups.archive import parse_archive_name
from app.config import PROJECT_ROOT


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
