"""The map's view of areas: one kind as GeoJSON, optionally within a box."""

from __future__ import annotations

from app.areas.models import Area
from app.auth.permissions import Role
from app.extensions import db
from tests.factories import auth_headers, create_organization, create_user


def test_precincts_for_the_map(client, db_session):
    org = create_organization()
    for code, x in (("0001", 0), ("0002", 2)):
        db.session.add(
            Area(
                organization_id=org.id,
                kind="precinct",
                code=code,
                name=f"Precinct {code}",
                geom=f"SRID=4326;MULTIPOLYGON((({x} 0,{x + 1} 0,{x + 1} 1,{x} 1,{x} 0)))",
            )
        )
    db.session.add(
        Area(organization_id=org.id, kind="ward", code="1",
             geom="SRID=4326;MULTIPOLYGON(((0 0,3 0,3 1,0 1,0 0)))")
    )  # fmt: skip
    headers = auth_headers(create_user(org, Role.ORGANIZER))
    body = client.get("/api/v1/areas/map", headers=headers).get_json()
    assert [f["properties"]["code"] for f in body["features"]] == ["0001", "0002"]
    assert body["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert not body["truncated"]
    boxed = client.get("/api/v1/areas/map?kind=precinct&bbox=1.5,0.2,2.5,0.8", headers=headers)
    assert [f["properties"]["code"] for f in boxed.get_json()["features"]] == ["0002"]
    wards = client.get("/api/v1/areas/map?kind=ward", headers=headers).get_json()
    assert [f["properties"]["code"] for f in wards["features"]] == ["1"]
    bad = client.get("/api/v1/areas/map?bbox=2,0,1,1", headers=headers)
    assert bad.status_code == 422 and "bbox" in bad.get_json()["error"]["fields"]
    other = auth_headers(create_user(role=Role.ORGANIZER))  # another campaign sees none
    assert client.get("/api/v1/areas/map", headers=other).get_json()["features"] == []
