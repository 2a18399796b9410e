"""A Pennsylvania Full Voter Export: people, registrations, homes, votes and search columns."""

from __future__ import annotations

import gzip

import pytest
from sqlalchemy import func, select, text

from app.extensions import db
from app.imports.models import ImportKind, JobStatus
from app.people.models import Interaction, Person
from app.voters.models import (
    VOTE_METHOD_CODES,
    Address,
    Election,
    Household,
    Registration,
    Vote,
    VoteMethod,
)
from tests.imports.voter_files import (
    PA_COLUMNS,
    PA_ELECTIONS,
    count,
    pa_row,
    person_of,
    registration_of,
    run_import,
    write_file,
)

ROWS = [
    pa_row("100001-51", "CARNEY", "MARK", apt="MB133", gender="M", birth_year="2001",
           votes={1: ("AP", "D"), 3: ("MB", "D")}),
    pa_row("100002-51", "ROMERO", "MICHELE", apt="2B", gender="U", votes={3: ("AB", "")}),
    pa_row("100003-51", "ROMERO", "DAN", apt="apt 2b", gender="M"),
    pa_row("100004-51", "OKAFOR", "ADA", house="5548", street="Warrington  Avenue",
           zip="19143", lnglat="-75.22755,39.94043", party="R", precinct="0301",
           votes={2: ("AB", "R"), 4: ("P", "R"), 40: ("AP", "R")}),
    pa_row("100005-51", "LEE", "SAM", house="600", street="South 59th Street", zip="19143",
           lnglat="", gender="", birth_year=""),
]  # fmt: skip


@pytest.fixture
def job(org, tmp_path):
    path = write_file(tmp_path / "export.csv", PA_COLUMNS, ROWS)
    return run_import(org.id, ImportKind.VOTERS, path, layout="pa", elections=PA_ELECTIONS)


def test_the_header_is_the_117_column_export():
    assert len(PA_COLUMNS) == 117
    assert PA_COLUMNS[33:35] == ["Election 1 Vote Method", "Election 1 Party"]


def test_counts_and_summary(org, job):
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert (job.rows_read, job.rows_inserted, job.rows_updated, job.rows_unchanged) == (5, 5, 0, 0)
    assert (job.rows_rejected, job.rows_removed) == (0, 0)
    assert job.summary["layout"] == "pa"
    assert job.summary["removed_step"] == "done"
    report = job.summary["geocoding"]
    assert (report["addresses"], report["placed"], report["from_file"], report["unplaced"]) == (
        3,
        2,
        2,
        1,
    )
    assert count(Person, organization_id=org.id, source="voter_file") == 5
    assert count(Registration, organization_id=org.id, state="PA", on_file=True) == 5
    assert count(Election, organization_id=org.id) == 40


def test_people_and_registrations(org, job):
    mark = person_of(org, "100001-51")
    assert (mark.first_name, mark.last_name, mark.gender, mark.birth_year) == (
        "MARK",
        "CARNEY",
        "M",
        2001,
    )
    assert (mark.party, mark.registration_status, mark.confidential) == ("D", "A", False)
    assert person_of(org, "100005-51").gender == "U"  # blank gender is unknown
    assert person_of(org, "100005-51").birth_year is None
    ada = registration_of(org, "100004-51")
    assert ada.precinct_code == "0301"  # a code stays text
    assert str(ada.registered_on) == "2020-02-23"
    assert (ada.first_import_job_id, ada.last_import_job_id) == (job.id, job.id)


def test_addresses_are_normalised_and_a_building_is_one_address(org, job):
    streets = set(db.session.scalars(select(Address.street).filter_by(organization_id=org.id)))
    assert streets == {"SPRUCE ST", "WARRINGTON AVE", "S 59TH ST"}
    building = db.session.scalar(
        select(Address).filter_by(organization_id=org.id, street="SPRUCE ST")
    )
    units = set(db.session.scalars(select(Household.unit).filter_by(address_id=building.id)))
    assert units == {"MB133", "2B"}
    # "2B" and "apt 2b" are the same door.
    assert person_of(org, "100002-51").household_id == person_of(org, "100003-51").household_id
    assert person_of(org, "100001-51").household_id != person_of(org, "100002-51").household_id


def test_points_come_from_the_tiger_column(org, job):
    lon, lat = db.session.execute(
        select(func.ST_X(Person.location), func.ST_Y(Person.location)).where(
            Person.id == person_of(org, "100004-51").id
        )
    ).one()
    assert (round(lon, 5), round(lat, 5)) == (-75.22755, 39.94043)
    assert person_of(org, "100005-51").location is None
    sources = dict(
        db.session.execute(
            select(Address.street, Address.geocode_source).filter_by(organization_id=org.id)
        ).all()
    )
    assert sources == {"SPRUCE ST": "file", "WARRINGTON AVE": "file", "S 59TH ST": None}


def election_ids(org) -> dict[str, int]:
    rows = db.session.execute(
        select(Election.name, Election.held_on, Election.id).filter_by(organization_id=org.id)
    )
    return {name: (held_on, id_) for name, held_on, id_ in rows}


