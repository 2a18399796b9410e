"""The rejects report streams after the request's transaction is committed and its session
closed, as in production (the usual ``client`` fixture keeps one session for the whole test,
which hid the failure)."""

from __future__ import annotations

import csv
import io

from app import create_app
from app.auth.permissions import Role
from app.extensions import db
from app.imports.models import ImportKind
from tests.conftest import TEST_CONFIG
from tests.factories import auth_headers, create_organization, create_user
from tests.imports.test_rejects import EXPECTED, write_bad_file
from tests.imports.voter_files import PA_ELECTIONS, run_import


def test_the_rejects_report_streams_with_a_real_session(make_database, tmp_path):
    url = make_database("doorstep_rejects_stream")
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        org = create_organization()
        headers = auth_headers(create_user(org, Role.DIRECTOR))
        job = run_import(org.id, ImportKind.VOTERS, write_bad_file(tmp_path / "export.csv"),
                         layout="pa", elections=PA_ELECTIONS)  # fmt: skip
        job_id = job.id
        db.session.commit()
        db.session.remove()
    try:
        response = app.test_client().get(f"/api/v1/imports/{job_id}/rejects.csv", headers=headers)
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
        assert rows[0] == ["line", "column", "reason", "value"]
        assert len(rows) == 1 + len(EXPECTED)
    finally:
        with app.app_context():
            db.engine.dispose()
