"""Address points place the homes a voter file left without coordinates; pins by hand last."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.extensions import db
from app.imports.models import ImportKind, ImportReject, JobStatus
from app.people.models import Person
from app.voters.models import Address, AddressPoint
from tests.imports.voter_files import (
    PA_COLUMNS,
    PA_ELECTIONS,
    count,
    pa_row,
    run_import,
    write_file,
)

OPENADDRESSES = ["LON", "LAT", "NUMBER", "STREET", "UNIT", "CITY", "DISTRICT", "REGION",
                 "POSTCODE", "ID", "HASH"]  # fmt: skip
POINTS = [
    ["-75.2401", "39.9501", "600", "South 59th Street", "", "PHILADELPHIA", "", "PA", "19143"],
    ["-75.2001", "39.9601", "100", "NORTH 40TH STREET", "", "PHILADELPHIA", "", "PA", ""],
    ["-75.2101", "39.9401", "101", "North 40th Street", "", "PHILADELPHIA", "", "PA", "19104"],
    ["abc", "39.9", "7", "ELM ST", "", "PHILADELPHIA", "", "PA", "19104"],  # line 5
    ["-75.2", "39.9", "8", "", "", "PHILADELPHIA", "", "PA", "19104"],  # line 6
    ["-275.2", "39.9", "9", "ELM ST", "", "PHILADELPHIA", "", "PA", "19104"],  # line 7
]
VOTERS = [
    pa_row("1-51", house="600", street="S 59TH ST", zip="19143", lnglat=""),
    pa_row("2-51", house="100", street="N 40TH ST", zip="19104", lnglat=""),
    pa_row("3-51", house="700", street="S 59TH ST", zip="19143", lnglat=""),
    pa_row("4-51", house="3700", street="SPRUCE ST", lnglat="-75.19795,39.95110"),
]


def import_voters(org, path, rows):
    job = run_import(org.id, ImportKind.VOTERS, write_file(path, PA_COLUMNS, rows),
                     layout="pa", elections=PA_ELECTIONS)  # fmt: skip
    assert job.status == JobStatus.SUCCEEDED, job.error
    return job


@pytest.fixture
def placed(org, tmp_path):
    import_voters(org, tmp_path / "export.csv", VOTERS)
    rows = [[*row, str(n), ""] for n, row in enumerate(POINTS)]
    path = write_file(tmp_path / "openaddresses.csv", OPENADDRESSES, rows)
    job = run_import(org.id, ImportKind.ADDRESS_POINTS, path)
    assert job.status == JobStatus.SUCCEEDED, job.error
    return job


def address(org, house, street) -> Address:
    return db.session.scalar(
        select(Address).filter_by(organization_id=org.id, house_number=house, street=street)
    )


def lon_lat(point) -> tuple[float, float]:
    return tuple(
        round(v, 4) for v in db.session.execute(select(func.ST_X(point), func.ST_Y(point))).one()
    )


def test_points_place_addresses_and_people(org, placed):
    assert (placed.rows_read, placed.rows_inserted, placed.rows_rejected) == (6, 3, 3)
    assert placed.summary["addresses_placed"] == 2
    report = placed.summary["geocoding"]
    assert report == {"addresses": 4, "placed": 3, "from_file": 1, "from_address_points": 2,
                      "by_hand": 0, "unplaced": 1, "placed_rate": 0.75}  # fmt: skip
    fifty_ninth = address(org, "600", "S 59TH ST")
    assert (fifty_ninth.geocode_source, fifty_ninth.geocode_quality) == ("address_point", "zip")
    assert lon_lat(fifty_ninth.point) == (-75.2401, 39.9501)
    # No ZIP on the point: matched on the city instead, and the 19104 point is not taken.
    fortieth = address(org, "100", "N 40TH ST")
    assert (fortieth.geocode_quality, lon_lat(fortieth.point)) == ("city", (-75.2001, 39.9601))
    residents = db.session.scalars(
        select(Person).where(Person.organization_id == org.id, Person.location.is_not(None))
    ).all()
    assert len(residents) == 3  # the people follow their homes
    rejects = db.session.execute(
        select(ImportReject.line_no, ImportReject.reason).filter_by(job_id=placed.id)
    ).all()
    assert sorted(tuple(r) for r in rejects) == [
        (5, "not a point with a street"),
        (6, "not a point with a street"),
        (7, "not a point with a street"),  # no such longitude
    ]


def test_the_geocoding_report(client, headers, placed):
    response = client.get("/api/v1/geocoding", headers=headers)
    assert response.status_code == 200
    assert response.get_json() == placed.summary["geocoding"]


def test_the_same_points_twice_add_nothing(org, placed, tmp_path):
    again = run_import(org.id, ImportKind.ADDRESS_POINTS, tmp_path / "openaddresses.csv")
    assert (again.rows_inserted, again.rows_unchanged) == (0, 3)
    assert count(AddressPoint, organization_id=org.id) == 3


def test_the_shared_address_line_layout_is_read_too(org, tmp_path):
    import_voters(org, tmp_path / "export.csv", VOTERS)
    header = ["addr_id", "matched_address", "address_line", "city", "state", "zip", "lon", "lat"]
    rows = [["1", "", "700 S 59TH ST", "PHILADELPHIA", "PA", "19143", "-75.24", "39.949"]]
    job = run_import(
        org.id, ImportKind.ADDRESS_POINTS, write_file(tmp_path / "p.csv", header, rows)
    )
    assert (job.rows_inserted, job.summary["addresses_placed"]) == (1, 1)
    assert address(org, "700", "S 59TH ST").geocode_source == "address_point"


def test_unplaced_addresses_are_listed_and_pinned_by_hand(
    client, headers, org, director, placed, tmp_path
):
    response = client.get("/api/v1/addresses/unplaced", headers=headers)
    assert response.status_code == 200
    (item,) = response.get_json()["items"]
    assert (item["line"], item["point"], item["geocode_source"]) == ("700 S 59TH ST", None, None)

    pinned = client.put(
        f"/api/v1/addresses/{item['id']}/point",
        json={"lon": -75.241, "lat": 39.948},
        headers=headers,
    )
    assert pinned.status_code == 200, pinned.get_json()
    assert (pinned.get_json()["geocode_source"], pinned.get_json()["point"]) == (
        "manual",
        {"lon": -75.241, "lat": 39.948},
    )
    assert client.get("/api/v1/addresses/unplaced", headers=headers).get_json()["items"] == []
    event = db.session.scalar(select(AuditEvent).filter_by(action="address.place"))
    assert (event.actor_user_id, event.entity_id) == (director.id, str(item["id"]))
    assert event.changes["point"] == {"lon": -75.241, "lat": 39.948}
    resident = db.session.scalar(select(Person).where(Person.household.has(address_id=item["id"])))
    assert lon_lat(resident.location) == (-75.241, 39.948)

    # A later file with coordinates for that address does not move the pin.
    later = [
        *VOTERS[:2],
        pa_row(
            "3-51", house="700", street="S 59TH ST", zip="19143", lnglat="-75.3,39.9", party="R"
        ),
        VOTERS[3],
    ]
    job = import_voters(org, tmp_path / "later.csv", later)
    assert job.rows_updated == 1
    pin = address(org, "700", "S 59TH ST")
    assert (pin.geocode_source, lon_lat(pin.point)) == ("manual", (-75.241, 39.948))
    db.session.refresh(resident)
    assert lon_lat(resident.location) == (-75.241, 39.948)


@pytest.mark.parametrize(
    "body", [{"lon": -200, "lat": 39.9}, {"lon": -75.2}, {"lon": "x", "lat": 1}]
)
def test_a_bad_pin_is_refused(client, headers, org, placed, body):
    address_id = address(org, "700", "S 59TH ST").id
    response = client.put(f"/api/v1/addresses/{address_id}/point", json=body, headers=headers)
    assert response.status_code == 422
    assert address(org, "700", "S 59TH ST").point is None
