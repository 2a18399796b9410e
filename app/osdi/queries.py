"""The reads behind OSDI's collections: one statement per collection, each within the key's
campaign, never a confidential person (``is_listable``), filtered on a whitelist."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal_column, select
from sqlalchemy.orm import selectinload

from app.canvass.models import Question, Script
from app.core.errors import NotFound
from app.donations.models import Donation, EntryKind
from app.events.models import CheckIn, Event, Shift, Signup
from app.extensions import db
from app.osdi.filters import Field, column, compile_filter
from app.people.models import Interaction, InteractionKind, Person, PersonEmail, PersonPhone
from app.people.visibility import is_listable
from app.universes.models import Universe
from app.universes.queries import Search
from app.voters.models import Address, Household, Registration
from app.walklists.models import WalkList


@dataclass
class Rows:
    items: list[Any]
    total: int


def page_rows(stmt: Select, args: Mapping[str, Any], *order: Any) -> Rows:
    """One page of ``stmt`` (``order`` ends on a unique column, so pages are stable)."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    page, per_page = args["page"], args["per_page"]
    rows = db.session.execute(stmt.order_by(*order).limit(per_page).offset((page - 1) * per_page))
    items = rows.scalars().all() if len(stmt.column_descriptions) == 1 else rows.all()
    return Rows(list(items), total or 0)


def _where(stmt: Select, text: str | None, fields: Mapping[str, Field]) -> Select:
    clause = compile_filter(text, fields)
    return stmt if clause is None else stmt.where(clause)


# ---- people ----


def _zip_is(compare, value):
    zips = select(Household.id).join(Address, Address.id == Household.address_id)
    return Person.household_id.in_(zips.where(compare(Address.zip, value[:5])))


def _has_email(value: str) -> ColumnElement[bool]:
    emails = select(PersonEmail.person_id).where(PersonEmail.address == value.strip().lower())
    return Person.id.in_(emails)


def _has_phone(value: str) -> ColumnElement[bool]:
    number = "+" + "".join(c for c in value if c.isdigit())
    return Person.id.in_(select(PersonPhone.person_id).where(PersonPhone.number == number))


PEOPLE_FIELDS = {
    "given_name": column(Person.first_name),
    "family_name": column(Person.last_name),
    "additional_name": column(Person.middle_name),
    "created_date": column(Person.created_at, "datetime"),
    "modified_date": column(Person.updated_at, "datetime"),
    "email_address": Field(lambda compare, value: compare(_has_email(value), True), equality=True),
    "phone_number": Field(lambda compare, value: compare(_has_phone(value), True), equality=True),
    "postal_code": Field(_zip_is, equality=True),
}


def listable_people(organization_id: int) -> Select:
    return (
        select(Person)
        .where(Person.organization_id == organization_id, is_listable())
        .options(selectinload(Person.emails), selectinload(Person.phones))
    )


def people_rows(organization_id: int, args: Mapping[str, Any]) -> Rows:
    stmt = _where(listable_people(organization_id), args.get("filter"), PEOPLE_FIELDS)
    return page_rows(stmt, args, Person.id)


def get_person(organization_id: int, person_id: int) -> Person:
    """A listable person of the campaign, else 404 (a confidential one is not there)."""
    person = db.session.scalar(listable_people(organization_id).where(Person.id == person_id))
    if person is None:
        raise NotFound("No such person.", code="person_not_found")
    return person


def foreign_ids(people: list[Person]) -> dict[int, list[str]]:
    """The ids other systems know each person by: VAN's, the state voter file's."""
    found: dict[int, list[str]] = {p.id: [] for p in people}
    for person in people:
        van_id = (person.custom_fields or {}).get("van_id")
        if van_id:
            found[person.id].append(f"van:{van_id}")
    if found:
        rows = db.session.execute(
            select(Registration.person_id, Registration.state, Registration.state_key)
            .where(Registration.person_id.in_(list(found)))
            .order_by(Registration.id)
        )
        for person_id, state, key in rows:
            system = "ncsbe" if state == "NC" else f"{state.lower()}_voter_file"
            found[person_id].append(f"{system}:{key}")
    return found


# ---- tags ----


def _tag_names(organization_id: int) -> Select:
    tag = func.unnest(Person.tags).label("tag")
    inner = select(tag).where(Person.organization_id == organization_id, is_listable())
    sub = inner.subquery()
    return select(sub.c.tag).group_by(sub.c.tag)


