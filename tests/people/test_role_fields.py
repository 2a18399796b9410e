"""Roles see the least they need of a person (HIDDEN_PERSON_FIELDS) and page only as far into
one search as their browse limit (BROWSE_LIMITS); docs/api.md has the table."""

from __future__ import annotations

from datetime import date

import pytest

from app.auth.permissions import BROWSE_LIMITS, HIDDEN_PERSON_FIELDS, Role
from app.core.actor import Actor
from app.universes.operations import create_universe
from tests.factories import auth_headers, create_household, create_person, create_user
from tests.people.factories import create_election, create_registration, create_vote

VOTER_FILE = {"birth_date", "birth_year", "gender", "party", "registration_status"}


@pytest.fixture
def voter(org):
    home = create_household(org)
    person = create_person(org, household=home, first_name="Ann", last_name="Able", gender="F",
                           birth_date=date(1980, 5, 1), birth_year=1980, party="D",
                           registration_status="active")  # fmt: skip
    general = create_election(org, "General 2024", date(2024, 11, 5))
    create_vote(create_registration(person), general)
    return person


def _headers(org, role):
    return auth_headers(create_user(org, role))


@pytest.mark.parametrize("role", [Role.ADMIN, Role.DIRECTOR, Role.ORGANIZER, Role.FINANCE])
def test_each_role_reads_the_fields_of_its_row_in_the_table(client, org, voter, role):
    auth = _headers(org, role)
    hidden = HIDDEN_PERSON_FIELDS[role]
    profile = client.get(f"/api/v1/people/{voter.id}", headers=auth).get_json()
    listed = client.get("/api/v1/people", headers=auth).get_json()["items"][0]
    for field in VOTER_FILE | {"registrations", "votes"}:
        assert (field in profile) is (field not in hidden), field
    for field in VOTER_FILE - {"birth_date"}:
        assert (field in listed) is (field not in hidden), field
    assert {"first_name", "last_name", "emails", "phones", "household"} <= set(profile)


def test_finance_and_organizers_see_no_birth_date_or_ballots(client, org, voter):
    finance = client.get(f"/api/v1/people/{voter.id}", headers=_headers(org, Role.FINANCE))
    assert finance.status_code == 200
    body = finance.get_json()
    assert not {"birth_date", "birth_year", "votes", "registrations", "party"} & set(body)
    organizer = client.get(f"/api/v1/people/{voter.id}", headers=_headers(org, Role.ORGANIZER))
    assert not {"birth_date", "votes", "registrations"} & set(organizer.get_json())
    director = client.get(f"/api/v1/people/{voter.id}", headers=_headers(org, Role.DIRECTOR))
    assert director.get_json()["birth_date"] == "1980-05-01"
    assert len(director.get_json()["votes"]) == 1


def test_finance_looks_people_up_but_cannot_page_through_the_file(client, org):
    for n in range(3):
        create_person(org, last_name=f"Baker{n}")
    auth = _headers(org, Role.FINANCE)
    assert client.get("/api/v1/people?q=baker", headers=auth).status_code == 200
    refused = client.get("/api/v1/people?per_page=200", headers=auth)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "browse_limit"
    assert client.get("/api/v1/people?page=2", headers=auth).status_code == 403


def test_an_organizer_without_the_export_pages_only_the_head_of_a_universe(client, org):
    director = create_user(org, Role.DIRECTOR)
    universe = create_universe(Actor.of(director), name="All", filter={})
    limit = BROWSE_LIMITS[Role.ORGANIZER]
    auth = _headers(org, Role.ORGANIZER)
    url = f"/api/v1/universes/{universe.id}/people"
    assert client.get(f"{url}?per_page=200", headers=auth).status_code == 200
    refused = client.get(f"{url}?per_page=200&page={limit // 200 + 1}", headers=auth)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "browse_limit"
    # The director, who may export it anyway, pages on.
    ok = client.get(f"{url}?per_page=200&page=9", headers=auth_headers(director))
    assert ok.status_code == 200
