"""New contact details from anonymous forms, held until the person confirms them.

A public form (an RSVP, the volunteer form) names a person the campaign already has by an
email or phone anybody can type. A new address or number it gives for a person the campaign
already reaches is not written to their record: it is held (``ContactConfirmation``), and the
form's caller sends a link to the contact they already have. The person opens it and
confirms; only then is the new contact theirs, with the consent the form ticked.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from app.accounts.models import Organization
from app.audit.operations import record_audit
from app.core.errors import Gone, NotFound
from app.core.links import public_url
from app.extensions import db
from app.outreach.models import Channel
from app.outreach.operations import queue_message
from app.people.contacts import EMAILS, PHONES, apply_contacts
from app.people.models import ContactConfirmation, Person
from app.people.queries import follow_merges

#: How long the link in the message works.
VALID_FOR = timedelta(days=7)
_KINDS = {"emails": EMAILS, "phones": PHONES}


def hold_contact(
    person: Person,
    collection: str,
    value: str,
    *,
    consent: bool,
    sms_consent: bool,
    now: datetime,
) -> ContactConfirmation | None:
    """Hold ``value`` (normalised) for ``person`` until confirmed. Returns the new hold, or
    None when the same one already waits (its link was sent: a second form sends nothing)."""
    waiting = db.session.scalar(
        select(ContactConfirmation).where(
            ContactConfirmation.person_id == person.id,
            ContactConfirmation.collection == collection,
            ContactConfirmation.value == value,
            ContactConfirmation.confirmed_at.is_(None),
            ContactConfirmation.expires_at > now,
        )
    )
    if waiting is not None:
        return None
    held = ContactConfirmation(
        organization_id=person.organization_id, person_id=person.id, collection=collection,
        value=value, consent=consent, sms_consent=sms_consent,
        token=secrets.token_urlsafe(32), expires_at=now + VALID_FOR,
    )  # fmt: skip
    db.session.add(held)
    db.session.flush()
    return held


def held_by_token(token: str) -> ContactConfirmation:
    held = db.session.scalar(select(ContactConfirmation).where(ContactConfirmation.token == token))
    if held is None:
        raise NotFound("No such confirmation (the link may be mistyped).",
                       code="confirmation_not_found")  # fmt: skip
    return held


def confirm_contact(held: ContactConfirmation, now: datetime) -> ContactConfirmation:
    """The person opened the link sent to them and confirmed: the contact is written to their
    record (the survivor, if merged since) with the consent the form ticked. Twice is once."""
    if held.confirmed_at is not None:
        return held
    if held.expires_at <= now:
        raise Gone("This link has expired; fill in the form again.", code="confirmation_expired")
    person = follow_merges(db.session.get(Person, held.person_id))
    kind = _KINDS[held.collection]
    item = {kind.key: held.value, "consent": held.consent}
    if kind is PHONES:
        item["sms_consent"] = held.sms_consent
    apply_contacts(
        person, kind, [item], replace=False, field=kind.key, now=now, source="form_confirmed"
    )
    held.confirmed_at = now
    db.session.flush()
    record_audit("people.contact_confirm", entity=held,
                 changes={"person_id": person.id, "collection": held.collection})  # fmt: skip
    return held


def is_double_opt_in() -> bool:
    """Email given on a public form takes campaign email only once its owner confirms it
    (``DOORSTEP_EMAIL_DOUBLE_OPT_IN``)."""
    return bool(current_app.config["DOORSTEP_EMAIL_DOUBLE_OPT_IN"])


def ask_to_confirm_email(person: Person, address: str, now: datetime) -> ContactConfirmation | None:
    """Double opt-in: the address is on the person's record without consent; a link to say
    yes goes to the address itself (whoever typed it in may not own it). Confirmed, it takes
    the campaign's email (``confirm_contact``, recorded as ``form_confirmed``). None when a
    link already waits."""
    held = hold_contact(person, "emails", address, consent=True, sms_consent=False, now=now)
    if held is None:
        return None
    name = db.session.scalar(
        select(Organization.name).where(Organization.id == person.organization_id)
    )
    link = public_url(f"/contacts/confirm/{held.token}")
    queue_message(
        organization_id=person.organization_id,
        channel=Channel.EMAIL,
        recipient=address,
        kind="contact.double_opt_in",
        subject=f"Confirm you want email from {name}",
        body=f"Hello {person.first_name or 'there'},\n\nThis address was given on a form of "
        f"{name}. To get their email, confirm it here:\n{link}\n\nIf that was not you, "
        "ignore this message: you will get nothing more.\n",
    )
    return held
