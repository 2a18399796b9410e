"""The streets as a base map (``GET /api/v1/streets/base-map``): segments in a box simplified
for the zoom, within its limits, conditional on its ETag, for the roles that see a map."""

from __future__ import annotations

import gzip
import json

import pytest
from geoalchemy2.shape import from_shape
from shapely.geometry import LineString
from sqlalchemy import text

from app.auth.permissions import Role
from app.extensions import db
from app.streets import basemap
from app.streets.models import Street
from tests.factories import auth_headers, create_organization, create_user

URL = "/api/v1/streets/base-map"
VIEW = "-75.205,39.945,-75.195,39.955"


def wiggly(n: int, lat: float) -> LineString:
    """A street of 200 points that wobble by half a metre: simplified away zoomed out."""
    return LineString(
        [(-75.204 + i * 0.00004, lat + (0.000005 if i % 2 else 0)) for i in range(200)]
    )


@pytest.fixture
def org(db_session):
    org = create_organization()
    db.session.add_all(
        Street(organization_id=org.id, source_key=str(n), name=f"Street {n}",
               geom=from_shape(wiggly(n, 39.946 + n * 0.001), srid=4326))
        for n in range(6)
    )  # fmt: skip
    db.session.add(  # far away: never in the view
        Street(organization_id=org.id, source_key="far", name="Far St",
               geom=from_shape(LineString([(-75.0, 40.2), (-75.01, 40.2)]), srid=4326))
    )  # fmt: skip
    db.session.flush()
    return org


@pytest.fixture
def headers(org):
    return auth_headers(create_user(org, Role.CANVASSER))


def get(client, headers, query: str, **extra):
    return client.get(f"{URL}?{query}", headers={**headers, **extra})


def points(collection) -> int:
    return sum(len(f["geometry"]["coordinates"]) for f in collection["features"])


def test_the_streets_in_view_simplified_for_the_zoom(client, headers):
    near = get(client, headers, f"bbox={VIEW}&zoom=20")
    assert near.status_code == 200 and near.mimetype == "application/geo+json"
    collection = near.get_json()
    assert sorted(f["properties"]["name"] for f in collection["features"]) == [
        f"Street {n}" for n in range(6)
    ]
    assert collection["count"] == 6
    far = get(client, headers, f"bbox={VIEW}&zoom=14").get_json()
    assert points(far) == 12 < points(collection)  # each street down to its two ends
    assert near.headers["Cache-Control"] == "private, no-cache"


def test_the_etag_answers_304_until_the_streets_change(client, headers, org):
    first = get(client, headers, f"bbox={VIEW}&zoom=16")
    etag = first.headers["ETag"]
    again = get(client, headers, f"bbox={VIEW}&zoom=16", **{"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other_zoom = get(client, headers, f"bbox={VIEW}&zoom=17", **{"If-None-Match": etag})
    assert other_zoom.status_code == 200
    db.session.execute(
        text("UPDATE streets SET name = 'Renamed', updated_at = now() + interval '1 second'"
             " WHERE organization_id = :org AND source_key = '0'"),
        {"org": org.id},
    )  # fmt: skip
    changed = get(client, headers, f"bbox={VIEW}&zoom=16", **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "Renamed" in {f["properties"]["name"] for f in changed.get_json()["features"]}


def test_gzip_for_browsers_that_take_it(client, headers):
    plain = get(client, headers, f"bbox={VIEW}&zoom=20")
    packed = get(client, headers, f"bbox={VIEW}&zoom=20", **{"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(packed.data)) == plain.get_json()
    assert packed.headers["ETag"] != plain.headers["ETag"]


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ("zoom=16", "bbox", "validation_error"),
        (f"bbox={VIEW}", "zoom", "validation_error"),
        ("bbox=1,2,3&zoom=16", "bbox", "validation_error"),
        ("bbox=-75.1,39.9,-75.2,39.95&zoom=16", "bbox", "validation_error"),  # west > east
        ("bbox=nan,39.9,-75.2,39.95&zoom=16", "bbox", "validation_error"),
        (f"bbox={VIEW}&zoom=13", "zoom", "validation_error"),  # zoomed out: no lines
        (f"bbox={VIEW}&zoom=23", "zoom", "validation_error"),
        (f"bbox={VIEW}&zoom=sixteen", "zoom", "validation_error"),
        (f"bbox={VIEW}&zoom=16&extra=1", "extra", "validation_error"),
        ("bbox=-76,39,-75,40&zoom=16", "bbox", "bbox_too_large"),  # about 9,500 km²
    ],
)
def test_bad_input_is_refused_with_the_error_shape(client, headers, query, field, code):
    response = get(client, headers, query)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == code and field in json.dumps(error["fields"]) and error["message"]


def test_a_box_with_too_many_segments_is_refused(client, headers, monkeypatch):
    monkeypatch.setattr(basemap, "MAX_FEATURES", 5)
    response = get(client, headers, f"bbox={VIEW}&zoom=16")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "too_many_streets" and "bbox" in error["fields"]


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.ADMIN, 200), (Role.DIRECTOR, 200), (Role.ORGANIZER, 200), (Role.CANVASSER, 200),
     (Role.FINANCE, 403)],
)  # fmt: skip
def test_the_roles_that_see_a_map(client, org, role, status):
    response = client.get(
        f"{URL}?bbox={VIEW}&zoom=16", headers=auth_headers(create_user(org, role))
    )
    assert response.status_code == status
    assert client.get(f"{URL}?bbox={VIEW}&zoom=16").status_code == 401


def test_another_campaigns_streets_are_not_shown(client, org):
    other = create_organization()
    response = client.get(f"{URL}?bbox={VIEW}&zoom=16",
                          headers=auth_headers(create_user(other, Role.DIRECTOR)))  # fmt: skip
    assert response.status_code == 200 and response.get_json()["features"] == []
