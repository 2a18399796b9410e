"""Rows that cannot be loaded are rejected with their line, column and reason; the rest load."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from app.extensions import db
from app.imports.models import ImportKind, ImportReject, JobStatus
from app.people.models import Person
from tests.imports.voter_files import PA_COLUMNS, PA_ELECTIONS, count, pa_row, run_import

BAD_UTF8, NUL = "@@BAD-UTF8@@", "@@NUL@@"

ROWS = [
    pa_row("300001-51", "GOOD", "ONE"),  # line 2
    ["300002-51", "SHORT", "ROW", "F", "A"],  # 3
    pa_row("300003-51", "BADDATE", "X", registered="02/30/2020"),  # 4
    pa_row("300004-51", "GENDER", "X", gender="Q"),  # 5
    pa_row("300005-51", "STATUS", "X", status="Z"),  # 6
    pa_row("300006-51", "METHOD", "X", votes={1: ("AP", "D"), 3: ("ZZ", "D")}),  # 7
    pa_row("300001-51", "DUPLICATE", "X"),  # 8
    pa_row("300008-51", "ENCODING", BAD_UTF8),  # 9
    pa_row("300009-51", "NUL", NUL),  # 10
    pa_row("300010-51", "TWICE", "X", gender="Q", birth_year="19x0"),  # 11
    pa_row("300011-51", "ISO", "DATE", **{"Status Change Date": "2020-01-31"}),  # 12
    pa_row("300012-51", "POINT", "X", lnglat="39.9,-75.2,1"),  # 13
    pa_row("300013-51", "GOOD", "TWO"),  # 14
    pa_row("300014-51", "LONG", "X", party="DEMOCRATIC PARTY"),  # 15
]
EXPECTED = [
    (3, "", "expected 117 columns, found 5", ""),
    (4, "Registration Date", "not a date in MM/DD/YYYY form", "02/30/2020"),
    (5, "Gender", "unknown gender code", "Q"),
    (6, "Voter Status", "unknown voter status code", "Z"),
    (7, "Election 3 Vote Method", "unknown code (vote methods: AP, AB, MB, P)", "ZZ"),
    (8, "ID Number", "duplicate voter id (an earlier line has it)", "300001-51"),
    (9, "First Name", "not valid utf-8 text", ""),
    (10, "", "contains a NUL byte", ""),
    (11, "Birth Year", "not a birth year", "19x0"),
    (11, "Gender", "unknown gender code", "Q"),
    (12, "Status Change Date", "not a date in MM/DD/YYYY form", "2020-01-31"),
    (13, "TIGER/Line Lng/Lat", "not a longitude,latitude pair", "39.9,-75.2,1"),
    (15, "Party Code", "longer than 10 characters", "DEMOCRATIC PARTY"),
]


def write_bad_file(path):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(PA_COLUMNS)
    writer.writerows(ROWS)
    data = buffer.getvalue().encode("utf-8")
    path.write_bytes(data.replace(BAD_UTF8.encode(), b"J\xffRG").replace(NUL.encode(), b"A\x00B"))
    return path


@pytest.fixture
def job(org, tmp_path):
    path = write_bad_file(tmp_path / "export.csv")
    return run_import(org.id, ImportKind.VOTERS, path, layout="pa", elections=PA_ELECTIONS)


def test_bad_rows_are_rejected_and_good_rows_load(org, job):
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert (job.rows_read, job.rows_rejected, job.rows_inserted) == (14, 12, 2)
    names = set(db.session.scalars(select(Person.first_name).filter_by(organization_id=org.id)))
    assert names == {"ONE", "TWO"}  # the first of two lines with one id is kept
    rejects = db.session.execute(
        select(ImportReject.line_no, ImportReject.column, ImportReject.reason, ImportReject.value)
        .filter_by(job_id=job.id)
        .order_by(ImportReject.line_no, ImportReject.column)
    ).all()
    assert [tuple(r) for r in rejects] == EXPECTED


def test_a_file_with_unreadable_rows_marks_nobody_removed(job):
    assert job.rows_removed == 0
    assert job.summary["removed_step"].startswith("skipped: some rows could not be read")


def test_the_rejects_report_downloads_as_csv(client, headers, job):
    response = client.get(f"/api/v1/imports/{job.id}/rejects.csv", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert f'filename="import-{job.id}-rejects.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["line", "column", "reason", "value"]
    assert len(rows) == 1 + len(EXPECTED)
    assert rows[5][:2] == ["7", "Election 3 Vote Method"]


def test_the_report_of_another_campaign_is_not_found(client, job):
    from app.auth.permissions import Role
    from tests.factories import auth_headers, create_user

    stranger = create_user(role=Role.DIRECTOR)
    response = client.get(f"/api/v1/imports/{job.id}/rejects.csv", headers=auth_headers(stranger))
    assert response.status_code == 404
    assert count(ImportReject, job_id=job.id) == len(EXPECTED)
