"""Uploaded import files: where they wait for the worker, and when they go.

A succeeded job's upload is removed as soon as the job's work is committed; a failed job's
stays ``DOORSTEP_UPLOAD_RETENTION_DAYS`` (so it can be looked at), then the periodic task
below removes it. Files outside the upload directory (``doorstep import`` reads the
operator's own file in place) are never touched.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.config import PROJECT_ROOT
from app.core.signals import after_commit, after_rollback
from app.core.tasks import periodic_task
from app.extensions import db
from app.imports.models import ImportJob, JobStatus

log = logging.getLogger(__name__)


def _configured_dir() -> Path:
    configured = current_app.config.get("DOORSTEP_UPLOAD_DIR")
    return Path(configured) if configured else PROJECT_ROOT / "var" / "uploads"


def upload_dir() -> Path:
    path = _configured_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path


def remove_when_committed(file_path: str) -> None:
    """Remove this job's upload once the transaction that finished the job commits."""
    db.session.info.setdefault("uploads_done", []).append(file_path)


@after_commit.connect
def _remove_done_uploads(session: Session) -> None:
    for file_path in session.info.pop("uploads_done", []):
        remove_upload(file_path)


@after_rollback.connect
def _keep_uploads(session: Session) -> None:
    session.info.pop("uploads_done", None)


def remove_upload(file_path: str) -> bool:
    """Delete an uploaded file (only one inside the upload directory); True if it was there."""
    path = Path(file_path).resolve()
    if not path.is_relative_to(_configured_dir().resolve()):
        return False
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    log.info("removed upload %s", path.name)
    return True


@periodic_task("upload-cleanup", every=timedelta(hours=1))
def remove_finished_uploads(now: datetime) -> dict[str, int]:
    """Remove the uploads of failed jobs past the retention period, and of succeeded jobs
    whose file is still there (their worker stopped between the commit and the removal)."""
    keep = timedelta(days=current_app.config["DOORSTEP_UPLOAD_RETENTION_DAYS"])
    paths = db.session.scalars(
        select(ImportJob.file_path).where(
            or_(
                ImportJob.status == JobStatus.SUCCEEDED,
                (ImportJob.status == JobStatus.FAILED) & (ImportJob.finished_at < now - keep),
            )
        )
    ).all()
    return {"removed": sum(remove_upload(path) for path in paths)}
