"""The outbox: what happened is written in the same transaction as the change.

Receivers of the lower rooms' signals (``connect_receivers``) only note what happened in the
session (``session.info``); just before the session commits, ``write_outbox`` renders each
noted resource once, as it is at the commit (a person made and then given an email in one
request is one ``person.created`` with the email), and inserts the event and one delivery per
subscription that wants it. A rollback drops the notes with the transaction. Nothing is
written for a campaign with no subscription to the type: the cost of a change nobody listens
to is one small query per commit.

Bulk imports: a voter-file import writes no events at all (millions of rows; subscribers read
``modified_date`` through the API instead); a donations import writes one
``donations.imported`` event per thousand gifts, with their identifiers.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.knocks.models import DoorKnock
from app.people.models import Person
from app.webhooks import bodies
from app.webhooks.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)

#: What a subscription may ask for, and what each means.
EVENT_TYPES: dict[str, str] = {
    "person.created": "A person was added (an organiser, a form, a door, a donor).",
    "person.updated": "A person's fields or contact points were edited.",
    "knock.synced": "A door knock arrived from a phone or a keyed paper sheet.",
    "donation.created": "A contribution landed on its donor.",
    "donations.imported": "A donations import added gifts (one event per thousand).",
    "signup.created": "A person took a place on an event's shift.",
    "signup.updated": "A sign-up's status changed (cancelled, confirmed, attended, no-show).",
    "optout.created": "A person said no on a channel (STOP, unsubscribe, do-not-contact).",
}
TEST_TYPE = "webhook.test"
IMPORT_CHUNK = 1000
MAX_BODY_BYTES = 256 * 1024
RETRY_FOR = timedelta(days=1)
_KEY = "webhook_notes"


def note(session: Session, organization_id: int, type_: str, key: Any, render: Callable) -> None:
    """Remember that ``type_`` happened to ``key`` (once per transaction); ``render()`` gives
    its body at the commit, or None when there is nothing left to say (rolled back since)."""
    notes = session.info.setdefault(_KEY, {})
    notes.setdefault((organization_id, type_, key), render)


def _wanted(session: Session, organization_ids: set[int]) -> dict[tuple[int, str], list[int]]:
    """(campaign, type) -> the subscriptions that take it (paused ones too: their events wait)."""
    rows = session.execute(
        select(
            WebhookSubscription.id,
            WebhookSubscription.organization_id,
            WebhookSubscription.event_types,
        ).where(WebhookSubscription.organization_id.in_(organization_ids))
    ).all()
    wanted: dict[tuple[int, str], list[int]] = {}
    for subscription_id, organization_id, types in rows:
        for type_ in types:
            wanted.setdefault((organization_id, type_), []).append(subscription_id)
    return wanted


def _created(type_: str) -> str:
    return type_.removesuffix(".updated") + ".created"


def write_outbox(session: Session) -> int:
    """Render the noted events and queue their deliveries, in this transaction. Returns how
    many events it wrote."""
    notes = session.info.pop(_KEY, None)
    if not notes:
        return 0
    wanted = _wanted(session, {organization_id for organization_id, _, _ in notes})
    now = datetime.now(UTC)
    written = 0
    for (organization_id, type_, key), render in notes.items():
        subscription_ids = wanted.get((organization_id, type_))
        if not subscription_ids:
            continue
        if type_.endswith(".updated") and (organization_id, _created(type_), key) in notes:
            continue  # made and changed in one transaction: the creation, as it is now
        rendered = render()
        if rendered is None:
            continue
        resource_id, data = rendered
        queue_event(session, organization_id, type_, resource_id, data, subscription_ids, now)
        written += 1
    return written


def _body(event_id: uuid.UUID, type_: str, now: datetime, data: dict[str, Any]) -> str:
    body = {"id": str(event_id), "type": type_, "time": now.isoformat(), "data": data}
    return json.dumps(body, separators=(",", ":"), default=str)


def queue_event(
    session: Session,
    organization_id: int,
    type_: str,
    resource_id: int | None,
    data: dict[str, Any],
    subscription_ids: list[int],
    now: datetime,
) -> WebhookEvent:
    """An event with its body (id, type, time, data) and a delivery to each subscription."""
    event_id = uuid.uuid4()
    body = _body(event_id, type_, now, data)
    if len(body.encode()) > MAX_BODY_BYTES:
        # Custom fields can hold anything: past the limit, the identifiers only (the receiver
        # reads the rest through the API) and says so.
        data = {"identifiers": data.get("identifiers"), "doorstep:truncated": True}
        body = _body(event_id, type_, now, data)
    event = WebhookEvent(
        id=event_id,
        organization_id=organization_id,
        type=type_,
        resource_id=resource_id,
        occurred_at=now,
        body=body,
    )
    session.add(event)
    session.flush()
    session.add_all(
        WebhookDelivery(
            organization_id=organization_id,
            event_id=event_id,
            subscription_id=subscription_id,
            status=DeliveryStatus.PENDING,
            next_attempt_at=now,
            give_up_at=now + RETRY_FOR,
        )
        for subscription_id in subscription_ids
    )
    session.flush()
    return event


# ---- what each noted resource says at the commit ----


def render_person(session: Session, person: Person) -> Callable:
    def render():
        if person.id is None or session.get(Person, person.id) is None:
            return None
        return person.id, bodies.person_body(person)

    return render


def render_row(session: Session, model: type, row_id: int, body: Callable) -> Callable:
    def render():
        row = session.get(model, row_id)
        return None if row is None else (row_id, body(row))

    return render


def render_knock(session: Session, knock_id: int) -> Callable:
    def render():
        knock = session.get(DoorKnock, knock_id)
        if knock is None:
            return None
        people = []
        if knock.household_id is not None:
            people = list(
                session.scalars(
                    select(Person.id)
                    .where(
                        Person.household_id == knock.household_id, Person.merged_into_id.is_(None)
                    )
                    .order_by(Person.id)
                )
            )
        return knock_id, bodies.knock_body(knock, people)

    return render


def render_optout(person: Person, refusal: dict[str, Any]) -> Callable:
    def render():
        return (None, bodies.optout_body(person, refusal)) if person.id is not None else None

    return render
