"""``doorstep import ...``: the same imports from the command line, ending in one summary line.

Under the test harness the command's commits release savepoints, and its claim (made from
its own connection) cannot see the uncommitted job, so it changes nothing and waits for
nothing; the import itself runs in the test's transaction.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, text

from app.cli import cli
from app.extensions import db
from app.imports.models import ImportJob, JobStatus
from app.people.models import Person
from app.voters.models import Registration
from tests.factories import create_organization
from tests.imports.voter_files import (
    NC_COLUMNS,
    NCVHIS_COLUMNS,
    PA_COLUMNS,
    count,
    pa_row,
    row_of,
    write_file,
)

SUMMARY = re.compile(
    r"^import (\d+): (\d+) rows read, (\d+) loaded, (\d+) updated, (\d+) unchanged, "
    r"(\d+) rejected, (\d+) removed, [0-9.]+ s$"
)
ROWS = [pa_row("1-51"), pa_row("2-51", apt="1"), pa_row("3-51", registered="13/01/2020")]


def invoke(runner, *args):
    result = runner.invoke(cli, args=["import", *args, "--quiet"])
    db.session.execute(text("DISCARD TEMP"))  # what the command's commit does outside tests
    return result


def summary(result) -> tuple[int, ...]:
    match = SUMMARY.match(result.output.strip().splitlines()[-1])
    assert match, result.output
    return tuple(int(n) for n in match.groups())


@pytest.fixture
def export(tmp_path):
    return write_file(tmp_path / "export.csv", PA_COLUMNS, ROWS)


def test_import_voters_prints_one_summary_line(runner, org, export, elections_path):
    args = ["voters", str(export), "--layout", "pa", "--elections", str(elections_path)]
    first = invoke(runner, *args)
    assert first.exit_code == 0, first.output
    assert first.output.count("\n") == 1  # --quiet: no progress bar, just the summary
    job_id, *counts = summary(first)
    assert counts == [3, 2, 0, 0, 1, 0]
    job = db.session.get(ImportJob, job_id)
    assert (job.organization_id, job.status, job.options["full_file"]) == (
        org.id,
        JobStatus.SUCCEEDED,
        True,
    )
    assert job.options["elections"] == str(elections_path.resolve())
    assert count(Person, organization_id=org.id) == 2

    again = invoke(runner, *args, "--org", org.slug)
    assert again.exit_code == 0, again.output
    assert summary(again)[1:] == (3, 0, 0, 2, 1, 0)


def test_a_partial_file_removes_nobody(runner, org, export, elections_path, tmp_path):
    args = ["--layout", "pa", "--elections", str(elections_path)]
    assert invoke(runner, "voters", str(export), *args).exit_code == 0
    part = write_file(tmp_path / "part.csv", PA_COLUMNS, ROWS[:1])
    result = invoke(runner, "voters", str(part), *args, "--partial")
    assert summary(result)[1:] == (1, 0, 0, 1, 0, 0)
    full = invoke(runner, "voters", str(part), *args)
    assert summary(full)[1:] == (1, 0, 0, 1, 0, 1)
    assert count(Registration, organization_id=org.id, on_file=False) == 1


def test_a_refused_file_exits_non_zero_with_the_reason(runner, org, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = invoke(runner, "voters", str(empty), "--layout", "nc")
    assert result.exit_code == 1
    assert re.search(r"^import \d+ failed: The file is empty\.$", result.output, re.M)
    job = db.session.scalar(select(ImportJob).filter_by(organization_id=org.id))
    assert (job.status, job.error) == (JobStatus.FAILED, "The file is empty.")


def test_history_from_the_command_line(runner, org, tmp_path):
    voter = row_of(NC_COLUMNS, ncid="BB1", last_name="DOE", res_street_address="5 ASH LN")
    voters = write_file(tmp_path / "ncvoter.txt", NC_COLUMNS, [voter], delimiter="\t")
    assert invoke(runner, "voters", str(voters), "--layout", "nc").exit_code == 0
    vote = row_of(NCVHIS_COLUMNS, ncid="BB1", election_lbl="11/08/2022",
                  election_desc="11/08/2022 GENERAL", voting_method="ELECTION DAY")  # fmt: skip
    history = write_file(tmp_path / "ncvhis.txt", NCVHIS_COLUMNS, [vote], delimiter="\t")
    result = invoke(runner, "history", str(history), "--layout", "nc")
    assert result.exit_code == 0, result.output
    assert summary(result)[1:3] == (1, 1)
    doe = db.session.scalar(select(Person).filter_by(organization_id=org.id, last_name="DOE"))
    assert len(doe.vote_codes) == 1


def test_the_campaign_must_be_named_when_there_are_several(runner, org, export):
    create_organization()
    result = invoke(runner, "voters", str(export), "--layout", "pa")
    assert result.exit_code != 0
    assert "Name the organisation with --org SLUG." in result.output
    unknown = invoke(runner, "voters", str(export), "--layout", "pa", "--org", "nope")
    assert "No organisation with slug 'nope'." in unknown.output
    assert count(ImportJob) == 0
