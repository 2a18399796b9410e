"""The imports API: upload a file as a queued job, run it as the worker does, watch it."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select, text

from app.audit.models import AuditEvent
from app.auth.permissions import Role
from app.core.errors import ValidationError
from app.extensions import db
from app.imports import jobs
from app.imports.models import ImportJob, JobStatus
from app.people.models import Person
from app.voters.models import Registration
from tests.factories import auth_headers, create_user
from tests.imports.voter_files import PA_COLUMNS, PA_ELECTIONS, count, pa_row, write_file


@pytest.fixture(autouse=True)
def upload_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "DOORSTEP_UPLOAD_DIR", str(tmp_path / "uploads"))
    return tmp_path / "uploads"


def pa_bytes(tmp_path, rows) -> bytes:
    return write_file(tmp_path / "source.csv", PA_COLUMNS, rows).read_bytes()


def upload(client, headers, data: bytes, **form):
    form = {"kind": "voters", "layout": "pa", "elections": json.dumps(PA_ELECTIONS), **form}
    return client.post(
        "/api/v1/imports",
        data={**form, "file": (io.BytesIO(data), "West Philly export.csv")},
        content_type="multipart/form-data",
        headers=headers,
    )


def run_queued(job_id: int) -> ImportJob:
    """The worker's step on one job. ``run_next_job`` claims through its own connection, which
    cannot see this test's uncommitted job, so the job is run here directly."""
    job = jobs.run_job(db.session.get(ImportJob, job_id))
    db.session.commit()
    db.session.execute(text("DISCARD TEMP"))
    return job


def test_upload_queue_run_and_watch(client, headers, org, director, tmp_path, upload_dir):
    data = pa_bytes(tmp_path, [pa_row("1-51"), pa_row("2-51", apt="2"), pa_row("2-51")])
    response = upload(client, headers, data)
    assert response.status_code == 202, response.get_json()
    queued = response.get_json()
    assert (queued["status"], queued["phase"], queued["kind"], queued["layout"]) == (
        "queued",
        "queued",
        "voters",
        "pa",
    )
    assert (queued["filename"], queued["file_size"], queued["percent"]) == (
        "West Philly export.csv",
        len(data),
        0.0,
    )
    assert queued["rejects_url"] == f"/api/v1/imports/{queued['id']}/rejects.csv"
    (saved,) = upload_dir.iterdir()
    assert saved.read_bytes() == data and saved.name.endswith("West_Philly_export.csv")
    audit = db.session.scalar(select(AuditEvent).filter_by(action="import.queue"))
    assert (audit.actor_user_id, audit.entity_id) == (director.id, str(queued["id"]))
    assert count(Person, organization_id=org.id) == 0  # nothing happens until the worker runs

    run_queued(queued["id"])
    done = client.get(f"/api/v1/imports/{queued['id']}", headers=headers).get_json()
    assert (done["status"], done["phase"], done["percent"], done["error"]) == (
        "succeeded",
        "done",
        100.0,
        None,
    )
    assert (done["rows_read"], done["rows_inserted"], done["rows_rejected"]) == (3, 2, 1)
    assert done["bytes_read"] == len(data) and done["finished_at"] is not None
    assert done["summary"]["geocoding"]["addresses"] == 1
    assert count(Registration, organization_id=org.id) == 2
    listed = client.get("/api/v1/imports?kind=voters&status=succeeded", headers=headers).get_json()
    assert [item["id"] for item in listed["items"]] == [queued["id"]]
    assert client.get("/api/v1/imports?status=failed", headers=headers).get_json()["items"] == []


def test_a_bad_file_fails_its_job_with_the_reason(client, headers, org, tmp_path):
    response = upload(client, headers, b"\n")
    assert response.status_code == 202  # the file is read by the worker, not the request
    job = run_queued(response.get_json()["id"])
    shown = client.get(f"/api/v1/imports/{job.id}", headers=headers).get_json()
    assert (shown["status"], shown["error"]) == ("failed", "The file is empty.")
    assert count(Person, organization_id=org.id) == 0


@pytest.mark.parametrize(
    ("raised", "error"),
    [
        (RuntimeError("disk full"), "The import failed unexpectedly; nothing from it was kept."),
        (ValidationError("A refusal late in the import."), "A refusal late in the import."),
    ],
)
def test_a_job_failing_midway_keeps_nothing(
    client, headers, org, tmp_path, monkeypatch, raised, error
):
    job_id = upload(client, headers, pa_bytes(tmp_path, [pa_row("1-51")])).get_json()["id"]

    def fail(params):  # after people, registrations and votes are written
        assert count(Person, organization_id=org.id) == 1
        raise raised

    monkeypatch.setattr("app.imports.voters.record_interactions", fail)
    if isinstance(raised, RuntimeError):
        with pytest.raises(RuntimeError):
            jobs.run_job(db.session.get(ImportJob, job_id))
    else:
        jobs.run_job(db.session.get(ImportJob, job_id))
    db.session.commit()
    job = db.session.get(ImportJob, job_id)
    assert (job.status, job.phase) == (JobStatus.FAILED, "failed")
    assert job.error.startswith(error)
    assert count(Person, organization_id=org.id) == 0
    assert count(Registration, organization_id=org.id) == 0


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"layout": ""}, "layout"),
        ({"elections": "{not json"}, "elections"),
        ({"elections": "[1, 2]"}, "elections"),
        ({"kind": "history", "layout": "pa"}, "layout"),
        ({"kind": "areas", "layout": ""}, "area_kind"),
        ({"kind": "ballots"}, "kind"),
    ],
)
def test_a_bad_upload_is_refused(client, headers, tmp_path, form, field):
    response = upload(client, headers, b"x,y\n1,2\n", **form)
    assert response.status_code == 422, response.get_json()
    assert any(name.endswith(field) for name in response.get_json()["error"]["fields"])


def test_an_upload_without_a_file_is_refused(client, headers):
    response = client.post(
        "/api/v1/imports", data={"kind": "voters", "layout": "nc"}, headers=headers
    )
    assert response.status_code == 422
    assert count(ImportJob) == 0


@pytest.mark.parametrize("role", [Role.ORGANIZER, Role.CANVASSER, Role.FINANCE])
def test_only_directors_and_admins_run_imports(client, org, tmp_path, role):
    headers = auth_headers(create_user(org, role))
    assert upload(client, headers, b"x,y\n1,2\n").status_code == 403
    assert client.get("/api/v1/imports", headers=headers).status_code == 403
    assert client.get("/api/v1/import-mappings", headers=headers).status_code == 403
    assert count(ImportJob) == 0


def test_another_campaigns_import_is_not_found(client, headers, tmp_path):
    stranger = auth_headers(create_user(role=Role.DIRECTOR))
    job_id = upload(client, stranger, b"x,y\n1,2\n").get_json()["id"]
    response = client.get(f"/api/v1/imports/{job_id}", headers=headers)
    assert (response.status_code, response.get_json()["error"]["code"]) == (
        404,
        "import_not_found",
    )
