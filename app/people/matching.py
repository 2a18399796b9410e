"""Finding the person a form, a door or a processor names: matched by email, then phone, then
name and home on the voter file, never duplicated; else a new person. A public form holds a
new contact for a person the campaign already reaches until they confirm it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from app.core.contact import normalise_email, normalise_phone
from app.core.signals import form_submitted
from app.extensions import db
from app.people.confirmations import ask_to_confirm_email, hold_contact, is_double_opt_in
from app.people.contacts import EMAILS, PHONES, apply_contacts
from app.people.models import ContactConfirmation, Person, PersonEmail, PersonPhone, PersonSource
from app.people.operations import create_person
from app.people.queries import follow_merges
from app.voters.models import Address, Household


def find_or_add_person(organization_id: int, fields: dict[str, Any]) -> tuple[Person, bool]:
    """Somebody who signs up at the door (a walk-in a kiosk adds): the person the campaign
    already has, matched by email, then phone, then first and last name with house number
    and ZIP on the voter file; else a new person. Returns (person, whether new). The contact
    details given are added to the person, with the consent ticked."""
    person, created, _ = _find_or_add(organization_id, fields, hold_new=False)
    return person, created


def find_person_from_form(
    organization_id: int, fields: dict[str, Any]
) -> tuple[Person, bool, list[ContactConfirmation]]:
    """The same, for an anonymous public form (an RSVP, the volunteer form): a new email or
    phone for a person the campaign already reaches is not written to them but held until
    they confirm it (``app.people.confirmations``). Returns (person, whether new, the holds
    made now: the caller sends each one's link to the contact the person already has)."""
    person, created, held = _find_or_add(organization_id, fields, hold_new=True)
    db.session.flush()
    form_submitted.send(person, created=created)  # links and mail credit their source
    return person, created, held


def _find_or_add(
    organization_id: int, fields: dict[str, Any], *, hold_new: bool
) -> tuple[Person, bool, list[ContactConfirmation]]:
    email = normalise_email(fields["email"]) if fields.get("email") else None
    phone = normalise_phone(fields["phone"], field="phone") if fields.get("phone") else None
    person = match_person(organization_id, {**fields, "email": email, "phone": phone})
    created = person is None
    if person is None:
        person = create_person(
            organization_id,
            {k: fields[k] for k in ("first_name", "last_name") if fields.get(k)},
        )
        person.source = PersonSource.SIGNUP
    now = datetime.now(UTC)
    # A form only gives consent: an unticked box never takes back what the person gave before
    # (whoever typed their email in may not be them). Nor does a new address or number on a
    # person the campaign can already reach take their messages (sign-up links among them):
    # from a public form it is held until the person confirms it by a link sent to what they
    # have; at the door it is kept, unconsented, until the person or an organiser says so.
    # A voter matched by name and home, with no way to reach them yet, takes what is given.
    reached = not created and (
        any(e.consent and not e.do_not_contact for e in person.emails)
        or any(p.sms_consent and not p.do_not_contact for p in person.phones)
    )
    held: list[ContactConfirmation] = []
    if email:
        known = next((e for e in person.emails if e.address == email), None)
        if known is None and reached and hold_new:
            held.append(hold_contact(person, "emails", email, consent=fields["email_consent"],
                                     sms_consent=False, now=now))  # fmt: skip
        else:
            given = fields["email_consent"] and (known is not None or not reached)
            consent = bool(given or (known and known.consent))
            # Double opt-in: a yes from a public form waits for the address's own yes (its
            # link goes to the address itself, not among the holds the caller sends on).
            confirm = bool(hold_new and consent and is_double_opt_in()
                           and not (known and known.consent))  # fmt: skip
            item = {"address": email, "consent": consent and not confirm}
            apply_contacts(person, EMAILS, [item], replace=False, field="email", now=now,
                           source="form")  # fmt: skip
            if confirm:
                ask_to_confirm_email(person, email, now)
    if phone:
        known = next((p for p in person.phones if p.number == phone), None)
        if known is None and reached and hold_new:
            held.append(hold_contact(person, "phones", phone, consent=fields["sms_consent"],
                                     sms_consent=fields["sms_consent"], now=now))  # fmt: skip
        else:
            given = fields["sms_consent"] and (known is not None or not reached)
            sms = bool(given or (known and known.sms_consent))
            consent = {"consent": bool(given or (known and known.consent)),
                       "sms_consent": sms}  # fmt: skip
            apply_contacts(person, PHONES, [{"number": phone, **consent}], replace=False,
                           field="phone", now=now, source="form")  # fmt: skip
    db.session.flush()
    return person, created, [h for h in held if h is not None]


def match_person(organization_id: int, fields: dict[str, Any]) -> Person | None:
    """The one person ``fields`` certainly name: by email, then phone, then first and last
    name with house number and ZIP on the voter file (normalised email and phone expected).
    None when nobody matches, or when two people do at every step: a person decides."""
    email, phone = fields.get("email"), fields.get("phone")
    candidates = []
    if email:
        candidates.append(
            select(PersonEmail.person_id).where(
                PersonEmail.organization_id == organization_id, PersonEmail.address == email
            )
        )
    if phone:
        candidates.append(
            select(PersonPhone.person_id).where(
                PersonPhone.organization_id == organization_id, PersonPhone.number == phone
            )
        )
    if fields.get("house_number") and fields.get("zip") and fields.get("last_name"):
        candidates.append(
            select(Person.id)
            .join(Household, Household.id == Person.household_id)
            .join(Address, Address.id == Household.address_id)
            .where(
                Person.organization_id == organization_id,
                func.lower(Person.first_name) == (fields.get("first_name") or "").lower(),
                func.lower(Person.last_name) == fields["last_name"].lower(),
                Address.house_number == fields["house_number"].strip().upper(),
                Address.zip == fields["zip"].strip()[:5],
            )
        )
    for candidate in candidates:
        ids = db.session.scalars(candidate.limit(2)).all()
        if len(ids) == 1:  # two people with that name at that number: a person decides
            return follow_merges(db.session.get(Person, ids[0]))
    return None
