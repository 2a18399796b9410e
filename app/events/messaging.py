"""How a volunteer hears from the campaign about their sign-ups: which channels (one function),
and the message queued on each channel and written to their history (quiet hours:
``app.core.quiet_hours``).

Every message is an outbox row first (app.outreach), delivered after the transaction commits
by the sender for its channel: SMTP for email, the SMS provider, Web Push.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from app.accounts.models import User
from app.core.links import public_url
from app.events.volunteering import Volunteering, volunteering_of
from app.extensions import db
from app.outreach.models import Channel, OutboundMessage, PushSubscription
from app.outreach.operations import queue_message
from app.people.models import ContactConfirmation, InteractionKind, Person
from app.people.operations import record_interaction

#: Each purpose's channels, best first: a person gets the first one they can be reached on.
#: Texts are for what is short and near; email carries the links and the details.
PREFERENCES: dict[str, tuple[Channel, ...]] = {
    "confirmation": (Channel.EMAIL, Channel.SMS),
    "day_before": (Channel.EMAIL, Channel.SMS, Channel.PUSH),
    "morning_of": (Channel.EMAIL, Channel.SMS, Channel.PUSH),
    "soon": (Channel.SMS, Channel.PUSH),  # nobody reads an email 30 minutes out
    "after": (Channel.EMAIL, Channel.SMS, Channel.PUSH),
}
#: A change to the event (moved, cancelled) goes to every address and phone they consented to.
EVERY_CHANNEL = ("changed",)

#: History has no kind for a notification; a push is written as a note (data.channel: push).
_HISTORY_KIND = {
    Channel.EMAIL: InteractionKind.EMAIL,
    Channel.SMS: InteractionKind.TEXT,
    Channel.PUSH: InteractionKind.NOTE,
}


@dataclass(frozen=True)
class Contact:
    channel: Channel
    recipient: str  # an email address, an E.164 number, or a push subscription's id


@dataclass(frozen=True)
class Draft:
    """One message in its two lengths: the email, and the text for SMS and push."""

    kind: str  # the outbox kind: event.signup, event.reminder.day_before ...
    subject: str
    body: str
    text: str
    url: str  # where a push notification opens


def channels_for(person: Person, purpose: str) -> list[Contact]:
    """The one place that picks how ``person`` is reached for ``purpose`` (a reminder stage,
    "confirmation"). Only addresses and phones with consent and without an opt-out; texts only
    to phones with SMS consent. A volunteer's preferred channel goes first where it suits."""
    if person.do_not_contact or person.is_deceased:
        return []
    volunteering = volunteering_of(person.id)
    emails = [Contact(Channel.EMAIL, e.address) for e in _by_primary(person.emails)
              if e.consent and not e.do_not_contact]  # fmt: skip
    phones = [Contact(Channel.SMS, p.number) for p in _by_primary(person.phones)
              if p.sms_consent and not p.do_not_contact and p.kind != "landline"]  # fmt: skip
    if purpose in EVERY_CHANNEL:
        picked = emails[:1] + phones[:1]
        return picked or _push_contacts(volunteering)
    order = PREFERENCES[purpose]
    preferred = volunteering.preferred_channel if volunteering is not None else None
    if preferred in order:
        order = (preferred, *(c for c in order if c != preferred))
    for channel in order:
        found = {Channel.EMAIL: lambda: emails[:1], Channel.SMS: lambda: phones[:1],
                 Channel.PUSH: lambda: _push_contacts(volunteering)}[channel]()  # fmt: skip
        if found:
            return found
    return []


def _by_primary(rows):
    return sorted(rows, key=lambda row: (not row.is_primary, row.id))


def _push_contacts(volunteering: Volunteering | None) -> list[Contact]:
    """The phones of the volunteer's own account (their profile's ``user_id``, set by an
    organiser: an email on a public form is no proof of owning an account)."""
    user_id = volunteering.user_id if volunteering is not None else None
    user = db.session.get(User, user_id) if user_id else None
    if user is None or not user.is_active:
        return []
    ids = db.session.scalars(
        select(PushSubscription.id)
        .where(PushSubscription.user_id == user.id)
        .order_by(PushSubscription.id)
    )
    return [Contact(Channel.PUSH, str(i)) for i in ids]


def message_person(
    person: Person, contacts: list[Contact], draft: Draft, *, now: datetime, data: dict
) -> list[OutboundMessage]:
    """Queue ``draft`` to each contact and write each message on the person's history."""
    messages = []
    for contact in contacts:
        if contact.channel is Channel.EMAIL:
            body, subject = draft.body, draft.subject
        elif contact.channel is Channel.SMS:
            body, subject = draft.text, None
        else:
            body = json.dumps({"title": draft.subject, "body": draft.text, "url": draft.url,
                               "kind": draft.kind, "sent_at": now.isoformat()})  # fmt: skip
            subject = draft.subject[:300]
        messages.append(
            queue_message(
                organization_id=person.organization_id,
                channel=contact.channel,
                recipient=contact.recipient,
                body=body,
                kind=draft.kind,
                subject=subject,
            )
        )
    db.session.flush()
    for message in messages:
        record_interaction(
            person, _HISTORY_KIND[message.channel], occurred_at=now, result="sent",
            summary=draft.subject[:300],
            data={**data, "channel": message.channel.value, "message_id": message.id,
                  "message_kind": draft.kind},
        )  # fmt: skip
    return messages


def ask_to_confirm_contacts(person: Person, held: list[ContactConfirmation]) -> None:
    """Each new email or phone an anonymous form gave for ``person``: a link to confirm it,
    sent to the contact they already have (never to the new one: whoever typed it in may not
    be them). Until it is confirmed, the new contact is not on their record."""
    contacts = channels_for(person, "confirmation")
    now = datetime.now(UTC)
    for hold in held:
        link = public_url(f"/contacts/confirm/{hold.token}")
        what = "email address" if hold.collection == "emails" else "phone number"
        draft = Draft(
            kind="contact.confirm", subject=f"Is this your {what}? {hold.value}",
            body=f"Hello {person.first_name or 'there'},\n\nSomebody gave {hold.value} as your "
            f"{what} on one of our forms. If it is yours, confirm it here:\n{link}\n\nIf it is "
            "not, ignore this message: nothing changes until you confirm.\n",
            text=f"Somebody gave {hold.value} as your {what} on our form. Yours? Confirm: "
            f"{link} Reply STOP to opt out.",
            url=link,
        )  # fmt: skip
        message_person(person, contacts, draft, now=now, data={"confirmation_id": hold.id})
