"""Boundaries from GeoJSON or a zipped Shapefile; every home placed in the areas holding it."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
import shapefile
from geoalchemy2.shape import to_shape
from sqlalchemy import select, text

from app.areas.models import Area
from app.cli import cli
from app.extensions import db
from app.imports.models import ImportKind, ImportReject, JobStatus
from app.voters.models import Address
from tests.imports.voter_files import (
    PA_COLUMNS,
    PA_ELECTIONS,
    count,
    pa_row,
    person_of,
    run_import,
    write_file,
)

WEST, MID, EAST, SOUTH, NORTH = -75.21, -75.20, -75.19, 39.95, 39.96
HOLE = [(-75.2085, 39.9565), (-75.2065, 39.9565), (-75.2065, 39.9585), (-75.2085, 39.9585)]


def square(x0, x1, y0=SOUTH, y1=NORTH):
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]


def feature(code, geometry, **properties):
    return {"type": "Feature", "properties": {"DIVISION_NUM": code, **properties},
            "geometry": geometry}  # fmt: skip


def polygon(*rings):
    return {"type": "Polygon", "coordinates": [list(map(list, ring)) for ring in rings]}


PRECINCTS = [
    feature("0101", polygon(square(WEST, MID), [*HOLE, HOLE[0]]), NAME="Division 1-1"),
    feature("0102", polygon(square(MID, EAST)), NAME="Division 1-2"),
    feature("0103", {"type": "LineString", "coordinates": [[WEST, SOUTH], [EAST, NORTH]]}),
    feature("", polygon(square(EAST, EAST + 0.01))),
]
VOTERS = [
    pa_row("1-51", house="1", lnglat="-75.205,39.952", precinct="0101"),  # in 0101
    pa_row("2-51", house="2", lnglat="-75.195,39.955", precinct="0101"),  # in 0102: disagrees
    pa_row("3-51", house="3", lnglat="-75.195,39.951", precinct="0102"),  # in 0102
    pa_row("4-51", house="4", lnglat="-75.2075,39.9575", precinct="0101"),  # in the hole
    pa_row("5-51", house="5", lnglat="", precinct="0101"),  # not placed
]


def write_geojson(path, features):
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


@pytest.fixture
def voters(org, tmp_path):
    path = write_file(tmp_path / "export.csv", PA_COLUMNS, VOTERS)
    run_import(org.id, ImportKind.VOTERS, path, layout="pa", elections=PA_ELECTIONS)


def import_areas(org, path, kind="precinct", code_field="DIVISION_NUM", **options):
    return run_import(org.id, ImportKind.AREAS, path, kind=kind, code_field=code_field, **options)


def areas_of(org, house: str) -> set[str]:
    """Codes of the areas holding a voter's home, as the address and the person record them."""
    person = person_of(org, f"{house}-51")
    codes = dict(
        db.session.execute(select(Area.id, Area.code).filter_by(organization_id=org.id)).all()
    )
    assert sorted(person.area_ids) == sorted(person.household.address.area_ids)
    return {codes[i] for i in person.area_ids}


def test_geojson_areas_place_homes_and_people(org, voters, tmp_path):
    job = import_areas(org, write_geojson(tmp_path / "divisions.geojson", PRECINCTS))
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert (job.rows_read, job.rows_inserted, job.rows_updated, job.rows_rejected) == (4, 2, 0, 2)
    assert job.summary["addresses_placed"] == 3
    rejects = db.session.execute(
        select(ImportReject.line_no, ImportReject.column, ImportReject.reason).filter_by(
            job_id=job.id
        )
    ).all()
    assert sorted(tuple(r) for r in rejects) == [
        (3, "geometry", "expected a Polygon or MultiPolygon, got LineString"),
        (4, "DIVISION_NUM", "no code"),
    ]
    first = db.session.scalar(select(Area).filter_by(organization_id=org.id, code="0101"))
    assert (first.kind, first.name, first.properties["NAME"]) == (
        "precinct",
        "Division 1-1",
        "Division 1-1",
    )
    assert to_shape(first.geom).geom_type == "MultiPolygon"
    assert (areas_of(org, "1"), areas_of(org, "2"), areas_of(org, "3")) == (
        {"0101"},
        {"0102"},
        {"0102"},
    )
    assert areas_of(org, "4") == set()  # inside the hole
    assert areas_of(org, "5") == set()


