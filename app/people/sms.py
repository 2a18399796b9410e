"""Texts coming back: STOP and START keywords (from the provider's webhook, or its 21610 error)
change the phone's consent, and the change is written on the person's history; a STOP also
fails the texts to that number still waiting in the outbox. Every inbound text is then told
to the rooms above (``sms_received``): texting files it in its conversation and answers HELP.

Every campaign on this server texts from the same provider account, and a carrier's STOP
blocks that sender whoever wrote the text: an inbound STOP marks the number in every
campaign that has it. A 21610 on sending is about one message, so it marks that campaign's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy import select

from app.core.signals import sms_received, sms_recipient_stopped
from app.extensions import db
from app.outreach.operations import cancel_pending_texts
from app.people.consent import record_consent
from app.people.models import ConsentChannel, Interaction, InteractionKind, PersonPhone
from app.people.operations import record_interaction

#: CTIA's opt-out and opt-in keywords (carriers and Twilio honour the same).
STOP_WORDS = {"STOP", "STOPALL", "QUIT", "END", "REVOKE", "OPT OUT", "OPTOUT", "CANCEL",
              "UNSUBSCRIBE"}  # fmt: skip
#: Not "YES": the day-before text asks "still coming?", and a yes to that is no consent.
START_WORDS = {"START", "UNSTOP"}
#: Asking who is texting: answered with the campaign's name and contact (app.texting).
HELP_WORDS = {"HELP", "INFO"}


def keyword(body: str) -> str:
    return " ".join(body.upper().split()).strip(".!")


def opt_out_phone(
    number: str, *, organization_id: int | None = None, reason: str, now: datetime | None = None
) -> int:
    """Stop texting and calling ``number``; returns how many phones were marked."""
    return _set_opt_out(number, organization_id, opted_out=True, reason=reason, now=now)


@sms_recipient_stopped.connect
def _opt_out_stopped(number: str, *, organization_id: int | None, reason: str) -> None:
    """The provider refused a text because the number replied STOP (its error 21610)."""
    opt_out_phone(number, organization_id=organization_id, reason=reason)


def opt_in_phone(number: str, *, reason: str, now: datetime | None = None) -> int:
    """The person texted START: what their own STOP took back is given back. A phone marked
    do-not-contact for another reason (an organiser's, a hostile door) stays so, and a phone
    that never consented gains nothing."""
    return _set_opt_out(number, None, opted_out=False, reason=reason, now=now)


def _stopped_by_text(phone: PersonPhone, number: str) -> bool:
    last = db.session.scalar(
        select(Interaction.result)
        .where(Interaction.person_id == phone.person_id, Interaction.kind == InteractionKind.TEXT)
        .where(Interaction.data["number"].astext == number)
        .where(Interaction.result.in_(("opted_out", "opted_in")))
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
        .limit(1)
    )
    return last == "opted_out"


def _set_opt_out(
    number: str,
    organization_id: int | None,
    *,
    opted_out: bool,
    reason: str,
    now: datetime | None = None,
) -> int:
    query = select(PersonPhone).where(PersonPhone.number == number)
    if organization_id is not None:
        query = query.where(PersonPhone.organization_id == organization_id)
    now = now or datetime.now(UTC)
    phones = db.session.scalars(query.order_by(PersonPhone.id).with_for_update()).all()
    if not opted_out:
        phones = [phone for phone in phones if _stopped_by_text(phone, number)]
    if opted_out:
        cancel_pending_texts(number, organization_id=organization_id, reason=reason)
    for phone in phones:
        # Through the one consent operation: the flags every list reads, and the history.
        record_consent(
            phone.person, ConsentChannel.SMS, granted=not opted_out, contact=number,
            source="sms_stop" if opted_out else "sms_start", words=reason, now=now,
        )  # fmt: skip
        record_interaction(
            phone.person, InteractionKind.TEXT, occurred_at=now,
            result="opted_out" if opted_out else "opted_in", summary=reason[:300],
            data={"number": number, "direction": "inbound"},
        )  # fmt: skip
    db.session.flush()
    return len(phones)


def handle_inbound(form: Mapping[str, str], *, received_at: datetime | None = None) -> str:
    """Apply an inbound text's keyword, then tell the rooms above (``sms_received``); returns
    the keyword's meaning (stop, start, help) or "message". ``received_at`` is now, but for
    texts replayed with their own time (the demo's)."""
    number, body = form.get("From", ""), form.get("Body", "")
    received_at = received_at or datetime.now(UTC)
    word = keyword(body)
    meaning = None
    if word in STOP_WORDS:
        opt_out_phone(number, reason=f"Texted {word}: no more texts", now=received_at)
        meaning = "stop"
    elif word in START_WORDS:
        opt_in_phone(number, reason=f"Texted {word}: texts welcome again", now=received_at)
        meaning = "start"
    elif word in HELP_WORDS:
        meaning = "help"
    sms_received.send(number, body=body, keyword=meaning, received_at=received_at,
                      message_sid=form.get("MessageSid") or None)  # fmt: skip
    return meaning or "message"


def twilio_signature(auth_token: str, url: str, form: Mapping[str, str]) -> str:
    """Twilio's X-Twilio-Signature: HMAC-SHA1 over the URL and the sorted form fields."""
    payload = url + "".join(f"{key}{form[key]}" for key in sorted(form))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def is_signed(auth_token: str, url: str, form: Mapping[str, str], signature: str) -> bool:
    return hmac.compare_digest(twilio_signature(auth_token, url, form), signature)
