"""Events and shifts: the organiser's API, the public RSVP (a person matched, never doubled),
seats then the waitlist, cancelling from the link (the next in line gets the seat), the
calendar file, and two last-seat sign-ups at once."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
import requests
from icalendar import Calendar
from sqlalchemy import func, select

from app.auth.permissions import Role
from app.core.actor import Actor
from app.events.models import Signup, SignupStatus
from app.extensions import db
from app.outreach.models import OutboundMessage
from app.people.models import Interaction, InteractionKind, Person, PersonSource
from tests.browsers import serve
from tests.factories import (
    auth_headers,
    create_household,
    create_organization,
    create_person,
    create_user,
)

START = datetime(2027, 3, 6, 15, 0, tzinfo=UTC)


@pytest.fixture
def org(db_session):
    return create_organization("Friends of Ada")


@pytest.fixture
def headers(org):
    return auth_headers(create_user(org, Role.ORGANIZER))


def make_event(client, headers, **fields):
    body = {
        "name": "Saturday canvass launch",
        "kind": "canvass_launch",
        "place_name": "Field office",
        "address": "4700 Baltimore Ave, Philadelphia PA",
        "lon": -75.2167,
        "lat": 39.9483,
        "shifts": [
            {"starts_at": START.isoformat(), "ends_at": (START + timedelta(hours=2)).isoformat(),
             "role": "canvasser", "capacity": 1},
            {"starts_at": START.isoformat(), "ends_at": (START + timedelta(hours=2)).isoformat(),
             "role": "driver", "capacity": 1, "has_waitlist": False},
        ],
        **fields,
    }  # fmt: skip
    response = client.post("/api/v1/events", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def rsvp(client, event, shift=0, status=201, **fields):
    body = {"first_name": "Rosa", "last_name": "Diaz", "email": "rosa@example.org",
            "email_consent": True, "shift_ids": [event["shifts"][shift]["id"]]}  # fmt: skip
    body.update(fields)
    response = client.post(f"/api/v1/public/events/{event['code']}/signups", json=body)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_an_rsvp_makes_one_person_and_a_seat(client, org, headers):
    event = make_event(client, headers)
    assert event["public_url"].endswith(f"/events/{event['code']}")
    shown = client.get(f"/api/v1/public/events/{event['code']}").get_json()
    assert shown["name"] == "Saturday canvass launch" and "counts" not in shown
    assert [s["seats_left"] for s in shown["shifts"]] == [1, 1]

    [signup] = rsvp(client, event)
    assert signup["status"] == "registered"
    [again] = rsvp(client, event, email="ROSA@example.org")  # the same person, a second time
    # Known by that email: the answer holds no links (whoever typed it may not be Rosa); the
    # links go to Rosa's own address. Still one sign-up.
    assert (
        again["token"] is None and again["links_sent"] is True and again["status"] == "registered"
    )
    assert "checkin_code" not in again and "calendar_url" not in again
    assert db.session.scalar(select(func.count()).select_from(Signup)) == 1
    people = db.session.scalars(select(Person).filter_by(organization_id=org.id)).all()
    assert len(people) == 1 and people[0].source == PersonSource.SIGNUP
    assert people[0].emails[0].consent is True
    history = db.session.scalars(
        select(Interaction.result).filter_by(
            person_id=people[0].id, kind=InteractionKind.EVENT_SIGNUP
        )
    ).all()
    assert history == ["registered"]
    message = db.session.scalars(select(OutboundMessage).filter_by(kind="event.signup")).first()
    assert message.recipient == "rosa@example.org"
    assert f"/signups/{signup['token']}" in message.body and "calendar.ics" in message.body
    event = client.get(f"/api/v1/events/{event['id']}", headers=headers).get_json()
    assert event["counts"] == {"registered": 1}
    roster = client.get(f"/api/v1/events/{event['id']}/signups", headers=headers).get_json()
    assert [(r["name"], r["status"]) for r in roster] == [("Rosa Diaz", "registered")]


def test_a_voter_on_the_file_is_matched_by_name_and_address(client, org, headers):
    household = create_household(org)
    voter = create_person(org, household=household, first_name="Rosa", last_name="Diaz")
    address = household.address
    event = make_event(client, headers)
    assert address.zip  # the factory's homes have one
    rsvp(client, event, house_number=address.house_number, zip=address.zip,
         email="new@example.org")  # fmt: skip
    people = db.session.scalar(
        select(func.count()).select_from(Person).filter_by(organization_id=org.id)
    )
    assert people == 1
    assert [e.address for e in db.session.get(Person, voter.id).emails] == ["new@example.org"]


def test_full_shifts_waitlist_and_the_next_in_line_gets_a_cancelled_seat(client, org, headers):
    event = make_event(client, headers)
    [first] = rsvp(client, event)
    [second] = rsvp(client, event, first_name="Sam", email="sam@example.org")
    assert second["status"] == "waitlisted"
    driver = rsvp(client, event, shift=1)  # the driver seat: free
    assert driver[0]["status"] == "registered"
    refused = rsvp(client, event, shift=1, status=409, first_name="Lee", email="lee@example.org")
    assert refused["error"]["code"] == "shift_full"

    cancelled = client.post(f"/api/v1/public/signups/{first['token']}/cancel").get_json()
    assert cancelled["status"] == "cancelled"
    now = client.get(f"/api/v1/public/signups/{second['token']}").get_json()
    assert now["status"] == "registered" and now["shift"]["seats_left"] == 0
    to_sam = db.session.scalars(
        select(OutboundMessage.recipient).filter_by(kind="event.signup")
    ).all()
    assert to_sam.count("sam@example.org") == 2  # on the waitlist, then the seat


def test_the_calendar_file_follows_the_signup(client, headers):
    event = make_event(client, headers)
    [signup] = rsvp(client, event)
    response = client.get(f"/api/v1/public/signups/{signup['token']}/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    [entry] = Calendar.from_ical(response.data).walk("VEVENT")
    assert str(entry["SUMMARY"]) == "Saturday canvass launch (canvasser)"
    assert entry.decoded("DTSTART") == START and str(entry["STATUS"]) == "CONFIRMED"
    client.post(f"/api/v1/public/signups/{signup['token']}/cancel")
    again = client.get(f"/api/v1/public/signups/{signup['token']}/calendar.ics")
    [entry] = Calendar.from_ical(again.data).walk("VEVENT")
    assert str(entry["STATUS"]) == "CANCELLED"


def test_bad_forms_and_hidden_events(client, org, headers):
    event = make_event(client, headers)
    body = {"first_name": "Rosa", "last_name": "Diaz", "shift_ids": [event["shifts"][0]["id"]]}
    response = client.post(f"/api/v1/public/events/{event['code']}/signups", json=body)
    assert response.status_code == 422 and "email" in response.get_json()["error"]["fields"]
    body["email"] = "rosa@example.org"
    body["shift_ids"] = [2**40]
    response = client.post(f"/api/v1/public/events/{event['code']}/signups", json=body)
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "shift_not_found"
    staff = make_event(client, headers, visibility="staff")
    assert client.get(f"/api/v1/public/events/{staff['code']}").status_code == 404
    assert client.get("/api/v1/public/signups/nope").status_code == 404
    cancelled = client.patch(f"/api/v1/events/{event['id']}", json={"status": "cancelled"},
                             headers=headers)  # fmt: skip
    assert cancelled.status_code == 200
    refused = rsvp(client, event, status=409)
    assert refused["error"]["code"] == "event_cancelled"
    canvasser = auth_headers(create_user(org, Role.CANVASSER))
    assert client.get("/api/v1/events", headers=canvasser).status_code == 403


@pytest.fixture(scope="module")
def live(make_database):
    yield from serve(make_database, "doorstep_events")


def test_two_last_seat_signups_at_once_get_one_seat_and_one_waitlist(live):
    def seed():
        from app.events.operations import create_event

        org = create_organization("Race Campaign")
        shift = {"starts_at": START, "ends_at": START + timedelta(hours=2), "capacity": 1}
        actor = Actor.system(org.id, "test")
        event = create_event(actor, {"name": "Phone bank", "kind": "phone_bank",
                                     "shifts": [shift]})  # fmt: skip
        return event.code, event.shifts[0].id

    code, shift_id = live.run(seed)
    barrier = threading.Barrier(2)
    answers = []

    def sign(n):
        barrier.wait()
        response = requests.post(
            f"{live.url}/api/v1/public/events/{code}/signups", timeout=30,
            json={"first_name": f"P{n}", "last_name": "Race", "email": f"p{n}@example.org",
                  "shift_ids": [shift_id]},
        )  # fmt: skip
        answers.append((response.status_code, response.json()[0]["status"]))

    threads = [threading.Thread(target=sign, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [(201, "registered"), (201, "waitlisted")]
    statuses = live.run(lambda: sorted(s.status for s in db.session.scalars(select(Signup))))
    assert statuses == [SignupStatus.REGISTERED, SignupStatus.WAITLISTED]


def test_shift_changes_keep_every_seat_and_fill_new_ones(client, org, headers, app, monkeypatch):
    monkeypatch.setitem(app.config, "DOORSTEP_QUIET_HOURS", "")
    start = datetime(2027, 3, 6, 15, tzinfo=UTC)
    shift = {"starts_at": start.isoformat(), "ends_at": start.replace(hour=17).isoformat(),
             "capacity": 1}  # fmt: skip
    event = make_event(client, headers, shifts=[shift])
    url = f"/api/v1/events/{event['id']}/shifts/{event['shifts'][0]['id']}"
    [rosa] = rsvp(client, event, email="rosa@example.org")
    [sam] = rsvp(client, event, first_name="Sam", email="sam@example.org")
    assert sam["status"] == "waitlisted"

    no_waitlist = client.patch(url, json={"has_waitlist": False}, headers=headers)
    assert no_waitlist.status_code == 409
    assert no_waitlist.get_json()["error"]["code"] == "waitlist_not_empty"
    backwards = client.patch(url, json={"ends_at": start.isoformat()}, headers=headers)
    assert backwards.status_code == 422 and "ends_at" in backwards.get_json()["error"]["fields"]
    missing = client.patch(
        f"/api/v1/events/{event['id']}/shifts/999999", json={"capacity": 3}, headers=headers
    )
    assert missing.status_code == 404

    more = client.patch(url, json={"capacity": 2, "role": "door knocker"}, headers=headers)
    assert more.status_code == 200, more.get_json()
    assert more.get_json()["seats_left"] == 0 and more.get_json()["role"] == "door knocker"
    assert client.get(f"/api/v1/public/signups/{sam['token']}").get_json()["status"] == "registered"
    fewer = client.patch(url, json={"capacity": 1}, headers=headers)
    assert fewer.status_code == 409 and fewer.get_json()["error"]["code"] == "capacity_below_seats"
    assert fewer.get_json()["error"]["fields"] == {"capacity": ["at least 2"]}
    told = db.session.scalars(
        select(OutboundMessage.recipient).filter_by(kind="event.changed")
    ).all()  # the role changed: both are told
    assert sorted(told) == ["rosa@example.org", "sam@example.org"]
    assert client.get(f"/api/v1/public/signups/{rosa['token']}").get_json()["status"] == (
        "registered"
    )
    seated = db.session.scalars(
        select(OutboundMessage.recipient).filter_by(kind="event.signup")
    ).all()  # Sam was told when the seat came
    assert sorted(seated) == ["rosa@example.org", "sam@example.org", "sam@example.org"]


def test_an_online_link_can_be_taken_away(client, headers):
    event = make_event(client, headers, online_url="https://meet.example.org/launch")
    assert event["online_url"] == "https://meet.example.org/launch"
    url = f"/api/v1/events/{event['id']}"
    response = client.patch(url, json={"online_url": None}, headers=headers)
    assert response.status_code == 200 and response.get_json()["online_url"] == ""


def test_a_place_is_both_coordinates_or_neither(client, headers):
    base = {"name": "Launch", "kind": "rally"}
    for half in ({"lon": -75.16, "lat": None}, {"lon": None, "lat": 39.95}, {"lon": -75.16}):
        response = client.post("/api/v1/events", json={**base, **half}, headers=headers)
        assert response.status_code == 422, (half, response.get_json())
        assert set(response.get_json()["error"]["fields"]) <= {"lon", "lat"}
    event = make_event(client, headers, lon=-75.16, lat=39.95)
    url = f"/api/v1/events/{event['id']}"
    response = client.patch(url, json={"lon": -75.2, "lat": None}, headers=headers)
    assert response.status_code == 422 and "lat" in response.get_json()["error"]["fields"]
    response = client.patch(url, json={"lon": None, "lat": None}, headers=headers)
    assert response.status_code == 200, response.get_json()


def test_a_shift_that_is_over_is_neither_offered_nor_taken(client, headers):
    now = datetime.now(UTC)
    event = make_event(client, headers, shifts=[
        {"starts_at": (now - timedelta(hours=3)).isoformat(),
         "ends_at": (now - timedelta(hours=1)).isoformat(), "role": "morning"},
        {"starts_at": (now + timedelta(hours=1)).isoformat(),
         "ends_at": (now + timedelta(hours=3)).isoformat(), "role": "afternoon"},
    ])  # fmt: skip
    shown = client.get(f"/api/v1/public/events/{event['code']}").get_json()
    assert [s["role"] for s in shown["shifts"]] == ["afternoon"]
    refused = rsvp(client, event, shift=0, status=409)
    assert refused["error"]["code"] == "shift_over"
    assert refused["error"]["fields"] == {"shift_ids": [event["shifts"][0]["id"]]}
    assert db.session.scalar(select(func.count()).select_from(Signup)) == 0
    [signup] = rsvp(client, event, shift=1)
    assert signup["status"] == "registered"


def test_the_waitlist_is_told_it_waits_not_that_it_is_signed_up(client, org, headers):
    event = make_event(client, headers, time_zone="America/New_York")
    rsvp(client, event)
    [waiting] = rsvp(client, event, first_name="Sam", email="sam@example.org")
    [texted] = rsvp(client, event, first_name="Lee", email=None, phone="215-555-0143",
                    sms_consent=True)  # fmt: skip
    assert waiting["status"] == texted["status"] == "waitlisted"
    email = db.session.scalars(
        select(OutboundMessage).filter_by(kind="event.signup", recipient="sam@example.org")
    ).one()
    assert email.subject == "You're on the waitlist: Saturday canvass launch"
    assert "signed up" not in email.subject
    [text] = db.session.scalars(
        select(OutboundMessage.body).filter_by(kind="event.signup", channel="sms")
    ).all()
    assert text.startswith("You're on the waitlist: Saturday canvass launch, Sat 06 Mar, 10:00")
    assert "signed up" not in text


def test_a_seat_from_the_waitlist_is_in_the_history_in_local_time(client, org, headers):
    event = make_event(client, headers, time_zone="America/New_York")
    rsvp(client, event)
    rsvp(client, event, first_name="Sam", email="sam@example.org")
    sam = db.session.scalars(
        select(Person).join(Person.emails).where(Person.first_name == "Sam")
    ).one()
    roster = client.get(f"/api/v1/events/{event['id']}/signups", headers=headers).get_json()
    first = next(r for r in roster if r["name"] == "Rosa Diaz")
    cancelled = client.patch(f"/api/v1/events/{event['id']}/signups/{first['id']}",
                             json={"status": "cancelled"}, headers=headers)  # fmt: skip
    assert cancelled.status_code == 200
    history = db.session.scalars(
        select(Interaction.summary)
        .filter_by(person_id=sam.id, kind=InteractionKind.EVENT_SIGNUP)
        .order_by(Interaction.id)
    ).all()
    # 15:00 UTC is 10:00 in New York in March (before the clocks change): local, zone named.
    assert history == ["Signed up: canvasser, 2027-03-06 10:00 EST",
                       "Seat from the waitlist: canvasser, 2027-03-06 10:00 EST"]  # fmt: skip
    seated = db.session.scalars(
        select(OutboundMessage.subject)
        .filter_by(kind="event.signup", recipient="sam@example.org")
        .order_by(OutboundMessage.id)
    ).all()
    assert seated == ["You're on the waitlist: Saturday canvass launch",
                      "You're signed up: Saturday canvass launch"]  # fmt: skip


def test_an_event_can_keep_its_seats_for_people_who_confirm_first(client, headers):
    event = make_event(client, headers, confirm_before_seat=True)
    assert event["confirm_before_seat"] is True
    # Anybody may type a name and an address: the place waits for the link sent there.
    [typed] = rsvp(client, event)
    assert (typed["status"], typed["token"], typed["links_sent"]) == ("pending", None, True)
    [sam] = rsvp(client, event, first_name="Sam", email="sam@example.org")
    assert sam["status"] == "pending"
    shown = client.get(f"/api/v1/public/events/{event['code']}").get_json()
    assert shown["shifts"][0]["seats_left"] == 1  # nobody holds the one seat yet

    def link(address):
        message = db.session.scalars(
            select(OutboundMessage).filter_by(kind="event.signup", recipient=address)
        ).one()
        assert message.subject == "Confirm your place: Saturday canvass launch"
        return re.search(r"/signups/([\w-]+)\?confirm", message.body).group(1)

    sam_token, rosa_token = link("sam@example.org"), link("rosa@example.org")
    # Sam confirms first and takes the seat; Rosa, confirming after, waits for one.
    confirmed = client.post(f"/api/v1/public/signups/{sam_token}/confirm").get_json()
    assert confirmed["status"] == "confirmed" and confirmed["shift"]["seats_left"] == 0
    later = client.post(f"/api/v1/public/signups/{rosa_token}/confirm").get_json()
    assert later["status"] == "waitlisted"
    told = db.session.scalars(
        select(OutboundMessage.subject)
        .filter_by(kind="event.signup", recipient="sam@example.org")
        .order_by(OutboundMessage.id)
    ).all()
    assert told[-1] == "You're signed up: Saturday canvass launch"
    # No way to reach them, no way to confirm: refused, nothing kept.
    refused = rsvp(client, event, status=422, first_name="Lee", email="lee@example.org",
                   email_consent=False)  # fmt: skip
    assert refused["error"]["code"] == "consent_needed"
