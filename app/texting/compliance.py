"""Who may be texted, at which phone, and when.

- Who: the one predicate of who may be contacted on a channel
  (``app.people.visibility.may_contact(Channel.TEXT)``: listable, alive, not do-not-contact,
  with a phone that is no landline and has not opted out), then the phone itself: not opted
  out (a STOP marks the phone, ``app.people.sms``), no landline (the phone's kind, or
  ``phonenumbers`` says it is a fixed line), and for texts nobody presses send for
  (broadcasts, follow-up rules) recorded consent for texts (``sms_consent``).
- When: outside quiet hours (``DOORSTEP_QUIET_HOURS``, 21:00-08:00: texts go 8am-9pm) in the
  recipient's own time zone, read from the phone's area code (``phonenumbers``' timezone
  module). An area code spanning two zones waits until it is daytime in both; a number the
  module places nowhere, or in more than four zones (toll-free, non-geographic), falls back
  to the campaign's time zone. Checked when the text is sent, never when it was queued.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import phonenumbers
from phonenumbers import PhoneNumberType, timezone
from sqlalchemy import select

from app.core.errors import Conflict
from app.core.quiet_hours import quiet_until_everywhere
from app.extensions import db
from app.people.models import Person, PersonPhone
from app.people.operations import campaign_zone
from app.people.visibility import Channel, may_contact

#: A number placed in more zones than this is no clue to where its owner is.
MAX_ZONES = 4

#: Why a person may not be texted at a phone, as the API says it.
REASONS = {
    "not_contactable": "This person may not be contacted by text (confidential, deceased, "
    "do not contact, or no phone that takes texts).",
    "no_phone": "This person no longer has this number.",
    "opted_out": "This number opted out of texts.",
    "landline": "This number is a landline: it cannot take texts.",
    "no_consent": "This number never agreed to texts from the campaign.",
}


class NotTextable(Conflict):
    code = "not_textable"


class QuietHours(Conflict):
    code = "quiet_hours"


def zones_of(number: str, fallback: ZoneInfo) -> list[ZoneInfo]:
    """The time zones the number's area code lies in (``fallback`` when it says nothing)."""
    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return [fallback]
    names = [name for name in timezone.time_zones_for_number(parsed) if name != "Etc/Unknown"]
    if not names or len(names) > MAX_ZONES:
        return [fallback]
    return [ZoneInfo(name) for name in names]


def send_after(number: str, organization_id: int, now: datetime) -> datetime | None:
    """When a text to ``number`` may go, if not at ``now`` (its quiet hours)."""
    return quiet_until_everywhere(now, zones_of(number, campaign_zone(organization_id)))


def is_fixed_line(number: str) -> bool:
    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(parsed) == PhoneNumberType.FIXED_LINE


def refusal(person_id: int, number: str, *, consent_required: bool) -> str | None:
    """Why ``number`` of the person may not be texted now (a key of ``REASONS``), or None.
    The phone's own reasons first (they say the most), then the person's."""
    phone = db.session.scalar(
        select(PersonPhone).where(PersonPhone.person_id == person_id, PersonPhone.number == number)
    )
    if phone is None:
        return "no_phone"
    if phone.do_not_contact:
        return "opted_out"
    if phone.kind == "landline" or is_fixed_line(number):
        return "landline"
    if consent_required and not phone.sms_consent:
        return "no_consent"
    contactable = db.session.scalar(
        select(Person.id).where(Person.id == person_id, may_contact(Channel.TEXT))
    )
    return None if contactable is not None else "not_contactable"


def check_textable(person_id: int, number: str, *, consent_required: bool) -> None:
    """Raise ``NotTextable`` (409) naming the reason when the number may not be texted."""
    reason = refusal(person_id, number, consent_required=consent_required)
    if reason is not None:
        raise NotTextable(REASONS[reason], fields={"reason": [reason]})


def check_daytime(number: str, organization_id: int, now: datetime) -> None:
    """Raise ``QuietHours`` (409) with the time it may be sent, in the recipient's quiet
    hours."""
    after = send_after(number, organization_id, now)
    if after is not None:
        raise QuietHours(
            "It is quiet hours where this person lives: texts go from 8am to 9pm their time.",
            fields={"send_after": [after.isoformat()]},
        )


def consenting_phone(person: Person) -> PersonPhone | None:
    """The phone a text nobody presses send for goes to: the primary first, of those that
    agreed to texts and may take them."""
    phones = sorted(person.phones, key=lambda phone: (not phone.is_primary, phone.id))
    for phone in phones:
        if refusal(person.id, phone.number, consent_required=True) is None:
            return phone
    return None
