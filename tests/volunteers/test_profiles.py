"""The organiser's side: profiles made and changed (and refused), teams, linking a profile to
the right person, search by every filter, a volunteer's history with hours and doors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.auth.permissions import Role
from app.events.models import SignupStatus
from tests.factories import (
    auth_headers,
    create_household,
    create_organization,
    create_person,
    create_user,
)
from tests.volunteers.conftest import START, add_signup, check_in, knock, make_event


def make_volunteer(client, headers, person, expect=201, **fields):
    response = client.post(
        "/api/v1/volunteers", json={"person_id": person.id, **fields}, headers=headers
    )
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def search(client, headers, expect=200, **args):
    response = client.get("/api/v1/volunteers", query_string=args, headers=headers)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def names(page):
    return sorted(row["name"] for row in page["items"])


def test_a_profile_is_made_changed_and_shown(client, org, headers, organizer):
    person = create_person(org, first_name="Rosa", last_name="Diaz")
    team = client.post("/api/v1/volunteers/teams", json={"name": "West Philly"}, headers=headers)
    assert team.status_code == 201
    made = make_volunteer(
        client,
        headers,
        person,
        skills=["canvassing", "driving", "canvassing"],
        languages=["ES", "en"],
        organizer_user_id=organizer.id,
        team_ids=[team.get_json()["id"]],
        availability={
            "weekly": [{"day": 5, "start": "10:00", "end": "14:00"}],
            "dates": [{"date": "2027-03-10"}],
        },
    )
    assert made["skills"] == ["canvassing", "driving"] and made["languages"] == ["es", "en"]
    assert made["teams"] == [{"id": team.get_json()["id"], "name": "West Philly"}]
    assert made["availability"]["dates"] == [{"date": "2027-03-10"}]
    assert made["feed_url"].startswith("https://doorstep.test/api/v1/public/volunteers/")
    assert made["status"] == "active" and made["preferred_channel"] == "email"

    changed = client.patch(
        f"/api/v1/volunteers/{person.id}",
        headers=headers,
        json={"status": "inactive", "team_ids": [], "notes": "Has a van"},
    )
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert (body["status"], body["teams"], body["notes"]) == ("inactive", [], "Has a van")
    teams = client.get("/api/v1/volunteers/teams", headers=headers).get_json()
    assert [(t["name"], t["members"]) for t in teams] == [("West Philly", 0)]

    again = make_volunteer(client, headers, person, expect=409)
    assert again["error"]["code"] == "volunteer_exists"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"skills": ["juggling"]}, "skills.0"),
        ({"languages": ["spanish"]}, "languages.0"),
        (
            {"availability": {"weekly": [{"day": 7, "start": "10:00", "end": "11:00"}]}},
            "availability.weekly.0.day",
        ),
        (
            {"availability": {"weekly": [{"day": 1, "start": "12:00", "end": "11:00"}]}},
            "availability.weekly.0.end",
        ),
        ({"availability": {"dates": [{"date": "2027-02-30"}]}}, "availability.dates.0.date"),
        ({"preferred_channel": "pigeon"}, "preferred_channel"),
        ({"status": "retired"}, "status"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_profiles_are_refused_naming_the_field(client, org, headers, fields, field):
    person = create_person(org)
    body = make_volunteer(client, headers, person, expect=422, **fields)
    assert body["error"]["code"] == "validation_error"
    assert field in body["error"]["fields"], body["error"]["fields"]


def test_unknown_people_users_and_teams_are_refused(client, org, headers):
    other_campaign_user = create_user(role=Role.ORGANIZER)
    person = create_person(org)
    body = make_volunteer(
        client, headers, person, expect=422, organizer_user_id=other_campaign_user.id
    )
    assert (
        body["error"]["code"] == "user_not_found" and "organizer_user_id" in body["error"]["fields"]
    )
    body = make_volunteer(client, headers, person, expect=422, team_ids=[2**40])
    assert body["error"]["code"] == "team_not_found"
    response = client.post("/api/v1/volunteers", json={"person_id": 2**40}, headers=headers)
    assert (
        response.status_code == 422 and response.get_json()["error"]["code"] == "person_not_found"
    )
    missing = client.get(f"/api/v1/volunteers/{person.id}", headers=headers)
    assert (
        missing.status_code == 404 and missing.get_json()["error"]["code"] == "volunteer_not_found"
    )


def test_a_profile_is_linked_by_hand_to_the_voter(client, org, headers):
    signed_up = create_person(org, first_name="Rosa", last_name="Diaz")
    voter = create_person(org, first_name="Rosa", last_name="Diaz-Lopez")
    make_volunteer(client, headers, signed_up, skills=["canvassing"])
    response = client.post(
        f"/api/v1/volunteers/{signed_up.id}/link", json={"person_id": voter.id}, headers=headers
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["person_id"] == voter.id
    assert response.get_json()["skills"] == ["canvassing"]
    assert client.get(f"/api/v1/volunteers/{signed_up.id}", headers=headers).status_code == 404
    other = create_person(org)
    make_volunteer(client, headers, other)
    refused = client.post(
        f"/api/v1/volunteers/{voter.id}/link", json={"person_id": other.id}, headers=headers
    )
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "volunteer_exists"


def test_search_by_skill_language_team_organizer_and_availability(client, org, headers, organizer):
    team = client.post("/api/v1/volunteers/teams", json={"name": "Drivers"}, headers=headers)
    team_id = team.get_json()["id"]
    ana = create_person(org, first_name="Ana", last_name="A")
    ben = create_person(org, first_name="Ben", last_name="B")
    cy = create_person(org, first_name="Cy", last_name="C")
    make_volunteer(
        client,
        headers,
        ana,
        skills=["canvassing"],
        languages=["es"],
        availability={"weekly": [{"day": 5, "start": "09:00", "end": "12:00"}]},
    )
    make_volunteer(
        client,
        headers,
        ben,
        skills=["driving", "canvassing"],
        team_ids=[team_id],
        organizer_user_id=organizer.id,
        availability={"dates": [{"date": "2027-03-09", "start": "18:00", "end": "20:00"}]},
    )
    make_volunteer(client, headers, cy, skills=["phone_banking"], status="inactive")

    assert names(search(client, headers)) == ["Ana A", "Ben B"]
    assert names(search(client, headers, status="all")) == ["Ana A", "Ben B", "Cy C"]
    assert names(search(client, headers, skill="canvassing")) == ["Ana A", "Ben B"]
    assert names(search(client, headers, skill="driving")) == ["Ben B"]
    assert names(search(client, headers, language="ES")) == ["Ana A"]
    assert names(search(client, headers, team=team_id)) == ["Ben B"]
    assert names(search(client, headers, organizer=organizer.id)) == ["Ben B"]
    assert names(search(client, headers, available_on="2027-03-06")) == ["Ana A"]  # a Saturday
    assert names(search(client, headers, available_on="2027-03-09")) == ["Ben B"]  # that date
    assert names(search(client, headers, available_on="2027-03-08")) == []
    assert names(search(client, headers, q="ben b")) == ["Ben B"]  # "first last", any case
    assert names(search(client, headers, q="a, an", skill="canvassing")) == ["Ana A"]
    page = search(client, headers, per_page=1, sort="-name")
    assert (page["total"], page["pages"], names(page)) == (2, 2, ["Ben B"])
    bad = search(client, headers, expect=422, skill="juggling")
    assert "skill" in bad["error"]["fields"]
    bad = search(client, headers, expect=422, near_event=1)
    assert "within_km" in bad["error"]["fields"]


def test_search_by_distance_from_an_event(client, org, headers):
    event = make_event(org, lon=-75.19, lat=39.95)
    near = create_person(
        org,
        first_name="Near",
        last_name="N",
        household=create_household(org, house_number="1", lon=-75.20, lat=39.95),
    )
    far = create_person(
        org,
        first_name="Far",
        last_name="F",
        household=create_household(org, house_number="2", lon=-75.50, lat=40.10),
    )
    homeless = create_person(org, first_name="Nowhere", last_name="X")
    for person in (near, far, homeless):
        make_volunteer(client, headers, person)
    page = search(client, headers, near_event=event.id, within_km=5)
    assert names(page) == ["Near N"]
    assert 0.5 < page["items"][0]["distance_km"] < 1.5  # 0.01 degree of longitude here: ~850 m
    assert names(search(client, headers, near_event=event.id, within_km=50)) == ["Far F", "Near N"]
    placeless = make_event(org, lon=None)
    bad = search(client, headers, expect=422, near_event=placeless.id, within_km=5)
    assert bad["error"]["code"] == "event_not_placed" and "near_event" in bad["error"]["fields"]


def test_never_returned_and_top_canvassers(client, org, headers):
    past = make_event(org, start=datetime.now(UTC) - timedelta(days=10))
    older = make_event(org, start=datetime.now(UTC) - timedelta(days=20))
    ahead = make_event(org, start=datetime.now(UTC) + timedelta(days=5))
    once, twice, no_show, booked, never = (
        create_person(org, first_name=n, last_name=n)
        for n in ("Once", "Twice", "Noshow", "Booked", "Never")
    )
    for person in (once, twice, no_show, booked, never):
        make_volunteer(client, headers, person)
    add_signup(once, past.shifts[0], SignupStatus.COMPLETED)
    add_signup(twice, past.shifts[0], SignupStatus.COMPLETED)
    add_signup(twice, older.shifts[0], SignupStatus.COMPLETED)
    add_signup(no_show, past.shifts[0], SignupStatus.NO_SHOW)
    add_signup(booked, past.shifts[0], SignupStatus.COMPLETED)
    add_signup(booked, ahead.shifts[0])  # coming back already
    assert names(search(client, headers, activity="never_returned")) == [
        "Noshow Noshow",
        "Once Once",
    ]

    users = {name: create_user(org, Role.CANVASSER) for name in ("Once", "Twice")}
    for name, user in users.items():
        person = {"Once": once, "Twice": twice}[name]
        client.patch(f"/api/v1/volunteers/{person.id}", json={"user_id": user.id}, headers=headers)
    for _ in range(3):
        knock(org, users["Once"])
    knock(org, users["Twice"])
    knock(org, users["Twice"], days_ago=60)  # outside the window
    knock(org, users["Twice"], days_ago=70)
    knock(org, users["Twice"], days_ago=80)
    page = search(client, headers, activity="top_canvassers", days=30)
    assert [row["name"] for row in page["items"]] == ["Once Once", "Twice Twice"]
    assert [row["activity"]["doors_knocked_recent"] for row in page["items"]] == [3, 1]
    assert page["items"][1]["activity"]["doors_knocked"] == 4
    page = search(client, headers, activity="top_canvassers", days=365)
    assert [row["name"] for row in page["items"]] == ["Twice Twice", "Once Once"]


def test_a_volunteers_history_has_hours_doors_and_contacts(client, org, headers):
    person = create_person(org, first_name="Rosa", last_name="Diaz")
    make_volunteer(client, headers, person)
    checked_out = make_event(org, name="Out", start=START)
    left_in = make_event(org, name="In", start=START + timedelta(days=1), hours=3)
    completed = make_event(org, name="Done", start=START + timedelta(days=2), hours=1)
    missed = make_event(org, name="Missed", start=START + timedelta(days=3))
    s1 = add_signup(person, checked_out.shifts[0], SignupStatus.COMPLETED)
    check_in(s1, at=START + timedelta(minutes=10), out=START + timedelta(minutes=100))
    s2 = add_signup(person, left_in.shifts[0])
    check_in(s2, at=START + timedelta(days=1))
    add_signup(person, completed.shifts[0], SignupStatus.COMPLETED)
    add_signup(person, missed.shifts[0], SignupStatus.NO_SHOW)

    detail = client.get(f"/api/v1/volunteers/{person.id}", headers=headers).get_json()
    hours = {s["event_name"]: s["hours"] for s in detail["shifts"]}
    assert hours == {"Out": 1.5, "In": 3.0, "Done": 1.0, "Missed": 0.0}
    assert [s["event_name"] for s in detail["shifts"]] == ["Missed", "Done", "In", "Out"]
    out = next(s for s in detail["shifts"] if s["event_name"] == "Out")
    assert out["checked_out_at"] and out["attended"] is True
    totals = detail["totals"]
    assert (
        totals["shifts_signed_up"],
        totals["shifts_attended"],
        totals["no_shows"],
        totals["hours"],
    ) == (4, 3, 1, 5.5)
    assert totals["doors_knocked"] is None and "user_id" in detail["canvassing"]

    user = create_user(org, Role.CANVASSER)
    client.patch(f"/api/v1/volunteers/{person.id}", json={"user_id": user.id}, headers=headers)
    knock(org, user, contact=True)
    knock(org, user)
    detail = client.get(f"/api/v1/volunteers/{person.id}", headers=headers).get_json()
    assert (detail["totals"]["doors_knocked"], detail["totals"]["contacts_made"]) == (2, 1)
    assert detail["canvassing"] is None
    # A canvasser never checked out: first to last knock after the check-in, not the shift.
    knock(org, user, at=START + timedelta(days=1, minutes=30))
    knock(org, user, at=START + timedelta(days=1, minutes=120))
    detail = client.get(f"/api/v1/volunteers/{person.id}", headers=headers).get_json()
    hours = {s["event_name"]: s["hours"] for s in detail["shifts"]}
    assert hours == {"Out": 1.5, "In": 1.5, "Done": 1.0, "Missed": 0.0}


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_who_may_manage_volunteers(client, org, role):
    headers = auth_headers(create_user(org, role))
    allowed = role in (Role.ADMIN, Role.DIRECTOR, Role.ORGANIZER)
    response = client.get("/api/v1/volunteers", headers=headers)
    assert response.status_code == (200 if allowed else 403)
    assert client.get("/api/v1/volunteers").status_code == 401


def test_a_team_is_renamed_and_removed_its_volunteers_stay(client, org, headers):
    west = client.post("/api/v1/volunteers/teams", json={"name": "West"}, headers=headers)
    client.post("/api/v1/volunteers/teams", json={"name": "North"}, headers=headers)
    team_id = west.get_json()["id"]
    person = create_person(org, first_name="Rosa", last_name="Diaz")
    make_volunteer(client, headers, person, team_ids=[team_id])
    url = f"/api/v1/volunteers/teams/{team_id}"
    taken = client.patch(url, json={"name": " north "}, headers=headers)
    assert taken.status_code == 409 and taken.get_json()["error"]["code"] == "team_exists"
    renamed = client.patch(url, json={"name": "West  Philly"}, headers=headers).get_json()
    assert (renamed["name"], renamed["members"]) == ("West Philly", 1)
    assert client.delete(url, headers=headers).status_code == 204
    assert client.patch(url, json={"name": "X"}, headers=headers).status_code == 404
    profile = client.get(f"/api/v1/volunteers/{person.id}", headers=headers).get_json()
    assert profile["teams"] == []
    other = auth_headers(create_user(create_organization("Other"), Role.ORGANIZER))
    north = client.get("/api/v1/volunteers/teams", headers=headers).get_json()[0]["id"]
    assert client.delete(f"/api/v1/volunteers/teams/{north}", headers=other).status_code == 404
