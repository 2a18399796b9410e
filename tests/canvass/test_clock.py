"""Time on the phone is a claim: knocks that arrive after their list was taken back or closed
are held for a director whatever date they carry; each batch keeps the phone's clock offset
and is flagged when its knocks' times disagree with it; a door knocked again and again in
seconds is a fraud sign; new people at the doors are capped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.canvass.models import SyncBatch
from app.extensions import db
from app.knocks.models import DoorKnock
from app.people.models import Person
from tests.canvass.conftest import knock, sync
from tests.canvass.test_review import batch_of, progress, review


def send(client, auth, *records, sent_at=None, device_id="phone-1"):
    body = {"device_id": device_id, "records": list(records)}
    if sent_at is not None:
        body["sent_at"] = sent_at.isoformat()
    response = client.post("/api/v1/canvass/sync", json=body, headers=auth)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def batches(client, headers, **query) -> list[dict]:
    response = client.get("/api/v1/canvass/batches", query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def ago(**delta) -> str:
    return (datetime.now(UTC) - timedelta(**delta)).isoformat()


@pytest.mark.parametrize("taken", ["released", "closed"])
def test_a_back_dated_knock_fares_as_an_honest_one(client, headers, phone, walk_list,
                                                   canvasser, taken):  # fmt: skip
    still_theirs = datetime.now(UTC).isoformat()
    if taken == "released":
        url = f"/api/v1/walk-lists/{walk_list['id']}/assignments/{canvasser.id}"
        assert client.delete(url, headers=headers).status_code in (200, 204)
    else:
        url = f"/api/v1/walk-lists/{walk_list['id']}/close"
        assert client.post(url, headers=headers).status_code == 200
    back_dated = knock(walk_list, 0, result="not_home", client_at=still_theirs)
    honest = knock(walk_list, 1, result="not_home")
    body = sync(client, phone, back_dated, honest)
    outcomes = [(r["status"], r["code"]) for r in body["results"]]
    assert outcomes == [("applied", "held_for_review")] * 2
    assert progress(client, headers, walk_list)["knocked"] == 0  # not counted...
    held = batches(client, headers, status="held")  # ... not dropped: held, for review
    assert len(held) == 1 and held[0]["applied"] == 2 and held[0]["records"] == 2
    assert held[0]["reviewed_by_id"] is None and "taken back or closed" in held[0]["review_reason"]
    review(client, headers, held[0]["id"], "release")
    db.session.expire_all()
    assert progress(client, headers, walk_list)["knocked"] == 2


def test_only_the_late_knocks_are_held(client, headers, phone, walk_list, cut, canvasser):
    other = client.post("/api/v1/walk-lists", headers=headers, json={
        "turf_id": cut["turf_ids"][1], "assignee_ids": [canvasser.id]}).get_json()  # fmt: skip
    client.post(f"/api/v1/walk-lists/{other['id']}/close", headers=headers)
    body = sync(client, phone, knock(walk_list, 0, result="not_home"),
                knock(other, 0, result="not_home"))  # fmt: skip
    assert [r["code"] for r in body["results"]] == [None, "held_for_review"]
    on_time, late = (db.session.get(DoorKnock, r["door_knock_id"]) for r in body["results"])
    assert on_time.sync_batch_id != late.sync_batch_id
    assert (on_time.status.value, late.status.value) == ("applied", "held")
    assert db.session.get(SyncBatch, on_time.sync_batch_id).applied == 1


def test_the_clock_offset_is_kept_and_puts_the_knocks_on_our_clock(client, headers, phone,
                                                                    walk_list):  # fmt: skip
    # The phone runs 3 hours fast: it says it sent at now+3h, and knocked at now+3h-1min.
    fast = timedelta(hours=3)
    now = datetime.now(UTC)
    record = knock(walk_list, 0, result="not_home",
                   client_at=(now + fast - timedelta(minutes=1)).isoformat())  # fmt: skip
    body = send(client, phone, record, sent_at=now + fast)
    knocked = db.session.get(DoorKnock, body["results"][0]["door_knock_id"])
    assert abs(knocked.server_at - (now - timedelta(minutes=1))) < timedelta(seconds=30)
    assert abs(knocked.occurred_at - knocked.server_at) < timedelta(seconds=1)
    assert knocked.clock_skewed and knocked.received_at > knocked.server_at
    [row] = batches(client, headers)
    assert abs(row["clock_offset_s"] - fast.total_seconds()) < 30
    assert row["flags"] == []


def test_a_batch_whose_times_disagree_with_its_offset_is_flagged(client, headers, phone,
                                                                 walk_list):  # fmt: skip
    now = datetime.now(UTC)
    # An honest clock, but a knock dated a day before the list was handed out ...
    body = send(client, phone, knock(walk_list, 0, result="not_home", client_at=ago(hours=20)),
                sent_at=now)  # fmt: skip
    assert db.session.get(SyncBatch, batch_of(body)).flags == ["dated_before_claim"]
    # ... one dated after the phone itself says it sent it ...
    body = send(client, phone, knock(walk_list, 1, result="not_home",
                                     client_at=(now + timedelta(minutes=8)).isoformat()),
                sent_at=now)  # fmt: skip
    assert db.session.get(SyncBatch, batch_of(body)).flags == ["dated_after_sync"]
    # ... and a phone whose clock was moved an hour back since its last sync.
    body = send(client, phone, knock(walk_list, 2, result="not_home", client_at=ago(hours=1)),
                sent_at=now - timedelta(hours=1))  # fmt: skip
    assert db.session.get(SyncBatch, batch_of(body)).flags == ["clock_changed"]
    listed = {row["id"]: row["flags"] for row in batches(client, headers)}
    assert listed[batch_of(body)] == ["clock_changed"]


def test_many_knocks_at_one_door_in_seconds_are_flagged(client, headers, phone, walk_list):
    start = datetime.now(UTC) - timedelta(minutes=1)
    records = [knock(walk_list, 0, result="not_home",
                     client_at=(start + timedelta(seconds=10 * n)).isoformat())
               for n in range(3)]  # fmt: skip
    records.append(knock(walk_list, 1, result="not_home", client_at=start.isoformat()))
    body = sync(client, phone, *records)
    assert db.session.get(SyncBatch, batch_of(body)).flags == ["door_knocked_repeatedly"]
    activity = client.get("/api/v1/canvass/activity", headers=headers).get_json()
    assert "door_knocked_repeatedly" in activity[0]["flags"]
    # Two knocks a minute apart are a second try, not a sign.
    body = sync(client, phone, knock(walk_list, 2, result="not_home", client_at=ago(seconds=90)),
                knock(walk_list, 2, result="not_home", client_at=ago(seconds=20)))  # fmt: skip
    assert db.session.get(SyncBatch, batch_of(body)).flags == []


def newcomer(walk_list, stop: int, count: int) -> dict:
    people = [{"first_name": "New", "last_name": f"Person {stop}-{n}", "result": "canvassed"}
              for n in range(count)]  # fmt: skip
    return knock(walk_list, stop, new_people=people)


def test_new_people_are_capped_per_request_and_per_hour(app, client, phone, walk_list):
    app.config.update(DOORSTEP_SYNC_MAX_NEW_PEOPLE=4, DOORSTEP_SYNC_NEW_PEOPLE_PER_HOUR=6)
    made = db.session.scalar(select(db.func.count(Person.id)))
    body = sync(client, phone, newcomer(walk_list, 0, 3), newcomer(walk_list, 1, 2),
                newcomer(walk_list, 2, 1))  # fmt: skip
    outcomes = [(r["status"], r["code"]) for r in body["results"]]
    assert outcomes == [("applied", None), ("rejected", "too_many_new_people"),
                        ("applied", None)]  # fmt: skip
    assert body["results"][1]["fields"] == {"new_people": 2}
    body = sync(client, phone, newcomer(walk_list, 3, 2), newcomer(walk_list, 4, 2),
                knock(walk_list, 5, result="not_home"))  # fmt: skip
    outcomes = [(r["status"], r["code"]) for r in body["results"]]
    assert outcomes == [("applied", None), ("rejected", "new_people_hourly_limit"),
                        ("applied", None)]  # fmt: skip
    # Nothing half-written: the refused records made nobody.
    assert db.session.scalar(select(db.func.count(Person.id))) == made + 6