def test_votes_are_decoded_from_the_election_columns(org, job):
    elections = election_ids(org)
    primary_on, primary = elections["2020 GENERAL PRIMARY"]
    general_on, general = elections["2020 GENERAL ELECTION"]
    assert (str(primary_on), str(general_on)) == ("2020-06-02", "2020-11-03")
    kinds = dict(
        db.session.execute(
            select(Election.id, Election.kind).where(Election.id.in_([primary, general]))
        ).all()
    )
    assert kinds == {primary: "primary", general: "general"}

    def votes(state_key):
        registration_id = registration_of(org, state_key).id
        return {
            (election_id, method, party)
            for election_id, method, party in db.session.execute(
                select(Vote.election_id, Vote.method, Vote.ballot_party).filter_by(
                    registration_id=registration_id
                )
            )
        }

    assert votes("100001-51") == {(primary, "polls", "D"), (general, "mail", "D")}
    assert votes("100002-51") == {(general, "absentee", None)}
    assert votes("100003-51") == set()
    methods = {method for _, method, _ in votes("100004-51")}
    assert methods == {"absentee", "provisional", "polls"}
    assert count(Vote, organization_id=org.id) == 6


def test_vote_codes_are_election_times_eight_plus_method(org, job):
    elections = election_ids(org)
    primary, general = elections["2020 GENERAL PRIMARY"][1], elections["2020 GENERAL ELECTION"][1]
    mark = person_of(org, "100001-51")
    assert sorted(mark.vote_codes) == sorted(
        [
            primary * 8 + VOTE_METHOD_CODES[VoteMethod.POLLS],
            general * 8 + VOTE_METHOD_CODES[VoteMethod.MAIL],
        ]
    )
    assert person_of(org, "100003-51").vote_codes == []
    assert len(person_of(org, "100004-51").vote_codes) == 3


def test_each_person_gets_an_import_entry_on_their_timeline(org, job, client, headers):
    rows = db.session.execute(
        select(Interaction.person_id, Interaction.kind, Interaction.data).filter_by(
            organization_id=org.id, import_job_id=job.id
        )
    ).all()
    assert len(rows) == 5 and {kind for _, kind, _ in rows} == {"import"}
    assert {data["action"] for _, _, data in rows} == {"added"}
    assert {data["state_key"] for _, _, data in rows} == {f"10000{n}-51" for n in range(1, 6)}
    timeline = client.get(
        f"/api/v1/people/{person_of(org, '100001-51').id}/interactions", headers=headers
    )
    assert timeline.status_code == 200
    (entry,) = timeline.get_json()["items"]
    assert (entry["kind"], entry["summary"]) == ("import", "Added from the voter file")


@pytest.mark.parametrize(
    "variant",
    [
        lambda data: gzip.compress(data),
        lambda data: data.replace(b"\n", b"\r\n"),
        lambda data: b"\xef\xbb\xbf" + data,
    ],
    ids=["gzip", "crlf", "bom"],
)
def test_gzip_windows_line_ends_and_a_bom_read_the_same(org, tmp_path, variant):
    path = write_file(tmp_path / "export.csv", PA_COLUMNS, ROWS)
    path.write_bytes(variant(path.read_bytes()))
    job = run_import(org.id, ImportKind.VOTERS, path, layout="pa", elections=PA_ELECTIONS)
    assert (job.status, job.rows_inserted, job.rows_rejected) == (JobStatus.SUCCEEDED, 5, 0)
    assert person_of(org, "100001-51").birth_year == 2001  # the last column, read whole
    assert person_of(org, "100001-51").first_name == "MARK"


def test_people_are_written_next_to_their_neighbours(org, tmp_path):
    """New people are stored in geographic order, whatever the file's order, so that a search
    of one area reads few table pages: each table page holds a run of neighbours in order.
    (Which pages they land on depends on the free space earlier tests left in the table: the
    last rows may go to an earlier page.)"""
    corners = ["-75.20,39.90", "-75.30,39.99", "-75.20,39.99", "-75.30,39.90"]
    rows = [pa_row(f"{n}-51", house=str(100 + n % 4), lnglat=corners[n % 4]) for n in range(12)]
    job = run_import(org.id, ImportKind.VOTERS, write_file(tmp_path / "e.csv", PA_COLUMNS, rows),
                     layout="pa", elections=PA_ELECTIONS)  # fmt: skip
    assert job.status == JobStatus.SUCCEEDED, job.error
    stored = db.session.execute(
        text("SELECT (ctid::text::point)[0], ST_GeoHash(location) FROM people "
             "WHERE organization_id = :org ORDER BY ctid"),
        {"org": org.id},
    ).all()  # fmt: skip
    assert len(stored) == 12
    pages: dict[float, list[str]] = {}
    for page, geohash in stored:
        pages.setdefault(page, []).append(geohash)
    assert all(run == sorted(run) for run in pages.values())
    runs = sorted(pages.values())
    assert [g for run in runs for g in run] == sorted(g for _, g in stored)
