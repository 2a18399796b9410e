"""The triggers a rule can start from. Each is a signal of ``app.core.signals`` and a function
turning what the signal says into ``TriggerEvent``s; ``@trigger`` registers it and connects it.
A signal another room has not added yet (a donation, an email click) leaves its trigger
listed as not available, and it starts working the day the signal is there: adding a trigger
changes nothing in the engine.

- ``contact``: door knocks synced, a text thread's result and answers (``contacts_recorded``);
  params: ``kinds``, ``results``, ``answers`` ({"support": ["1", "2"], "volunteer": ["yes"]}:
  every question given must have one of its answers).
- ``signup``, ``attended``, ``missed``: a place taken on a shift, a check-in, a no-show;
  params: ``event_ids`` (none: any event).
- ``donation``: ``donation_recorded`` (sender: the Donation); params: ``min_cents``.
- ``email_click``: ``email_clicked`` (sender: the Person; keywords ``click_id``,
  ``email_campaign_id``, ``url``, ``occurred_at``); params: ``email_campaign_ids``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import marshmallow as ma

from app.automation.entry import enter
from app.automation.registry import TriggerEvent, TriggerKind, register_trigger
from app.canvass.schemas import CODE, ID
from app.core import signals
from app.core.schemas import StrictSchema
from app.events.models import Event
from app.extensions import db
from app.people.models import InteractionKind

log = logging.getLogger(__name__)

Events = Callable[..., list[TriggerEvent]]


def trigger(
    name: str,
    *,
    signal: str,
    params: type[ma.Schema],
    matches: Callable[[Mapping[str, Any], Mapping[str, Any]], bool],
    description: str,
    fields: tuple[str, ...] = (),
) -> Callable[[Events], Events]:
    """Register the trigger ``name`` told by ``signal``; connect it when the signal exists."""

    def register(events_of: Events) -> Events:
        kind = register_trigger(TriggerKind(name, description, signal, params, matches,
                                            events_of, frozenset(fields)))  # fmt: skip
        told = getattr(signals, signal, None)
        if told is not None:

            def receive(sender: Any, **kwargs: Any) -> int:
                # What happened stands whatever becomes of the rules (a sync, a check-in).
                try:
                    with db.session.begin_nested():
                        return enter(kind, events_of(sender, **kwargs))
                except Exception:
                    log.exception("follow-up rules missed a %s event", kind.name)
                    return 0

            told.connect(receive, weak=False)  # a closure: only the signal holds it
        return events_of

    return register


def _any_of(values: list | None, value: Any) -> bool:
    return not values or value in values


# Contacts: door knocks and text threads --------------------------------------------------


class ContactParams(StrictSchema):
    kinds = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(("door_knock", "text"))),
        validate=ma.validate.Length(max=2),
    )
    results = ma.fields.List(ma.fields.String(validate=CODE), validate=ma.validate.Length(max=50))
    answers = ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.Regexp(r"^[a-z][a-z0-9_]{0,59}$")),
        values=ma.fields.List(ma.fields.String(validate=ma.validate.Length(min=1, max=100)),
                              validate=ma.validate.Length(min=1, max=50)),
        validate=ma.validate.Length(max=20),
        metadata={"description": "question -> answers, one of which each must have"},
    )  # fmt: skip


def _contact_matches(params: Mapping[str, Any], facts: Mapping[str, Any]) -> bool:
    if not _any_of(params.get("kinds"), facts["kind"]):
        return False
    if not _any_of(params.get("results"), facts["result"]):
        return False
    for question, wanted in (params.get("answers") or {}).items():
        given = facts["answers"].get(question)
        values = given if isinstance(given, list) else [given]
        if not any(value in wanted for value in values):
            return False
    return True


@trigger("contact", signal="contacts_recorded", params=ContactParams, matches=_contact_matches,
         description="A door knock or a text thread's result and answers (support 1-2 and "
         "will volunteer yes)", fields=("result",))  # fmt: skip
def _contacts(organization_id: int, *, contacts: list[dict[str, Any]]) -> list[TriggerEvent]:
    return [
        TriggerEvent(organization_id, contact["person_id"],
                     f"interaction:{contact['interaction_id']}", contact["occurred_at"],
                     {"interaction_id": contact["interaction_id"],
                      "kind": InteractionKind(contact["kind"]).value, "result": contact["result"],
                      "answers": dict(contact["answers"] or {})})
        for contact in contacts
    ]  # fmt: skip


# Events: sign-ups, attendance, no-shows -------------------------------------------------


class EventParams(StrictSchema):
    event_ids = ma.fields.List(ma.fields.Integer(validate=ID), validate=ma.validate.Length(max=100))


def _event_matches(params: Mapping[str, Any], facts: Mapping[str, Any]) -> bool:
    return _any_of(params.get("event_ids"), facts["event_id"])


def _signup_event(prefix: str, person: Any, signup: Any) -> list[TriggerEvent]:
    shift = signup.shift
    event = db.session.get(Event, shift.event_id)
    facts = {"signup_id": signup.id, "event_id": event.id, "shift_id": shift.id,
             "event_name": event.name, "status": str(signup.status)}  # fmt: skip
    return [TriggerEvent(person.organization_id, person.id, f"{prefix}:{signup.id}",
                         datetime.now(UTC), facts)]  # fmt: skip


_EVENT_FIELDS = ("event_name",)


@trigger("signup", signal="signup_created", params=EventParams, matches=_event_matches,
         description="A place taken on a shift (a form, an organiser, a walk-in)",
         fields=_EVENT_FIELDS)  # fmt: skip
def _signed_up(person: Any, *, signup: Any) -> list[TriggerEvent]:
    return _signup_event("signup", person, signup)


@trigger("attended", signal="shift_attended", params=EventParams, matches=_event_matches,
         description="Checked in to a shift", fields=_EVENT_FIELDS)  # fmt: skip
def _attended(person: Any, *, signup: Any) -> list[TriggerEvent]:
    return _signup_event("attended", person, signup)


@trigger("missed", signal="shift_missed", params=EventParams, matches=_event_matches,
         description="A no-show: had a seat on a shift, did not come",
         fields=_EVENT_FIELDS)  # fmt: skip
def _missed(person: Any, *, signup: Any) -> list[TriggerEvent]:
    return _signup_event("missed", person, signup)


# Money and email (signals other rooms send) ---------------------------------------------


class DonationParams(StrictSchema):
    min_cents = ma.fields.Integer(validate=ma.validate.Range(min=1, max=10**11))


@trigger("donation", signal="donation_recorded", params=DonationParams,
         matches=lambda params, facts: facts["amount_cents"] >= params.get("min_cents", 1),
         description="A donation landed on its donor", fields=("amount",))  # fmt: skip
def _donated(donation: Any, **_: Any) -> list[TriggerEvent]:
    if getattr(donation, "person_id", None) is None:  # anonymous: nobody to follow up
        return []
    cents = donation.amount_cents
    facts = {"donation_id": donation.id, "amount_cents": cents, "amount": f"${cents / 100:,.2f}"}
    return [TriggerEvent(donation.organization_id, donation.person_id, f"donation:{donation.id}",
                         datetime.now(UTC), facts)]  # fmt: skip


class EmailClickParams(StrictSchema):
    email_campaign_ids = ma.fields.List(ma.fields.Integer(validate=ID),
                                        validate=ma.validate.Length(max=100))  # fmt: skip


@trigger("email_click", signal="email_clicked", params=EmailClickParams,
         matches=lambda params, facts: _any_of(params.get("email_campaign_ids"),
                                               facts.get("email_campaign_id")),
         description="Clicked a link in a campaign email")  # fmt: skip
def _clicked(person: Any, **told: Any) -> list[TriggerEvent]:
    facts = {"email_campaign_id": told.get("email_campaign_id"), "url": told.get("url")}
    return [TriggerEvent(person.organization_id, person.id, f"click:{told['click_id']}",
                         told.get("occurred_at") or datetime.now(UTC), facts)]  # fmt: skip
