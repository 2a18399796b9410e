"""Reads of import jobs, their rejects and saved mappings."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import select

from app.core.errors import NotFound
from app.core.pagination import Page, paginate
from app.extensions import db
from app.imports.models import ImportJob, ImportKind, ImportMapping, ImportReject, JobStatus
from app.imports.progress import VOTER_PHASES, voter_import_done

JOB_SORTS = {"created_at": ImportJob.created_at, "id": ImportJob.id}


def get_job(organization_id: int, job_id: int) -> ImportJob:
    job = db.session.get(ImportJob, job_id)
    if job is None or job.organization_id != organization_id:
        raise NotFound("No such import.", code="import_not_found")
    return job


def list_jobs(organization_id: int, args: Mapping[str, Any]) -> Page:
    stmt = select(ImportJob).where(ImportJob.organization_id == organization_id)
    for name in ("kind", "status"):
        if args.get(name) is not None:
            stmt = stmt.where(getattr(ImportJob, name) == args[name])
    return paginate(stmt, args, sortable=JOB_SORTS, default_order=[ImportJob.id.desc()])


def job_progress(job: ImportJob) -> dict[str, Any]:
    """Percent done, rows per second and the ETA of a running job.

    A voter import's percent counts its phases (app.imports.progress.VOTER_PHASES): the file
    read is its first seventh, the writes after it the rest. Other imports: bytes read.
    """
    percent = rows_per_second = eta = phase_number = phase_count = None
    read = min(job.bytes_read, job.file_size) / job.file_size if job.file_size else 0.0
    voter_phase = voter_import_done(job.phase, read) if job.kind == ImportKind.VOTERS else None
    if job.status == JobStatus.SUCCEEDED:
        percent = 100.0
    elif voter_phase is not None:
        percent = round(100 * voter_phase[0], 1)
        phase_number, phase_count = voter_phase[1], len(VOTER_PHASES)
    elif job.file_size:
        percent = round(100 * read, 1)
    if job.started_at is not None:
        end = job.finished_at or job.heartbeat_at or job.started_at
        seconds = (end - job.started_at).total_seconds()
        if seconds > 0 and job.rows_read:
            rows_per_second = round(job.rows_read / seconds, 1)
            if job.status == JobStatus.RUNNING and percent and percent < 100:
                eta = round(seconds * (100 - percent) / percent, 1)
    return {
        "percent": percent,
        "rows_per_second": rows_per_second,
        "eta_seconds": eta,
        "phase_number": phase_number,
        "phase_count": phase_count,
    }


def iter_rejects_csv(job_id: int) -> Iterator[str]:
    """The rejects report: line, column, reason, value; streamed.

    Takes the job's id, not the job: the request's session is committed and closed before the
    body streams, and an ORM object from it can no longer be read."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["line", "column", "reason", "value"])
    rows = db.session.execute(
        select(ImportReject.line_no, ImportReject.column, ImportReject.reason, ImportReject.value)
        .where(ImportReject.job_id == job_id)
        .order_by(ImportReject.line_no, ImportReject.id)
        .execution_options(yield_per=2000)
    )
    for row in rows:
        writer.writerow(row)
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def get_mapping(organization_id: int, mapping_id: int) -> ImportMapping:
    mapping = db.session.get(ImportMapping, mapping_id)
    if mapping is None or mapping.organization_id != organization_id:
        raise NotFound("No such mapping.", code="mapping_not_found")
    return mapping


def list_mappings(organization_id: int) -> list[ImportMapping]:
    return list(
        db.session.scalars(
            select(ImportMapping)
            .where(ImportMapping.organization_id == organization_id)
            .order_by(ImportMapping.name)
        )
    )
