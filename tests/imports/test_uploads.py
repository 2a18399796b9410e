"""Uploaded files go when their import ends: a succeeded job's once its work commits, a failed
job's after DOORSTEP_UPLOAD_RETENTION_DAYS (the worker's periodic task). A file outside the
upload directory (``doorstep import`` reads the operator's own) is never touched."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from app.core.tasks import PERIODIC_TASKS
from app.core.transactions import commit
from app.extensions import db
from app.imports.jobs import create_job, run_job
from app.imports.models import ImportKind, JobStatus
from app.imports.uploads import remove_finished_uploads
from tests.imports.voter_files import PA_COLUMNS, pa_row, write_file

NOW = datetime(2027, 3, 1, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "DOORSTEP_UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setitem(app.config, "DOORSTEP_UPLOAD_RETENTION_DAYS", 7)
    (tmp_path / "uploads").mkdir()
    return tmp_path / "uploads"


def _job(org, path, status, finished_days_ago):
    path.write_text("x\n")
    job = create_job(org.id, ImportKind.AREAS, path, options={"kind": "ward"})
    job.status = status
    job.finished_at = NOW - timedelta(days=finished_days_ago)
    db.session.flush()
    return job


def test_a_succeeded_upload_goes_when_the_job_commits(org, uploads, elections_path):
    path = write_file(uploads / "1-abc-voters.csv", PA_COLUMNS, [pa_row("1-51")])
    job = create_job(org.id, ImportKind.VOTERS, path, layout="pa",
                     options={"elections": str(elections_path)})  # fmt: skip
    db.session.commit()
    job = run_job(job)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert path.exists()  # not before the commit: a failed commit keeps the job to run again
    commit()
    db.session.execute(text("DISCARD TEMP"))  # what a real commit does to ON COMMIT DROP tables
    assert not path.exists()


def test_a_failed_upload_stays_for_the_retention_period(org, uploads, tmp_path):
    gone = _job(org, uploads / "old-failed.csv", JobStatus.FAILED, 8)
    kept = _job(org, uploads / "new-failed.csv", JobStatus.FAILED, 6)
    leftover = _job(org, uploads / "succeeded.csv", JobStatus.SUCCEEDED, 0)
    queued = _job(org, uploads / "queued.csv", JobStatus.QUEUED, 30)
    own_file = _job(org, tmp_path / "operators-own.csv", JobStatus.SUCCEEDED, 30)

    assert remove_finished_uploads(NOW) == {"removed": 2}

    assert [job.file_path for job in (gone, leftover) if not _exists(job)] == [
        gone.file_path,
        leftover.file_path,
    ]
    assert all(_exists(job) for job in (kept, queued, own_file))
    assert PERIODIC_TASKS["upload-cleanup"].run is remove_finished_uploads


def _exists(job) -> bool:
    return Path(job.file_path).exists()
