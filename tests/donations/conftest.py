from __future__ import annotations

from datetime import date

import pytest

from app.core.actor import Actor
from app.donations.committee import add_election
from app.donations.models import Method
from app.donations.operations import record_donation
from tests.factories import create_organization


@pytest.fixture
def org(db_session):
    return create_organization()


@pytest.fixture
def actor(org):
    return Actor.system(org.id, "test")


@pytest.fixture
def elections(actor):
    """The 2026 primary and general, each with the federal $3,500 limit."""
    return {
        "P": add_election(actor, {"kind": "P", "held_on": date(2026, 5, 19)}),
        "G": add_election(actor, {"kind": "G", "held_on": date(2026, 11, 3)}),
    }


def gift(actor, election, amount_cents, *, person=None, **fields):
    """Record a check from Ada Donor (or ``person``) with full FEC details unless overridden."""
    values = {
        "amount_cents": amount_cents,
        "election_id": election.id,
        "received_on": date(2026, 3, 1),
        "method": Method.CHECK,
        "first_name": "Ada",
        "last_name": "Donor",
        "street_1": "12 Elm St",
        "city": "Philadelphia",
        "state": "PA",
        "zip": "19104",
        "employer": "Acme",
        "occupation": "Engineer",
        "email": "ada@example.org",
        **fields,
    }
    donation, _ = record_donation(actor, values, person=person)
    return donation
