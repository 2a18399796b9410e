"""Files that are wholly wrong are refused before anything is written, with a clear reason."""

from __future__ import annotations

import gzip
import zipfile

import pytest

from app.core.reading import FileRefused
from app.imports.layouts import PENNSYLVANIA
from app.imports.models import ImportJob, ImportKind, ImportReject, JobStatus
from app.imports.progress import JobProgress
from app.imports.voters import import_voters
from app.people.models import Person
from app.voters.models import Address, Registration
from tests.imports.voter_files import (
    NC_COLUMNS,
    OH_COLUMNS,
    PA_COLUMNS,
    PA_ELECTIONS,
    count,
    pa_row,
    row_of,
    run_import,
    write_file,
)


def empty(path):
    path.write_bytes(b"")


def blank_lines(path):
    path.write_bytes(b"\n\n  \n")


def header_only(path):
    write_file(path, PA_COLUMNS, [])


def header_and_blank_lines(path):
    path.write_bytes((",".join(PA_COLUMNS) + "\n\n\n").encode())


def xlsx(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet/>" * 50)


def png(path):
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)


def damaged_gzip(path):
    path.write_bytes(gzip.compress(",".join(PA_COLUMNS).encode())[:40])


def tab_separated(path):
    write_file(path, PA_COLUMNS, [pa_row("1")], delimiter="\t")


def north_carolina(path):
    row = row_of(NC_COLUMNS, ncid="AA1", last_name="X")
    write_file(path, NC_COLUMNS, [row], delimiter="\t", encoding="latin-1")


def ohio(path):
    write_file(path, OH_COLUMNS, [row_of(OH_COLUMNS, SOS_VOTERID="OH1", LAST_NAME="X")])


REFUSALS = [
    (empty, "The file is empty."),
    (blank_lines, "The file is empty."),
    (header_only, "The file has a header row but no data rows."),
    (header_and_blank_lines, "The file has a header row but no data rows."),
    (xlsx, "This is not a text file"),
    (png, "This is not a delimited text file with a header row"),
    (damaged_gzip, "The file is a damaged gzip archive."),
    (
        tab_separated,
        "Wrong delimiter: a Pennsylvania Full Voter Export file is comma-separated, "
        "and this file looks tab-separated.",
    ),
    # Tab-separated without Pennsylvania's header: read as the state's headerless delivery.
    (
        north_carolina,
        "This is not a Pennsylvania Full Voter Export (tab-separated, as delivered) file: it has"
        " no header row, and its first line has 28 columns where the layout lists 153.",
    ),
    (
        ohio,
        "This file is not in the Pennsylvania Full Voter Export layout: missing columns "
        "ID Number, Title, Last Name, First Name, Middle Name and 21 more.",
    ),
]


def nothing_written(org, job) -> None:
    assert count(Person, organization_id=org.id) == 0
    assert count(Registration, organization_id=org.id) == 0
    assert count(Address, organization_id=org.id) == 0
    assert count(ImportReject, job_id=job.id) == 0


@pytest.mark.parametrize(("make", "message"), REFUSALS, ids=[m.__name__ for m, _ in REFUSALS])
def test_a_wrong_file_fails_the_job_and_writes_nothing(org, tmp_path, make, message):
    path = tmp_path / "upload.csv"
    make(path)
    job = run_import(org.id, ImportKind.VOTERS, path, layout="pa", elections=PA_ELECTIONS)
    assert job.status == JobStatus.FAILED
    assert job.phase == "failed" and job.finished_at is not None
    assert job.error.startswith(message), job.error
    assert job.rows_inserted == 0
    nothing_written(org, job)


def test_the_refusal_is_a_422_with_its_own_code(org, tmp_path, db_session):
    path = write_file(tmp_path / "export.csv", PA_COLUMNS, [pa_row("1")])
    job = ImportJob(organization_id=org.id, kind=ImportKind.VOTERS, filename="x", file_path="x")
    db_session.add(job)
    db_session.flush()
    with pytest.raises(FileRefused) as refused:
        import_voters(org.id, job.id, path, PENNSYLVANIA, JobProgress(None, job.id))
    assert (refused.value.status, refused.value.code) == (422, "import_file_refused")
    assert refused.value.fields == {"elections": "missing"}


def test_pennsylvania_without_its_election_map_is_refused(org, tmp_path):
    path = write_file(tmp_path / "export.csv", PA_COLUMNS, [pa_row("1")])
    job = run_import(org.id, ImportKind.VOTERS, path, layout="pa")
    assert job.status == JobStatus.FAILED
    assert "give the election map that came with the file" in job.error
    nothing_written(org, job)


def test_an_election_map_missing_an_election_is_refused(org, tmp_path):
    path = write_file(tmp_path / "export.csv", PA_COLUMNS, [pa_row("1")])
    elections = {k: v for k, v in PA_ELECTIONS.items() if k != "Election 7"}
    job = run_import(org.id, ImportKind.VOTERS, path, layout="pa", elections=elections)
    assert (job.status, job.error) == (
        JobStatus.FAILED,
        "The election map has no entry for Election 7.",
    )
    nothing_written(org, job)


def test_an_unknown_layout_is_refused(org, tmp_path):
    path = write_file(tmp_path / "export.csv", PA_COLUMNS, [pa_row("1")])
    job = run_import(org.id, ImportKind.VOTERS, path, layout="texas")
    assert job.status == JobStatus.FAILED
    assert job.error == (
        "Unknown layout 'texas': use pa, nc, nc-snapshot, oh or the name of a saved mapping."
    )
