"""Turfs out and back in as GeoJSON, KML and zipped Shapefile; bad files refused whole."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
import shapefile
from shapely import box
from shapely.geometry import shape
from sqlalchemy import func, select

from app.extensions import db
from app.turfs.models import Turf, TurfDoor, TurfStatus
from tests.turfs.conftest import commit_town_cut, geojson


@pytest.fixture
def cut(client, headers, town):
    return commit_town_cut(client, headers, town, target=104)


def export(client, headers, fmt):
    response = client.get("/api/v1/turfs/export", query_string={"format": fmt}, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response


def upload(client, headers, content: bytes, filename: str, **form):
    data = {"file": (io.BytesIO(content), filename), **form}
    return client.post(
        "/api/v1/turfs/import", data=data, headers=headers, content_type="multipart/form-data"
    )


def active(org) -> list[Turf]:
    return db.session.scalars(
        select(Turf).filter_by(organization_id=org.id, status=TurfStatus.ACTIVE)
    ).all()


def test_geojson_export(client, headers, cut):
    body = export(client, headers, "geojson").get_json()
    assert len(body["features"]) == 4
    assert {f["properties"]["doors"] for f in body["features"]} == {104}
    assert all(shape(f["geometry"]).is_valid for f in body["features"])


def test_kml_export_names_each_turf(client, headers, cut):
    response = export(client, headers, "kml")
    assert response.mimetype == "application/vnd.google-earth.kml+xml"
    text = response.get_data(as_text=True)
    assert text.count("<Placemark") == 4 and "<Polygon" in text
    assert '<Data name="doors">' in text


def test_shapefile_export_reads_back(client, headers, cut):
    archive = zipfile.ZipFile(io.BytesIO(export(client, headers, "shapefile").data))
    assert sorted(archive.namelist()) == ["turfs.dbf", "turfs.prj", "turfs.shp", "turfs.shx"]
    reader = shapefile.Reader(
        shp=io.BytesIO(archive.read("turfs.shp")), dbf=io.BytesIO(archive.read("turfs.dbf"))
    )
    assert len(reader) == 4 and {r["doors"] for r in reader.records()} == {104}
    assert "WGS_1984" in archive.read("turfs.prj").decode()


@pytest.mark.parametrize("fmt", ["geojson", "kml", "shapefile"])
def test_what_goes_out_comes_back_in(client, headers, org, cut, fmt):
    """Exported, the cut retired, imported: the same four turfs of the same doors."""
    before = {
        frozenset(db.session.scalars(select(TurfDoor.address_id).filter_by(turf_id=i)))
        for i in cut["turf_ids"]
    }
    content = export(client, headers, fmt).data
    suffix = {"geojson": "geojson", "kml": "kml", "shapefile": "zip"}[fmt]
    response = upload(client, headers, content, f"turfs.{suffix}")
    assert response.status_code == 201, response.get_json()
    made = response.get_json()["turf_ids"]
    assert len(made) == 4 and not set(made) & set(cut["turf_ids"])
    after = {
        frozenset(db.session.scalars(select(TurfDoor.address_id).filter_by(turf_id=i)))
        for i in made
    }
    assert after == before
    assert {t.id for t in active(org)} == set(made)  # the old ones were emptied and retired


def test_an_import_takes_only_the_doors_inside(client, headers, org, town, cut):
    west = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"label": "West end"},
                "geometry": geojson(box(-10, -10, 130, 330)),
            },
            {
                "type": "Feature",
                "properties": {"label": "A line"},
                "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
            },
        ],
    }
    response = upload(
        client, headers, json.dumps(west).encode(), "west.geojson", name_field="label"
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["rejects"] == [
        {"feature": 2, "reason": "expected a Polygon, got a LineString", "value": "A line"}
    ]
    turf = db.session.get(Turf, body["turf_ids"][0])
    assert turf.name == "West end" and turf.door_count == 104  # the first column of blocks
    total = db.session.scalar(
        select(func.count()).select_from(TurfDoor).filter_by(organization_id=org.id)
    )
    assert total == len(town.houses)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not,a,geo,file\n1,2,3,4\n", "Expected GeoJSON"),
        (b'{"type": "FeatureCollection", "features": []}', "no turf polygons"),
        (b"<kml><Document><Placemark><name>x", "KML could not be read"),
    ],
)
def test_a_bad_file_is_refused_and_nothing_changes(client, headers, org, cut, content, message):
    response = upload(client, headers, content, "bad.file")
    assert response.status_code == 422, response.get_json()
    assert message in response.get_json()["error"]["message"]
    assert {t.id for t in active(org)} == set(cut["turf_ids"])


def test_an_unknown_format_is_refused(client, headers):
    response = client.get("/api/v1/turfs/export", query_string={"format": "dxf"}, headers=headers)
    assert response.status_code == 422
