"""Ohio's SWVF: ISO dates, and one column per election unpivoted into votes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.imports.models import ImportKind, ImportReject, JobStatus
from app.people.models import Person
from app.voters.models import VOTE_METHOD_CODES, Election, Registration, Vote
from tests.imports.voter_files import (
    OH_COLUMNS,
    count,
    registration_of,
    row_of,
    run_import,
    write_file,
)

ELECTION_COLUMNS = ["PRIMARY-05/05/2020", "SPECIAL-08/04/2020", "GENERAL-11/03/2020"]
COLUMNS = OH_COLUMNS + ELECTION_COLUMNS


def oh_row(voter_id, last, *, votes=("", "", ""), **cells):
    cells = {
        "COUNTY_NUMBER": "25",
        "FIRST_NAME": "PAT",
        "DATE_OF_BIRTH": "1960-04-01",
        "REGISTRATION_DATE": "1990-10-01",
        "VOTER_STATUS": "ACTIVE",
        "RESIDENTIAL_ADDRESS1": "1500 N HIGH STREET",
        "RESIDENTIAL_CITY": "COLUMBUS",
        "RESIDENTIAL_STATE": "OH",
        "RESIDENTIAL_ZIP": "43201",
        "PRECINCT_CODE": "25-AAB",
        **cells,
        **dict(zip(ELECTION_COLUMNS, votes, strict=True)),
    }
    return row_of(COLUMNS, SOS_VOTERID=voter_id, LAST_NAME=last, **cells)


ROWS = [
    oh_row("OH0001", "BROWN", PARTY_AFFILIATION="D", RESIDENTIAL_SECONDARY_ADDR="APT 3",
           votes=("D", "", "X")),  # line 2
    oh_row("OH0002", "GREEN", votes=("R", "X", "")),
    oh_row("OH0003", "WHITE", DATE_OF_BIRTH="04/01/1960"),  # line 4
    oh_row("OH0004", "BLACK", votes=("", "", "MAYBE")),  # line 5
    oh_row("OH0005", "GRAY", VOTER_STATUS="PURGED"),  # line 6
]  # fmt: skip


@pytest.fixture
def job(org, tmp_path):
    path = write_file(tmp_path / "SWVF_1_22.txt", COLUMNS, ROWS)
    job = run_import(org.id, ImportKind.VOTERS, path, layout="oh")
    assert job.status == JobStatus.SUCCEEDED, job.error
    return job


def test_dates_are_iso_and_the_address_line_is_split(org, job):
    assert (job.rows_read, job.rows_inserted, job.rows_rejected) == (5, 2, 3)
    brown = db.session.get(Person, registration_of(org, "OH0001").person_id)
    assert (str(brown.birth_date), brown.birth_year, brown.gender) == ("1960-04-01", 1960, "U")
    assert str(registration_of(org, "OH0001").registered_on) == "1990-10-01"
    assert registration_of(org, "OH0002").status == "ACTIVE"
    address = brown.household.address
    assert (address.house_number, address.street, address.state) == ("1500", "N HIGH ST", "OH")
    assert brown.household.unit == "3"


def test_election_columns_are_unpivoted_into_votes(org, job):
    elections = {
        e.name: e for e in db.session.scalars(select(Election).filter_by(organization_id=org.id))
    }
    assert {name: (str(e.held_on), e.kind) for name, e in elections.items()} == {
        "2020 PRIMARY": ("2020-05-05", "primary"),
        "2020 SPECIAL": ("2020-08-04", "special"),
        "2020 GENERAL": ("2020-11-03", "general"),
    }
    primary, special, general = (
        elections[f"2020 {k}"].id for k in ("PRIMARY", "SPECIAL", "GENERAL")
    )
    votes = db.session.execute(
        select(Registration.state_key, Vote.election_id, Vote.method, Vote.ballot_party)
        .join(Registration, Registration.id == Vote.registration_id)
        .where(Registration.organization_id == org.id)
    ).all()
    assert {tuple(v) for v in votes} == {
        ("OH0001", primary, "unknown", "D"),  # a primary ballot's party
        ("OH0001", general, "unknown", None),
        ("OH0002", primary, "unknown", "R"),
        ("OH0002", special, "unknown", None),
    }
    unknown = VOTE_METHOD_CODES["unknown"]
    brown = db.session.get(Person, registration_of(org, "OH0001").person_id)
    assert sorted(brown.vote_codes) == sorted([primary * 8 + unknown, general * 8 + unknown])
    assert count(Vote, organization_id=org.id) == 4


def test_bad_cells_name_their_column(job):
    rejects = db.session.execute(
        select(ImportReject.line_no, ImportReject.column, ImportReject.reason, ImportReject.value)
        .filter_by(job_id=job.id)
        .order_by(ImportReject.line_no)
    ).all()
    assert [tuple(r) for r in rejects] == [
        (4, "DATE_OF_BIRTH", "not a date in YYYY-MM-DD form", "04/01/1960"),
        (5, "GENERAL-11/03/2020", "unknown code (vote methods: X)", "MAYBE"),
        (6, "VOTER_STATUS", "unknown voter status code", "PURGED"),
    ]


def test_a_voter_in_confirmation_status_loads(org, tmp_path):
    path = write_file(
        tmp_path / "SWVF.txt", COLUMNS, [oh_row("OH0009", "TAN", VOTER_STATUS="CONFIRMATION")]
    )
    job = run_import(org.id, ImportKind.VOTERS, path, layout="oh")
    assert (job.status, job.rows_inserted, job.rows_rejected) == (JobStatus.SUCCEEDED, 1, 0)
    assert registration_of(org, "OH0009").status == "CONFIRMATION"
