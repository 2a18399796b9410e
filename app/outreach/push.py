"""Web Push (RFC 8030) to the canvassing app: VAPID keys (RFC 8292), subscriptions, and the
notifications a canvasser gets when a list is handed to them or changes.

A notification is an outbox message per subscription (channel ``push``), sent after the
request commits like every other message; the sender encrypts it (aes128gcm, RFC 8291) with
pywebpush. A subscription the push service reports gone (404, 410) is deleted.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert

from app.core.actor import Actor
from app.extensions import db
from app.outreach.models import Channel, PushSubscription
from app.outreach.operations import queue_message


class PushUser(Protocol):
    """Who owns a subscription: an ``app.accounts`` User (accounts is a room above outreach)."""

    id: int
    organization_id: int


def subscribe(actor: Actor, fields: dict[str, Any], user_agent: str) -> PushSubscription:
    """Keep this browser's subscription for the acting user (a phone handed to another
    canvasser moves with its new owner)."""
    values = {
        "organization_id": actor.organization_id,
        "user_id": actor.user_id,
        "endpoint": fields["endpoint"],
        "p256dh": fields["keys"]["p256dh"],
        "auth": fields["keys"]["auth"],
        "user_agent": user_agent[:300],
    }
    statement = insert(PushSubscription).values(values)
    subscription_id = db.session.scalar(
        statement.on_conflict_do_update(
            index_elements=["endpoint"],
            set_={k: statement.excluded[k] for k in values if k != "endpoint"},
        ).returning(PushSubscription.id)
    )
    return db.session.get(PushSubscription, subscription_id, populate_existing=True)


def unsubscribe(actor: Actor, endpoint: str) -> bool:
    """Turn notifications off for this browser; False when it was not subscribed."""
    gone = db.session.execute(
        delete(PushSubscription)
        .where(PushSubscription.user_id == actor.user_id, PushSubscription.endpoint == endpoint)
        .returning(PushSubscription.id)
    ).all()
    return bool(gone)


def subscriptions_of(user: PushUser) -> list[PushSubscription]:
    return list(
        db.session.scalars(
            select(PushSubscription)
            .where(PushSubscription.user_id == user.id)
            .order_by(PushSubscription.id)
        )
    )


def notify(organization_id: int, user_ids: list[int], kind: str, title: str, body: str,
           url: str) -> int:  # fmt: skip
    """Queue a notification to every subscribed browser of these users; returns how many."""
    if not user_ids:
        return 0
    subscriptions = db.session.scalars(
        select(PushSubscription)
        .where(
            PushSubscription.organization_id == organization_id,
            PushSubscription.user_id.in_(sorted(set(user_ids))),
        )
        .order_by(PushSubscription.id)
    ).all()
    payload = json.dumps({"title": title, "body": body, "url": url, "kind": kind,
                          "sent_at": datetime.now(UTC).isoformat()})  # fmt: skip
    for subscription in subscriptions:
        queue_message(
            organization_id=organization_id,
            channel=Channel.PUSH,
            recipient=str(subscription.id),
            body=payload,
            kind=kind,
            subject=title[:300],
        )
    return len(subscriptions)
