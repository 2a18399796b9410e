"""A campaign to mail: households of two (one last name) and of three (two names), a person
with a P.O. box, one who moved but gave a mailing address, and everybody who must get no post
(deceased, confidential, do-not-contact, do-not-mail, moved away with no mailing address, no
address at all, merged away). Built once per module; each test's drops are rolled back."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest

from app.accounts.models import Organization, User
from app.auth.permissions import Role
from app.extensions import db
from app.mail.models import MailingAddress
from app.people.consent import record_consent
from app.people.models import ConsentChannel, Person
from tests.factories import (
    auth_headers,
    create_household,
    create_organization,
    create_person,
    create_user,
)


@dataclass(frozen=True)
class MailWorld:
    organization_id: int
    slug: str
    admin_id: int
    director_id: int
    organizer_id: int
    canvasser_id: int
    finance_id: int
    people: dict[str, int]  # first name -> id


_names = itertools.count(1)
#: Who may get post at an address we have.
MAILABLE = {"MARIA", "JOSÉ", "ANA", "LUIS", "SAM", "KIM", "MIA"}


def build_mail_world() -> MailWorld:
    org = create_organization("Mail Campaign")
    users = {role: create_user(org, role) for role in Role}
    one = create_household(org, house_number="12", street="S 59TH ST")
    two = create_household(org, house_number="14", street="S 59TH ST", unit="2F")
    three = create_household(org, house_number="16", street="S 59TH ST")
    four = create_household(org, house_number="18", street="S 59TH ST")
    people: dict[str, int] = {}

    def person(first, last, household, **fields):
        made = create_person(
            org,
            household=household,
            first_name=first,
            last_name=last,
            party="D",
            birth_year=1970,
            **fields,
        )
        people[first] = made.id
        return made

    person("MARIA", "ORTIZ", one)
    person("JOSÉ", "ORTIZ", one)
    person("ANA", "ORTIZ", two)
    person("LUIS", "ORTIZ", two)
    person("SAM", "LEE", two)
    kim = person("KIM", "PARK", three)
    db.session.add(
        MailingAddress(
            organization_id=org.id,
            person_id=kim.id,
            line1="PO BOX 5",
            city="PHILADELPHIA",
            state="PA",
            zip="19143",
        )
    )
    mia = person("MIA", "MOVED", four, has_moved=True)
    db.session.add(
        MailingAddress(
            organization_id=org.id,
            person_id=mia.id,
            line1="9 Oak Lane",
            line2="Apt 3",
            city="Camden",
            state="NJ",
            zip="08102",
        )
    )
    person("MIKE", "MOVED", four, has_moved=True)
    person("DEE", "DEAD", four, is_deceased=True)
    person("CARL", "CONF", four, confidential=True)
    person("DAN", "DNC", four, do_not_contact=True)
    mo = person("MO", "MAIL", four)
    record_consent(mo, ConsentChannel.MAIL, granted=False, source="test")
    person("NORA", "NOHOME", None)
    kept = db.session.get(Person, people["MARIA"])
    person("MARIE", "ORTIZ", one, merged_into_id=kept.id)
    db.session.flush()
    return MailWorld(
        org.id,
        org.slug,
        admin_id=users[Role.ADMIN].id,
        director_id=users[Role.DIRECTOR].id,
        organizer_id=users[Role.ORGANIZER].id,
        canvasser_id=users[Role.CANVASSER].id,
        finance_id=users[Role.FINANCE].id,
        people=people,
    )


@pytest.fixture(scope="module")
def mail_world(committed_world) -> MailWorld:
    return committed_world(build_mail_world)


@pytest.fixture
def world(db_session, mail_world) -> MailWorld:
    return mail_world


@pytest.fixture
def org(world) -> Organization:
    return db.session.get(Organization, world.organization_id)


def headers_of(user_id: int) -> dict[str, str]:
    return auth_headers(db.session.get(User, user_id))


@pytest.fixture
def headers(world):
    return headers_of(world.director_id)


def make_universe(client, headers, **filter) -> int:
    """Everybody, suppressed people kept: mail's own rules must leave them out."""
    body = {
        "name": f"Mail universe {next(_names)}",
        "filter": {"include_suppressed": True, **filter},
    }
    response = client.post("/api/v1/universes", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def make_drop(client, headers, status=201, **fields) -> dict:
    if "universe_id" not in fields:
        fields["universe_id"] = make_universe(client, headers)
    response = client.post(
        "/api/v1/mail-drops", json={"name": "GOTV postcard 3", **fields}, headers=headers
    )
    assert response.status_code == status, response.get_json()
    return response.get_json()


def mail_file(client, headers, drop) -> list[dict[str, str]]:
    import csv
    import io

    response = client.get(f"/api/v1/mail-drops/{drop['id']}/file.csv", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def gift_with_reference(world: MailWorld, reference_code: str, cents: int) -> None:
    """A card gift (ActBlue's kind) that came back carrying ``reference_code``."""
    from datetime import date

    from app.core.actor import Actor
    from app.donations.committee import add_election
    from app.donations.models import Method
    from app.donations.operations import record_donation

    actor = Actor.system(world.organization_id, "test")
    election = add_election(actor, {"kind": "G", "held_on": date(2026, 11, 3)})
    gift = {
        "amount_cents": cents,
        "election_id": election.id,
        "received_on": date(2026, 10, 2),
        "method": Method.CARD,
        "first_name": "Gil",
        "last_name": "Giver",
        "zip": "19104",
        "reference_code": reference_code,
    }
    record_donation(actor, gift)