def test_reimport_replaces_geometry_and_homes_follow(org, voters, tmp_path):
    import_areas(org, write_geojson(tmp_path / "2018.geojson", PRECINCTS[:2]))
    redrawn = [
        feature("0101", polygon(square(WEST, EAST))),
        feature("0102", polygon(square(EAST, EAST + 0.01))),
    ]
    job = import_areas(org, write_geojson(tmp_path / "2022.geojson", redrawn))
    assert (job.rows_inserted, job.rows_updated) == (0, 2)
    assert count(Area, organization_id=org.id) == 2
    assert {areas_of(org, house) == {"0101"} for house in "1234"} == {True}


def test_kinds_live_side_by_side(org, voters, tmp_path):
    import_areas(org, write_geojson(tmp_path / "divisions.geojson", PRECINCTS[:2]))
    ward = [
        {
            "type": "Feature",
            "properties": {"WARD_NUM": "1"},
            "geometry": polygon(square(WEST, EAST)),
        }
    ]
    job = import_areas(
        org, write_geojson(tmp_path / "wards.geojson", ward), kind="ward", code_field=None
    )
    assert job.rows_inserted == 1  # WARD_NUM guessed as the code
    assert areas_of(org, "2") == {"0102", "1"}


def test_the_precinct_check_reports_disagreements(client, headers, org, voters, tmp_path):
    import_areas(org, write_geojson(tmp_path / "divisions.geojson", PRECINCTS))
    response = client.get("/api/v1/areas/precinct-check", headers=headers)
    assert response.status_code == 200
    assert response.get_json() == {
        "kind": "precinct",
        "voters_placed": 3,
        "voters_disagreeing": 1,
        "share_disagreeing": 0.3333,
        "pairs": [{"file_code": "0101", "map_code": "0102", "voters": 1}],
    }


def write_zipped_shapefile(path, polygons, prj="WGS84"):
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON) as writer:
        writer.field("CODE", "C", size=10)
        for code, ring in polygons:
            writer.poly([list(reversed(ring))])  # shapefile outer rings run clockwise
            writer.record(code)
    wkt = {
        "WGS84": 'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984"]]',
        "UTM": 'PROJCS["NAD83 / UTM 18N"]',
    }
    with zipfile.ZipFile(path, "w") as archive:
        for suffix, buffer in (("shp", shp), ("shx", shx), ("dbf", dbf)):
            archive.writestr(f"divisions/divisions.{suffix}", buffer.getvalue())
        archive.writestr("divisions/divisions.prj", wkt[prj])
    return path


def test_a_zipped_shapefile_from_the_command_line(runner, org, voters, tmp_path):
    path = write_zipped_shapefile(
        tmp_path / "divisions.zip", [("0101", square(WEST, MID)), ("0102", square(MID, EAST))]
    )
    result = runner.invoke(
        cli,
        args=[
            "import",
            "areas",
            str(path),
            "--kind",
            "precinct",
            "--code-field",
            "CODE",
            "--quiet",
        ],
    )
    db.session.execute(text("DISCARD TEMP"))
    assert result.exit_code == 0, result.output
    assert ": 2 rows read, 2 loaded, 0 updated" in result.output
    assert areas_of(org, "1") == {"0101"} and areas_of(org, "3") == {"0102"}
    assert areas_of(org, "4") == {"0101"}  # no hole this time


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (lambda p: write_zipped_shapefile(p, [("1", square(WEST, MID))], prj="UTM"), "WGS84"),
        (lambda p: p.write_text('{"type": "Feature"}'), "must be a FeatureCollection"),
        (lambda p: p.write_text("DIVISION_NUM,geometry\n0101,POLYGON"), "Expected GeoJSON"),
        (lambda p: write_geojson(p, []), "The file holds no features."),
        (lambda p: write_geojson(p, [{"type": "Feature", "properties": {"x": 1}}]),
         "Name the property that holds each area's code (--code-field); the features have: x."),
    ],
    ids=["projected-shapefile", "not-a-collection", "csv", "no-features", "no-code-field"],
)  # fmt: skip
def test_a_wrong_boundary_file_is_refused(org, tmp_path, content, message):
    path = tmp_path / "areas.upload"
    content(path)
    job = import_areas(org, path, code_field=None)
    assert job.status == JobStatus.FAILED
    assert message in job.error
    assert count(Area, organization_id=org.id) == 0


def test_a_bow_tie_is_made_valid(org, voters, tmp_path):
    bow_tie = [(WEST, SOUTH), (EAST, NORTH), (EAST, SOUTH), (WEST, NORTH), (WEST, SOUTH)]
    job = import_areas(
        org, write_geojson(tmp_path / "bow.geojson", [feature("0101", polygon(bow_tie))])
    )
    assert (job.rows_inserted, job.rows_rejected) == (1, 0)
    area = db.session.scalar(select(Area).filter_by(organization_id=org.id))
    assert to_shape(area.geom).is_valid
    assert count(Address, organization_id=org.id) == 5
