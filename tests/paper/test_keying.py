"""Paper walk sheets keyed back in: the keyed doors are knocks like the app's (progress,
histories, universes, the VAN export), dated when the sheet says, under the canvasser it
names; one batch per keying session; a closed list takes its sheet back; bad input is refused
with the field named."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.permissions import Role
from app.canvass.models import SyncBatch
from app.extensions import db
from app.knocks.models import DoorKnock
from app.people.models import Interaction
from tests.factories import auth_headers, create_organization, create_user


def door(walk_list: dict, stop: int, **fields) -> dict:
    return {"uuid": str(uuid.uuid4()),
            "household_id": walk_list["stops"][stop]["household_id"], **fields}  # fmt: skip


def key(client, headers, walk_list, *records, status=200, **body):
    body = {"session": body.pop("session", str(uuid.uuid4())),
            "canvassed_at": datetime.now(UTC).isoformat(),
            "records": list(records), **body}  # fmt: skip
    response = client.post(f"/api/v1/paper/sheets/{walk_list['id']}/knocks", json=body,
                           headers=headers)  # fmt: skip
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_a_keyed_sheet_counts_as_the_apps_knocks_do(client, headers, walk_list, canvasser):
    opened = client.get(f"/api/v1/paper/sheets?code={walk_list['code'].lower()}", headers=headers)
    assert opened.status_code == 200, opened.get_json()
    sheet = opened.get_json()
    assert sheet["id"] == walk_list["id"] and len(sheet["stops"]) == len(walk_list["stops"])
    assert [c["name"] for c in sheet["canvassers"]] == ["Kim Canvass"]
    boxes = {c["code"]["code"]: c["box"] for c in sheet["result_codes"]}
    assert boxes["not_home"] == "NH" and boxes["hostile"] == "HO" and boxes["canvassed"] is None
    assert sheet["script"]["questions"][0]["key"] == "support"
    link = f"https://x.test/claim/{sheet['code']}"
    by_link = client.get("/api/v1/paper/sheets", query_string={"code": link}, headers=headers)
    assert by_link.status_code == 200 and by_link.get_json()["id"] == sheet["id"]

    session = str(uuid.uuid4())
    made = datetime.fromisoformat(sheet["created_at"])
    at = made.replace(microsecond=0) + timedelta(seconds=1)  # the sheet's time, not the keyer's
    person = sheet["stops"][1]["people"][0]["person_id"]
    first = door(sheet, 0, result="not_home")
    done = key(client, headers, sheet, first, session=session, canvassed_at=at.isoformat(),
               canvasser_user_id=canvasser.id)  # fmt: skip
    assert done["applied"] == 1, done
    answered = door(sheet, 1, people=[{"person_id": person, "answers": {"support": "2"}}])
    again = key(client, headers, sheet, answered, first, session=session,
                canvassed_at=at.isoformat(), canvasser_user_id=canvasser.id)  # fmt: skip
    assert [r["status"] for r in again["results"]] == ["applied", "duplicate"]

    knocks = db.session.scalars(select(DoorKnock).filter_by(walk_list_id=sheet["id"])).all()
    assert len(knocks) == 2
    assert {k.user_id for k in knocks} == {canvasser.id}
    assert {k.keyed_by_id for k in knocks} != {None} and {k.occurred_at for k in knocks} == {at}
    batch = db.session.get(SyncBatch, knocks[0].sync_batch_id)
    assert {k.sync_batch_id for k in knocks} == {batch.id}  # one session, one batch
    assert (batch.records, batch.applied, batch.duplicates) == (3, 2, 1)
    assert batch.device_id == f"paper:{session}"
    history = db.session.scalar(select(Interaction).filter_by(person_id=person))
    assert history.result == "canvassed" and history.data["answers"] == {"support": "2"}
    assert history.user_id == canvasser.id and history.data["keyed_by_id"] == knocks[0].keyed_by_id

    progress = client.get(f"/api/v1/walk-lists/{sheet['id']}", headers=headers).get_json()
    assert progress["progress"]["knocked"] == 2 and progress["progress"]["contacted"] == 1
    counted = client.post(
        "/api/v1/universes/count",
        headers=headers,
        json={
            "filter": {
                "contact": {"status": "knocked"},
                "survey": [{"question": "support", "answers": ["2"]}],
            }
        },
    )
    assert counted.get_json()["people"] == 1
    van = client.get("/api/v1/canvass/exports/van?format=json", headers=headers).get_json()
    assert {i["canvassed_by"] for i in van["items"]} | {"Kim Canvass"} == {"Kim Canvass"}
    activity = client.get("/api/v1/canvass/activity", headers=headers).get_json()
    kim = next(row for row in activity if row["user_id"] == canvasser.id)
    assert kim["doors"] == 2 and kim["flags"] == [] and kim["no_gps"] == 0

    read = db.session.scalars(select(AuditEvent).filter_by(action="paper.sheet")).all()
    assert read and read[0].changes["rows"] == sum(len(s["people"]) for s in sheet["stops"])


def test_a_closed_lists_sheet_from_a_canvasser_without_an_account(client, headers, walk_list):
    closed = client.post(f"/api/v1/walk-lists/{walk_list['id']}/close", headers=headers)
    assert closed.status_code == 200
    done = key(client, headers, walk_list, door(walk_list, 0, result="not_home"),
               canvasser_name="  Pat Paper ")  # fmt: skip
    assert done["results"][0]["status"] == "applied" and done["results"][0]["code"] is None
    knock = db.session.scalar(select(DoorKnock).filter_by(walk_list_id=walk_list["id"]))
    assert knock.canvasser_name == "Pat Paper" and knock.user_id == knock.keyed_by_id
    assert knock.status.value == "applied"  # not held: the sheet was out before the close
    activity = client.get("/api/v1/canvass/activity", headers=headers).get_json()
    assert activity == []  # nobody with an account knocked it
    interaction = db.session.scalar(select(Interaction).where(
        Interaction.data["door_knock_id"].astext == str(knock.id)))  # fmt: skip
    assert interaction.data["canvasser_name"] == "Pat Paper"


def test_bad_input_is_refused_naming_the_field(client, headers, walk_list, org, phone):
    record = door(walk_list, 0, result="not_home")
    made = datetime.fromisoformat(walk_list["created_at"])
    early = key(client, headers, walk_list, record, status=422, canvasser_name="Pat",
                canvassed_at=(made - timedelta(hours=1)).isoformat())  # fmt: skip
    assert early["error"]["fields"] == {"canvassed_at": ["Before the list was made."]}
    ahead = key(client, headers, walk_list, record, status=422, canvasser_name="Pat",
                canvassed_at=(datetime.now(UTC) + timedelta(days=1)).isoformat())  # fmt: skip
    assert "canvassed_at" in ahead["error"]["fields"]
    nobody = key(client, headers, walk_list, record, status=422)
    assert "canvasser_name" in nobody["error"]["fields"]
    other = create_user(create_organization("Elsewhere"), Role.CANVASSER)
    stranger = key(client, headers, walk_list, record, status=422, canvasser_user_id=other.id)
    assert stranger["error"]["code"] == "canvasser_not_found"
    assert client.get("/api/v1/paper/sheets?code=NOSUCH22", headers=headers).status_code == 404
    assert client.post("/api/v1/paper/sheets/999999/knocks", headers=headers, json={
        "session": str(uuid.uuid4()), "canvassed_at": datetime.now(UTC).isoformat(),
        "canvasser_name": "Pat", "records": [record]}).status_code == 404  # fmt: skip
    wrong = door(walk_list, 0, people=[{"person_id": 2**40, "result": "refused"}])
    refused = key(client, headers, walk_list, wrong, canvasser_name="Pat")
    assert refused["results"][0]["code"] == "person_not_on_list"
    assert db.session.scalar(select(DoorKnock).filter_by(walk_list_id=walk_list["id"])) is None
    canvasser = client.get(f"/api/v1/paper/sheets?code={walk_list['code']}", headers=phone)
    assert canvasser.status_code == 403
    organizer = auth_headers(create_user(org, Role.ORGANIZER))
    assert client.get(f"/api/v1/paper/sheets?code={walk_list['code']}",
                      headers=organizer).status_code == 200  # fmt: skip
