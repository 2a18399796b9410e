"""Canvassing on the turf tests' town: a walk list of one turf, held by a canvasser."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from app.auth.permissions import Role
from tests.factories import auth_headers, create_user
from tests.turfs.conftest import cut, director, headers, org, town, town_world  # noqa: F401 - fixtures


@pytest.fixture
def canvasser(org):  # noqa: F811
    return create_user(org, Role.CANVASSER, name="Kim Canvass")


@pytest.fixture
def phone(canvasser):
    return auth_headers(canvasser)


@pytest.fixture
def walk_list(client, headers, cut, canvasser):  # noqa: F811
    response = client.post(
        "/api/v1/walk-lists",
        json={"turf_id": cut["turf_ids"][0], "assignee_ids": [canvasser.id]},
        headers=headers,
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def knock(walk_list: dict, stop: int = 0, **fields) -> dict:
    """A knock record at the list's ``stop``-th home, as the phone makes it."""
    record = {
        "uuid": str(uuid.uuid4()),
        "walk_list_id": walk_list["id"],
        "household_id": walk_list["stops"][stop]["household_id"],
        "client_at": datetime.now(UTC).isoformat(),
    }
    record.update(fields)
    return record


def person_at(walk_list: dict, stop: int = 0) -> int:
    return walk_list["stops"][stop]["people"][0]["person_id"]


def sync(client, auth, *records, status=200, device_id="phone-1"):
    response = client.post(
        "/api/v1/canvass/sync", json={"device_id": device_id, "records": list(records)},
        headers=auth,
    )  # fmt: skip
    assert response.status_code == status, response.get_json()
    return response.get_json()
