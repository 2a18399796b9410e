"""Call lists through the API: who goes on them, callers handed one person at a time, calls
through the phone's sync (once each) into the people's histories with their sticky effects,
progress per list and per caller, the VAN export, a phone bank's check-in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from app.audit.models import AuditEvent
from app.events.models import Signup
from app.extensions import db
from app.people.models import Interaction, InteractionKind, Person, PersonPhone, SurveyAnswer
from app.phones.models import Call, CallList, CallListPerson
from app.volunteers.models import VolunteerProfile
from tests.phones.conftest import CALLABLE, call, make_list, next_person, sync


def names(world, ids) -> set[str]:
    by_id = {v: k for k, v in world.people.items()}
    return {by_id[i] for i in ids}


def listed(call_list) -> set[int]:
    return set(
        db.session.scalars(
            select(CallListPerson.person_id).where(CallListPerson.call_list_id == call_list["id"])
        )
    )


def test_a_list_holds_the_people_who_may_be_called(client, world, headers):
    made = make_list(client, headers)
    assert made["people_count"] == 6 and names(world, listed(made)) == CALLABLE
    assert made["progress"]["callable_now"] == 6 and made["claim_url"].endswith(made["code"])
    codes = {c["code"] for c in made["result_codes"]}
    assert {"left_message", "wrong_number", "disconnected", "busy", "canvassed"} <= codes
    assert "not_home" not in codes  # a door result
    assert made["script"]["questions"][0]["key"] == "support"
    # Each person is on one active list: a second list finds nobody left.
    taken = make_list(client, headers, status=409)
    assert taken["error"]["code"] == "people_checked_out"
    client.post(f"/api/v1/call-lists/{made['id']}/close", headers=headers)
    again = make_list(client, headers, per_household=True)
    # One per household (Ana for 1 Elm, Cal for 2 Elm), and Dee and Eve.
    assert names(world, listed(again)) == {"Ana", "Cal", "Dee", "Eve"}


def test_bad_input_is_refused_by_name(client, world, headers, kim):
    assert make_list(client, headers, status=404, universe_id=2**40)
    missing = client.post(
        "/api/v1/call-lists", json={"name": "x", "event_id": 2**40}, headers=headers
    )
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "event_not_found"
    past = client.post(
        "/api/v1/call-lists",
        headers=headers,
        json={"name": "x", "expires_at": "2020-01-01T00:00:00Z"},
    )
    assert past.status_code == 422 and "expires_at" in past.get_json()["error"]["fields"]
    assert client.post("/api/v1/call-lists", json={"name": "x"}, headers=kim).status_code == 403
    unknown = client.post("/api/v1/call-lists/claim", json={"code": "ZZZZZZZZ"}, headers=kim)
    assert unknown.status_code == 404


def test_callers_are_handed_one_person_each(client, world, headers, kim, lee):
    made = make_list(client, headers)
    hidden = client.get(f"/api/v1/call-lists/{made['id']}", headers=kim)
    assert hidden.status_code == 404  # not hers until she claims it
    claimed = client.post("/api/v1/call-lists/claim", json={"code": made["code"]}, headers=kim)
    assert claimed.status_code == 200
    client.post(
        f"/api/v1/call-lists/{made['id']}/assignments",
        json={"user_ids": [world.lee_id]},
        headers=headers,
    )
    first = next_person(client, kim, made)["person"]
    assert first["tel"] == f"tel:{first['number']}" and first["number"].startswith("+1")
    assert first["local_time"] and first["address"] == "1 ELM ST"
    assert next_person(client, kim, made)["person"]["person_id"] == first["person_id"]  # reload
    second = next_person(client, lee, made)["person"]
    assert second["person_id"] != first["person_id"]
    # Kim skips: someone else comes, and Ana goes back to the pool after the claim's time.
    skipped = client.post(
        f"/api/v1/call-lists/{made['id']}/skip", json={"person_id": first["person_id"]}, headers=kim
    ).get_json()
    third = skipped["person"]["person_id"]
    assert third not in (first["person_id"], second["person_id"])
    # Lee walks away: her claim lapses, and her person is handed out again.
    db.session.execute(
        update(CallListPerson)
        .where(CallListPerson.person_id == second["person_id"])
        .values(held_until=datetime.now(UTC) - timedelta(seconds=1))
    )
    db.session.execute(
        update(CallListPerson)
        .where(CallListPerson.person_id == first["person_id"])
        .values(held_until=datetime.now(UTC) + timedelta(hours=1))
    )
    again = next_person(client, kim, made, finished=[third])["person"]
    assert again["person_id"] == second["person_id"]
    held = db.session.get(CallListPerson, (made["id"], third))
    assert held.result_queued_at is not None  # its result is on Kim's phone: held for it
    # Everybody else, then nobody left that is not held.
    seen = {first["person_id"], second["person_id"], third}
    for _ in range(3):
        got = next_person(client, kim, made, finished=[again["person_id"]])["person"]
        seen.add(got["person_id"])
        again = got
    assert names(world, seen) == CALLABLE
    assert next_person(client, kim, made, finished=[again["person_id"]]) == {
        "person": None,
        "reason": "all_held",
    }


def test_calls_sync_once_into_the_history(client, world, headers, kim):
    made = make_list(client, headers, assignee_ids=[world.kim_id])
    ana = next_person(client, kim, made)["person"]
    record = call(
        made,
        ana["person_id"],
        phone_id=ana["phone_id"],
        answers={"support": "1", "volunteer": "yes"},
        duration_s=95,
    )
    first = sync(client, kim, record)
    assert first["results"][0]["status"] == "applied" and first["results"][0]["call_id"]
    again = sync(client, kim, record, record)  # a lost answer, sent again, twice
    assert [r["status"] for r in again["results"]] == ["duplicate", "duplicate"]
    calls = db.session.scalars(select(Call).where(Call.call_list_id == made["id"])).all()
    assert len(calls) == 1 and calls[0].result == "canvassed" and calls[0].duration_s == 95
    assert calls[0].number == ana["number"] and calls[0].dialer_call_id is None
    history = db.session.scalars(
        select(Interaction).where(
            Interaction.person_id == ana["person_id"], Interaction.kind == InteractionKind.CALL
        )
    ).all()
    assert len(history) == 1 and history[0].data["channel"] == "phone"
    assert history[0].data["call_list_id"] == made["id"] and "volunteer prospect" in (
        db.session.get(Person, ana["person_id"]).tags
    )
    answers = db.session.scalars(
        select(SurveyAnswer.answer).where(
            SurveyAnswer.person_id == ana["person_id"], SurveyAnswer.question == "support"
        )
    ).all()
    assert answers == ["1"]
    progress = client.get(f"/api/v1/call-lists/{made['id']}/progress", headers=headers).get_json()
    assert progress["progress"]["done"] == 1 and progress["progress"]["contacts"] == 1
    assert progress["callers"][0]["name"] == "Kim Caller" and progress["callers"][0]["calls"] == 1
    # Door results are not phone results, and the other way round; a bad record is its own.
    bad = sync(
        client,
        kim,
        call(made, world.people["Ben"], result="not_home"),
        call(made, world.people["Ben"], result="left_message"),
        call(made, world.people["Fay"], result="busy"),
        {"uuid": "not-a-uuid", "type": "call"},
    )
    assert [r["status"] for r in bad["results"]] == ["rejected", "applied", "rejected", "rejected"]
    assert [r["code"] for r in bad["results"]] == [
        "unknown_result",
        None,
        "person_not_on_list",
        "invalid_record",
    ]


def test_a_caller_syncs_only_lists_she_holds(client, world, headers, kim):
    made = make_list(client, headers)
    refused = sync(client, kim, call(made, world.people["Ana"], result="busy"))
    assert refused["results"][0]["code"] == "not_assigned"


def test_sticky_effects_of_phone_results(client, world, headers, kim):
    made = make_list(client, headers, assignee_ids=[world.kim_id])
    cal, lu, ben = world.people["Cal"], world.people["Lu"], world.people["Ben"]
    shared = world.phones["+12155550103"]
    # A wrong number is Cal's row of the number only; Cal goes back with his other number.
    sync(client, kim, call(made, cal, phone_id=shared, result="wrong_number"))
    rows = {
        p.person_id: p.call_status
        for p in db.session.scalars(select(PersonPhone).where(PersonPhone.number == "+12155550103"))
    }
    assert rows == {cal: "wrong_number", lu: None}
    on_list = db.session.get(CallListPerson, (made["id"], cal))
    assert on_list.completed_at is None and on_list.phone_id == world.phones["+12155550104"]
    # A disconnected number is everyone's: Lu's row of it too, and Lu has no other.
    sync(client, kim, call(made, lu, result="disconnected"))
    assert db.session.get(PersonPhone, shared).call_status == "wrong_number"  # Cal's stays
    lu_phone = db.session.scalar(select(PersonPhone).where(PersonPhone.person_id == lu))
    assert lu_phone.call_status == "disconnected"
    assert db.session.get(CallListPerson, (made["id"], lu)).completed_at is not None
    # Do not call: never handed out again, on any list; still knocked for.
    sync(client, kim, call(made, ben, result="do_not_call"))
    person = db.session.get(Person, ben)
    assert person.do_not_call and not person.do_not_contact
    progress = client.get(f"/api/v1/call-lists/{made['id']}/progress", headers=headers).get_json()
    assert progress["results"] == {"wrong_number": 1, "disconnected": 1, "do_not_call": 1}
    assert progress["progress"]["done"] == 2  # Lu and Ben; Cal is back in the pool
    handed = set()
    for _ in range(6):
        got = next_person(client, kim, made, finished=list(handed))["person"]
        if got is None:
            break
        handed.add(got["person_id"])
    assert names(world, handed) == {"Ana", "Cal", "Dee", "Eve"}


def test_the_van_export_carries_calls_as_phone_contacts(client, world, headers, kim):
    made = make_list(client, headers, assignee_ids=[world.kim_id])
    db.session.execute(
        update(Person)
        .where(Person.id == world.people["Ana"])
        .values(custom_fields={"van_id": "1001"})
    )
    codes = client.get("/api/v1/canvass/result-codes", headers=headers).get_json()
    busy = next(c for c in codes if c["code"] == "busy")
    client.patch(
        f"/api/v1/canvass/result-codes/{busy['id']}", json={"van_result_id": 7}, headers=headers
    )
    sync(client, kim, call(made, world.people["Ana"], result="busy"))
    exported = client.get(
        f"/api/v1/canvass/exports/van?call_list_id={made['id']}", headers=headers
    ).get_json()
    (item,) = exported["items"]
    assert item["canvass_response"]["resultCodeId"] == 7
    assert item["canvass_response"]["canvassContext"]["contactTypeId"] == 1  # Phone


def test_a_phone_bank_hands_each_volunteer_its_call_list(client, world, headers, kim):
    start = datetime.now(UTC) + timedelta(minutes=10)
    shift = {"starts_at": start, "ends_at": start + timedelta(hours=2), "capacity": 10}
    event = client.post(
        "/api/v1/events",
        headers=headers,
        json={
            "name": "Phone bank",
            "kind": "phone_bank",
            "time_zone": "America/New_York",
            "shifts": [
                {**shift, "starts_at": start.isoformat(), "ends_at": shift["ends_at"].isoformat()}
            ],
        },
    ).get_json()
    made = make_list(client, headers, event_id=event["id"])
    signup = client.post(
        f"/api/v1/public/events/{event['code']}/signups",
        json={
            "first_name": "Kim",
            "last_name": "Caller",
            "email": "kim@calls.test",
            "shift_ids": [event["shifts"][0]["id"]],
        },
    )
    assert signup.status_code == 201, signup.get_json()
    # Kim's volunteer profile names her sign-in: the list is hers at once.
    token = signup.get_json()[0]["token"]
    person_id = db.session.scalar(select(Signup.person_id).filter_by(token=token))
    db.session.add(VolunteerProfile(organization_id=world.organization_id, person_id=person_id,
                                    user_id=world.kim_id, feed_token="kim-feed"))  # fmt: skip
    db.session.flush()
    roster = client.get(f"/api/v1/events/{event['id']}/kiosk", headers=headers).get_json()
    code = roster["roster"][0]["checkin_code"]
    answer = client.post(
        f"/api/v1/events/{event['id']}/check-ins",
        headers=headers,
        json={
            "device_id": "kiosk",
            "records": [
                {"uuid": "6a8f0a5e-9d41-4d2e-b3a4-5b1c2d3e4f50", "method": "scan", "code": code}
            ],
        },
    ).get_json()
    handed = answer["results"][0]["check_in"]["call_list"]
    assert handed["id"] == made["id"] and handed["code"] == made["code"]
    mine = client.get("/api/v1/call-lists?mine=true", headers=kim).get_json()
    assert [c["id"] for c in mine["items"]] == [made["id"]]


def test_universes_filter_on_calls(client, world, headers, kim):
    made = make_list(client, headers, assignee_ids=[world.kim_id])
    ana, ben = world.people["Ana"], world.people["Ben"]
    sync(client, kim, call(made, ana, result="no_answer"), call(made, ana, result="no_answer"),
         call(made, ben, result="no_answer"), call(made, ben, result="left_message"))  # fmt: skip

    def count(calls) -> int:
        response = client.post("/api/v1/universes/count", json={"filter": {"calls": calls}},
                               headers=headers)  # fmt: skip
        assert response.status_code == 200, response.get_json()
        return response.get_json()["people"]

    assert count({"results": ["no_answer"], "min": 2}) == 1  # called, no answer twice: Ana
    assert count({"min": 2}) == 2 and count({"min": 1, "max": 1, "results": ["no_answer"]}) == 1
    assert count({"max": 0}) == 8  # never called: the ten listable, less Ana and Ben
    assert count({"min": 1, "within_days": 1}) == 2
    bad = client.post("/api/v1/universes/count", json={"filter": {"calls": {"results": ["x"]}}},
                      headers=headers)  # fmt: skip
    assert bad.status_code == 422 and "filter.calls.min" in str(bad.get_json()["error"]["fields"])


def test_a_merge_moves_calls_and_list_places(client, world, headers, kim):
    made = make_list(client, headers, assignee_ids=[world.kim_id])
    ana, ben = world.people["Ana"], world.people["Ben"]
    sync(client, kim, call(made, ben, result="busy"))
    merged = client.post(f"/api/v1/people/{ana}/merge", json={"other_id": ben}, headers=headers)
    assert merged.status_code == 200, merged.get_json()
    assert db.session.scalars(
        select(Call.person_id).where(Call.call_list_id == made["id"])
    ).all() == [ana]
    assert ben not in listed(made) and ana in listed(made)  # both were on it: Ana's place stays
    progress = client.get(f"/api/v1/call-lists/{made['id']}/progress", headers=headers).get_json()
    assert progress["progress"]["people"] == 5 and progress["results"] == {"busy": 1}


def test_an_empty_list_is_filled_one_person_at_a_time(client, world, headers):
    """A list follow-up rules fill: made empty, then ``add_person`` (the rule's action) puts
    one person at a time at its end, under the same rules as a list made from a universe."""
    from app.phones.operations import add_person

    assert make_list(client, headers, status=422, empty=True, universe_id=1)["error"]["fields"]
    made = make_list(client, headers, name="Rule-fed", empty=True)
    assert made["people_count"] == 0 and not listed(made)
    org, people = world.organization_id, world.people

    def add(name, list_id=made["id"]):
        return add_person(org, list_id, people[name])

    assert [add("Ana"), add("Dee"), add("Ana")] == ["added", "added", "already"]
    mine = select(CallListPerson).where(CallListPerson.call_list_id == made["id"])
    rows = db.session.scalars(mine.order_by(CallListPerson.position)).all()
    assert [(r.person_id, r.position) for r in rows] == [(people["Ana"], 1), (people["Dee"], 2)]
    # Dee: a 310 number at a Philadelphia home: calling hours must hold in both zones.
    assert rows[1].zones == ["America/Los_Angeles", "America/New_York"]
    # Nobody who may not be called: do-not-call, a wrong number, deceased, confidential.
    assert {add(n) for n in ("Fay", "Gus", "Hal", "Ivy", "Jo", "Kit")} == {"not_callable"}
    # Back in the pool once a result had ended them on this list.
    rows[0].completed_at, rows[0].result = datetime.now(UTC), "left_message"
    assert add("Ana") == "again" and rows[0].completed_at is None and rows[0].result is None
    # One active list at a time; a closed list or another campaign's takes nobody.
    other = make_list(client, headers, name="Universe")  # everybody callable left: Ben ...
    assert names(world, listed(other)) == CALLABLE - {"Ana", "Dee"}
    assert add("Ben") == "held_elsewhere"
    client.post(f"/api/v1/call-lists/{made['id']}/close", headers=headers)
    assert add("Eve") == "list_closed" and add_person(org + 1, other["id"], people["Ana"]) == (
        "list_gone"
    )
    assert db.session.get(CallList, made["id"]).people_count == 2


def test_a_caller_taken_off_a_list_frees_their_person_and_an_expired_list_its_people(
    client, world, headers, kim
):
    made = make_list(client, headers)
    client.post("/api/v1/call-lists/claim", json={"code": made["code"]}, headers=kim)
    held = next_person(client, kim, made)["person"]["person_id"]
    url = f"/api/v1/call-lists/{made['id']}/assignments/{world.kim_id}"
    assert client.delete(url, headers=headers).status_code == 200
    row = db.session.scalar(
        select(CallListPerson).where(
            CallListPerson.call_list_id == made["id"], CallListPerson.person_id == held
        )
    )
    assert row.held_until is None  # back in the pool at once
    assert client.get(f"/api/v1/call-lists/{made['id']}", headers=kim).status_code == 404
    again = client.delete(url, headers=headers)
    assert again.status_code == 404
    assert again.get_json()["error"]["code"] == "assignment_not_found"

    db.session.execute(
        update(CallList).where(CallList.id == made["id"])
        .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
    )  # fmt: skip
    late = client.post("/api/v1/call-lists/claim", json={"code": made["code"]}, headers=kim)
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "call_list_expired"
    assert late.get_json()["error"]["message"] == "The call list is expired."
    assert make_list(client, headers)["people_count"] == 6  # its people are free again
    expired = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "call_lists.expire")
    ).all()
    assert [(e.entity_type, e.entity_id) for e in expired] == [("call_list", str(made["id"]))]
