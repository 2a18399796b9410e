"""Files as the states deliver them: Pennsylvania's county export (tab-separated, quoted, no
header, 153 columns) with its Election Map file, and North Carolina's VR_Snapshot."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from app.core.reading import FileRefused
from app.extensions import db
from app.imports.election_map import read_election_map
from app.imports.layouts import NC_SNAPSHOT_COLUMNS, PA_EXPORT_COLUMNS
from app.imports.models import ImportKind, ImportReject, JobStatus
from app.voters.models import Election, Vote
from tests.imports.voter_files import (
    PA_ELECTIONS,
    count,
    person_of,
    registration_of,
    row_of,
    run_import,
)


def pa_export_row(voter_id: str, **cells: str) -> list[str]:
    values = {
        "ID Number": voter_id,
        "Last Name": "SMITH",
        "First Name": "ALEX",
        "Gender": "F",
        "DOB": "07/04/1980",
        "Registration Date": "02/23/2020",
        "Voter Status": "A",
        "Party Code": "D",
        "House Number": "3700",
        "Street Name": "SPRUCE ST",
        "City": "PHILADELPHIA",
        "State": "PA",
        "Zip": "19104",
        "Precinct Code": "2722",
        "District 1": "PHILADELPHIA CITY",
        "District 2": "3RD CONGRESSIONAL",
        "County": "PHILADELPHIA",
        **cells,
    }
    return row_of(PA_EXPORT_COLUMNS, **values)


def write_pa_export(path, rows):
    """As the state writes it: tab-separated, every field in double quotes, no header."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t", quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def write_election_map(path, county="PHILADELPHIA", elections=PA_ELECTIONS):
    lines = [
        f'"{county}"\t"{name.split()[1]}"\t"{entry["description"]}"\t"{entry["date"]}"'
        for name, entry in elections.items()
    ]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


PA_ROWS = [
    pa_export_row("200001-51", **{"Election 1 Vote Method": "AP", "Election 1 Party": "D",
                                  "Election 3 Vote Method": "MB", "Election 3 Party": "D"}),
    pa_export_row("200002-51", **{"Last Name": "LEE", "Apartment Number": "2B",
                                                          "Election 3 Vote Method": "AB"}),
]  # fmt: skip


def test_the_export_layout_has_its_153_documented_columns():
    assert len(PA_EXPORT_COLUMNS) == 153
    assert PA_EXPORT_COLUMNS[29:31] == ("Custom Data 1", "District 1")
    assert PA_EXPORT_COLUMNS[69:72] == ("District 40", "Election 1 Vote Method", "Election 1 Party")
    assert PA_EXPORT_COLUMNS[-3:] == ("Home Phone", "County", "Mail Country")


def test_pennsylvanias_county_export_loads_as_delivered_with_its_election_map_file(org, tmp_path):
    path = write_pa_export(tmp_path / "PHILADELPHIA FVE 20221010.txt", PA_ROWS)
    election_map = write_election_map(tmp_path / "PHILADELPHIA Election Map 20221010.txt")
    job = run_import(org.id, ImportKind.VOTERS, path, layout="pa", elections=str(election_map))
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert (job.rows_read, job.rows_inserted, job.rows_rejected) == (2, 2, 0)
    alex = person_of(org, "200001-51")
    assert (alex.first_name, alex.last_name, alex.party) == ("ALEX", "SMITH", "D")
    assert (str(alex.birth_date), alex.birth_year) == ("1980-07-04", 1980)
    assert alex.household.address.street == "SPRUCE ST"
    assert person_of(org, "200002-51").household.unit == "2B"
    assert registration_of(org, "200001-51").precinct_code == "2722"
    query = select(Election.name, Election.held_on).filter_by(organization_id=org.id)
    held = dict(db.session.execute(query).all())
    assert str(held["2020 GENERAL ELECTION"]) == "2020-11-03"
    assert count(Vote, organization_id=org.id) == 3


def test_the_election_map_reads_the_same_as_json_or_as_the_states_file(tmp_path):
    from_file = read_election_map(write_election_map(tmp_path / "map.txt").read_text())
    assert from_file == PA_ELECTIONS


def test_an_election_map_of_several_counties_is_refused(tmp_path):
    text = (
        write_election_map(tmp_path / "a.txt").read_text()
        + write_election_map(tmp_path / "b.txt", county="ADAMS").read_text()
    )
    with pytest.raises(FileRefused, match="several counties \\(ADAMS, PHILADELPHIA\\)"):
        read_election_map(text)


