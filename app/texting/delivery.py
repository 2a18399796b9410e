"""A text on its way: rendered for its person, priced in segments, queued in the outbox (sent
after the commit by the SMS sender) and written on the person's history.

Every text texting sends (a texter's tap, a broadcast, a follow-up rule's) comes through
``queue_text``; what may be sent, and when, is ``app.texting.compliance``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from flask import current_app

from app.accounts.models import Organization, User
from app.extensions import db
from app.mailings.merge import Target, person_fields
from app.outreach.models import Channel, OutboundMessage
from app.outreach.operations import queue_message
from app.outreach.templates import TemplateInvalid, check_template, merge_fields_in, render
from app.people.models import InteractionKind, Person
from app.people.operations import record_interaction
from app.texting import segments

OPT_OUT_LINE = "Reply STOP to opt out."

#: The merge fields a text may use: {{ first_name }}, {{ texter_name }} ...
#: The person's fields an email has too (``app.mailings.merge``): where they vote, who leads
#: their turf, the next event near them, what to ask them for.
PERSON_FIELDS = ("precinct", "polling_place", "next_event", "turf_captain", "ask_amount")
MERGE_FIELDS = frozenset(
    {"first_name", "last_name", "full_name", "texter_name", "campaign_name", "organization",
     *PERSON_FIELDS}
)  # fmt: skip


@dataclass(frozen=True)
class Price:
    segments: int
    encoding: str
    cost: Decimal


def price(body: str) -> Price:
    """Segments and cost of ``body`` (``DOORSTEP_SMS_SEGMENT_COST`` per segment)."""
    counted = segments.count(body)
    per_segment = current_app.config["DOORSTEP_SMS_SEGMENT_COST"]
    return Price(counted.segments, counted.encoding, segments.cost(counted.segments, per_segment))


def with_opt_out(body: str) -> str:
    """A first text tells how to stop them, unless it says so already."""
    if "STOP" in body.upper():
        return body
    return f"{body.rstrip()} {OPT_OUT_LINE}"


def check_text_template(source: str, *, field: str, allowed=MERGE_FIELDS) -> None:
    """A template that parses and uses only the merge fields a text has (naming ``field``)."""
    check_template(source, field=field)
    unknown = sorted(merge_fields_in(source) - set(allowed))
    if unknown:
        raise TemplateInvalid(
            f"Unknown merge field: {', '.join(unknown)}.",
            fields={field: [f"Merge fields: {', '.join(sorted(allowed))}."]},
        )


def merge_fields(
    person: Person,
    *,
    texter: User | None = None,
    campaign_name: str | None = None,
    template: str | None = None,
) -> dict[str, Any]:
    """The values a text template is rendered with; a blank one is left out, so a template
    printing it without a default is refused (``MissingMergeField``), never "Hi ,". With
    ``template``, the person's fields read from the campaign's data (precinct, next event
    ...) only when it uses them: a texter's tap then costs five queries fewer."""
    organization = db.session.get(Organization, person.organization_id)
    fields = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "full_name": person.full_name,
        "texter_name": texter.name.split()[0] if texter is not None and texter.name else None,
        "campaign_name": campaign_name,
        "organization": organization.name if organization is not None else None,
    }
    wanted = PERSON_FIELDS if template is None else _used(template) & set(PERSON_FIELDS)
    if wanted:
        theirs = person_fields([Target(0, person.id, "")]).get(person.id, {})
        fields.update({key: theirs.get(key) for key in wanted})
    return {key: value for key, value in fields.items() if value}


@lru_cache(maxsize=256)
def _used(template: str) -> frozenset[str]:
    return frozenset(merge_fields_in(template))


def render_text(source: str, fields: dict[str, Any], *, field: str = "body") -> str:
    return render(source, fields, field=field).strip()


def queue_text(
    person: Person,
    number: str,
    body: str,
    *,
    kind: str,
    now: datetime,
    data: dict[str, Any],
    user_id: int | None = None,
) -> OutboundMessage:
    """Queue ``body`` to ``number`` and write it on the person's history (who sent it, why:
    ``data`` names the conversation or the rule)."""
    message = queue_message(organization_id=person.organization_id, channel=Channel.SMS,
                            recipient=number, body=body, kind=kind)  # fmt: skip
    db.session.flush()
    record_interaction(
        person, InteractionKind.TEXT, user_id=user_id, occurred_at=now, result="sent",
        summary=body[:300],
        data={**data, "channel": Channel.SMS.value, "message_id": message.id,
              "message_kind": kind, "number": number, "direction": "outbound",
              "segments": price(body).segments},
    )  # fmt: skip
    return message