def tag_rows(organization_id: int, args: Mapping[str, Any]) -> Rows:
    stmt = _tag_names(organization_id)
    return page_rows(stmt, args, literal_column("tag"))


def tag_exists(organization_id: int, name: str) -> bool:
    return bool(
        db.session.scalar(
            select(Person.id)
            .where(
                Person.organization_id == organization_id,
                is_listable(),
                Person.tags.contains([name]),
            )
            .limit(1)
        )
    )


def tagged_rows(organization_id: int, name: str, args: Mapping[str, Any]) -> Rows:
    stmt = listable_people(organization_id).where(Person.tags.contains([name]))
    return page_rows(_where(stmt, args.get("filter"), PEOPLE_FIELDS), args, Person.id)


# ---- lists ----


def shared_universes(organization_id: int) -> Select:
    return select(Universe).where(
        Universe.organization_id == organization_id, Universe.is_shared.is_(True)
    )


def get_universe(organization_id: int, universe_id: int) -> Universe:
    found = db.session.scalar(shared_universes(organization_id).where(Universe.id == universe_id))
    if found is None:
        raise NotFound("No such list.", code="list_not_found")
    return found


def item_rows(universe: Universe, args: Mapping[str, Any]) -> Rows:
    stmt = Search.of(universe).people().options(selectinload(Person.emails))
    return page_rows(stmt, args, Person.id)


# ---- canvassing ----


def questions(organization_id: int) -> Select:
    return select(Question).where(Question.organization_id == organization_id)


def scripts(organization_id: int) -> Select:
    return (
        select(Script)
        .where(Script.organization_id == organization_id)
        .options(selectinload(Script.questions))
    )


def walk_lists(organization_id: int) -> Select:
    return select(WalkList).where(WalkList.organization_id == organization_id)


CANVASS_FIELDS = {
    "action_date": column(Interaction.occurred_at, "datetime"),
    "modified_date": column(Interaction.recorded_at, "datetime"),
    "status_code": column(Interaction.result),
}


def canvasses(organization_id: int) -> Select:
    """Door knocks that count (not held or rolled back) of people who may be listed."""
    return (
        select(Interaction)
        .join(Person, Person.id == Interaction.person_id)
        .where(
            Interaction.organization_id == organization_id,
            Interaction.kind == InteractionKind.DOOR_KNOCK,
            Interaction.voided_at.is_(None),
            is_listable(),
        )
    )


def get_one(stmt: Select, model: Any, key: int, what: str) -> Any:
    found = db.session.scalar(stmt.where(model.id == key))
    if found is None:
        raise NotFound(f"No such {what}.", code=f"{what.replace(' ', '_')}_not_found")
    return found


# ---- events and money ----

EVENT_FIELDS = {
    "title": column(Event.name),
    "created_date": column(Event.created_at, "datetime"),
    "modified_date": column(Event.updated_at, "datetime"),
}


def events(organization_id: int) -> Select:
    return (
        select(Event)
        .where(Event.organization_id == organization_id)
        .options(selectinload(Event.shifts))
    )


def signups(organization_id: int) -> Select:
    """Sign-ups (attendances) of people who may be listed, with whether they checked in."""
    checked = select(CheckIn.id).where(CheckIn.signup_id == Signup.id).exists()
    return (
        select(Signup, Shift.event_id, checked)
        .join(Shift, Shift.id == Signup.shift_id)
        .join(Person, Person.id == Signup.person_id)
        .where(Signup.organization_id == organization_id, is_listable())
    )


DONATION_FIELDS = {
    "action_date": column(Donation.received_on, "date"),
    "created_date": column(Donation.created_at, "datetime"),
    "modified_date": column(Donation.updated_at, "datetime"),
}


def donations(organization_id: int) -> Select:
    """Contributions, never one of a confidential donor (an anonymous one has no person)."""
    hidden = select(Person.id).where(Person.organization_id == organization_id, ~is_listable())
    return select(Donation).where(
        Donation.organization_id == organization_id,
        Donation.kind == EntryKind.CONTRIBUTION,
        Donation.person_id.is_(None) | Donation.person_id.not_in(hidden),
    )


def page_names(organization_id: int) -> Select:
    """Fundraising pages: the pages gifts came through, with their counts and sums."""
    return (
        select(Donation.page, func.count(), func.coalesce(func.sum(Donation.amount_cents), 0))
        .where(
            Donation.organization_id == organization_id,
            Donation.page.is_not(None),
            Donation.kind == EntryKind.CONTRIBUTION,
            Donation.voided_at.is_(None),
        )
        .group_by(Donation.page)
    )
