"""Factories for the voter-file side of a person (registrations, elections, votes)."""

from __future__ import annotations

import itertools
from datetime import date

from app.accounts.models import Organization
from app.extensions import db
from app.people.models import Person
from app.voters.models import Election, Registration, Vote

_keys = itertools.count(1)


def create_registration(person: Person, **fields) -> Registration:
    fields.setdefault("state", "PA")
    fields.setdefault("state_key", f"PA{next(_keys):08d}")
    fields.setdefault("status", "A")
    registration = Registration(
        organization_id=person.organization_id,
        person_id=person.id,
        household_id=person.household_id,
        **fields,
    )
    db.session.add(registration)
    db.session.flush()
    return registration


def create_election(
    organization: Organization, name: str, held_on: date, kind: str = "general"
) -> Election:
    election = Election(organization_id=organization.id, name=name, held_on=held_on, kind=kind)
    db.session.add(election)
    db.session.flush()
    return election


def create_vote(
    registration: Registration, election: Election, method: str = "polls", **fields
) -> Vote:
    vote = Vote(
        organization_id=registration.organization_id,
        registration_id=registration.id,
        election_id=election.id,
        method=method,
        **fields,
    )
    db.session.add(vote)
    db.session.flush()
    return vote
