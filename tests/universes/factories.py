"""Factories for the rows universes search: elections, registrations, votes, contacts."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from app.extensions import db
from app.people.models import Interaction, InteractionKind, Person
from app.voters.models import Election, Registration, Vote

_counter = itertools.count(1)


def create_election(organization, *, held_on: date = date(2024, 11, 5), kind="general"):
    election = Election(
        organization_id=organization.id,
        name=f"Election {next(_counter)}",
        held_on=held_on,
        kind=kind,
    )
    db.session.add(election)
    db.session.flush()
    return election


def create_registration(person: Person, **fields) -> Registration:
    registration = Registration(
        organization_id=person.organization_id,
        person_id=person.id,
        household_id=person.household_id,
        state="PA",
        state_key=f"PA{next(_counter):08d}",
        **fields,
    )
    db.session.add(registration)
    db.session.flush()
    return registration


def create_vote(registration, election, *, method="polls", ballot_party=None) -> Vote:
    vote = Vote(
        organization_id=registration.organization_id,
        registration_id=registration.id,
        election_id=election.id,
        method=method,
        ballot_party=ballot_party,
    )
    db.session.add(vote)
    db.session.flush()
    return vote


def create_contact(
    person: Person, *, kind=InteractionKind.DOOR_KNOCK, days_ago=1, result=None
) -> Interaction:
    interaction = Interaction(
        organization_id=person.organization_id,
        person_id=person.id,
        kind=kind,
        occurred_at=datetime.now(UTC) - timedelta(days=days_ago),
        result=result,
    )
    db.session.add(interaction)
    db.session.flush()
    return interaction
