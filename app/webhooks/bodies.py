"""What a webhook says about each resource: one function per resource, in OSDI's shape
(``identifiers`` as ``["doorstep:ID"]``, ``created_date``, ``modified_date``, HAL-free).

People and gifts are the OSDI API's own representations (``app.osdi.representations``), so a
subscriber reads the same document from a webhook and from the API.
A confidential person (address-confidentiality programmes, protected voters) is never described
here: their body has their identifier and dates only, and so has every link to them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from app.core.links import public_url
from app.donations.models import Donation
from app.events.models import Signup
from app.knocks.models import DoorKnock
from app.osdi.queries import foreign_ids
from app.osdi.representations import donation_resource, person_resource
from app.people.models import Person

ORIGIN = "doorstep"


def identifier(kind: str, resource_id: int | None) -> str:
    """``doorstep:12`` for a person; ``doorstep:donation:7`` for other resources."""
    return f"{ORIGIN}:{resource_id}" if kind == "person" else f"{ORIGIN}:{kind}:{resource_id}"


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _person_link(person_id: int | None) -> dict[str, Any] | None:
    return {"identifiers": [identifier("person", person_id)]} if person_id else None


def _base() -> str:
    return public_url("/api/osdi/v1/")


def person_body(person: Person) -> dict[str, Any]:
    """A person as the OSDI API shows them (``person_resource``); a confidential one as their
    identifier and dates only."""
    if person.confidential:
        return {"identifiers": [identifier("person", person.id)],
                "created_date": _iso(person.created_at),
                "modified_date": _iso(person.updated_at)}  # fmt: skip
    return person_resource(person, _base(), foreign_ids=foreign_ids([person]).get(person.id, ()))


def donation_body(donation: Donation) -> dict[str, Any]:
    """A contribution as the OSDI API shows it (``donation_resource``): integer cents and
    OSDI's exact decimal string."""
    return donation_resource(donation, _base())


def signup_body(signup: Signup) -> dict[str, Any]:
    """A sign-up as OSDI's ``osdi:attendance`` (``attended`` once checked in)."""
    return {
        "identifiers": [identifier("attendance", signup.id)],
        "status": str(signup.status),
        "attended": str(signup.status) == "completed",
        "event": {"identifiers": [identifier("event", signup.shift.event_id)]},
        "doorstep:shift_id": signup.shift_id,
        "person": _person_link(signup.person_id),
        "created_date": _iso(signup.created_at),
        "modified_date": _iso(signup.status_changed_at),
    }


def knock_body(knock: DoorKnock, person_ids: list[int]) -> dict[str, Any]:
    """A door knock as OSDI's ``osdi:canvass`` at the door's household (its people linked)."""
    return {
        "identifiers": [identifier("canvass", knock.id)],
        "action_date": _iso(knock.occurred_at),
        "contact_type": "in-person",
        "input_type": "paper" if knock.keyed_by_id else "mobile",
        "success": knock.is_contact,
        "status_code": knock.result,
        "doorstep:walk_list_id": knock.walk_list_id,
        "target": [_person_link(person_id) for person_id in person_ids],
        "created_date": _iso(knock.received_at),
        "modified_date": _iso(knock.received_at),
    }


def optout_body(person: Person, refusal: dict[str, Any]) -> dict[str, Any]:
    """An opt-out: the channel, the purposes, where it came from, and the address or number
    it was about (not for a confidential person)."""
    return {
        "channel": str(refusal["channel"]),
        "purposes": [str(purpose) for purpose in refusal["purposes"]],
        "source": refusal["source"],
        "contact": None if person.confidential else (refusal["contact"] or None),
        "person": _person_link(person.id),
        "action_date": _iso(refusal["at"]),
    }


def donations_imported_body(donation_ids: list[int]) -> dict[str, Any]:
    """A bulk import's gifts (one event per thousand): their identifiers only; the subscriber
    reads what it needs through the API."""
    return {
        "count": len(donation_ids),
        "donations": [{"identifiers": [identifier("donation", i)]} for i in donation_ids],
    }