def test_the_api_takes_the_states_election_map_file_as_the_elections_field(
    client, headers, tmp_path
):
    path = write_pa_export(tmp_path / "export.txt", PA_ROWS)
    election_map = write_election_map(tmp_path / "map.txt").read_text()
    response = client.post(
        "/api/v1/imports",
        data={
            "file": (io.BytesIO(path.read_bytes()), "export.txt"),
            "kind": "voters",
            "layout": "pa",
            "elections": election_map,
        },
        headers=headers,
        content_type="multipart/form-data",
    )
    assert response.status_code == 202, response.get_json()
    bad = client.post(
        "/api/v1/imports",
        data={
            "file": (io.BytesIO(path.read_bytes()), "export.txt"),
            "kind": "voters",
            "layout": "pa",
            "elections": "PHILADELPHIA\tfirst\n",
        },
        headers=headers,
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    assert "elections" in bad.get_json()["error"]["fields"]


def test_a_headerless_file_of_the_wrong_width_is_refused(org, tmp_path):
    path = write_pa_export(tmp_path / "export.txt", [row[:-1] for row in PA_ROWS])
    job = run_import(org.id, ImportKind.VOTERS, path, layout="pa", elections=PA_ELECTIONS)
    assert job.status == JobStatus.FAILED
    assert job.error == (
        "This is not a Pennsylvania Full Voter Export (tab-separated, as delivered) file: it has"
        " no header row, and its first line has 152 columns where the layout lists 153."
    )


def snapshot_row(ncid: str, **cells: str) -> list[str]:
    values = {
        "snapshot_dt": "2024-11-05",
        "county_id": "92",
        "county_desc": "WAKE",
        "voter_reg_num": "000123",
        "ncid": ncid,
        "status_cd": "A",
        "last_name": "MUÑOZ",
        "first_name": "MARÍA",
        "house_num": "123",
        "street_dir": "N",
        "street_name": "MAIN",
        "street_type_cd": "ST",
        "res_city_desc": "RALEIGH",
        "state_cd": "NC",
        "zip_code": "27601",
        "party_cd": "DEM",
        "sex_code": "F",
        "age": "44",
        "registr_dt": "2004-03-15",
        "precinct_abbrv": "01-07",
        "confidential_ind": "N",
        **cells,
    }
    return row_of(NC_SNAPSHOT_COLUMNS, **values)


def test_north_carolinas_snapshot_loads_with_its_address_in_parts(org, tmp_path):
    rows = [
        snapshot_row("BB1", unit_designator="APT", unit_num="4", half_code="½"),
        snapshot_row("BB2", first_name="JOSÉ", sex_code="M", age="17"),
        snapshot_row("BB3", last_name="SMITH", confidential_ind="Y", age="",
                     street_dir="", street_name="OAK", street_type_cd="AVE",
                     street_sufx_cd="EXT", house_num="77"),
        snapshot_row("BB4", registr_dt="03/15/2004"),
    ]  # fmt: skip
    data = io.StringIO()
    csv.writer(data, delimiter="\t", lineterminator="\n").writerows([NC_SNAPSHOT_COLUMNS, *rows])
    path = tmp_path / "VR_Snapshot_20241105.txt"
    # Empty fields as the state writes some of them: NUL bytes.
    path.write_bytes(data.getvalue().replace("\t\t", "\t\x00\x00\t").encode("latin-1"))
    assert len(NC_SNAPSHOT_COLUMNS) == 90
    job = run_import(org.id, ImportKind.VOTERS, path, layout="nc-snapshot")
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert (job.rows_read, job.rows_inserted, job.rows_rejected) == (4, 3, 1)
    reject = db.session.scalar(select(ImportReject).filter_by(job_id=job.id))
    assert (reject.line_no, reject.column, reject.reason) == (
        5,
        "registr_dt",
        "not a date in YYYY-MM-DD form",
    )
    maria = person_of(org, "BB1")
    assert (maria.first_name, maria.last_name, maria.gender, maria.birth_year) == (
        "MARÍA",
        "MUÑOZ",
        "F",
        1980,
    )
    home = maria.household
    assert (home.address.house_number, home.address.street, home.unit) == ("123", "N MAIN ST", "4")
    assert home.address.house_number_suffix == "½"
    assert str(registration_of(org, "BB1").registered_on) == "2004-03-15"
    assert person_of(org, "BB2").birth_year == 2007
    smith = person_of(org, "BB3")
    assert smith.confidential is True and smith.birth_year is None
    assert smith.household.address.street.startswith("OAK AVE")


def test_a_snapshot_in_utf_16_with_its_byte_order_mark_reads_the_same(org, tmp_path):
    """NCSBE's layout file says the snapshot is UTF-16; its BOM says so too."""
    data = io.StringIO()
    csv.writer(data, delimiter="\t", lineterminator="\r\n").writerows(
        [NC_SNAPSHOT_COLUMNS, snapshot_row("CC1"), snapshot_row("CC2", first_name="JOSÉ")]
    )
    path = tmp_path / "VR_Snapshot_20241105.txt"
    path.write_bytes(data.getvalue().encode("utf-16"))  # little-endian here, with its BOM
    job = run_import(org.id, ImportKind.VOTERS, path, layout="nc-snapshot")
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert (job.rows_inserted, job.rows_rejected) == (2, 0)
    assert person_of(org, "CC2").first_name == "JOSÉ"
    assert person_of(org, "CC1").household.address.street == "N MAIN ST"
