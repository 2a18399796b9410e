"""North Carolina: ncvoter (tab-separated, latin-1, one address line) and ncvhis history."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.imports.models import ImportKind, ImportReject, JobStatus
from app.voters.models import Address, Election, Household, Registration, Vote
from tests.factories import auth_headers
from tests.imports.voter_files import (
    NC_COLUMNS,
    NCVHIS_COLUMNS,
    count,
    person_of,
    registration_of,
    row_of,
    run_import,
    write_file,
)


def nc_row(ncid, last, first, address, **cells):
    cells = {
        "county_id": "92",
        "county_desc": "WAKE",
        "status_cd": "A",
        "res_city_desc": "RALEIGH",
        "state_cd": "NC",
        "zip_code": "27601",
        "party_cd": "DEM",
        "gender_code": "F",
        "birth_year": "1975",
        "registr_dt": "03/15/2004",
        "precinct_abbrv": "01-07",
        "confidential_ind": "N",
        **cells,
    }
    return row_of(NC_COLUMNS, ncid=ncid, last_name=last, first_name=first,
                  res_street_address=address, **cells)  # fmt: skip


VOTERS = [
    nc_row("AA100", "MUÑOZ", "MARÍA", "123 MAIN ST APT 4"),
    nc_row("AA101", "SMITH", "JOHN", "77 OAK AVE", confidential_ind="Y", gender_code="M"),
    nc_row("AA102", "MUÑOZ", "JOSÉ", "123 MAIN ST APT 5", gender_code="M"),
    nc_row("AA103", "LEE", "ANN", "9 ELM ST # 2B", party_cd="REP"),
]


def vhis(ncid, day, desc, method, party=""):
    return row_of(NCVHIS_COLUMNS, ncid=ncid, election_lbl=day, election_desc=desc,
                  voting_method=method, voted_party_cd=party, county_desc="WAKE")  # fmt: skip


HISTORY = [
    vhis("AA100", "11/03/2020", "11/03/2020 GENERAL", "ABSENTEE ONESTOP", "DEM"),  # line 2
    vhis("AA100", "03/03/2020", "03/03/2020 PRIMARY", "IN-PERSON", "DEM"),
    vhis("AA102", "11/03/2020", "11/03/2020 GENERAL", "ABSENTEE BY MAIL", "DEM"),
    vhis("ZZ999", "11/03/2020", "11/03/2020 GENERAL", "IN-PERSON", "REP"),  # line 5
    vhis("AA103", "11/03/2020", "11/03/2020 GENERAL", "TELEPATHY", "REP"),  # line 6
    vhis("AA103", "13/03/2020", "13/03/2020 PRIMARY", "IN-PERSON", "REP"),  # line 7
]


def import_nc(org, tmp_path, rows, name="ncvoter92.txt"):
    path = write_file(tmp_path / name, NC_COLUMNS, rows, delimiter="\t", encoding="latin-1")
    job = run_import(org.id, ImportKind.VOTERS, path, layout="nc")
    assert job.status == JobStatus.SUCCEEDED, job.error
    return job


def import_history(org, tmp_path, rows=HISTORY):
    path = write_file(
        tmp_path / "ncvhis92.txt", NCVHIS_COLUMNS, rows, delimiter="\t", encoding="latin-1"
    )
    job = run_import(org.id, ImportKind.HISTORY, path, layout="nc")
    assert job.status == JobStatus.SUCCEEDED, job.error
    return job


def test_the_file_is_read_as_latin_1_with_the_address_line_split(org, tmp_path):
    job = import_nc(org, tmp_path, VOTERS)
    assert (job.rows_read, job.rows_inserted, job.rows_rejected) == (4, 4, 0)
    assert "MUÑOZ".encode("latin-1") in (tmp_path / "ncvoter92.txt").read_bytes()
    maria = person_of(org, "AA100")
    assert (maria.first_name, maria.last_name, maria.party) == ("MARÍA", "MUÑOZ", "DEM")
    assert maria.household.unit == "4"
    assert (maria.household.address.house_number, maria.household.address.street) == (
        "123",
        "MAIN ST",
    )
    building = maria.household.address
    units = set(db.session.scalars(select(Household.unit).filter_by(address_id=building.id)))
    assert units == {"4", "5"}
    assert person_of(org, "AA103").household.unit == "2B"
    assert count(Address, organization_id=org.id) == 3
    registration = registration_of(org, "AA100")
    assert (registration.state, registration.precinct_code, str(registration.registered_on)) == (
        "NC",
        "01-07",
        "2004-03-15",
    )


def test_a_confidential_voter_is_flagged_and_never_counted_in_a_universe(
    org, director, tmp_path, client
):
    import_nc(org, tmp_path, VOTERS)
    john = person_of(org, "AA101")
    assert john.confidential is True
    assert registration_of(org, "AA101").confidential is True
    assert person_of(org, "AA100").confidential is False
    response = client.post(
        "/api/v1/universes/count", json={"filter": {}}, headers=auth_headers(director)
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["people"] == 3
    listed = client.post(
        "/api/v1/universes/count",
        json={"filter": {"party": ["DEM"]}},
        headers=auth_headers(director),
    ).get_json()
    assert listed["people"] == 2  # John is a Democrat too, and still not counted


@pytest.fixture
def history_job(org, tmp_path):
    import_nc(org, tmp_path, VOTERS)
    return import_history(org, tmp_path)


def test_history_adds_votes_and_elections(org, history_job):
    job = history_job
    assert (job.rows_read, job.rows_inserted, job.rows_rejected) == (6, 3, 3)
    assert job.summary == {"elections": 2, "seconds": job.summary["seconds"]}
    elections = {
        e.name: e for e in db.session.scalars(select(Election).filter_by(organization_id=org.id))
    }
    assert set(elections) == {"11/03/2020 GENERAL", "03/03/2020 PRIMARY"}
    general, primary = elections["11/03/2020 GENERAL"], elections["03/03/2020 PRIMARY"]
    assert (general.kind, str(general.held_on)) == ("general", "2020-11-03")
    assert primary.kind == "primary"
    votes = db.session.execute(
        select(Registration.state_key, Vote.election_id, Vote.method, Vote.ballot_party)
        .join(Registration, Registration.id == Vote.registration_id)
        .where(Registration.organization_id == org.id)
    ).all()
    assert {tuple(v) for v in votes} == {
        ("AA100", general.id, "early", "DEM"),
        ("AA100", primary.id, "polls", "DEM"),
        ("AA102", general.id, "mail", "DEM"),
    }
    assert sorted(person_of(org, "AA100").vote_codes) == sorted(
        [general.id * 8 + 4, primary.id * 8]
    )


def test_history_rejects_name_the_line_and_column(history_job):
    rejects = db.session.execute(
        select(ImportReject.line_no, ImportReject.column, ImportReject.reason, ImportReject.value)
        .filter_by(job_id=history_job.id)
        .order_by(ImportReject.line_no)
    ).all()
    assert [tuple(r) for r in rejects] == [
        (5, "ncid", "no voter with this ncid on file", "ZZ999"),
        (6, "voting_method", "unknown voting method", "TELEPATHY"),
        (7, "election_lbl", "not a date in MM/DD/YYYY form", "13/03/2020"),
    ]


def test_history_twice_changes_nothing(org, tmp_path, history_job):
    again = import_history(org, tmp_path)
    assert (again.rows_inserted, again.rows_unchanged) == (0, 3)
    assert count(Vote, organization_id=org.id) == 3


def test_a_newer_voter_file_keeps_the_history_file_votes(org, tmp_path, history_job):
    codes = sorted(person_of(org, "AA100").vote_codes)
    newer = [nc_row("AA100", "MUÑOZ", "MARÍA", "123 MAIN ST APT 4", party_cd="UNA"), *VOTERS[1:]]
    job = import_nc(org, tmp_path, newer, name="ncvoter92-newer.txt")
    assert (job.rows_updated, job.rows_unchanged) == (1, 3)
    maria = person_of(org, "AA100")
    assert maria.party == "UNA"
    assert sorted(maria.vote_codes) == codes
    assert count(Vote, organization_id=org.id) == 3


def test_a_second_county_file_leaves_the_first_county_on_file(org, tmp_path):
    import_nc(org, tmp_path, VOTERS)
    durham = nc_row("DD1", "PARK", "JO", "1 MAIN ST", county_id="32", county_desc="DURHAM")
    job = import_nc(org, tmp_path, [durham], name="ncvoter32.txt")
    assert job.rows_removed == 0
    assert count(Registration, organization_id=org.id, on_file=True) == 5
