"""Check-in at the door: a kiosk's batches (scans, names, walk-ins) applied once each and a
person once per shift; self check-in by place or door code; hours; no-shows; the live view;
a canvass launch handing out the next free walk list."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.auth.permissions import Role
from app.events.models import CheckIn, Signup, SignupStatus
from app.extensions import db
from app.outreach.models import OutboundMessage
from app.people.models import Interaction, InteractionKind, Person
from app.turfs.models import Turf, TurfCut
from app.walklists.models import WalkList, WalkListKind
from tests.factories import auth_headers, create_organization, create_person, create_user

PLACE = {"lon": -75.2167, "lat": 39.9483}  # 4700 Baltimore Ave


@pytest.fixture
def org(db_session):
    return create_organization("Friends of Ada")


@pytest.fixture
def headers(org):
    return auth_headers(create_user(org, Role.ORGANIZER))


def make_event(client, headers, start=None, **fields):
    start = start or datetime.now(UTC) + timedelta(minutes=20)
    shift = {
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "role": "canvasser",
        "capacity": 2,
    }
    body = {
        "name": "Launch",
        "kind": "canvass_launch",
        "place_name": "Field office",
        **PLACE,
        "shifts": [shift, {**shift, "role": "driver", "walk_ins": False}],
        **fields,
    }
    response = client.post("/api/v1/events", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def rsvp(client, event, first="Rosa", email="rosa@example.org", shift=0):
    body = {
        "first_name": first,
        "last_name": "Diaz",
        "email": email,
        "email_consent": True,
        "shift_ids": [event["shifts"][shift]["id"]],
    }
    response = client.post(f"/api/v1/public/events/{event['code']}/signups", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()[0]


def send(client, headers, event, *records, status=200):
    body = {"device_id": "kiosk-1", "records": list(records)}
    response = client.post(f"/api/v1/events/{event['id']}/check-ins", json=body, headers=headers)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def scan(code, **fields):
    return {"uuid": str(uuid.uuid4()), "method": "scan", "code": code, **fields}


def kiosk(client, headers, event):
    response = client.get(f"/api/v1/events/{event['id']}/kiosk", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def attendance(person_id):
    return db.session.scalar(
        select(func.count()).where(
            Interaction.person_id == person_id,
            Interaction.kind == InteractionKind.EVENT_ATTENDANCE,
        )
    )


def test_a_kiosk_checks_people_in_once_each(client, headers):
    event = make_event(client, headers)
    rosa = rsvp(client, event)
    rsvp(client, event, first="Ann", email="ann@example.org")
    pack = kiosk(client, headers, event)
    codes = {row["name"]: row["checkin_code"] for row in pack["roster"]}
    assert set(codes) == {"Rosa Diaz", "Ann Diaz"} and len(pack["door_code"]) == 6
    assert "token" not in str(pack["roster"])  # the kiosk never holds cancel links
    assert rosa["checkin_code"] == codes["Rosa Diaz"]

    first = scan(codes["Rosa Diaz"].lower())  # a code typed in lower case still reads
    again = scan(codes["Rosa Diaz"])  # scanned a second time, another record
    results = send(client, headers, event, first, again)["results"]
    assert [r["status"] for r in results] == ["applied", "already_checked_in"]
    assert results[0]["check_in"]["id"] == results[1]["check_in"]["id"]
    assert results[0]["check_in"]["name"] == "Rosa Diaz"

    replay = send(client, headers, event, first)["results"]  # the kiosk sends it again
    assert replay[0]["status"] == "duplicate"

    found = {
        "uuid": str(uuid.uuid4()),
        "method": "search",
        "signup_id": next(r["signup_id"] for r in pack["roster"] if r["name"] == "Ann Diaz"),
    }
    assert send(client, headers, event, found)["results"][0]["status"] == "applied"

    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 2
    statuses = db.session.scalars(select(Signup.status).order_by(Signup.id)).all()
    assert statuses == [SignupStatus.COMPLETED, SignupStatus.COMPLETED]
    late = client.post(f"/api/v1/public/signups/{rosa['token']}/cancel")  # an old link
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "signup_checked_in"
    person_id = db.session.scalar(select(Signup.person_id).order_by(Signup.id).limit(1))
    assert attendance(person_id) == 1


def test_bad_records_are_refused_one_by_one(client, headers, org):
    event = make_event(client, headers)
    other = make_event(client, headers, name="Other launch")
    stranger = rsvp(client, other)
    driver_shift = event["shifts"][1]["id"]
    walk_in = {
        "uuid": str(uuid.uuid4()),
        "method": "walk_in",
        "shift_id": driver_shift,
        "person": {"first_name": "Wes", "last_name": "Lee"},
    }
    results = send(
        client, headers, event, scan("NOSUCH22"), scan(stranger["checkin_code"]), walk_in
    )["results"]
    assert [(r["status"], r["code"]) for r in results] == [
        ("rejected", "checkin_code_unknown"),
        ("rejected", "other_event"),
        ("rejected", "walk_ins_closed"),
    ]
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0
    # A record missing what its method needs is bad input: the whole request says which.
    body = send(
        client, headers, event, {"uuid": str(uuid.uuid4()), "method": "walk_in"}, status=422
    )
    assert body["error"]["code"] == "validation_error"
    assert "shift_id" in str(body["error"]["fields"])


def test_a_walk_in_is_matched_not_doubled(client, headers, org):
    known = create_person(org, first_name="Wes", last_name="Lee")
    db.session.add(known)
    event = make_event(client, headers)
    rsvp(client, event, first="Wes", email="wes@example.org")  # Wes Diaz, another person
    wes = db.session.scalar(
        select(Person).where(Person.first_name == "Wes", Person.last_name == "Diaz")
    )
    record = {
        "uuid": str(uuid.uuid4()),
        "method": "walk_in",
        "shift_id": event["shifts"][0]["id"],
        "person": {"first_name": "Wes", "last_name": "Diaz", "email": "WES@example.org"},
    }
    [result] = send(client, headers, event, record)["results"]
    # Already signed up (matched by email): their sign-up is checked in, not a second one.
    assert result["status"] == "applied" and result["check_in"]["person_id"] == wes.id
    fresh = {
        "uuid": str(uuid.uuid4()),
        "method": "walk_in",
        "shift_id": event["shifts"][0]["id"],
        "person": {
            "first_name": "Nia",
            "last_name": "Ray",
            "phone": "215-555-0142",
            "sms_consent": True,
        },
    }
    [result] = send(client, headers, event, fresh)["results"]
    assert result["status"] == "applied"
    signup = db.session.get(Signup, result["check_in"]["signup_id"])
    assert signup.source == "walk_in" and signup.status == SignupStatus.COMPLETED
    # The shift had 2 seats; walk-ins are taken over capacity (they are here).
    assert db.session.scalar(select(func.count()).select_from(Signup)) == 2


def test_the_kiosks_clock_is_believed_within_reason(client, headers):
    event = make_event(client, headers)
    code = rsvp(client, event)["checkin_code"]
    scanned_at = datetime.now(UTC) - timedelta(minutes=7)  # queued offline a while ago
    [result] = send(client, headers, event, scan(code, at=scanned_at.isoformat()))["results"]
    at = datetime.fromisoformat(result["check_in"]["checked_in_at"])
    assert abs((at - scanned_at).total_seconds()) < 1
    code = rsvp(client, event, first="Ann", email="ann@example.org")["checkin_code"]
    future = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    [result] = send(client, headers, event, scan(code, at=future))["results"]
    at = datetime.fromisoformat(result["check_in"]["checked_in_at"])
    assert abs((at - datetime.now(UTC)).total_seconds()) < 60


def test_hours_check_out_and_no_shows(client, headers):
    # They signed up while the shift was ahead (a shift that is over takes no sign-ups);
    # then it is moved to have ended an hour ago.
    event = make_event(client, headers, start=datetime.now(UTC) - timedelta(hours=1))
    rosa = rsvp(client, event)
    rsvp(client, event, first="Ann", email="ann@example.org")
    start = datetime.now(UTC) - timedelta(hours=3)
    moved = client.patch(
        f"/api/v1/events/{event['id']}/shifts/{event['shifts'][0]['id']}",
        json={"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat()},
        headers=headers,
    )
    assert moved.status_code == 200, moved.get_json()
    [result] = send(client, headers, event, scan(rosa["checkin_code"], at=start.isoformat()))[
        "results"
    ]
    check_in = result["check_in"]
    assert check_in["hours"] == 2.0  # no check-out: the shift's length
    url = f"/api/v1/events/{event['id']}/check-ins/{check_in['id']}/check-out"
    early = (start - timedelta(minutes=1)).isoformat()
    response = client.post(url, json={"at": early}, headers=headers)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "check_out_before_check_in"
    out = client.post(
        url, json={"at": (start + timedelta(minutes=90)).isoformat()}, headers=headers
    ).get_json()
    assert out["hours"] == 1.5

    live = client.get(f"/api/v1/events/{event['id']}/live", headers=headers).get_json()
    shift = live["shifts"][0]
    assert (shift["checked_in"], shift["checked_out"]) == (1, 1)
    assert [p["name"] for p in shift["late"]] == ["Ann Diaz"]
    assert live["check_ins"][0]["name"] == "Rosa Diaz"

    marked = client.post(f"/api/v1/events/{event['id']}/no-shows", headers=headers).get_json()
    assert marked == {"marked": 1}
    assert client.post(f"/api/v1/events/{event['id']}/no-shows", headers=headers).get_json() == {
        "marked": 0
    }
    ann = db.session.scalar(select(Signup).where(Signup.status == SignupStatus.NO_SHOW))
    results = db.session.scalars(
        select(Interaction.result).where(
            Interaction.person_id == ann.person_id,
            Interaction.kind == InteractionKind.EVENT_ATTENDANCE,
        )
    ).all()
    assert results == ["no_show"]


def test_an_organiser_changes_sign_ups_from_the_roster(client, headers):
    # Under way for half an hour; the first shift has two seats and a waitlist.
    event = make_event(client, headers, start=datetime.now(UTC) - timedelta(minutes=30))
    ann, ben = rsvp(client, event, first="Ann", email="a@example.org"), rsvp(client, event)
    cy = rsvp(client, event, first="Cy", email="c@example.org")
    ids = {
        name: db.session.scalar(select(Signup.id).filter_by(token=row["token"]))
        for name, row in (("ann", ann), ("ben", ben), ("cy", cy))
    }

    def change(name, status, expect=200):
        url = f"/api/v1/events/{event['id']}/signups/{ids[name]}"
        response = client.patch(url, json={"status": status}, headers=headers)
        assert response.status_code == expect, response.get_json()
        return response.get_json()

    full = change("cy", "registered", 409)["error"]
    assert full["code"] == "shift_full" and "status" in full["fields"]
    assert change("ann", "cancelled")["status"] == "cancelled"
    [told] = db.session.scalars(
        select(OutboundMessage).filter_by(kind="event.signup_cancelled")
    ).all()
    assert told.recipient == "a@example.org" and f"/signups/{ann['token']}" in told.body
    assert db.session.get(Signup, ids["cy"]).status == SignupStatus.REGISTERED  # moved up
    assert change("ann", "registered", 409)["error"]["code"] == "shift_full"
    assert change("ben", "no_show")["status"] == "no_show"
    assert change("ben", "registered")["status"] == "registered"  # the no-show taken back
    row = change("ben", "completed")
    assert row["status"] == "completed" and row["name"] == "Rosa Diaz"
    check_in = db.session.scalar(select(CheckIn).filter_by(signup_id=ids["ben"]))
    assert check_in.method.value == "roster"
    history = db.session.scalars(
        select(Interaction.result)
        .where(Interaction.person_id == check_in.person_id)
        .where(Interaction.kind == InteractionKind.EVENT_ATTENDANCE)
        .order_by(Interaction.id)
    ).all()
    assert history == ["no_show", "attended"]
    assert change("ben", "cancelled", 409)["error"]["code"] == "signup_checked_in"
    assert change("ann", "waitlisted", 422)["error"]["fields"]["status"]
    refused = change("ann", "no_show", 409)["error"]  # cancelled: no seat to miss
    assert refused["code"] == "no_seat_to_miss"
    later = make_event(client, headers, start=datetime.now(UTC) + timedelta(minutes=40))
    early = rsvp(client, later, first="Di", email="d@example.org")
    ids["di"] = db.session.scalar(select(Signup.id).filter_by(token=early["token"]))
    url = f"/api/v1/events/{later['id']}/signups/{ids['di']}"
    response = client.patch(url, json={"status": "no_show"}, headers=headers)
    assert response.get_json()["error"]["code"] == "shift_not_started"
    client.patch(f"/api/v1/events/{later['id']}", json={"status": "cancelled"}, headers=headers)
    response = client.patch(url, json={"status": "completed"}, headers=headers)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "event_cancelled"
    other = make_event(client, headers)
    url = f"/api/v1/events/{other['id']}/signups/{ids['ann']}"
    assert client.patch(url, json={"status": "cancelled"}, headers=headers).status_code == 404


def test_self_check_in_needs_the_place_or_the_door_code(client, headers, app):
    event = make_event(client, headers)
    rosa = rsvp(client, event)
    url = f"/api/v1/public/signups/{rosa['token']}/check-in"
    far = client.post(url, json={"lat": 39.9526, "lon": -75.1652})  # City Hall, ~4.5 km
    assert far.status_code == 403 and far.get_json()["error"]["code"] == "too_far"
    assert "m from the event" in far.get_json()["error"]["message"]
    door = kiosk(client, headers, event)["door_code"]
    wrong = client.post(url, json={"code": "000000" if door != "000000" else "111111"})
    assert wrong.status_code == 403 and wrong.get_json()["error"]["code"] == "wrong_door_code"
    assert client.post(url, json={}).get_json()["error"]["code"] == "location_or_code_needed"

    near = client.post(url, json={"lat": 39.9485, "lon": -75.2165})  # across the street
    assert near.status_code == 200, near.get_json()
    assert near.get_json()["status"] == "completed"
    assert near.get_json()["check_in"]["method"] == "self"

    ann = rsvp(client, event, first="Ann", email="ann@example.org")
    by_code = client.post(f"/api/v1/public/signups/{ann['token']}/check-in", json={"code": door})
    assert by_code.status_code == 200 and by_code.get_json()["check_in"]["method"] == "self"


def test_self_check_in_opens_an_hour_before(client, headers):
    event = make_event(client, headers, start=datetime.now(UTC) + timedelta(hours=3))
    rosa = rsvp(client, event)
    response = client.post(
        f"/api/v1/public/signups/{rosa['token']}/check-in",
        json={"lat": PLACE["lat"], "lon": PLACE["lon"]},
    )
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "check_in_closed"


def test_the_qr_code_holds_the_check_in_code(client, headers):
    event = make_event(client, headers)
    rosa = rsvp(client, event)
    shown = client.get(f"/api/v1/public/signups/{rosa['token']}").get_json()
    assert shown["qr_url"].endswith(f"/api/v1/public/signups/{rosa['token']}/qr.svg")
    response = client.get(f"/api/v1/public/signups/{rosa['token']}/qr.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert b"<svg" in response.data
    # The confirmation tells them too (the code, and the page with the QR code).
    body = db.session.scalar(select(OutboundMessage.body).filter_by(kind="event.signup"))
    assert f"check-in code {rosa['checkin_code']}" in body and f"/signups/{rosa['token']}" in body


def _turf_with_lists(org, names):
    square = "SRID=4326;MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)))"
    cut = TurfCut(organization_id=org.id, name="launch", target=50, area=square)
    db.session.add(cut)
    db.session.flush()
    turf = Turf(organization_id=org.id, name="West", cut_id=cut.id, geom=square)
    db.session.add(turf)
    db.session.flush()
    for i, name in enumerate(names):
        db.session.add(
            WalkList(
                organization_id=org.id,
                name=name,
                code=f"LAUNCH2{i}",
                kind=WalkListKind.TURF,
                turf_id=turf.id,
                expires_at=datetime.now(UTC) + timedelta(days=1),
            )
        )
    db.session.flush()
    return turf


def test_a_canvass_launch_hands_each_volunteer_the_next_list(client, headers, org):
    turf = _turf_with_lists(org, ["List A", "List B"])
    event = make_event(client, headers, turf_ids=[turf.id])
    assert event["turf_ids"] == [turf.id]
    people = [rsvp(client, event, first=n, email=f"{n}@example.org") for n in ("A", "B")]
    people.append(rsvp(client, event, first="C", email="c@example.org", shift=1))
    results = send(client, headers, event, *(scan(p["checkin_code"]) for p in people))["results"]
    handed = [r["check_in"]["walk_list"] for r in results]
    assert [h and h["name"] for h in handed] == ["List A", "List B", None]  # none left for C
    assert handed[0]["claim_url"].endswith("/claim/LAUNCH20")
    # Scanned again: the same list, not the next one.
    [again] = send(client, headers, event, scan(people[0]["checkin_code"]))["results"]
    assert again["check_in"]["walk_list"]["name"] == "List A"
    bad = client.patch(f"/api/v1/events/{event['id']}", json={"turf_ids": [2**40]}, headers=headers)
    assert bad.status_code == 404 and bad.get_json()["error"]["code"] == "turf_not_found"


def test_a_volunteer_with_the_app_holds_the_handed_list_at_once(client, headers, org):
    from app.volunteers.models import VolunteerProfile
    from app.walklists.models import WalkListAssignment

    turf = _turf_with_lists(org, ["List A", "List B", "List C"])
    event = make_event(client, headers, turf_ids=[turf.id])
    vic, ann = rsvp(client, event, first="Vic", email="vic@example.org"), rsvp(client, event)
    account = create_user(org, Role.CANVASSER)
    vic_id = db.session.scalar(select(Signup.person_id).filter_by(token=vic["token"]))
    db.session.add(VolunteerProfile(organization_id=org.id, person_id=vic_id,
                                    user_id=account.id, feed_token="vic-feed"))  # fmt: skip
    db.session.flush()
    results = send(client, headers, event, scan(vic["checkin_code"]), scan(ann["checkin_code"]))
    vic_list, ann_list = (r["check_in"]["walk_list"] for r in results["results"])
    held = db.session.scalars(select(WalkListAssignment)).all()
    assert [(a.walk_list_id, a.user_id, a.released_at) for a in held] == [
        (vic_list["id"], account.id, None)
    ]  # Ann has no account: she claims List B with its code
    assert ann_list["name"] == "List B"
    mine = client.get("/api/v1/walk-lists", headers=auth_headers(account)).get_json()
    assert [w["name"] for w in mine["items"]] == ["List A"]
    # Attendance marked from the roster hands out no list: nobody is at the door to take it.
    cy = rsvp(client, event, first="Cy", email="cy@example.org", shift=1)
    cy_id = db.session.scalar(select(Signup.id).filter_by(token=cy["token"]))
    url = f"/api/v1/events/{event['id']}/signups/{cy_id}"
    assert client.patch(url, json={"status": "completed"}, headers=headers).status_code == 200
    assert db.session.scalar(select(CheckIn.walk_list_id).filter_by(signup_id=cy_id)) is None


def test_only_those_who_run_the_door_use_the_kiosk(client, org):
    organizer = auth_headers(create_user(org, Role.ORGANIZER))
    event = make_event(client, organizer)
    canvasser = auth_headers(create_user(org, Role.CANVASSER))
    assert client.get(f"/api/v1/events/{event['id']}/kiosk", headers=canvasser).status_code == 403
    elsewhere = auth_headers(create_user(create_organization("Other"), Role.ORGANIZER))
    assert client.get(f"/api/v1/events/{event['id']}/kiosk", headers=elsewhere).status_code == 404


def test_wrong_door_codes_are_limited(client, headers):
    event = make_event(client, headers)
    rosa = rsvp(client, event)
    door = kiosk(client, headers, event)["door_code"]
    wrong = "000000" if door != "000000" else "111111"
    url = f"/api/v1/public/signups/{rosa['token']}/check-in"
    for _ in range(5):
        assert client.post(url, json={"code": wrong}).status_code == 403
    # The right code no longer helps a guesser: the sign-up waits.
    response = client.post(url, json={"code": door})
    assert response.status_code == 429 and response.get_json()["error"]["code"] == "rate_limited"


def test_another_campaigns_code_is_unknown_here(client, headers, org):
    event = make_event(client, headers)
    other_org = create_organization("Other campaign")
    other_headers = auth_headers(create_user(other_org, Role.ORGANIZER))
    theirs = rsvp(client, make_event(client, other_headers), email="them@example.org")
    [result] = send(client, headers, event, scan(theirs["checkin_code"]))["results"]
    assert (result["status"], result["code"]) == ("rejected", "checkin_code_unknown")
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 0


def test_attending_a_shift_makes_a_volunteer_with_their_hours(client, headers):
    event = make_event(client, headers, start=datetime.now(UTC) - timedelta(minutes=30))
    rosa = rsvp(client, event)
    rsvp(client, event, first="Ann", email="ann@example.org")
    rsvp(client, event, first="Cy", email="cy@example.org", shift=1)
    people = {
        p.first_name: p.id
        for p in db.session.scalars(select(Person).where(Person.last_name == "Diaz"))
    }
    for name in people:  # signed up only: not a volunteer yet
        assert client.get(f"/api/v1/volunteers/{people[name]}", headers=headers).status_code == 404

    [scanned] = send(client, headers, event, scan(rosa["checkin_code"]))["results"]
    assert scanned["status"] == "applied"
    ann_signup = db.session.scalar(select(Signup.id).filter_by(person_id=people["Ann"]))
    marked = client.patch(f"/api/v1/events/{event['id']}/signups/{ann_signup}",
                          json={"status": "completed"}, headers=headers)  # fmt: skip
    assert marked.status_code == 200, marked.get_json()

    for name in ("Rosa", "Ann"):  # checked in, or marked attended: a volunteer, with hours
        response = client.get(f"/api/v1/volunteers/{people[name]}", headers=headers)
        assert response.status_code == 200, response.get_json()
        shown = response.get_json()
        assert shown["totals"]["shifts_attended"] == 1 and shown["totals"]["hours"] == 2.0
        assert shown["source"] == "attended"
    assert client.get(f"/api/v1/volunteers/{people['Cy']}", headers=headers).status_code == 404
    # Scanned again: still one profile.
    send(client, headers, event, scan(rosa["checkin_code"]))
    listed = client.get("/api/v1/volunteers", headers=headers).get_json()
    names = sorted(row["name"] for row in listed["items"])
    assert names == ["Ann Diaz", "Rosa Diaz"]
