"""The profile: contacts, registrations, home and housemates, vote history, recent history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from app.extensions import db
from app.people.models import InteractionKind, PersonEmail, PersonPhone
from app.people.operations import record_interaction
from tests.factories import create_household, create_person
from tests.people.factories import create_election, create_registration, create_vote


def test_profile_shows_the_whole_person(client, headers, org):
    home = create_household(org, house_number="4601", street="MARKET ST", unit="3F")
    rosa = create_person(org, first_name="Rosa", last_name="Parks", household=home, party="D")
    sister = create_person(org, first_name="Ada", last_name="Parks", household=home)
    gone = create_person(org, first_name="Old", last_name="Record", household=home)
    gone.merged_into_id = sister.id
    create_person(org, first_name="Next", last_name="Door", household=create_household(org))
    db.session.add_all(
        [
            PersonEmail(
                organization_id=org.id, person=rosa, address="rosa@example.org", consent=True
            ),
            PersonPhone(
                organization_id=org.id,
                person=rosa,
                number="+12155550123",
                kind="mobile",
                sms_consent=True,
                do_not_contact=True,
            ),
        ]
    )
    registration = create_registration(
        rosa,
        state_key="012345678",
        party="D",
        registered_on=date(2004, 9, 1),
        precinct_code="27-10",
        districts={"council": "3"},
        confidential=False,
    )
    general = create_election(org, "2024 General", date(2024, 11, 5))
    primary = create_election(org, "2024 Primary", date(2024, 4, 23), kind="primary")
    older = create_election(org, "2020 General", date(2020, 11, 3))
    create_vote(registration, primary, "polls", ballot_party="D")
    create_vote(registration, older, "mail")
    create_vote(registration, general, "early")
    record_interaction(rosa, InteractionKind.NOTE, summary="Wants a yard sign")

    response = client.get(f"/api/v1/people/{rosa.id}", headers=headers)
    assert response.status_code == 200, response.get_json()
    profile = response.get_json()
    assert profile["full_name"] == "Rosa Parks" and profile["merged_into_id"] is None
    assert profile["emails"][0]["consent"] is True
    assert profile["phones"][0]["do_not_contact"] is True
    assert profile["phones"][0]["sms_consent"] is True
    [reg] = profile["registrations"]
    assert reg["state_key"] == "012345678" and reg["precinct_code"] == "27-10"
    assert reg["districts"] == {"council": "3"} and reg["on_file"] is True
    household = profile["household"]
    assert (household["line"], household["unit"], household["zip"]) == (
        "4601 MARKET ST",
        "3F",
        "19104",
    )
    assert household["point"] == {"lon": -75.19, "lat": 39.95}
    assert household["geocode_source"] == "file"
    assert profile["household_members"] == [{"id": sister.id, "full_name": "Ada Parks"}]
    assert [(v["election"], v["method"]) for v in profile["votes"]] == [
        ("2024 General", "early"),
        ("2024 Primary", "polls"),
        ("2020 General", "mail"),
    ]
    assert profile["votes"][1]["ballot_party"] == "D" and profile["votes"][1]["kind"] == "primary"
    assert [i["summary"] for i in profile["interactions"]] == ["Wants a yard sign"]
    assert profile["interactions_total"] == 1
    assert profile["interactions_url"] == f"/api/v1/people/{rosa.id}/interactions"


def test_profile_of_a_person_without_home_or_file(client, headers, org):
    person = create_person(org, source="manual")
    profile = client.get(f"/api/v1/people/{person.id}", headers=headers).get_json()
    assert profile["household"] is None and profile["household_members"] == []
    assert profile["registrations"] == [] and profile["votes"] == []


def test_profile_lists_only_the_latest_interactions(client, headers, org):
    person = create_person(org)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(25):
        record_interaction(
            person, InteractionKind.NOTE, summary=f"note {n}", occurred_at=start + timedelta(n)
        )
    profile = client.get(f"/api/v1/people/{person.id}", headers=headers).get_json()
    assert len(profile["interactions"]) == 20
    assert profile["interactions"][0]["summary"] == "note 24"
    assert profile["interactions_total"] == 25


def test_a_merged_away_person_points_at_the_survivor(client, headers, org):
    kept = create_person(org)
    other = create_person(org)
    response = client.post(
        f"/api/v1/people/{kept.id}/merge", json={"other_id": other.id}, headers=headers
    )
    assert response.status_code == 200, response.get_json()
    profile = client.get(f"/api/v1/people/{other.id}", headers=headers)
    assert profile.status_code == 200
    assert profile.get_json()["merged_into_id"] == kept.id
