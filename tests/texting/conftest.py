"""A campaign with texters and a universe of people at every kind of phone, committed once
per module; a loopback Twilio stand-in; a clock the texting endpoints read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from app.accounts.models import Organization, User
from app.auth.permissions import Role
from app.core.actor import Actor
from app.extensions import db
from app.people.models import PersonPhone
from app.universes.operations import create_universe
from tests import smsprovider
from tests.factories import auth_headers, create_organization, create_person, create_user

NEW_YORK = ZoneInfo("America/New_York")
#: Noon in Philadelphia: daytime for every number of the world.
NOON = datetime(2027, 3, 2, 12, 0, tzinfo=NEW_YORK)
FROM = "+12675550100"

#: name -> (phones: (number, kind, sms_consent, do_not_contact), person fields)
PEOPLE = {
    "rosa": ([("+12155550101", "mobile", True, False)], {}),
    "sam": ([("+12155550102", "mobile", False, False)], {}),
    "lee": ([("+13125550103", "unknown", False, False)], {}),  # Chicago
    "kim": ([("+12155550104", "landline", False, False)], {}),  # landline only: never
    "max": ([("+12155550105", "mobile", True, True)], {}),  # opted out
    "ada": ([("+12155550106", "mobile", True, False)], {"is_deceased": True}),
    "joy": ([("+12155550107", "mobile", True, False)], {"confidential": True}),
    # Two people at one shared phone: texted once.
    "ann": ([("+12155550108", "mobile", True, False)], {}),
    "bob": ([("+12155550108", "mobile", True, False)], {}),
    # A landline first, then a mobile: the mobile is texted.
    "eve": (
        [("+12155550109", "landline", False, False), ("+12155550110", "mobile", True, False)],
        {},
    ),
}


@dataclass(frozen=True)
class World:
    organization_id: int
    director_id: int
    organizer_id: int
    texter_ids: tuple[int, int]
    person_ids: dict[str, int]
    universe_id: int


@pytest.fixture(scope="module")
def world(committed_world) -> World:
    def build() -> World:
        org = create_organization("Friends of Ada")
        director = create_user(org, Role.DIRECTOR, name="Dana Director")
        organizer = create_user(org, Role.ORGANIZER, name="Olu Organizer")
        texters = [create_user(org, Role.CANVASSER, name=f"{n} Texter") for n in ("Sam", "Tia")]
        people = {}
        for name, (phones, fields) in PEOPLE.items():
            person = create_person(org, first_name=name.title(), last_name="Voter", **fields)
            for n, (number, kind, sms, dnc) in enumerate(phones):
                db.session.add(PersonPhone(organization_id=org.id, person_id=person.id,
                                           number=number, kind=kind, sms_consent=sms,
                                           consent=sms, do_not_contact=dnc,
                                           is_primary=n == 0))  # fmt: skip
            people[name] = person.id
        db.session.flush()
        universe = create_universe(Actor.of(director), name="Everyone", filter={})
        return World(org.id, director.id, organizer.id, (texters[0].id, texters[1].id), people,
                     universe.id)  # fmt: skip

    return committed_world(build)


@pytest.fixture
def org(db_session, world):
    return db_session.get(Organization, world.organization_id)


def _user(db_session, user_id):
    return db_session.get(User, user_id)


@pytest.fixture
def director(db_session, world):
    return auth_headers(_user(db_session, world.director_id))


@pytest.fixture
def organizer(db_session, world):
    return auth_headers(_user(db_session, world.organizer_id))


@pytest.fixture
def texter(db_session, world):
    return auth_headers(_user(db_session, world.texter_ids[0]))


@pytest.fixture
def other_texter(db_session, world):
    return auth_headers(_user(db_session, world.texter_ids[1]))


class Clock:
    """What ``datetime.now`` is for the texting endpoints."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now.astimezone(UTC)


@pytest.fixture
def clock(monkeypatch):
    import app.texting.views

    clock = Clock(NOON)
    monkeypatch.setattr(app.texting.views, "_now", clock)
    return clock


@pytest.fixture
def provider(app, monkeypatch):
    provider, server = smsprovider.start()
    settings = {
        "DOORSTEP_SMS_PROVIDER": "twilio",
        "DOORSTEP_TWILIO_ACCOUNT_SID": provider.account_sid,
        "DOORSTEP_TWILIO_AUTH_TOKEN": provider.auth_token,
        "DOORSTEP_TWILIO_FROM": FROM,
        "DOORSTEP_TWILIO_BASE_URL": provider.base_url,
    }
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)
    yield provider
    server.shutdown()


def make_campaign(client, headers, world, *, status=201, **fields):
    body = {
        "name": "Spring persuasion",
        "universe_id": world.universe_id,
        "first_message": "Hi {{ first_name }}, it's {{ texter_name }} with Friends of Ada. "
        "Can we count on your vote on May 18?",
        "contact": "info@friendsofada.org",
        "canned_responses": [
            {"title": "Where do I vote?", "body": "{{ first_name }}, find your polling place "
             "at vote.example.org"},
        ],
        **fields,
    }  # fmt: skip
    response = client.post("/api/v1/texting/campaigns", json=body, headers=headers)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def started(client, headers, world, **fields):
    campaign = make_campaign(client, headers, world, **fields)
    response = client.post(f"/api/v1/texting/campaigns/{campaign['id']}/start", headers=headers)
    assert response.status_code == 200, response.get_json()
    return campaign
