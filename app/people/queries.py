"""Reads of people and their history, always within one organisation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.engine import Row

from app.core.contact import normalise_email, normalise_phone
from app.core.errors import NotFound, ValidationError
from app.core.pagination import Page, paginate
from app.extensions import db
from app.people.models import CHANNEL_KINDS, Interaction, Person, PersonEmail, PersonPhone
from app.people.visibility import is_listable
from app.voters.models import Election, Registration, Vote

PERSON_SORTS = {
    "last_name": Person.last_name,
    "first_name": Person.first_name,
    "birth_year": Person.birth_year,
    "created_at": Person.created_at,
}
INTERACTION_SORTS = {"occurred_at": Interaction.occurred_at, "recorded_at": Interaction.recorded_at}
RECENT_INTERACTIONS = 20


def get_person(organization_id: int, person_id: int, *, field: str | None = None) -> Person:
    """The person, merged-away or not; another campaign's person is not found.

    With ``field``, the id came in a request body: a missing person is a 422 naming that field
    rather than a 404 of the URL.
    """
    person = db.session.scalar(
        select(Person).where(Person.id == person_id, Person.organization_id == organization_id)
    )
    if person is None and field:
        raise ValidationError(
            "No such person.", code="person_not_found", fields={field: ["No such person."]}
        )
    if person is None:
        raise NotFound("No such person.", code="person_not_found")
    return person


def follow_merges(person: Person) -> Person:
    """The person a merged-away record now lives on (itself when it was never merged)."""
    while person.merged_into_id is not None:
        person = db.session.get(Person, person.merged_into_id)
    return person


def _prefix(column: Any, text: str) -> ColumnElement[bool]:
    # lower(col) LIKE 'text%': names from voter files are upper case, typed ones are not.
    return func.lower(column).startswith(text.strip().lower(), autoescape=True)


def name_matches(q: str) -> ColumnElement[bool]:
    """People whose name starts like ``q``: "last", "first last" or "last, first"."""
    if "," in q:
        last, _, first = q.partition(",")
        conditions = [_prefix(Person.last_name, last)]
        if first.strip():
            conditions.append(_prefix(Person.first_name, first))
        return and_(*conditions)
    words = q.split()
    # Every split of the words into first + last, so "Maria De La Cruz" finds her.
    options = [_prefix(Person.last_name, " ".join(words))]
    for cut in range(1, len(words)):
        options.append(
            and_(
                _prefix(Person.first_name, " ".join(words[:cut])),
                _prefix(Person.last_name, " ".join(words[cut:])),
            )
        )
    return or_(*options)


def list_people(organization_id: int, args: Mapping[str, Any]) -> Page:
    """Live (not merged-away) people of the campaign, searched and filtered."""
    stmt = select(Person).where(
        Person.organization_id == organization_id, Person.merged_into_id.is_(None)
    )
    if (args.get("q") or "").strip(" ,"):
        stmt = stmt.where(name_matches(args["q"]))
    if args.get("state_key"):
        stmt = stmt.where(
            exists().where(
                Registration.person_id == Person.id,
                Registration.organization_id == organization_id,
                Registration.state_key == args["state_key"].strip(),
            )
        )
    if args.get("email"):
        stmt = stmt.where(
            exists().where(
                PersonEmail.person_id == Person.id,
                PersonEmail.address == normalise_email(args["email"]),
            )
        )
    if args.get("phone"):
        stmt = stmt.where(
            exists().where(
                PersonPhone.person_id == Person.id,
                PersonPhone.number == normalise_phone(args["phone"], field="phone"),
            )
        )
    if args.get("household_id"):
        stmt = stmt.where(Person.household_id == args["household_id"])
    return paginate(
        stmt,
        args,
        sortable=PERSON_SORTS,
        default_order=[Person.last_name.asc(), Person.first_name.asc(), Person.id.asc()],
    )


@dataclass
class PersonProfile:
    person: Person
    household_members: list[Person]
    registrations: list[Registration]
    votes: list[Row]
    interactions: list[Interaction]
    interactions_total: int


def get_profile(organization_id: int, person_id: int) -> PersonProfile:
    """Everything a director reads about one person, in a handful of indexed queries."""
    person = get_person(organization_id, person_id)
    members: list[Person] = []
    if person.household_id is not None:
        members = list(
            db.session.scalars(
                select(Person)
                .where(
                    Person.organization_id == organization_id,
                    Person.household_id == person.household_id,
                    Person.id != person.id,
                    is_listable(),  # a protected housemate is not shown beside the others
                )
                .order_by(Person.last_name, Person.first_name, Person.id)
            )
        )
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.organization_id == organization_id, Registration.person_id == person.id)
        .order_by(
            Registration.on_file.desc(),
            Registration.registered_on.desc().nulls_last(),
            Registration.id,
        )
    ).all()
    votes = db.session.execute(
        select(
            Election.id.label("election_id"),
            Election.name,
            Election.held_on,
            Election.kind,
            Vote.method,
            Vote.ballot_party,
            Registration.state,
        )
        .join(Vote, Vote.election_id == Election.id)
        .join(Registration, Registration.id == Vote.registration_id)
        .where(Registration.organization_id == organization_id, Registration.person_id == person.id)
        .order_by(Election.held_on.desc(), Election.id.desc())
    ).all()
    timeline = _timeline(organization_id, person.id)
    interactions = db.session.scalars(
        timeline.order_by(Interaction.occurred_at.desc(), Interaction.id.desc()).limit(
            RECENT_INTERACTIONS
        )
    ).all()
    total = db.session.scalar(select(func.count()).select_from(timeline.subquery()))
    return PersonProfile(
        person=person,
        household_members=members,
        registrations=list(registrations),
        votes=list(votes),
        interactions=list(interactions),
        interactions_total=total or 0,
    )


def _timeline(organization_id: int, person_id: int):
    return select(Interaction).where(
        Interaction.organization_id == organization_id, Interaction.person_id == person_id
    )


def list_interactions(organization_id: int, person_id: int, args: Mapping[str, Any]) -> Page:
    """A person's history, newest first, optionally of one kind or of some channels (door,
    phone, text, email, mail, event, donation)."""
    person = get_person(organization_id, person_id)
    stmt = _timeline(organization_id, person.id)
    if args.get("kind"):
        stmt = stmt.where(Interaction.kind == args["kind"])
    if args.get("channel"):
        kinds = [kind for channel in args["channel"] for kind in CHANNEL_KINDS[channel]]
        stmt = stmt.where(Interaction.kind.in_(kinds))
    return paginate(
        stmt,
        args,
        sortable=INTERACTION_SORTS,
        default_order=[Interaction.occurred_at.desc(), Interaction.id.desc()],
    )
