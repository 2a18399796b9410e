"""Street centrelines: import (GeoJSON, Shapefile, the CLI), barriers, the map's view."""

from __future__ import annotations

import json
import zipfile

import pytest
import shapefile
from sqlalchemy import select, text

from app.auth.permissions import Role
from app.cli import cli
from app.extensions import db
from app.imports.models import ImportKind, ImportReject, JobStatus
from app.streets.models import Street
from tests.factories import auth_headers, create_organization, create_user
from tests.imports.voter_files import count, run_import

LINES = [
    {"fid": 1, "name": "Spruce St", "coordinates": [[-75.200, 39.950], [-75.199, 39.950]]},
    {"fid": 2, "name": "Walnut St", "coordinates": [[-75.200, 39.951], [-75.199, 39.951]]},
]


def feature(fid, coordinates, kind="LineString", name=""):
    return {
        "type": "Feature",
        "properties": {"fid": fid, "name": name},
        "geometry": {"type": kind, "coordinates": coordinates},
    }


def write_streets(path, features):
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


@pytest.fixture
def org(db_session):
    return create_organization()


@pytest.fixture
def headers(org):
    return auth_headers(create_user(org, Role.DIRECTOR))


@pytest.fixture
def streets_file(tmp_path):
    features = [feature(line["fid"], line["coordinates"], name=line["name"]) for line in LINES]
    features += [
        feature(
            3,
            [[[-75.2, 39.95], [-75.19, 39.95]], [[-75.2, 39.96], [-75.19, 39.96]]],
            "MultiLineString",
        ),
        feature(4, [[[0, 0], [1, 0], [1, 1], [0, 0]]], "Polygon"),  # line 4: not a line
        feature(5, [[500.0, 39.9], [501.0, 39.9]]),  # line 5: not lon/lat
        feature(1, [[-75.3, 39.9], [-75.31, 39.9]]),  # line 6: fid 1 again
    ]
    return write_streets(tmp_path / "streets.geojson", features)


def test_import_streets_from_geojson(org, streets_file):
    job = run_import(org.id, ImportKind.STREETS, streets_file, key_field="fid")
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert (job.rows_read, job.rows_inserted, job.rows_rejected) == (6, 4, 3)
    keys = set(db.session.scalars(select(Street.source_key).filter_by(organization_id=org.id)))
    assert keys == {"1", "2", "3/1", "3/2"}
    spruce = db.session.scalar(select(Street).filter_by(organization_id=org.id, source_key="1"))
    assert spruce.name == "Spruce St" and not spruce.is_barrier
    reasons = db.session.execute(
        select(ImportReject.line_no, ImportReject.reason)
        .filter_by(job_id=job.id)
        .order_by(ImportReject.line_no)
    ).all()
    assert [line for line, _ in reasons] == [4, 5, 6]
    assert "LineString" in reasons[0][1] and "longitude" in reasons[1][1]


def test_reimport_updates_and_never_doubles(org, streets_file):
    run_import(org.id, ImportKind.STREETS, streets_file, key_field="fid")
    again = run_import(org.id, ImportKind.STREETS, streets_file, key_field="fid")
    assert (again.rows_inserted, again.rows_updated) == (0, 4)
    assert count(Street, organization_id=org.id) == 4


def test_a_barrier_file_marks_its_lines(org, tmp_path):
    rail = write_streets(
        tmp_path / "rail.geojson", [feature("R1", [[-75.21, 39.94], [-75.2, 39.96]])]
    )
    job = run_import(org.id, ImportKind.STREETS, rail, key_field="fid", barrier=True)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert db.session.scalar(select(Street.is_barrier).filter_by(source_key="R1"))


def test_a_zipped_shapefile(org, tmp_path):
    base = tmp_path / "centreline"
    with shapefile.Writer(str(base), shapeType=shapefile.POLYLINE) as writer:
        writer.field("SEG_ID", "N")
        for line in LINES:
            writer.line([line["coordinates"]])
            writer.record(line["fid"])
    archive = tmp_path / "centreline.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for suffix in (".shp", ".shx", ".dbf"):
            z.write(base.with_suffix(suffix), f"centreline{suffix}")
    job = run_import(org.id, ImportKind.STREETS, archive)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.rows_inserted == 2
    keys = set(db.session.scalars(select(Street.source_key).filter_by(organization_id=org.id)))
    assert keys == {"1", "2"}  # SEG_ID found without being named


def test_an_unknown_key_field_is_refused(org, streets_file):
    job = run_import(org.id, ImportKind.STREETS, streets_file, key_field="nope")
    assert job.status == JobStatus.FAILED
    assert "no property 'nope'" in job.error
    assert count(Street, organization_id=org.id) == 0


def test_the_cli_imports_streets(runner, org, streets_file):
    result = runner.invoke(
        cli, ["import", "streets", str(streets_file), "--key-field", "fid", "--barriers", "--quiet"]
    )
    db.session.execute(text("DISCARD TEMP"))
    assert result.exit_code == 0, result.output
    assert "6 rows read, 4 loaded" in result.output
    assert count(Street, organization_id=org.id, is_barrier=True) == 4


def test_mark_and_list_barriers(client, headers, org, streets_file):
    run_import(org.id, ImportKind.STREETS, streets_file, key_field="fid")
    ids = list(
        db.session.scalars(select(Street.id).filter_by(organization_id=org.id).order_by(Street.id))
    )
    response = client.post(
        "/api/v1/streets/barriers", json={"street_ids": ids[:2]}, headers=headers
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"changed": 2}
    view = client.get(
        "/api/v1/streets",
        query_string={"bbox": "-75.21,39.94,-75.18,39.97", "barriers_only": "true"},
        headers=headers,
    )
    assert view.status_code == 200
    assert sorted(f["id"] for f in view.get_json()["features"]) == ids[:2]
    unknown = client.post(
        "/api/v1/streets/barriers", json={"street_ids": [999_999_999]}, headers=headers
    )
    assert unknown.status_code == 404


def test_a_bad_box_is_refused(client, headers):
    response = client.get(
        "/api/v1/streets", query_string={"bbox": "-75,40,-76,39"}, headers=headers
    )
    assert response.status_code == 422
    assert "bbox" in json.dumps(response.get_json()["error"]["fields"])
