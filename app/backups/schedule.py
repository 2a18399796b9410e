"""The worker's scheduled backup: every DOORSTEP_BACKUP_EVERY_HOURS (0, the default: never).

The periodic task only decides; the dump runs in a thread of its own, so the reminders that
share the periodic thread never wait for it. The newest archive's time decides whether one is
due, so a restarted worker does not back up again at once.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from flask import Flask, current_app

from app.audit.context import acting_as
from app.backups.operations import take_backup
from app.backups.queries import backup_dir, list_backups
from app.core.tasks import periodic_task
from app.core.transactions import unit_of_work

log = logging.getLogger(__name__)

#: A failed backup is tried again after this, not at every turn of the task.
RETRY_AFTER = timedelta(hours=1)
_running = threading.Lock()
_failed_at: datetime | None = None
#: The last backup thread started (tests wait for it).
last_thread: threading.Thread | None = None


def is_backup_due(now: datetime, every_hours: int, newest: datetime | None) -> bool:
    """Due when scheduling is on and the newest archive is ``every_hours`` old (or none)."""
    if every_hours <= 0:
        return False
    return newest is None or now - newest >= timedelta(hours=every_hours)


@periodic_task("backup", every=timedelta(minutes=5))
def start_due_backup(now: datetime) -> dict[str, int]:
    """Start a backup in its own thread when one is due (and none is running)."""
    archives = list_backups(backup_dir())
    newest = archives[0].taken_at if archives else None
    if not is_backup_due(now, current_app.config["DOORSTEP_BACKUP_EVERY_HOURS"], newest):
        return {}
    if _failed_at is not None and now - _failed_at < RETRY_AFTER:
        return {"waiting": 1}
    if not _running.acquire(blocking=False):
        return {"running": 1}
    global last_thread
    # Not a daemon: `doorstep worker --once` waits for the backup it started before exiting.
    last_thread = threading.Thread(
        target=_back_up, args=(current_app._get_current_object(), now), name="backup"
    )
    last_thread.start()
    return {"started": 1}


def _back_up(app: Flask, now: datetime) -> None:
    global _failed_at
    try:
        with app.app_context(), acting_as("worker:backup"), unit_of_work():
            take_backup(now)
        _failed_at = None
    except Exception:
        _failed_at = now
        log.exception("the scheduled backup failed; it is tried again in an hour")
    finally:
        _running.release()
