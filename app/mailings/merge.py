"""The merge fields of a batch of recipients, read in a few set-based queries per batch (never
one per recipient): what ``{{ first_name }}`` and the rest mean in a campaign's template.

Fields (docs/outreach.md has the table):

- ``first_name``, ``last_name``, ``full_name``, ``email``: the person and the address.
- ``precinct``: the registrar's precinct code of their registration on file.
- ``next_event``: the nearest public event with a shift to come, to the person's home
  (``name``, ``starts_at``, ``place``, ``url``); for a person with no place on the map, or
  when no event has one, the campaign's next public event.
- ``ask_amount``: from their giving: their largest gift plus a quarter, rounded up to $5
  (whole dollars); none for people who never gave.
- ``polling_place``: their precinct's polling place as the campaign loaded it
  (``PUT /api/v1/polling-places``): ``name``, ``address``, ``notes``.
- ``turf_captain``: the captain of the active turf their home is in (``name``,
  ``first_name``).
  Both are missing for people without one: a template uses them with a default or
  ``{% if %}``, or the preview names them as missing.
- ``campaign_name``, ``postal_address``, ``unsubscribe_url``: the same for everyone.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, true

from app.accounts.models import Organization, User
from app.areas.polling import places_of
from app.core.links import public_url
from app.donations.models import Donation, EntryKind
from app.events.models import Event, EventStatus, Shift, Visibility
from app.extensions import db
from app.people.models import Person
from app.turfs.models import Turf, TurfDoor, TurfStatus
from app.voters.models import Household, Registration

#: Every field a template may use; what is not in a recipient's fields is missing for them.
MERGE_FIELDS = (
    "first_name",
    "last_name",
    "full_name",
    "email",
    "precinct",
    "polling_place",
    "next_event",
    "turf_captain",
    "ask_amount",
    "campaign_name",
    "postal_address",
    "unsubscribe_url",
)


@dataclass(frozen=True)
class Target:
    """One message to render: the recipient row (0 for a preview or test) and its person."""

    recipient_id: int
    person_id: int
    address: str


def shared_fields(organization_id: int, postal_address: str, now: datetime) -> dict[str, Any]:
    name = db.session.scalar(select(Organization.name).where(Organization.id == organization_id))
    fields: dict[str, Any] = {"campaign_name": name or "", "postal_address": postal_address}
    event = _next_event(organization_id, now)
    if event is not None:
        fields["next_event"] = event
    return fields


def _upcoming(organization_id, now: datetime):
    """Public events to come, each with its first shift's start."""
    return (
        select(
            Event.name,
            Event.code,
            Event.place_name,
            Event.address,
            func.min(Shift.starts_at).label("starts_at"),
        )
        .join(Shift, Shift.event_id == Event.id)
        .where(
            Event.organization_id == organization_id,
            Event.status == EventStatus.SCHEDULED,
            Event.visibility == Visibility.PUBLIC,
            Shift.starts_at > now,
        )
        .group_by(Event.id)
    )


def _next_event(organization_id: int, now: datetime) -> dict[str, Any] | None:
    row = db.session.execute(
        _upcoming(organization_id, now).order_by(func.min(Shift.starts_at), Event.id).limit(1)
    ).first()
    return _event_fields(row) if row is not None else None


def _nearest_events(ids: list[int], now: datetime) -> dict[int, dict[str, Any]]:
    """person_id -> the nearest event to come, for the people with a place on the map."""
    nearest = (
        _upcoming(Person.organization_id, now)
        .where(Event.point.is_not(None))
        .order_by(Event.point.op("<->")(Person.location), Event.id)
        .limit(1)
        .lateral()
    )
    rows = db.session.execute(
        select(Person.id, nearest)
        .join(nearest, true())
        .where(Person.id.in_(ids), Person.location.is_not(None))
    )
    return {row.id: _event_fields(row) for row in rows}


def _event_fields(row) -> dict[str, Any]:
    return {
        "name": row.name,
        "starts_at": row.starts_at,
        "place": row.place_name or row.address,
        "url": public_url(f"/events/{row.code}"),
    }


def person_fields(
    targets: Iterable[Target], now: datetime | None = None
) -> dict[int, dict[str, Any]]:
    """person_id -> the fields that depend on the person."""
    now = now or datetime.now(UTC)
    ids = sorted({target.person_id for target in targets})
    if not ids:
        return {}
    fields: dict[int, dict[str, Any]] = {}
    for row in db.session.execute(
        select(Person.id, Person.first_name, Person.last_name).where(Person.id.in_(ids))
    ):
        names = {"first_name": row.first_name, "last_name": row.last_name}
        present = {k: v for k, v in names.items() if v}
        full = " ".join(v for v in (row.first_name, row.last_name) if v)
        fields[row.id] = {**present, **({"full_name": full} if full else {})}
    for person_id, event in _nearest_events(ids, now).items():
        fields[person_id]["next_event"] = event
    precincts = {}
    for person_id, organization_id, code in db.session.execute(
        select(Registration.person_id, func.min(Person.organization_id),
               func.min(Registration.precinct_code))
        .join(Person, Person.id == Registration.person_id)
        .where(Registration.person_id.in_(ids), Registration.on_file.is_(True))
        .group_by(Registration.person_id)
    ):  # fmt: skip
        if code and person_id in fields:
            fields[person_id]["precinct"] = code
            precincts[person_id] = (organization_id, code)
    for organization_id in {org for org, _ in precincts.values()}:
        places = places_of(
            organization_id, {c for o, c in precincts.values() if o == organization_id}
        )
        for person_id, (org, code) in precincts.items():
            if org == organization_id and code in places:
                fields[person_id]["polling_place"] = places[code]
    for person_id, name in db.session.execute(
        select(Person.id, User.name)
        .join(Household, Household.id == Person.household_id)
        .join(TurfDoor, TurfDoor.address_id == Household.address_id)
        .join(Turf, Turf.id == TurfDoor.turf_id)
        .join(User, User.id == Turf.captain_id)
        .where(Person.id.in_(ids), Turf.status == TurfStatus.ACTIVE, User.is_active.is_(True))
    ):
        if name:
            fields[person_id]["turf_captain"] = {"name": name, "first_name": name.split()[0]}
    for person_id, largest in db.session.execute(
        select(Donation.person_id, func.max(Donation.amount_cents))
        .where(
            Donation.person_id.in_(ids),
            Donation.kind == EntryKind.CONTRIBUTION,
            Donation.amount_cents > 0,
        )
        .group_by(Donation.person_id)
    ):
        if person_id in fields:
            fields[person_id]["ask_amount"] = ask_amount(largest)
    return fields


def ask_amount(largest_cents: int) -> int:
    """Whole dollars: the largest gift plus a quarter, rounded up to $5.

    >>> ask_amount(2000), ask_amount(10000), ask_amount(1)
    (25, 125, 5)
    """
    return max(5, math.ceil(largest_cents * 1.25 / 500) * 5)
