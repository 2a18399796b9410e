"""Two gifts from one donor at the same instant (an ActBlue webhook and a check at the desk):
each counts against the other, never both against the old aggregate. Each side runs in its
own thread, session and connection on a committed database; a barrier starts them together."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from sqlalchemy import select

from app.core.actor import Actor
from app.donations.committee import add_election
from app.donations.models import CandidateElection, DonationFlag, FlagCode, Method
from app.donations.operations import record_donation
from app.donations.totals import standing_of
from app.extensions import db
from app.people.models import Person
from tests.browsers import serve
from tests.events.test_concurrency import at_once
from tests.factories import create_organization, create_person

pytestmark = pytest.mark.concurrency

ROUNDS = 4
CHECK = {"method": Method.CHECK, "received_on": date(2026, 3, 1), "employer": "Acme",
         "occupation": "Chef", "last_name": "Donor"}  # fmt: skip
_databases = itertools.count(1)


@pytest.fixture
def committed(make_database):
    yield from serve(make_database, f"doorstep_money_race_{next(_databases)}")


def _seed():
    org = create_organization("Race for money")
    actor = Actor.system(org.id, "test")
    election = add_election(actor, {"kind": "P", "held_on": date(2026, 5, 19)})
    people = [create_person(org, first_name=f"Ada{n}", last_name="Donor") for n in range(ROUNDS)]
    db.session.commit()
    return actor, election.id, [person.id for person in people]


def test_two_gifts_at_once_count_one_after_the_other(committed):
    app = committed.app
    with app.app_context():
        actor, election_id, person_ids = _seed()
    for person_id in person_ids:

        def give(amount, person_id=person_id):
            def job():
                fields = {**CHECK, "amount_cents": amount, "election_id": election_id}
                person = db.session.get(Person, person_id)
                return record_donation(actor, fields, person=person)[0].id

            return job

        results = at_once(app, give(200_000), give(200_000))
        assert all(isinstance(result, int) for result in results), results
        with app.app_context():
            election = db.session.get(CandidateElection, election_id)
            assert standing_of(person_id, election).election_cents == 400_000
            flags = db.session.scalars(
                select(DonationFlag).where(
                    DonationFlag.donation_id.in_(results), DonationFlag.code == FlagCode.EXCESSIVE
                )
            ).all()
            # Exactly one of the two crossed the limit, by exactly the excess.
            assert [flag.amount_cents for flag in flags] == [50_000]
