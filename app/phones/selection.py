"""Who goes on a call list: the universe's targets who may be called, each with the number
to call (their primary one first) and, when the campaign wants, one per household.

Who may be called is ``app.people.visibility``'s (listable; alive; not do-not-contact nor
do-not-call; a number not opted out and not found wrong or disconnected). A universe's
door-only suppression ("moved") does not apply: a phone follows its owner.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, true
from sqlalchemy.dialects.postgresql import distinct_on

from app.core.errors import ValidationError
from app.extensions import db
from app.people.models import Person, PersonPhone
from app.people.visibility import Channel, may_contact
from app.phones.hours import person_zones
from app.universes.queries import Search

#: A call list holds at most this many people (VAN's virtual phone banks are of this order).
MAX_LIST_PEOPLE = 20_000


@dataclass(frozen=True)
class Candidate:
    person_id: int
    household_id: int | None
    phone_id: int
    number: str

    def zones(self, campaign_zone: str) -> list[str]:
        return person_zones(self.number, self.household_id is not None, campaign_zone)


def usable_phones():
    """The numbers that may be called, as a condition on PersonPhone."""
    return (PersonPhone.do_not_contact.is_(False), PersonPhone.call_status.is_(None))


def best_phone(person_id, *, skip: int | None = None) -> tuple[int, str] | None:
    """The number to call a person on: primary first, then the oldest (``skip``: not that
    one). None: no number left."""
    stmt = (
        select(PersonPhone.id, PersonPhone.number)
        .where(PersonPhone.person_id == person_id, *usable_phones())
        .order_by(PersonPhone.is_primary.desc(), PersonPhone.id)
        .limit(1)
    )
    if skip is not None:
        stmt = stmt.where(PersonPhone.id != skip)
    row = db.session.execute(stmt).first()
    return (row.id, row.number) if row else None


def _candidates(organization_id: int, match):
    """People matching ``match`` who may be called, each with the number to call them on."""
    phone = (
        select(PersonPhone.id, PersonPhone.number)
        .where(PersonPhone.person_id == Person.id, *usable_phones())
        .order_by(PersonPhone.is_primary.desc(), PersonPhone.id)
        .limit(1)
        .lateral("phone")
    )
    return (
        select(Person.id, Person.household_id, phone.c.id, phone.c.number)
        .select_from(Person)
        .join(phone, true())
        .where(Person.organization_id == organization_id, match, may_contact(Channel.PHONE))
    )


def callable_person(organization_id: int, person_id: int) -> Candidate | None:
    """The person with the number to call them on, or None when they may not be called."""
    row = db.session.execute(_candidates(organization_id, Person.id == person_id)).first()
    return Candidate(*row) if row else None


def callable_people(search: Search, *, per_household: bool) -> list[Candidate]:
    """The search's targets who may be called, in household order (housemates together)."""
    door = func.coalesce(Person.household_id, -Person.id)
    stmt = _candidates(search.organization_id, search.match)
    if per_household:
        stmt = stmt.ext(distinct_on(door)).order_by(door, Person.id)
    else:
        stmt = stmt.order_by(door, Person.id)
    rows = db.session.execute(stmt.limit(MAX_LIST_PEOPLE + 1)).all()
    if len(rows) > MAX_LIST_PEOPLE:
        raise ValidationError(f"More than {MAX_LIST_PEOPLE:,} people to call: narrow the "
                              "universe.", code="list_too_large",
                              fields={"universe_id": "too many people"})  # fmt: skip
    # Households in order, housemates together; people with no home last.
    rows.sort(key=lambda row: (row[1] is None, row[1] or 0, row[0]))
    return [Candidate(*row) for row in rows]
