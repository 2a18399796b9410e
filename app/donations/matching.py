"""Who gave: the donor matched the way the public forms match, never duplicated.

A certain match (one person by email, phone, or name at the house number and ZIP) takes the
gift. Where nothing is certain but someone could be the donor (the same name in the same
ZIP, or two people sharing the email), the gift waits in the review queue for a person to
say who; only where nobody could be is a new person added.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select

from app.core.contact import normalise_email, normalise_phone
from app.core.errors import ValidationError
from app.extensions import db
from app.people.matching import match_person
from app.people.models import Person, PersonEmail, PersonPhone
from app.people.operations import create_person
from app.voters.models import Address, Household

_HOUSE_NUMBER = re.compile(r"^\s*(\d+[A-Z]?)\b", re.IGNORECASE)
_MAX_CANDIDATES = 10


@dataclass(frozen=True)
class DonorMatch:
    person: Person | None
    #: People who could be the donor when none is certain (the review queue shows them).
    candidate_ids: list[int] = field(default_factory=list)
    is_new: bool = False


def contact_of(fields: dict[str, Any]) -> tuple[str | None, str | None]:
    """The gift's email and phone, normalised; a phone that is not one is dropped (a
    processor's export is not the place to refuse a gift over a typo), an email must be one."""
    email = normalise_email(fields["email"]) if fields.get("email") else None
    phone = None
    if fields.get("phone"):
        try:
            phone = normalise_phone(fields["phone"], field="phone")
        except ValidationError:
            phone = None
    return email, phone


def find_donor(organization_id: int, fields: dict[str, Any], *, add_new: bool = True) -> DonorMatch:
    """The person ``fields`` (first_name, last_name, street_1, zip, email, phone) name."""
    email, phone = contact_of(fields)
    house = _HOUSE_NUMBER.match(fields.get("street_1") or "")
    keys = {
        "first_name": fields.get("first_name"),
        "last_name": fields.get("last_name"),
        "email": email,
        "phone": phone,
        "house_number": house.group(1) if house else None,
        "zip": (fields.get("zip") or "")[:5] or None,
    }
    person = match_person(organization_id, keys)
    if person is not None:
        return DonorMatch(person)
    candidates = _possible_donors(organization_id, keys)
    if candidates:
        return DonorMatch(None, candidates)
    if not add_new:
        return DonorMatch(None)
    names = {k: fields[k] for k in ("first_name", "middle_name", "last_name") if fields.get(k)}
    contacts: dict[str, Any] = {}
    if email:
        contacts["emails"] = [{"address": email, "consent": bool(fields.get("email_consent"))}]
    if phone:
        contacts["phones"] = [{"number": phone, "consent": False, "sms_consent": False}]
    return DonorMatch(create_person(organization_id, {**names, **contacts}), is_new=True)


def _possible_donors(organization_id: int, keys: dict[str, Any]) -> list[int]:
    shared: list[Any] = []
    if keys["email"]:
        shared.append(
            select(PersonEmail.person_id).where(
                PersonEmail.organization_id == organization_id,
                PersonEmail.address == keys["email"],
            )
        )
    if keys["phone"]:
        shared.append(
            select(PersonPhone.person_id).where(
                PersonPhone.organization_id == organization_id,
                PersonPhone.number == keys["phone"],
            )
        )
    if keys["last_name"] and keys["first_name"] and keys["zip"]:
        shared.append(
            select(Person.id)
            .join(Household, Household.id == Person.household_id)
            .join(Address, Address.id == Household.address_id)
            .where(
                Person.organization_id == organization_id,
                func.lower(Person.first_name) == keys["first_name"].lower(),
                func.lower(Person.last_name) == keys["last_name"].lower(),
                Address.zip == keys["zip"],
            )
        )
    if not shared:
        return []
    ids = db.session.scalars(
        select(Person.id)
        .where(
            Person.organization_id == organization_id,
            Person.merged_into_id.is_(None),
            or_(*(Person.id.in_(query) for query in shared)),
        )
        .order_by(Person.id)
        .limit(_MAX_CANDIDATES)
    ).all()
    return list(ids)
