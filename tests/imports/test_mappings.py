"""Saved column mappings: validated when saved, then used as a layout by name."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.imports.models import ImportKind, ImportMapping, JobStatus
from app.people.models import Person
from app.voters.models import Address
from tests.imports.voter_files import count, registration_of, run_import, write_file

MAPPING = {
    "name": "county-export",
    "state": "NJ",
    "delimiter": "|",
    "date_format": "YYYY-MM-DD",
    "columns": {
        "state_key": "VoterID",
        "last_name": "Surname",
        "first_name": "Given",
        "address_line": "Address",
        "city": "Town",
        "zip": "Zip",
        "registered_on": "RegDate",
        "party": "Party",
        "lon": "X",
        "lat": "Y",
    },
}
LON_ONLY = {field: name for field, name in MAPPING["columns"].items() if field != "lat"}
HEADER = ["VoterID", "Surname", "Given", "Address", "Town", "Zip", "RegDate", "Party", "X", "Y"]


def post_mapping(client, headers, **changes):
    return client.post("/api/v1/import-mappings", json={**MAPPING, **changes}, headers=headers)


def test_a_mapping_is_saved_listed_and_deleted(client, headers, org):
    response = post_mapping(client, headers)
    assert response.status_code == 201, response.get_json()
    saved = response.get_json()
    assert (saved["name"], saved["delimiter"], saved["columns"]) == (
        "county-export",
        "|",
        MAPPING["columns"],
    )
    listed = client.get("/api/v1/import-mappings", headers=headers).get_json()
    assert [m["name"] for m in listed] == ["county-export"]
    again = post_mapping(client, headers)
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "mapping_exists")
    url = f"/api/v1/import-mappings/{saved['id']}"
    assert client.delete(url, headers=headers).status_code == 204
    assert client.get(url, headers=headers).status_code == 404
    assert count(ImportMapping, organization_id=org.id) == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"columns": {"last_name": "Surname", "street": "St"}}, "columns", "state_key"),
        ({"columns": {"state_key": "ID", "last_name": "L"}}, "columns", "street or address_line"),
        ({"columns": {**MAPPING["columns"], "shoe_size": "Shoe"}}, "columns", "shoe_size"),
        ({"columns": LON_ONLY}, "columns", "lon and lat"),
        ({"date_format": "DD.MM.YY"}, "date_format", "Must be one of"),
        ({"encoding": "klingon-8"}, "encoding", "Unknown encoding"),
        ({"delimiter": "x"}, "delimiter", "Must be one of"),
        ({"name": "pa"}, "name", "built-in layout"),
        ({"state": "Jersey"}, "state", "does not match"),
    ],
    ids=["no-key", "no-address", "unknown-field", "lon-without-lat", "date-format",
         "encoding", "delimiter", "built-in-name", "state"],
)  # fmt: skip
def test_a_bad_mapping_is_refused(client, headers, org, changes, field, message):
    response = post_mapping(client, headers, **changes)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    problems = {name: text for name, text in error["fields"].items() if name.startswith(field)}
    assert problems, error["fields"]
    assert message in str(problems)
    assert count(ImportMapping, organization_id=org.id) == 0


def test_a_file_in_a_saved_mapping_imports(client, headers, org, tmp_path):
    assert post_mapping(client, headers).status_code == 201
    rows = [
        ["NJ-1", "Rivera", "Ana", "12 Oak Street Apt 3", "Camden", "08102", "2012-06-30", "DEM",
         "-75.11", "39.94"],
        ["NJ-2", "Rivera", "Luis", "12 OAK ST APT 3", "Camden", "08102", "2015-01-02", "DEM",
         "", ""],
        ["NJ-3", "Stone", "Bo", "7 Elm Ave", "Camden", "08103", "06/30/2012", "REP", "", ""],
    ]  # fmt: skip
    path = write_file(tmp_path / "county.txt", HEADER, rows, delimiter="|")
    job = run_import(org.id, ImportKind.VOTERS, path, layout="county-export")
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert (job.rows_read, job.rows_inserted, job.rows_rejected) == (3, 2, 1)
    assert job.summary["layout"] == "county-export"
    registration = registration_of(org, "NJ-1")
    assert (registration.state, str(registration.registered_on)) == ("NJ", "2012-06-30")
    ana, luis = (
        db.session.scalar(select(Person).filter_by(organization_id=org.id, first_name=name))
        for name in ("Ana", "Luis")
    )
    assert ana.household_id == luis.household_id  # one door, spelt two ways
    assert ana.household.unit == "3"
    address = ana.household.address
    assert (address.house_number, address.street, address.city) == ("12", "OAK ST", "CAMDEN")
    lon = db.session.scalar(select(func.ST_X(Address.point)).where(Address.id == address.id))
    assert round(lon, 2) == -75.11


def test_a_file_missing_a_mapped_column_is_refused(client, headers, org, tmp_path):
    assert post_mapping(client, headers).status_code == 201
    header = [name for name in HEADER if name != "RegDate"]
    path = write_file(
        tmp_path / "county.txt",
        header,
        [["NJ-1", "R", "A", "1 A ST", "C", "1", "", "D", "", ""][:9]],
        delimiter="|",
    )
    job = run_import(org.id, ImportKind.VOTERS, path, layout="county-export")
    assert job.status == JobStatus.FAILED
    assert job.error == (
        "This file is not in the Mapping county-export layout: missing columns RegDate."
    )
    assert count(Person, organization_id=org.id) == 0
    assert count(Address, organization_id=org.id) == 0
