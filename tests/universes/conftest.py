"""Fixtures for universes: a campaign, a director, and ways to run a filter."""

from __future__ import annotations

import pytest

from app.auth.permissions import Role
from app.extensions import db
from app.people.models import Person
from app.universes.models import HouseholdMode
from app.universes.queries import Search
from app.universes.schemas import UniverseFilterSchema
from tests.factories import auth_headers, create_organization, create_user


@pytest.fixture
def org(db_session):
    return create_organization()


@pytest.fixture
def director(org):
    return create_user(org, Role.DIRECTOR)


@pytest.fixture
def matching(org):
    """Ids of the people a filter puts on the list (validated as the API would)."""

    def run(filter: dict, household_mode: HouseholdMode = HouseholdMode.PERSON) -> set[int]:
        search = Search(org.id, UniverseFilterSchema().load(filter), household_mode)
        return set(db.session.scalars(search.people().with_only_columns(Person.id)))

    return run


@pytest.fixture
def count(client, director):
    """POST /universes/count as the director; the JSON answer."""

    def run(filter: dict, household_mode: str = "person") -> dict:
        response = client.post(
            "/api/v1/universes/count",
            json={"filter": filter, "household_mode": household_mode},
            headers=auth_headers(director),
        )
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    return run
