"""Oversized lines and fields are one row's reject, never the database's problem; NUL-filled
empty fields (North Carolina's) read as empty."""

from __future__ import annotations

import tracemalloc

from sqlalchemy import select

from app.core.reading import MAX_FIELD_CHARS, MAX_LINE_CHARS
from app.extensions import db
from app.imports.models import ImportKind, ImportReject, JobStatus
from tests.imports.voter_files import (
    NC_COLUMNS,
    PA_COLUMNS,
    PA_ELECTIONS,
    pa_row,
    person_of,
    row_of,
    run_import,
    write_file,
)


def rejects(job) -> list[tuple[int, str, str]]:
    return [
        (r.line_no, r.column, r.reason)
        for r in db.session.scalars(
            select(ImportReject).filter_by(job_id=job.id).order_by(ImportReject.line_no)
        )
    ]


def test_a_field_too_long_is_its_rows_reject(org, tmp_path):
    rows = [
        pa_row("1-51"),
        pa_row("2-51", **{"Mail Address 1": "X" * (MAX_FIELD_CHARS + 1)}),  # line 3
        pa_row("3-51", **{"Precinct Split ID": "Y" * 50_000}),  # line 4
        pa_row("4-51"),
    ]
    path = write_file(tmp_path / "export.csv", PA_COLUMNS, rows)
    job = run_import(org.id, ImportKind.VOTERS, path, layout="pa", elections=PA_ELECTIONS)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert (job.rows_read, job.rows_inserted, job.rows_rejected) == (4, 2, 2)
    reason = f"longer than {MAX_FIELD_CHARS} characters"
    assert rejects(job) == [(3, "Mail Address 1", reason), (4, "Precinct Split ID", reason)]


def test_a_line_too_long_is_its_rows_reject_and_is_never_held_whole(org, tmp_path):
    rows = [
        pa_row("1-51"),
        pa_row("2-51", **{"Address Line 2": "Z" * (40 * MAX_LINE_CHARS)}),
        pa_row("3-51"),
    ]
    path = write_file(tmp_path / "export.csv", PA_COLUMNS, rows)
    tracemalloc.start()
    try:
        job = run_import(org.id, ImportKind.VOTERS, path, layout="pa", elections=PA_ELECTIONS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert rejects(job) == [(3, "", f"line longer than {MAX_LINE_CHARS} characters")]
    assert (job.rows_read, job.rows_inserted) == (3, 2)
    assert peak < 20 * MAX_LINE_CHARS  # the 40-million-character line was never read whole


def test_north_carolinas_nul_filled_empty_fields_read_as_empty(org, tmp_path):
    """NC fills empty fields with NUL bytes; a NUL inside text stays a reject."""
    empty = "\x00" * 6
    cells = {name: empty for name in NC_COLUMNS}
    cells.update(county_desc="WAKE", status_cd="A", state_cd="NC", zip_code="27601",
                 gender_code="F", birth_year="1975", registr_dt="03/15/2004",
                 precinct_abbrv="01-07", confidential_ind="N", res_city_desc="RALEIGH")  # fmt: skip
    rows = [
        row_of(
            NC_COLUMNS,
            **{**cells, "ncid": "AA1", "last_name": "LEE", "res_street_address": "9 ELM ST"},
        ),
        row_of(
            NC_COLUMNS,
            **{**cells, "ncid": "AA2", "last_name": "L\x00E", "res_street_address": "9 ELM ST"},
        ),
    ]
    path = write_file(tmp_path / "ncvoter92.txt", NC_COLUMNS, rows, delimiter="\t",
                      encoding="latin-1")  # fmt: skip
    job = run_import(org.id, ImportKind.VOTERS, path, layout="nc")
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert (job.rows_inserted, job.rows_rejected) == (1, 1)
    assert rejects(job) == [(3, "", "contains a NUL byte")]
    person = person_of(org, "AA1")
    assert (person.last_name, person.first_name, person.middle_name) == ("LEE", None, None)
