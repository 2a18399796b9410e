from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.core.actor import Actor
from app.donations.committee import add_election, update_committee_settings
from app.extensions import db
from app.people.models import PersonEmail, PersonPhone
from tests.factories import create_organization, create_person


@pytest.fixture
def org(db_session):
    return create_organization()


@pytest.fixture
def actor(org):
    return Actor.system(org.id, "test")


def set_up_committee(actor: Actor) -> dict:
    """The committee's name and "Paid for by" line; the 2026 primary and general."""
    update_committee_settings(
        actor,
        {"committee_name": "Friends of Sam", "paid_for_by": "Friends of Sam, J. Doe, Treasurer"},
    )
    return {
        "P": add_election(actor, {"kind": "P", "held_on": date(2026, 5, 19)}),
        "G": add_election(actor, {"kind": "G", "held_on": date(2026, 11, 3)}),
    }


@pytest.fixture
def elections(actor):
    return set_up_committee(actor)


def today() -> date:
    return datetime.now(UTC).date()


def donor(organization, first: str, last: str, *, email=None, phone=None, **fields):
    """A person with an email (consent or not) and a phone, when given."""
    person = create_person(organization, first_name=first, last_name=last, **fields)
    if email:
        db.session.add(
            PersonEmail(
                organization_id=organization.id, person_id=person.id, address=email, is_primary=True
            )
        )
    if phone:
        db.session.add(
            PersonPhone(
                organization_id=organization.id,
                person_id=person.id,
                number=phone,
                kind="mobile",
                is_primary=True,
            )
        )
    db.session.flush()
    db.session.refresh(person)
    return person
