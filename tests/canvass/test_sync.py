"""The sync endpoint: each record applied once, answered on its own, good records kept beside
bad ones; results, answers, tags and sticky effects in the people's histories."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app.accounts.models import Organization
from app.auth.permissions import Role
from app.extensions import db
from app.knocks.models import DoorKnock, PlaceNote
from app.people.models import Interaction, InteractionKind, Person, SurveyAnswer
from app.voters.models import Household
from tests.canvass.conftest import knock, person_at, sync
from tests.factories import auth_headers, create_user


def count(model, **filters) -> int:
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**filters))


def test_a_knock_lands_in_the_history_and_the_lists_progress(client, headers, phone, walk_list):
    stop = walk_list["stops"][0]
    lon, lat = stop["lon"], stop["lat"]
    record = knock(walk_list, result="not_home", gps={"lat": lat + 0.0002, "lon": lon,
                                                      "accuracy": 8})  # fmt: skip
    body = sync(client, phone, record)
    assert body["applied"] == 1 and body["results"][0]["status"] == "applied"
    stored = db.session.get(DoorKnock, body["results"][0]["door_knock_id"])
    assert stored.result == "not_home" and stored.device_id == "phone-1"
    assert 15 < stored.distance_m < 30  # 0.0002 degrees of latitude is about 22 m
    history = db.session.scalars(
        select(Interaction).filter_by(
            person_id=person_at(walk_list), kind=InteractionKind.DOOR_KNOCK
        )
    ).all()
    assert [(i.result, i.data["walk_list_id"]) for i in history] == [("not_home", walk_list["id"])]
    progress = client.get(f"/api/v1/walk-lists/{walk_list['id']}", headers=headers).get_json()
    assert progress["progress"]["knocked"] == 1 and progress["progress"]["contacted"] == 0
    assert progress["stops"][0]["people"][0]["last_result"] == "not_home"


def test_the_same_record_is_applied_once_however_often_it_arrives(client, phone, walk_list):
    records = [knock(walk_list, n, result="not_home") for n in range(3)]
    first = sync(client, phone, *records)
    assert first["applied"] == 3
    again = sync(client, phone, *records)  # a lost response: the phone sends the batch again
    assert again["duplicates"] == 3 and again["applied"] == 0
    assert [r["door_knock_id"] for r in again["results"]] == [
        r["door_knock_id"] for r in first["results"]
    ]
    twice = knock(walk_list, 3, result="not_home")
    both = sync(client, phone, twice, twice)  # two tabs put it in one batch
    assert [r["status"] for r in both["results"]] == ["applied", "duplicate"]
    assert count(DoorKnock) == 4
    assert count(Interaction, kind=InteractionKind.DOOR_KNOCK) == 4


def test_good_records_are_kept_beside_bad_ones(client, org, phone, walk_list):
    good = knock(walk_list, 0, result="not_home")
    records = [
        {"uuid": str(uuid.uuid4()), "walk_list_id": walk_list["id"]},  # no home, no time
        good,
        knock(walk_list, 1, result="gone_fishing"),
        knock(walk_list, 1, result="not_home", household_id=2**40),
        knock(walk_list, 2, people=[{"person_id": person_at(walk_list, 3), "result": "refused"}]),
        knock(walk_list, 2),
        knock(walk_list, 2, result="not_home", walk_list_id=2**40),
    ]
    body = sync(client, phone, *records)
    codes = [(r["status"], r["code"]) for r in body["results"]]
    assert codes == [
        ("rejected", "invalid_record"),
        ("applied", None),
        ("rejected", "unknown_result"),
        ("rejected", "household_not_on_list"),
        ("rejected", "person_not_on_list"),
        ("rejected", "no_result"),
        ("rejected", "walk_list_not_found"),
    ]
    assert "household_id" in body["results"][0]["fields"]
    assert body["results"][1]["uuid"] == good["uuid"]
    assert count(DoorKnock) == 1


def test_only_the_lists_one_holds(client, org, headers, walk_list):
    other = auth_headers(create_user(org, Role.CANVASSER))
    body = sync(client, other, knock(walk_list, result="not_home"))
    assert body["results"][0]["code"] == "not_assigned"
    # Directors and organizers may record on any list of the campaign.
    assert sync(client, headers, knock(walk_list, result="not_home"))["applied"] == 1
    assert (
        client.post("/api/v1/canvass/sync", json={"records": []}, headers=other).status_code == 422
    )


def test_knocks_that_arrive_after_the_list_was_taken_back_are_held_for_review(
    client, headers, phone, walk_list, canvasser
):
    before = knock(walk_list, 0, result="not_home",
                   client_at=(datetime.now(UTC) - timedelta(minutes=5)).isoformat())  # fmt: skip
    response = client.delete(
        f"/api/v1/walk-lists/{walk_list['id']}/assignments/{canvasser.id}", headers=headers
    )
    assert response.status_code in (200, 204), response.get_json()
    after = knock(walk_list, 1, result="not_home",
                  client_at=(datetime.now(UTC) + timedelta(seconds=5)).isoformat())  # fmt: skip
    body = sync(client, phone, before, after)
    # The phone's time decides nothing: both are kept (the phone lets them go) and held.
    assert [(r["status"], r["code"]) for r in body["results"]] == [
        ("applied", "held_for_review"), ("applied", "held_for_review")]  # fmt: skip
    knocks = [db.session.get(DoorKnock, r["door_knock_id"]) for r in body["results"]]
    assert {k.status.value for k in knocks} == {"held"}
    mine = client.get("/api/v1/walk-lists?mine=true", headers=phone).get_json()
    assert mine["items"] == []
    # Handed back to them: the list is theirs again, one assignment as before.
    response = client.post(f"/api/v1/walk-lists/{walk_list['id']}/assignments",
                           json={"user_ids": [canvasser.id]}, headers=headers)  # fmt: skip
    assert response.status_code == 200, response.get_json()
    assert [a["user_id"] for a in response.get_json()["assignees"]] == [canvasser.id]
    again = knock(walk_list, 2, result="not_home")
    assert sync(client, phone, again)["results"][0]["code"] is None


def test_answers_tags_and_branches(client, phone, walk_list):
    supporter = person_at(walk_list, 0)
    body = sync(
        client, phone,
        knock(walk_list, 0, people=[{"person_id": supporter,
                                     "answers": {"support": "1", "volunteer": "yes",
                                                 "top_issue": "schools"}}]),
        knock(walk_list, 1, people=[{"person_id": person_at(walk_list, 1),
                                     "answers": {"support": "4", "volunteer": "yes"}}]),
        knock(walk_list, 2, people=[{"person_id": person_at(walk_list, 2),
                                     "answers": {"support": "9"}}]),
        knock(walk_list, 3, people=[{"person_id": person_at(walk_list, 3), "result": "not_home",
                                     "answers": {"support": "2"}}]),
        knock(walk_list, 4, people=[{"person_id": person_at(walk_list, 4),
                                     "answers": {"shoe_size": "9"}}]),
    )  # fmt: skip
    assert [r["code"] for r in body["results"]] == [
        None,
        "branch_not_taken",
        "bad_answer",
        "answers_with_result",
        "unknown_question",
    ]
    answers = dict(
        db.session.execute(
            select(SurveyAnswer.question, SurveyAnswer.answer).filter_by(person_id=supporter)
        ).all()
    )
    assert answers == {"support": "1", "volunteer": "yes", "top_issue": "schools"}
    person = db.session.get(Person, supporter)
    assert "volunteer prospect" in person.tags
    interaction = db.session.scalar(
        select(Interaction).filter_by(person_id=supporter, kind=InteractionKind.DOOR_KNOCK)
    )
    assert interaction.result == "canvassed" and interaction.data["answers"]["support"] == "1"
    assert db.session.scalar(select(DoorKnock.is_contact)) is True


def test_the_latest_answer_of_a_day_wins_even_when_synced_late(client, phone, walk_list):
    person_id = person_at(walk_list, 0)
    now = datetime.now(UTC)
    zone = ZoneInfo(db.session.scalar(
        select(Organization.time_zone).join(Person, Person.organization_id == Organization.id)
        .where(Person.id == person_id)))  # fmt: skip
    midnight = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    if now - midnight < timedelta(minutes=31):  # the three answers must fall on one local day
        now = midnight - timedelta(minutes=1)

    def answer(support, at):
        entry = {"person_id": person_id, "answers": {"support": support}}
        return knock(walk_list, 0, client_at=at.isoformat(), people=[entry])

    sync(client, phone, answer("3", now - timedelta(minutes=5)))
    sync(client, phone, answer("2", now - timedelta(minutes=1)))
    sync(client, phone, answer("5", now - timedelta(minutes=30)))  # an older knock, synced last
    rows = db.session.scalars(select(SurveyAnswer).filter_by(person_id=person_id)).all()
    assert [r.answer for r in rows] == ["2"]  # one answer a day; the history is in interactions
    assert count(Interaction, person_id=person_id, kind=InteractionKind.DOOR_KNOCK) == 3


def test_sticky_effects(client, phone, walk_list):
    gone, dead, angry = (person_at(walk_list, n) for n in range(3))
    sync(
        client, phone,
        knock(walk_list, 0, result="moved"),
        knock(walk_list, 1, people=[{"person_id": dead, "result": "deceased"}]),
        knock(walk_list, 2, result="hostile"),
    )  # fmt: skip
    db.session.expire_all()
    assert db.session.get(Person, gone).has_moved
    assert db.session.get(Person, dead).is_deceased
    assert db.session.get(Person, angry).do_not_contact


def test_a_wrong_phone_clock_is_caught(client, phone, walk_list):
    ahead = knock(walk_list, 0, result="not_home",
                  client_at=(datetime.now(UTC) + timedelta(hours=3)).isoformat())  # fmt: skip
    earlier = datetime.now(UTC) - timedelta(minutes=40)
    fine = knock(walk_list, 1, result="not_home", client_at=earlier.isoformat())
    body = sync(client, phone, ahead, fine)
    skewed, honest = (db.session.get(DoorKnock, r["door_knock_id"]) for r in body["results"])
    assert skewed.clock_skewed and abs(skewed.occurred_at - datetime.now(UTC)) < timedelta(
        minutes=1
    )
    assert skewed.client_at > datetime.now(UTC) + timedelta(hours=2)  # kept as the phone said
    assert not honest.clock_skewed and abs(honest.occurred_at - earlier) < timedelta(seconds=1)


def test_new_people_and_place_notes(client, phone, walk_list):
    stop = walk_list["stops"][0]
    body = sync(
        client, phone,
        knock(walk_list, 0, result="canvassed", notes="Met the new tenant upstairs",
              new_people=[{"first_name": "Rosa", "last_name": "Diaz", "unit": "2F",
                           "answers": {"support": "2"}}],
              place_notes=[{"kind": "dog", "text": "Friendly but loud"}]),
    )  # fmt: skip
    assert body["applied"] == 1, body
    rosa = db.session.scalar(select(Person).filter_by(first_name="Rosa", last_name="Diaz"))
    home = db.session.get(Household, rosa.household_id)
    assert home.address_id == stop["address_id"] and home.unit == "2F"
    assert rosa.location is not None
    assert db.session.scalar(select(SurveyAnswer.answer).filter_by(person_id=rosa.id)) == "2"
    note = db.session.scalar(select(PlaceNote))
    assert (note.kind.value, note.text, note.address_id) == ("dog", "Friendly but loud",
                                                             stop["address_id"])  # fmt: skip


def test_a_canvasser_sees_only_what_the_door_needs(client, phone, walk_list):
    person_id = person_at(walk_list, 0)
    assert client.get(f"/api/v1/people/{person_id}", headers=phone).status_code == 403
    assert client.get("/api/v1/people", headers=phone).status_code == 403
    detail = client.get(f"/api/v1/walk-lists/{walk_list['id']}", headers=phone).get_json()
    shown = detail["stops"][0]["people"][0]
    assert set(shown) == {
        "person_id", "first_name", "middle_name", "last_name", "suffix", "gender", "age",
        "party", "languages", "is_target", "knocked", "last_result",
    }  # fmt: skip


def test_contacted_means_the_campaigns_contact_results(client, headers, phone, walk_list, cut):
    # Refused is a contact by default; a campaign that says otherwise is followed.
    sync(client, phone, knock(walk_list, 0, result="refused"))
    turf = client.get(f"/api/v1/turfs/{cut['turf_ids'][0]}", headers=headers).get_json()
    listed = client.get(f"/api/v1/walk-lists/{walk_list['id']}", headers=headers).get_json()
    assert turf["properties"]["contacted"] == 1 and listed["progress"]["contacted"] == 1
    codes = client.get("/api/v1/canvass/result-codes", headers=headers).get_json()
    refused = next(c for c in codes if c["code"] == "refused")
    client.patch(f"/api/v1/canvass/result-codes/{refused['id']}", json={"is_contact": False},
                 headers=headers)  # fmt: skip
    listed = client.get(f"/api/v1/walk-lists/{walk_list['id']}", headers=headers).get_json()
    assert listed["progress"]["contacted"] == 0 and listed["progress"]["knocked"] == 1


def test_somebody_new_with_bad_details_rejects_that_record_only(client, phone, walk_list):
    bad = knock(walk_list, 0, result="not_home",
                new_people=[{"first_name": "Rosa", "phones": [{"number": "1234"}]}])  # fmt: skip
    good = knock(walk_list, 1, result="not_home")
    body = sync(client, phone, bad, good)
    assert [r["status"] for r in body["results"]] == ["rejected", "applied"]
    assert body["results"][0]["code"] == "invalid_new_person"
    assert "new_people.0.phones.0.number" in body["results"][0]["fields"]
    assert count(DoorKnock) == 1
    assert count(Person, first_name="Rosa") == 0


def test_one_person_twice_in_a_batch_keeps_the_later_answer(client, phone, walk_list):
    person_id = person_at(walk_list, 0)
    now = datetime.now(UTC)

    def answer(support, minutes_ago):
        entry = {"person_id": person_id, "answers": {"support": support}}
        at = (now - timedelta(minutes=minutes_ago)).isoformat()
        return knock(walk_list, 0, client_at=at, people=[entry])

    body = sync(client, phone, answer("2", 1), answer("4", 20))  # came back later, same day
    assert body["applied"] == 2
    rows = db.session.scalars(select(SurveyAnswer).filter_by(person_id=person_id)).all()
    assert [r.answer for r in rows] == ["2"]
