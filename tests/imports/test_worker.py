"""The worker's claim runs in its own connection, so these jobs are committed for real (and
deleted afterwards); everything the import itself writes is still rolled back."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import text

from app.extensions import db
from app.imports import jobs
from app.imports.models import JobStatus
from app.people.models import Person
from tests.imports.voter_files import PA_COLUMNS, PA_ELECTIONS, count, pa_row, write_file

JOB_SQL = (
    "INSERT INTO import_jobs (organization_id, kind, layout, options, filename, file_path,"
    " file_size, status, heartbeat_at) VALUES (:org, 'voters', 'pa', CAST(:options AS jsonb),"
    " 'export.csv', :path, :size, :status, now() - make_interval(secs => :age)) RETURNING id"
)


@pytest.fixture
def committed(app, tmp_path):
    """A campaign with a stale running job and a queued one, committed outside the test's
    transaction. Asked for before ``db_session`` so it is cleaned up after the rollback."""
    path = write_file(tmp_path / "export.csv", PA_COLUMNS, [pa_row("1-51"), pa_row("2-51")])
    with app.app_context():
        engine = db.engine
        with engine.begin() as conn:
            org = conn.scalar(
                text("INSERT INTO organizations (name, slug) VALUES ('W', :slug) RETURNING id"),
                {"slug": f"worker-{uuid.uuid4().hex[:12]}"},
            )
            params = {"org": org, "path": str(path), "size": path.stat().st_size}
            options = json.dumps({"elections": PA_ELECTIONS, "full_file": True})
            stale = conn.scalar(
                text(JOB_SQL), {**params, "options": options, "status": "running", "age": 600}
            )
            queued = conn.scalar(
                text(JOB_SQL), {**params, "options": options, "status": "queued", "age": 0}
            )
        yield {"org": org, "stale": stale, "queued": queued}
        with engine.begin() as conn:
            # Fail, rather than hang, if the test's transaction still holds these rows.
            conn.execute(text("SET LOCAL lock_timeout = '5s'"))
            conn.execute(text("DELETE FROM import_jobs WHERE organization_id = :org"), {"org": org})
            conn.execute(text("DELETE FROM organizations WHERE id = :org"), {"org": org})


def committed_status(job_id: int) -> tuple[str, str | None]:
    with db.engine.connect() as conn:
        return conn.execute(
            text("SELECT status, error FROM import_jobs WHERE id = :id"), {"id": job_id}
        ).one()


def test_the_worker_claims_runs_and_commits_the_oldest_queued_job(committed, db_session):
    job = jobs.run_next_job()
    assert job is not None and job.id == committed["queued"]
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert (job.rows_read, job.rows_inserted) == (2, 2)
    assert count(Person, organization_id=committed["org"]) == 2
    db_session.execute(text("DISCARD TEMP"))
    # The claim was committed from the worker's own connection before the import ran.
    assert committed_status(committed["queued"])[0] == "running"
    # A running job whose heartbeat stopped lost its worker: marked failed by the claim.
    status, error = committed_status(committed["stale"])
    assert status == "failed" and error.startswith("The worker stopped during this import")
    # Nothing else is queued (this job is running, as far as other connections know).
    assert jobs.run_next_job() is None


def test_claiming_skips_a_job_another_worker_holds(committed, app, db_session):
    with db.engine.connect() as other, other.begin():
        other.execute(
            text("SELECT id FROM import_jobs WHERE id = :id FOR UPDATE"),
            {"id": committed["queued"]},
        )
        assert jobs.claim_next_job(db.engine) is None  # skipped, not waited for
    assert jobs.claim_next_job(db.engine) == committed["queued"]
