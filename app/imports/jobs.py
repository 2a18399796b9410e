"""Run import jobs: from the CLI in the foreground, or from the worker in the background."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text

from app.core.errors import DoorstepError
from app.core.transactions import commit
from app.extensions import db
from app.imports.kinds import runner_for
from app.imports.models import ImportJob, ImportKind, ImportReject, JobStatus
from app.imports.progress import JobProgress
from app.imports.uploads import remove_when_committed

log = logging.getLogger(__name__)

# A running job whose heartbeat is older than this lost its worker; its transaction is gone.
STALE_AFTER_SECONDS = 120


def create_job(
    organization_id: int,
    kind: ImportKind,
    path: Path,
    *,
    filename: str | None = None,
    layout: str = "",
    options: dict | None = None,
    user_id: int | None = None,
) -> ImportJob:
    job = ImportJob(
        organization_id=organization_id,
        kind=kind,
        layout=layout,
        options=options or {},
        filename=(filename or path.name)[:255],
        file_path=str(path),
        file_size=path.stat().st_size if path.exists() else 0,
        created_by_id=user_id,
    )
    db.session.add(job)
    db.session.flush()
    return job


def run_job(
    job: ImportJob,
    *,
    engine=None,
    on_change: Callable[[JobProgress], None] | None = None,
) -> ImportJob:
    """Do the job's work in the current transaction and record the outcome on the job.

    The caller commits on success. On failure the work is rolled back here and the failure
    recorded, so nothing is ever half applied.
    """
    job_id = job.id
    path = Path(job.file_path)
    progress = JobProgress(engine, job_id, total_bytes=job.file_size, on_change=on_change)
    started = time.monotonic()
    # The job row is not touched in this transaction until the end: the progress writer
    # updates it from its own connection meanwhile, and must never wait on our lock.
    try:
        runner = runner_for(job.kind)
        # Big hash joins and sorts stay in memory; the setting ends with the transaction.
        db.session.execute(text("SET LOCAL work_mem = '256MB'"))
        with progress:
            result = runner(job, path, progress)
        _save_rejects(job_id, result.rejects)
    except Exception as exc:
        db.session.rollback()
        job = db.session.get(ImportJob, job_id)
        job.status, job.phase, job.finished_at = JobStatus.FAILED, "failed", db.func.now()
        job.started_at = job.started_at or db.func.now()
        if isinstance(exc, DoorstepError):
            job.error = exc.message
        else:
            log.exception("import job %s failed", job_id)
            job.error = "The import failed unexpectedly; nothing from it was kept. See the log."
        db.session.flush()
        if isinstance(exc, DoorstepError):
            return job
        raise
    for name, value in result.counts.items():
        setattr(job, name, value)
    job.summary = {**result.summary, "seconds": round(time.monotonic() - started, 2)}
    job.bytes_read = job.file_size
    job.status, job.phase, job.finished_at = JobStatus.SUCCEEDED, "done", db.func.now()
    job.started_at = job.started_at or db.func.now()
    db.session.flush()
    remove_when_committed(job.file_path)
    return job


def _save_rejects(job_id: int, rejects) -> None:
    db.session.add_all(
        ImportReject(
            job_id=job_id,
            line_no=r.line_no,
            column=r.column[:120],
            reason=r.reason[:300],
            value=r.value[:200],
        )
        for r in rejects
    )


def summary_line(job: ImportJob) -> str:
    """The one line the CLI ends with."""
    if job.status == JobStatus.FAILED:
        return f"import {job.id} failed: {job.error}"
    return (
        f"import {job.id}: {job.rows_read} rows read, {job.rows_inserted} loaded, "
        f"{job.rows_updated} updated, {job.rows_unchanged} unchanged, "
        f"{job.rows_rejected} rejected, {job.rows_removed} removed, "
        f"{job.summary.get('seconds', 0)} s"
    )


def claim_next_job(engine) -> int | None:
    """Mark the oldest queued job running (skipping ones another worker holds); its id."""
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE import_jobs SET status = 'failed', phase = 'failed', finished_at = now(),"
                " error = 'The worker stopped during this import; nothing from it was kept."
                " Run it again.' WHERE status = 'running'"
                " AND heartbeat_at < now() - make_interval(secs => :stale)"
            ),
            {"stale": STALE_AFTER_SECONDS},
        )
        return conn.scalar(
            text(
                "UPDATE import_jobs SET status = 'running', heartbeat_at = now(),"
                " started_at = now() WHERE id = (SELECT id FROM import_jobs"
                " WHERE status = 'queued' ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1)"
                " RETURNING id"
            )
        )


def claim_job(engine, job_id: int) -> None:
    """Mark one job running, committed, so its progress shows while it runs (the CLI)."""
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE import_jobs SET status = 'running', heartbeat_at = now(),"
                " started_at = now() WHERE id = :id"
            ),
            {"id": job_id},
        )


def run_next_job() -> ImportJob | None:
    """The worker's step: claim one queued job, run it, commit. None when the queue is empty."""
    job_id = claim_next_job(db.engine)
    if job_id is None:
        return None
    job = db.session.get(ImportJob, job_id)
    try:
        job = run_job(job, engine=db.engine)
    except Exception:
        job = db.session.get(ImportJob, job_id)
    commit()
    return job
