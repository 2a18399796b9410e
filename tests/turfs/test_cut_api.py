"""Cutting turf through the API: preview (nothing saved), commit, re-cut part of an area,
precincts respected, universes and confidential voters, and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from shapely import box
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.core.actor import Actor
from app.extensions import db
from app.people.models import Person
from app.turfs.models import Turf, TurfDoor, TurfStatus
from app.universes.operations import create_universe
from tests.turfs.conftest import geojson

WEST, EAST = box(-10, -10, 240, 330), box(240, -10, 490, 330)


def preview(client, headers, **body):
    return client.post("/api/v1/turf-cuts/preview", json={"target": 52, **body}, headers=headers)


def commit(client, headers, **body):
    return client.post("/api/v1/turf-cuts", json={"target": 52, **body}, headers=headers)


def active_turfs(org):
    return db.session.scalars(
        select(Turf).filter_by(organization_id=org.id, status=TurfStatus.ACTIVE)
    ).all()


def test_a_preview_shows_turfs_and_metrics_and_saves_nothing(client, headers, org, town):
    response = preview(client, headers, polygon=town.area)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == 8
    assert sum(f["properties"]["targets"] for f in body["features"]) == len(town.houses)
    metrics = body["metrics"]
    assert metrics["faces_split"] == 0  # the town's streets give its block faces
    assert metrics["contiguous"] == 1.0 and metrics["barrier_crossings"] == 0
    assert metrics["overall"]["within_tolerance"] == 1.0
    assert set(body["seconds"]) >= {"fetch", "block_faces", "cut", "total"}
    assert active_turfs(org) == []


def test_a_commit_stores_every_door_in_one_turf(client, headers, org, town):
    response = commit(client, headers, polygon=town.area, name="Town at 52")
    assert response.status_code == 201, response.get_json()
    cut = response.get_json()
    assert cut["name"] == "Town at 52" and len(cut["turf_ids"]) == 8
    doors = db.session.scalar(
        select(func.count()).select_from(TurfDoor).filter_by(organization_id=org.id)
    )
    assert doors == len(town.houses)
    assert sorted(t.id for t in active_turfs(org)) == cut["turf_ids"]
    event = db.session.scalar(select(AuditEvent).filter_by(action="turfs.cut"))
    assert event.changes["turfs"] == 8 and event.changes["doors"] == len(town.houses)


def test_the_same_cut_previews_and_commits_the_same_turfs(client, headers, town):
    previewed = preview(client, headers, polygon=town.area).get_json()
    cut = commit(client, headers, polygon=town.area).get_json()
    saved = client.get("/api/v1/turfs/map", query_string={"cut_id": cut["id"]}, headers=headers)
    assert sorted(f["properties"]["doors"] for f in previewed["features"]) == sorted(
        f["properties"]["doors"] for f in saved.get_json()["features"]
    )


def test_recutting_part_of_an_area_keeps_the_rest(client, headers, org, town):
    west = commit(client, headers, polygon=geojson(WEST)).get_json()
    east = commit(client, headers, polygon=geojson(EAST)).get_json()
    again = commit(client, headers, polygon=geojson(WEST), target=26).get_json()
    active = {t.id for t in active_turfs(org)}
    assert set(east["turf_ids"]) <= active
    assert not set(west["turf_ids"]) & active  # retired: their doors went to the new cut
    assert set(again["turf_ids"]) <= active
    retired = db.session.scalars(select(Turf.status).where(Turf.id.in_(west["turf_ids"])))
    assert set(retired) == {TurfStatus.RETIRED}
    doors = db.session.scalar(
        select(func.count()).select_from(TurfDoor).filter_by(organization_id=org.id)
    )
    assert doors == len(town.houses)


def test_precincts_are_respected_and_name_the_turfs(client, headers, town):
    body = preview(client, headers, area_ids=town.precinct_ids, respect=["precinct"]).get_json()
    names = sorted(f["properties"]["name"] for f in body["features"])
    assert {name.split("-")[0] for name in names} == {"0101", "0102"}
    for feature in body["features"]:
        assert feature["properties"]["region"] in ("0101", "0102")


def test_a_universe_weighs_doors_by_its_targets(client, headers, org, town):
    db.session.execute(
        Person.__table__.update().where(Person.id.in_(town.person_ids[::2])).values(party="R")
    )
    body = preview(client, headers, polygon=town.area, filter={"party": ["D"]}).get_json()
    assert sum(f["properties"]["targets"] for f in body["features"]) == len(town.houses) // 2


def test_confidential_voters_are_never_doors(client, headers, org, town):
    db.session.execute(
        Person.__table__.update()
        .where(Person.id.in_(town.person_ids[:16]))
        .values(confidential=True)
    )
    body = preview(client, headers, polygon=town.area).get_json()
    assert sum(f["properties"]["targets"] for f in body["features"]) == len(town.houses) - 16


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"target": 0}, 422, "validation_error"),
        ({"target": 10_000}, 422, "validation_error"),
        (
            {
                "polygon": {
                    "type": "Polygon",
                    "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]],
                }
            },
            422,
            "validation_error",
        ),
        (
            {"polygon": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}},
            422,
            "validation_error",
        ),
        ({"area_ids": [2_000_000_000]}, 422, "area_not_found"),
        ({"polygon": geojson(box(5000, 5000, 6000, 6000))}, 422, "no_doors"),
        ({"respect": ["county"]}, 422, "validation_error"),
        ({"universe_id": 999_999}, 404, "universe_not_found"),
    ],
)
def test_bad_cuts_are_refused_and_nothing_is_saved(client, headers, org, town, body, status, code):
    request = {"polygon": town.area, **body}
    if "area_ids" in body:
        request.pop("polygon")
    response = commit(client, headers, **request)
    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"]["code"] == code
    assert active_turfs(org) == []


def test_both_a_polygon_and_areas_is_refused(client, headers, town):
    response = preview(client, headers, polygon=town.area, area_ids=town.precinct_ids)
    assert response.status_code == 422
    assert "polygon" in response.get_json()["error"]["fields"]


def test_organizers_preview_but_do_not_commit(client, org, town):
    from app.auth.permissions import Role
    from tests.factories import auth_headers, create_user

    organizer = auth_headers(create_user(org, Role.ORGANIZER))
    assert preview(client, organizer, polygon=town.area).status_code == 200
    assert commit(client, organizer, polygon=town.area).status_code == 403


def test_the_map_shows_the_doors_in_view_with_their_weight(client, headers, org, town, director):
    from tests.turfs.conftest import PROJECTION

    west, south = PROJECTION.inverse(np.array([[-10.0, -10.0]]))[0]
    east, north = PROJECTION.inverse(np.array([[240.0, 330.0]]))[0]
    bbox = f"{west},{south},{east},{north}"
    body = client.get(f"/api/v1/turfs/doors?bbox={bbox}", headers=headers).get_json()
    inside = (town.houses[:, 0] < 240).sum()
    assert len(body["doors"]) == inside and not body["truncated"]
    assert all(door[3] == 1 for door in body["doors"])
    nobody = create_universe(Actor.of(director), name="Greens", filter={"party": ["G"]})
    empty = client.get(f"/api/v1/turfs/doors?bbox={bbox}&universe_id={nobody.id}", headers=headers)
    assert empty.get_json()["doors"] == []
    assert client.get("/api/v1/turfs/doors?bbox=1,2,3", headers=headers).status_code == 422
