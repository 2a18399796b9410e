"""Handing callers the next person: never one person to two callers at once, and a claim a
caller walks away from goes back to the pool when it lapses.

The pick is ``SELECT ... FOR UPDATE OF call_list_people SKIP LOCKED LIMIT 1``: two callers
asking at the same moment lock different rows (the second skips the row the first holds and
takes the next), and the claim (``held_until``) is written in the same transaction, so once
it commits nobody else's pick matches the row until it lapses. A person is on one active
list at a time (``app.phones.checkout``), so two lists never share one either.

A caller whose phone has a result queued (offline, perhaps) says so when asking for the next
person: that person stays held a while longer for the result to arrive (``RESULT_GRACE``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import phonenumbers
from sqlalchemy import String, and_, cast, func, or_, select, update
from sqlalchemy.dialects.postgresql import ARRAY

from app.core.actor import Actor
from app.extensions import db
from app.people.models import Person, PersonPhone
from app.people.visibility import Channel, may_contact
from app.phones.hours import local_time, open_zones
from app.phones.models import CallList, CallListPerson
from app.phones.operations import require_active
from app.phones.selection import usable_phones
from app.voters.models import Address, Household

#: A claim nobody acts on (a closed laptop, a caller gone home) lapses after this.
CLAIM_TIMEOUT = timedelta(minutes=10)
#: A person whose result waits on the caller's phone is held this long for it to arrive.
RESULT_GRACE = timedelta(hours=2)


def next_person(
    actor: Actor, call_list: CallList, *, finished: Iterable[int] = (), now: datetime | None = None
) -> dict[str, Any]:
    """The caller's person to call: the one they hold already (a reload, a second tab), else
    the next free one within calling hours. ``finished``: the people whose results the
    caller's phone has queued. Returns {"person": ..., "reason": None} or, with nobody to
    hand, {"person": None, "reason": "done" | "outside_hours" | "all_held"}."""
    now = now or datetime.now(UTC)
    require_active(call_list)
    _mark_queued(actor.user_id, call_list.id, list(finished), now)
    row = _current(actor.user_id, call_list.id, now)
    if row is None:
        opened = open_zones(call_list.zones, now)
        row = _pick(call_list.id, opened, now) if opened else None
        if row is None:
            return {"person": None, "reason": _why_nobody(call_list.id, opened, now)}
        row.claimed_by_id, row.claimed_at = actor.user_id, now
        row.held_until, row.result_queued_at = now + CLAIM_TIMEOUT, None
        db.session.flush()
    return {"person": _handed(row, now), "reason": None}


def skip(actor: Actor, call_list: CallList, person_id: int, now: datetime | None = None) -> bool:
    """The caller passes on their person (no call made): back to the pool once the claim's
    time is up, so the next ask hands the caller someone else."""
    now = now or datetime.now(UTC)
    skipped = db.session.execute(
        update(CallListPerson)
        .where(_held_by(actor.user_id, call_list.id, now), CallListPerson.person_id == person_id)
        .values(claimed_by_id=None, held_until=now + CLAIM_TIMEOUT)
    )
    return bool(skipped.rowcount)


def _held_by(user_id: int, list_id: int, now: datetime):
    return and_(
        CallListPerson.call_list_id == list_id,
        CallListPerson.claimed_by_id == user_id,
        CallListPerson.held_until > now,
        CallListPerson.result_queued_at.is_(None),
        CallListPerson.completed_at.is_(None),
    )


def _mark_queued(user_id: int, list_id: int, person_ids: list[int], now: datetime) -> None:
    if person_ids:
        db.session.execute(
            update(CallListPerson)
            .where(_held_by(user_id, list_id, now), CallListPerson.person_id.in_(person_ids))
            .values(result_queued_at=now, held_until=now + RESULT_GRACE)
        )


def _current(user_id: int, list_id: int, now: datetime) -> CallListPerson | None:
    return db.session.scalar(
        select(CallListPerson)
        .where(_held_by(user_id, list_id, now))
        .order_by(CallListPerson.position)
        .limit(1)
    )


def _callable(list_id: int):
    """The list's people who may still be called, on the number the list names."""
    return and_(
        CallListPerson.call_list_id == list_id,
        CallListPerson.completed_at.is_(None),
        may_contact(Channel.PHONE),
        select(PersonPhone.id)
        .where(PersonPhone.id == CallListPerson.phone_id, *usable_phones())
        .exists(),
    )


def _pick(list_id: int, opened: list[str], now: datetime) -> CallListPerson | None:
    zones = cast(opened, ARRAY(String(40)))
    return db.session.scalar(
        select(CallListPerson)
        .join(Person, Person.id == CallListPerson.person_id)
        .where(_callable(list_id), CallListPerson.zones.contained_by(zones),
               or_(CallListPerson.held_until.is_(None), CallListPerson.held_until <= now))
        .order_by(CallListPerson.position)
        .limit(1)
        .with_for_update(of=CallListPerson, skip_locked=True)
    )  # fmt: skip


def _why_nobody(list_id: int, opened: list[str], now: datetime) -> str:
    """Nobody left to call ("done"), nobody within calling hours ("outside_hours"), or
    everybody within them is being called or has a result on its way ("all_held")."""
    zones = cast(opened, ARRAY(String(40)))
    left, in_hours = db.session.execute(
        select(func.count(), func.count().filter(CallListPerson.zones.contained_by(zones)))
        .select_from(CallListPerson)
        .join(Person, Person.id == CallListPerson.person_id)
        .where(_callable(list_id))
    ).one()
    if not left:
        return "done"
    return "all_held" if in_hours else "outside_hours"


def _handed(row: CallListPerson, now: datetime) -> dict[str, Any]:
    """What the caller sees of the person: name, age, party and home (as a walk list shows
    them), the number as a ``tel:`` link, and their time of day."""
    person = db.session.get(Person, row.person_id)
    phone = db.session.get(PersonPhone, row.phone_id)
    address = db.session.execute(
        select(Address, Household.unit)
        .join(Household, Household.address_id == Address.id)
        .where(Household.id == person.household_id)
    ).first()
    parsed = phonenumbers.parse(phone.number)
    return {
        "person_id": person.id,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "age": now.year - person.birth_year if person.birth_year else None,
        "gender": person.gender,
        "party": person.party,
        "languages": list(person.languages or []),
        "address": address.Address.line if address else None,
        "unit": address.unit if address else None,
        "city": address.Address.city if address else None,
        "phone_id": phone.id,
        "number": phone.number,
        "number_display": phonenumbers.format_number(
            parsed, phonenumbers.PhoneNumberFormat.NATIONAL
        ),
        "tel": f"tel:{phone.number}",
        "phone_kind": phone.kind,
        "local_time": local_time(row.zones, now),
        "attempts": row.attempts,
        "last_result": row.result,
        "held_until": row.held_until,
    }
