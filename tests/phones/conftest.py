"""A campaign to phone-bank: people with numbers in Philadelphia (215) and Los Angeles (310),
households of two, a person with two numbers, two sharing one, and the people nobody may call
(do-not-call, a number opted out, none, deceased, confidential, a wrong number). Built once
per module; each test's lists and calls are rolled back."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from app.accounts.models import Organization, User
from app.auth.permissions import Role
from app.extensions import db
from app.people.models import PersonPhone
from tests.factories import (
    auth_headers,
    create_household,
    create_organization,
    create_person,
    create_user,
)

#: Everybody may be called whatever time the tests run (calling hours: test_claims.py).
ALL_DAY = "00:00-24:00"


@dataclass(frozen=True)
class PhoneWorld:
    organization_id: int
    director_id: int
    kim_id: int  # a canvasser: canvassers may call
    lee_id: int
    people: dict[str, int]  # first name -> person id
    phones: dict[str, int]  # number -> phone id (the first person's)


def build_phone_world() -> PhoneWorld:
    org = create_organization("Phone Bank Campaign")
    director = create_user(org, Role.DIRECTOR)
    kim = create_user(org, Role.CANVASSER, name="Kim Caller", email="kim@calls.test")
    lee = create_user(org, Role.CANVASSER, name="Lee Caller", email="lee@calls.test")
    one = create_household(org, house_number="1", street="ELM ST")
    two = create_household(org, house_number="2", street="ELM ST")
    three = create_household(org, house_number="3", street="ELM ST")
    people: dict[str, int] = {}
    phones: dict[str, int] = {}

    def person(name, household, *numbers, **fields):
        made = create_person(org, household=household, first_name=name, last_name="Caller",
                             birth_year=1980, party="D", **fields)  # fmt: skip
        for n, number in enumerate(numbers):
            flags = number if isinstance(number, tuple) else (number, {})
            phone = PersonPhone(organization_id=org.id, person_id=made.id, number=flags[0],
                                is_primary=n == 0, kind="mobile", **flags[1])  # fmt: skip
            db.session.add(phone)
            db.session.flush()
            phones.setdefault(flags[0], phone.id)
        people[name] = made.id

    person("Ana", one, "+12155550101")
    person("Ben", one, "+12155550102")
    person("Cal", two, "+12155550103", "+12155550104")
    person("Dee", three, "+13105550105")
    person("Eve", None, "+13105550106")
    person("Lu", two, "+12155550103")  # shares Cal's first number
    person("Fay", None, "+12155550107", do_not_call=True)
    person("Gus", None, ("+12155550108", {"do_not_contact": True}))
    person("Hal", None)
    person("Ivy", None, "+12155550109", is_deceased=True)
    person("Jo", None, "+12155550110", confidential=True)
    person("Kit", None, ("+12155550111", {"call_status": "wrong_number"}))
    return PhoneWorld(org.id, director.id, kim.id, lee.id, people, phones)


CALLABLE = {"Ana", "Ben", "Cal", "Dee", "Eve", "Lu"}


@pytest.fixture(scope="module")
def phone_world(committed_world) -> PhoneWorld:
    return committed_world(build_phone_world)


@pytest.fixture
def world(db_session, phone_world, app, monkeypatch) -> PhoneWorld:
    monkeypatch.setitem(app.config, "DOORSTEP_CALLING_HOURS", ALL_DAY)
    return phone_world


@pytest.fixture
def org(world) -> Organization:
    return db.session.get(Organization, world.organization_id)


@pytest.fixture
def headers(world):
    return auth_headers(db.session.get(User, world.director_id))


@pytest.fixture
def kim(world):
    return auth_headers(db.session.get(User, world.kim_id))


@pytest.fixture
def lee(world):
    return auth_headers(db.session.get(User, world.lee_id))


def make_list(client, headers, status=201, **fields) -> dict:
    response = client.post("/api/v1/call-lists", json={"name": "Tuesday calls", **fields},
                           headers=headers)  # fmt: skip
    assert response.status_code == status, response.get_json()
    return response.get_json()


def next_person(client, auth, call_list, status=200, **body) -> dict:
    response = client.post(f"/api/v1/call-lists/{call_list['id']}/next", json=body, headers=auth)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def call(call_list: dict, person_id: int, **fields) -> dict:
    """A call record as the caller's app makes it."""
    at = datetime.now(UTC).isoformat()
    return {"uuid": str(uuid.uuid4()), "type": "call", "call_list_id": call_list["id"],
            "person_id": person_id, "client_at": at, **fields}  # fmt: skip


def sync(client, auth, *records, status=200) -> dict:
    response = client.post("/api/v1/canvass/sync",
                           json={"device_id": "laptop-1", "records": list(records)},
                           headers=auth)  # fmt: skip
    assert response.status_code == status, response.get_json()
    return response.get_json()
