"""What a webhook says about each resource: one function per resource, in OSDI's shape
(``identifiers`` as ``["doorstep:ID"]``, ``created_date``, ``modified_date``, HAL-free).

Kept small on purpose: when ``app/osdi/representations.py`` lands these become calls to it.
A confidential person (address-confidentiality programmes, protected voters) is never described
here: their body has their identifier and dates only, and so has every link to them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from app.donations.models import Donation
from app.events.models import Signup
from app.knocks.models import DoorKnock
from app.people.models import Person

ORIGIN = "doorstep"


def identifier(kind: str, resource_id: int | None) -> str:
    """``doorstep:12`` for a person; ``doorstep:donation:7`` for other resources."""
    return f"{ORIGIN}:{resource_id}" if kind == "person" else f"{ORIGIN}:{kind}:{resource_id}"


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _person_link(person_id: int | None) -> dict[str, Any] | None:
    return {"identifiers": [identifier("person", person_id)]} if person_id else None


def person_body(person: Person) -> dict[str, Any]:
    """A person as OSDI's ``osdi:person``; a confidential one as their identifier only."""
    dates = {"created_date": _iso(person.created_at), "modified_date": _iso(person.updated_at)}
    if person.confidential:
        return {"identifiers": [identifier("person", person.id)], **dates}
    household = person.household
    postal = []
    if household is not None:
        address = household.address
        line = " ".join(
            p for p in (address.house_number, address.house_number_suffix, address.street) if p
        )
        postal.append(
            {
                "primary": True,
                "address_lines": [line, *([household.unit] if household.unit else [])],
                "locality": address.city,
                "region": address.state,
                "postal_code": address.zip,
                "country": "US",
            }
        )
    return {
        "identifiers": [identifier("person", person.id)],
        "given_name": person.first_name,
        "family_name": person.last_name,
        "additional_name": person.middle_name,
        "honorific_prefix": person.title,
        "honorific_suffix": person.suffix,
        "languages_spoken": list(person.languages or []),
        "email_addresses": [
            {
                "address": e.address,
                "primary": e.is_primary,
                "status": "subscribed" if e.consent and not e.do_not_contact else "unsubscribed",
            }
            for e in person.emails
        ],
        "phone_numbers": [
            {
                "number": p.number,
                "primary": p.is_primary,
                "number_type": p.kind,
                "sms_capable": p.kind == "mobile",
                "do_not_call": bool(p.do_not_contact or person.do_not_call),
                "status": "subscribed"
                if p.sms_consent and not p.do_not_contact
                else "unsubscribed",
            }
            for p in person.phones
        ],
        "postal_addresses": postal,
        "custom_fields": dict(person.custom_fields or {}),
        **dates,
    }


def donation_body(donation: Donation) -> dict[str, Any]:
    """A contribution as OSDI's ``osdi:donation``: the amount in cents, and as OSDI's decimal
    string (exact, never a float)."""
    cents = donation.amount_cents
    return {
        "identifiers": [identifier("donation", donation.id)],
        "amount_cents": cents,
        "amount": f"{'-' if cents < 0 else ''}{abs(cents) // 100}.{abs(cents) % 100:02d}",
        "currency": "USD",
        "action_date": _iso(donation.received_on),
        "payment": {"method": str(donation.method), "reference_number": donation.check_number},
        "referrer_data": {"source": donation.reference_code, "website": donation.page},
        "doorstep:processor": donation.processor,
        "person": _person_link(donation.person_id),
        "created_date": _iso(donation.created_at),
        "modified_date": _iso(donation.updated_at),
    }


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
