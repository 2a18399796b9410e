"""Editing turfs by hand: rename, redraw, merge, split, move doors; live progress."""

from __future__ import annotations

from shapely import box
from sqlalchemy import select

from app.extensions import db
from app.people.models import Interaction, InteractionKind, Person
from app.turfs.models import Turf, TurfDoor, TurfStatus
from app.voters.models import Household
from tests.turfs.conftest import geojson


def doors_of(turf_id: int) -> set[int]:
    return set(db.session.scalars(select(TurfDoor.address_id).filter_by(turf_id=turf_id)))


def feature(client, headers, turf_id):
    response = client.get(f"/api/v1/turfs/{turf_id}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_turf_shows_its_live_progress(client, headers, org, town, cut):
    turf_id = cut["turf_ids"][0]
    before = feature(client, headers, turf_id)["properties"]
    assert before["knocked"] == 0 and before["last_touch_at"] is None
    assert before["doors"] == before["households"] == before["people"] == 52
    address_id = next(iter(doors_of(turf_id)))
    someone = db.session.scalar(
        select(Person.id)
        .join(Household, Household.id == Person.household_id)
        .where(Household.address_id == address_id)
    )
    db.session.add(
        Interaction(
            organization_id=org.id,
            person_id=someone,
            kind=InteractionKind.DOOR_KNOCK,
            result="canvassed",
        )
    )
    after = feature(client, headers, turf_id)["properties"]
    assert (after["knocked"], after["contacted"]) == (1, 1)
    assert after["last_touch_at"] is not None


def test_rename(client, headers, cut):
    turf_id = cut["turf_ids"][0]
    response = client.patch(
        f"/api/v1/turfs/{turf_id}", json={"name": "Spruce north"}, headers=headers
    )
    assert response.status_code == 200
    assert response.get_json()["properties"]["name"] == "Spruce north"


def test_redraw_takes_the_doors_inside_and_releases_the_rest(client, headers, cut):
    turf_id = cut["turf_ids"][0]
    outline = box(-10, -10, 130, 80)  # the first block: the faces on its two streets
    response = client.patch(
        f"/api/v1/turfs/{turf_id}", json={"polygon": geojson(outline)}, headers=headers
    )
    assert response.status_code == 200, response.get_json()
    mine = doors_of(turf_id)
    assert len(mine) == 26  # two faces of 13 houses inside the box
    others = db.session.scalars(select(TurfDoor.address_id).where(TurfDoor.turf_id != turf_id))
    assert not mine & set(others)


def test_merge_and_split(client, headers, org, cut):
    first, second = cut["turf_ids"][:2]
    merged = client.post("/api/v1/turfs/merge", json={"turf_ids": [first, second]}, headers=headers)
    assert merged.status_code == 200, merged.get_json()
    assert merged.get_json()["properties"]["doors"] == 104
    assert db.session.get(Turf, second).status == TurfStatus.RETIRED
    split = client.post(f"/api/v1/turfs/{first}/split", json={"parts": 2}, headers=headers)
    assert split.status_code == 200, split.get_json()
    sizes = sorted(f["properties"]["doors"] for f in split.get_json()["features"])
    assert sum(sizes) == 104 and sizes[0] >= 40
    again = client.post("/api/v1/turfs/merge", json={"turf_ids": [first, second]}, headers=headers)
    assert again.status_code == 422
    assert again.get_json()["error"]["code"] == "turf_retired"


def test_move_doors_between_turfs(client, headers, cut):
    giver, taker = cut["turf_ids"][:2]
    moving = sorted(doors_of(giver))[:3]
    response = client.post(
        f"/api/v1/turfs/{taker}/doors", json={"address_ids": moving}, headers=headers
    )
    assert response.status_code == 200, response.get_json()
    assert set(moving) <= doors_of(taker)
    assert not set(moving) & doors_of(giver)
    assert feature(client, headers, giver)["properties"]["doors"] == 49


def test_unknown_turfs_and_doors(client, headers, cut):
    assert client.get("/api/v1/turfs/999999999", headers=headers).status_code == 404
    response = client.post(
        f"/api/v1/turfs/{cut['turf_ids'][0]}/doors",
        json={"address_ids": [999_999_999]},
        headers=headers,
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "address_not_found"


def test_the_map_lists_active_turfs_with_progress(client, headers, cut):
    response = client.get("/api/v1/turfs/map", headers=headers)
    assert response.status_code == 200
    features = response.get_json()["features"]
    assert len(features) == 8
    assert all(f["geometry"]["type"] == "MultiPolygon" for f in features)
    assert all("knocked" in f["properties"] for f in features)
    listed = client.get("/api/v1/turfs", headers=headers).get_json()
    assert listed["total"] == 8
