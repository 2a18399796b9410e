"""Searching people: name prefixes in three shapes, filters, scoping, merged-away records."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.people.models import PersonEmail, PersonPhone
from tests.factories import create_household, create_organization, create_person
from tests.people.factories import create_registration


@pytest.fixture
def people(org):
    return {
        "maria": create_person(org, first_name="MARIA", last_name="DE LA CRUZ"),
        "mark": create_person(org, first_name="Mark", last_name="Delaney"),
        "ann": create_person(org, first_name="Ann", last_name="Smith"),
        "anna": create_person(org, first_name="Anna", last_name="Smithers"),
        "bob": create_person(org, first_name="Bob", last_name="Jones"),
    }


def _names(client, headers, query: str) -> list[str]:
    response = client.get(f"/api/v1/people?{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return [p["first_name"] for p in response.get_json()["items"]]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("smith", ["Ann", "Anna"]),
        ("SMITHE", ["Anna"]),
        ("ann smith", ["Ann", "Anna"]),
        ("anna smith", ["Anna"]),
        ("smith, ann", ["Ann", "Anna"]),
        ("smith,anna", ["Anna"]),
        ("smithers,", ["Anna"]),
        ("de la", ["MARIA"]),
        ("maria de la cruz", ["MARIA"]),
        ("del", ["Mark"]),
        ("de_", []),  # LIKE wildcards are text here
        ("jo%", []),
        ("nobody", []),
    ],
)
def test_name_prefix_shapes(client, headers, people, q, expected):
    assert _names(client, headers, f"q={q}&sort=first_name") == expected


def test_filters_by_key_email_phone_and_household(client, headers, org, people):
    create_registration(people["bob"], state_key="000123456")
    db.session.add(
        PersonEmail(organization_id=org.id, person=people["ann"], address="ann@example.org")
    )
    db.session.add(
        PersonPhone(organization_id=org.id, person=people["mark"], number="+12155550123")
    )
    home = create_household(org, house_number="7")
    pat = create_person(org, first_name="Pat", household=home)
    assert _names(client, headers, "state_key=000123456") == ["Bob"]
    assert _names(client, headers, "email=%20Ann@Example.ORG") == ["Ann"]
    assert _names(client, headers, "phone=(215)%20555-0123") == ["Mark"]
    assert _names(client, headers, f"household_id={pat.household_id}") == ["Pat"]
    assert _names(client, headers, "q=smith&email=ann@example.org") == ["Ann"]


@pytest.mark.parametrize(
    ("query", "field"),
    [("phone=12345", "phone"), ("househld_id=1", "househld_id"), ("q=" + "x" * 101, "q")],
)
def test_bad_parameters_are_named(client, headers, query, field):
    response = client.get(f"/api/v1/people?{query}", headers=headers)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_list_is_paginated_sorted_and_shows_the_door(client, headers, org, people):
    home = create_household(org, house_number="12", unit="2B")
    create_person(org, first_name="Zed", last_name="Smith", household=home)
    page = client.get(
        "/api/v1/people?q=smith&sort=-first_name&per_page=2", headers=headers
    ).get_json()
    assert [p["first_name"] for p in page["items"]] == ["Zed", "Anna"]
    assert (page["total"], page["pages"]) == (3, 2)
    zed = page["items"][0]
    assert zed["household"]["line"] == "12 MAIN ST"
    assert zed["household"]["unit"] == "2B"
    assert zed["household"]["point"] == {"lon": -75.19, "lat": 39.95}
    bad = client.get("/api/v1/people?sort=password", headers=headers)
    assert bad.status_code == 422


def test_other_campaigns_and_merged_away_people_are_left_out(client, headers, org, people):
    create_person(create_organization(), first_name="Elsewhere", last_name="Smith")
    twin = create_person(org, first_name="Annie", last_name="Smith")
    twin.merged_into_id = people["ann"].id
    assert _names(client, headers, "q=smith&sort=first_name") == ["Ann", "Anna"]
