"""What a call's result does on the list and to the number called.

A result ends the person on their list, but for a number found wrong or disconnected when
they have another one: the list then names that number and the person goes back to the pool.
A wrong number is marked on the person's own row of that number (it reaches somebody else: a
wrong number belongs to the number, not the person); a disconnected number on every row that
holds it (it reaches nobody). Neither is called or texted again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from app.extensions import db
from app.people.models import PersonPhone
from app.people.operations import campaign_zone
from app.phones.hours import person_zones
from app.phones.models import CallList, CallListPerson
from app.phones.selection import best_phone

WRONG_NUMBER, DISCONNECTED = "wrong_number", "disconnected"


def mark_number(phone: PersonPhone, status: str, now: datetime) -> dict[str, Any]:
    """Mark the number called as ``wrong_number`` (this person's row) or ``disconnected``
    (every row in the campaign with that number); returns what was marked, for the history."""
    scope = [PersonPhone.id == phone.id]
    if status == DISCONNECTED:
        scope = [PersonPhone.organization_id == phone.organization_id,
                 PersonPhone.number == phone.number]  # fmt: skip
    marked = db.session.scalars(
        update(PersonPhone)
        .where(*scope, PersonPhone.call_status.is_(None))
        .values(call_status=status, call_status_at=now)
        .returning(PersonPhone.id)
    ).all()
    return {"number": phone.number, "status": status, "phone_ids": sorted(marked)}


def settle(call_list_id: int, person_id: int, result: str, *, number_bad: bool,
           now: datetime) -> None:  # fmt: skip
    """The call's result on the list (a person not, or no longer, on it: nothing)."""
    row = db.session.scalar(
        select(CallListPerson)
        .where(CallListPerson.call_list_id == call_list_id, CallListPerson.person_id == person_id)
        .with_for_update()
    )
    if row is None or row.completed_at is not None:
        return
    row.attempts += 1
    row.result = result
    row.held_until = row.result_queued_at = None
    other = best_phone(person_id) if number_bad else None
    if other is None:
        row.completed_at = now
        return
    row.phone_id = other[0]
    call_list = db.session.get(CallList, call_list_id)
    row.zones = person_zones(other[1], row.household_id is not None,
                             campaign_zone(call_list.organization_id).key)  # fmt: skip
    if not set(row.zones) <= set(call_list.zones):
        call_list.zones = sorted({*call_list.zones, *row.zones})
