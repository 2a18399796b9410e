"""Reads: saved universes, and running a filter (counts, a page of people, export rows).

Every run starts from ``listable_people``, the only place that decides who may appear in a
universe at all; nothing else here repeats its conditions.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Row,
    Select,
    distinct,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.orm import contains_eager

from app.core.errors import NotFound
from app.core.pagination import Page, paginate
from app.extensions import db
from app.people.models import Person
from app.people.visibility import is_listable
from app.universes.filters import FilterContext, match_clause, suppression_clauses
from app.universes.models import HouseholdMode, Universe
from app.universes.targeting import count_targeted
from app.voters.models import Address, Household

UNIVERSE_SORTS = {
    "name": Universe.name,
    "created_at": Universe.created_at,
    "updated_at": Universe.updated_at,
}
PEOPLE_SORTS = {
    "last_name": Person.last_name,
    "first_name": Person.first_name,
    "party": Person.party,
    "birth_year": Person.birth_year,
    "street": Address.street,
    "zip": Address.zip,
}
# Walking order: street, house number (numerically), unit, then name; id breaks ties.
WALK_ORDER = [
    Address.street.asc(),
    func.substring(Address.house_number, "^[0-9]{1,9}").cast(Integer).asc(),
    Address.house_number.asc(),
    Household.unit.asc(),
    Person.last_name.asc(),
    Person.first_name.asc(),
    Person.id.asc(),
]
EXPORT_COLUMNS = (
    Person.id,
    Person.first_name,
    Person.middle_name,
    Person.last_name,
    Person.suffix,
    Address.house_number,
    Address.house_number_suffix,
    Address.street,
    Household.unit,
    Address.city,
    Address.state,
    Address.zip,
    Person.party,
    Person.registration_status,
    Person.gender,
    Person.birth_year,
    Person.household_id,
)


def listable_people(organization_id: int) -> Select:
    """The people a universe may ever show: the campaign's own, never confidential ones (a
    protected voter must not reach a list or an export), never merged-away duplicates."""
    return select(Person).where(Person.organization_id == organization_id, is_listable())


@dataclass
class Search:
    """One run of a filter within a campaign: who may be shown, and who is a target."""

    organization_id: int
    filter: Mapping[str, Any]
    household_mode: HouseholdMode = HouseholdMode.PERSON
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    @classmethod
    def of(cls, universe: Universe) -> Search:
        return cls(universe.organization_id, universe.filter, universe.household_mode)

    @property
    def population(self) -> Select:
        """Listable people less the suppressed ones (unless the filter keeps them)."""
        return listable_people(self.organization_id).where(*suppression_clauses(self.filter))

    @cached_property
    def match(self) -> ColumnElement[bool]:
        return match_clause(self.filter, FilterContext(now=self.now))

    @property
    def is_target(self) -> ColumnElement[bool]:
        if self.household_mode == HouseholdMode.WHOLE_HOUSEHOLD:
            return self.match
        return true()

    def people(self) -> Select:
        """``select(Person)`` of the people on the list, in the household mode."""
        matched = self.population.where(self.match)
        if self.household_mode == HouseholdMode.ONE_PER_HOUSEHOLD:
            door = _door()
            picks = (
                matched.with_only_columns(Person.id)
                .ext(distinct_on(door))
                .order_by(door, Person.id)
                .correlate(None)
            )
            return self.population.where(Person.id.in_(picks))
        if self.household_mode == HouseholdMode.WHOLE_HOUSEHOLD:
            doors = matched.with_only_columns(Person.household_id).correlate(None)
            return self.population.where(or_(Person.household_id.in_(doors), self.match))
        return matched


def _door():
    # A person without a household is a door of their own (household ids are positive).
    return func.coalesce(Person.household_id, -Person.id)


def count_search(search: Search) -> dict[str, int]:
    """People on the list, doors (households), and targets: from the targeting sets when
    they can answer exactly (app.universes.targeting), else in one scan of people."""
    counted = count_targeted(
        search.organization_id, search.filter, search.household_mode, FilterContext(search.now)
    )
    return counted if counted is not None else count_people(search)


def count_people(search: Search) -> dict[str, int]:
    """count_search over people's rows: any filter, in one scan where possible."""
    matched = search.population.where(search.match)
    columns = [func.count(), func.count(distinct(Person.household_id))]
    if search.household_mode == HouseholdMode.ONE_PER_HOUSEHOLD:
        columns.append(func.count(distinct(_door())))
    counts = db.session.execute(matched.with_only_columns(*columns)).one()
    targets, households = counts[0], counts[1]
    if search.household_mode == HouseholdMode.ONE_PER_HOUSEHOLD:
        people = counts[2]
    elif search.household_mode == HouseholdMode.WHOLE_HOUSEHOLD:
        people = db.session.scalar(search.people().with_only_columns(func.count()))
    else:
        people = targets
    return {"people": people, "households": households, "targets": targets}


def _with_address(stmt: Select) -> Select:
    return stmt.outerjoin(Household, Person.household_id == Household.id).outerjoin(
        Address, Household.address_id == Address.id
    )


def page_search(search: Search, args: Mapping[str, Any]) -> Page:
    """One page of the list (walking order by default) with each person's door."""
    stmt = _with_address(search.people()).options(
        contains_eager(Person.household).contains_eager(Household.address)
    )
    page = paginate(stmt, args, sortable=PEOPLE_SORTS, default_order=WALK_ORDER)
    targets = {person.id for person in page.items}
    if search.household_mode == HouseholdMode.WHOLE_HOUSEHOLD and targets:
        # Only a whole household lists non-targets; ask which of this page's people match.
        on_page = search.population.where(search.match, Person.id.in_(targets))
        targets = set(db.session.scalars(on_page.with_only_columns(Person.id)))
    year = search.now.year
    page.items = [_listed(person, person.id in targets, year) for person in page.items]
    return page


def _listed(person: Person, is_target: bool, year: int) -> dict[str, Any]:
    household = person.household
    address = household.address if household else None
    return {
        "id": person.id,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "full_name": person.full_name,
        "household_id": person.household_id,
        "address": address.line if address else None,
        "unit": household.unit if household else None,
        "city": address.city if address else None,
        "zip": address.zip if address else None,
        "party": person.party,
        "age": year - person.birth_year if person.birth_year else None,
        "gender": person.gender,
        "is_target": is_target,
    }


def export_rows(search: Search) -> Iterator[Row]:
    """Rows of ``EXPORT_COLUMNS`` + is_target in walking order, streamed from the server."""
    stmt = (
        _with_address(search.people())
        .with_only_columns(*EXPORT_COLUMNS, search.is_target.label("is_target"))
        .order_by(*WALK_ORDER)
    )
    yield from db.session.execute(stmt, execution_options={"yield_per": 2000})


def visible_universes(organization_id: int, user_id: int) -> Select:
    """The campaign's shared universes and the user's own private ones."""
    return select(Universe).where(
        Universe.organization_id == organization_id,
        or_(Universe.is_shared, Universe.created_by_id == user_id),
    )


def get_universe(organization_id: int, user_id: int, universe_id: int) -> Universe:
    universe = db.session.scalar(
        visible_universes(organization_id, user_id).where(Universe.id == universe_id)
    )
    if universe is None:  # another user's private universe is not found, not forbidden
        raise NotFound("No such universe.", code="universe_not_found")
    return universe


def list_universes(organization_id: int, user_id: int, args: Mapping[str, Any]) -> Page:
    return paginate(
        visible_universes(organization_id, user_id),
        args,
        sortable=UNIVERSE_SORTS,
        default_order=[Universe.name.asc(), Universe.id.asc()],
    )
