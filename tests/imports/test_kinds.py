"""One registry of import kinds: ``run_job`` looks the kind's runner up; every runner returns
one ``ImportResult`` (counts, summary, rejects). Each kind's own tests (tests/imports,
tests/areas, tests/streets, tests/voters/test_address_points.py) run it through run_job."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core.reading import RowReject
from app.extensions import db
from app.imports import kinds
from app.imports.jobs import create_job, run_job
from app.imports.models import ImportKind, ImportReject, JobStatus


def test_every_kind_has_a_runner():
    assert set(kinds.RUNNERS) == set(ImportKind)


def test_a_kind_registers_once():
    with pytest.raises(ValueError, match="has a runner already"):
        kinds.import_kind(ImportKind.STREETS)(lambda job, path, progress: None)


@pytest.fixture
def job(org, tmp_path):
    path = tmp_path / "lines.csv"
    path.write_text("a\n1\n2\n")
    job = create_job(org.id, ImportKind.STREETS, path)
    db.session.commit()  # as the API and the CLI do: a failed run keeps the job to say so
    return job


def test_run_job_records_what_the_runner_returns(job, monkeypatch):
    def runner(job, path, progress):
        rejects = [RowReject(3, "a", "not a number", "x")]
        return kinds.ImportResult({"rows_read": 2, "rows_inserted": 1, "rows_rejected": 1},
                                  {"note": "fine"}, rejects)  # fmt: skip

    monkeypatch.setitem(kinds.RUNNERS, ImportKind.STREETS, runner)
    done = run_job(job)
    assert done.status == JobStatus.SUCCEEDED
    assert (done.rows_read, done.rows_inserted, done.rows_rejected) == (2, 1, 1)
    assert done.summary["note"] == "fine" and "seconds" in done.summary
    [reject] = db.session.scalars(select(ImportReject).filter_by(job_id=done.id)).all()
    assert (reject.line_no, reject.column, reject.reason) == (3, "a", "not a number")


def test_a_kind_without_a_runner_fails_its_job_clearly(job, monkeypatch):
    monkeypatch.delitem(kinds.RUNNERS, ImportKind.STREETS)
    done = run_job(job)
    assert done.status == JobStatus.FAILED
    assert done.error == (
        "No runner is registered for imports of kind 'streets'; nothing was imported."
    )
