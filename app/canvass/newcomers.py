"""People a canvasser met at a door who were not on the list: made in that home, or in a new
unit at that address, with the address's place and areas."""

from __future__ import annotations

from sqlalchemy import delete, select

from app.canvass.checks import Plan, Stop
from app.core.errors import DoorstepError
from app.extensions import db
from app.knocks.models import DoorKnock
from app.people.models import Person
from app.people.operations import create_person
from app.voters.models import Address, Household
from app.walklists.models import WalkList


def add(plan: Plan) -> tuple[int, DoorstepError] | None:
    """The people met at this door, made on their own: one with bad details (a number that
    is not a phone number) undoes them all and takes the knock back out. Returns the bad
    entry's index and error, or None."""
    savepoint = db.session.begin_nested()
    for index, (entry, code, answers) in enumerate(plan.new_people):
        try:
            person = _new_person(plan.walk_list, plan.stop, entry)
        except DoorstepError as exc:
            savepoint.rollback()
            db.session.execute(delete(DoorKnock).where(DoorKnock.id == plan.knock_id))
            return index, exc
        plan.results[person.id] = (code, answers)
    savepoint.commit()
    return None


def _new_person(walk_list: WalkList, stop: Stop, entry: dict) -> Person:
    """Somebody met at the door: in this home, or in a new unit at this address."""
    unit = entry.get("unit") or ""
    home = db.session.get(Household, stop.household_id)
    if unit != (home.unit or ""):
        home = db.session.scalar(
            select(Household).where(
                Household.address_id == stop.address_id, Household.unit == unit
            )
        ) or Household(organization_id=walk_list.organization_id, address_id=stop.address_id,
                       unit=unit)  # fmt: skip
        db.session.add(home)
        db.session.flush()
    fields = {k: v for k, v in entry.items() if k not in ("unit", "result", "answers")}
    person = create_person(walk_list.organization_id, fields)
    address = db.session.get(Address, stop.address_id)
    person.household_id = home.id
    person.location = address.point
    person.area_ids = list(address.area_ids or [])
    db.session.flush()
    return person
