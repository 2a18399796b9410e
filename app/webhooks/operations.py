"""Verbs on a campaign's webhook subscriptions. They flush; the caller commits."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy import update

from app.audit.operations import record_audit
from app.core.actor import Actor
from app.core.errors import Conflict, ValidationError
from app.extensions import db
from app.webhooks.models import (
    DeliveryStatus,
    SubscriptionStatus,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from app.webhooks.outbox import EVENT_TYPES, RETRY_FOR, TEST_TYPE, queue_event
from app.webhooks.signing import new_secret
from app.webhooks.targets import check_url

MAX_SUBSCRIPTIONS = 20  # per campaign: each one multiplies every event


def _checked(fields: dict[str, Any]) -> dict[str, Any]:
    if "url" in fields:
        allow = current_app.config["DOORSTEP_WEBHOOK_ALLOW_PRIVATE"]
        fields["url"] = check_url(fields["url"], allow_private=allow)
    if "event_types" in fields:
        unknown = sorted(set(fields["event_types"]) - EVENT_TYPES.keys())
        if unknown or not fields["event_types"]:
            message = (
                f"Unknown event types: {', '.join(unknown)}."
                if unknown
                else "Subscribe to at least one event type."
            )
            raise ValidationError(message, fields={"event_types": [message]})
        fields["event_types"] = sorted(set(fields["event_types"]))
    return fields


def create_subscription(actor: Actor, fields: dict[str, Any]) -> tuple[WebhookSubscription, str]:
    """A subscription and its signing secret (returned once: the API shows it only now)."""
    fields = _checked(dict(fields))
    count = (
        db.session.query(WebhookSubscription)
        .filter_by(organization_id=actor.organization_id)
        .count()
    )
    if count >= MAX_SUBSCRIPTIONS:
        raise Conflict(
            f"A campaign has at most {MAX_SUBSCRIPTIONS} webhook subscriptions.",
            code="too_many_subscriptions",
        )
    secret = new_secret()
    subscription = WebhookSubscription(
        organization_id=actor.organization_id,
        name=fields["name"],
        url=fields["url"],
        event_types=fields["event_types"],
        secret=secret,
        created_by_id=actor.user_id,
    )
    db.session.add(subscription)
    db.session.flush()
    record_audit(
        "webhook.create",
        entity=subscription,
        changes={
            "name": fields["name"],
            "url": fields["url"],
            "event_types": fields["event_types"],
        },
    )
    return subscription, secret


def update_subscription(
    actor: Actor, subscription: WebhookSubscription, changes: dict[str, Any]
) -> WebhookSubscription:
    """Rename, point elsewhere, change the types; pausing by hand (``status``) too."""
    changes = _checked(dict(changes))
    summary = {}
    for name in ("name", "url", "event_types"):
        if name in changes and changes[name] != getattr(subscription, name):
            summary[name] = {"from": getattr(subscription, name), "to": changes[name]}
            setattr(subscription, name, changes[name])
    if changes.get("status") == SubscriptionStatus.PAUSED and (
        subscription.status is SubscriptionStatus.ACTIVE
    ):
        summary["status"] = {"from": "active", "to": "paused"}
        subscription.status = SubscriptionStatus.PAUSED
        subscription.paused_at = datetime.now(UTC)
        subscription.paused_reason = "Paused by an admin."
    elif changes.get("status") == SubscriptionStatus.ACTIVE:
        return resume_subscription(actor, subscription)
    if summary:
        record_audit("webhook.update", entity=subscription, changes=summary)
    db.session.flush()
    return subscription


def delete_subscription(actor: Actor, subscription: WebhookSubscription) -> None:
    record_audit(
        "webhook.delete",
        entity=subscription,
        changes={"name": subscription.name, "url": subscription.url},
    )
    db.session.delete(subscription)
    db.session.flush()


def resume_subscription(actor: Actor, subscription: WebhookSubscription) -> WebhookSubscription:
    """Active again: what waited is sent, and what was given up is tried again for a day."""
    now = datetime.now(UTC)
    requeued = db.session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.subscription_id == subscription.id,
            WebhookDelivery.status.in_([DeliveryStatus.FAILED, DeliveryStatus.PENDING]),
        )
        .values(
            status=DeliveryStatus.PENDING,
            next_attempt_at=now,
            give_up_at=now + RETRY_FOR,
            created_at=now,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    was = subscription.status
    subscription.status = SubscriptionStatus.ACTIVE
    subscription.paused_at = subscription.paused_reason = None
    record_audit(
        "webhook.resume",
        entity=subscription,
        changes={"status": {"from": str(was), "to": "active"}, "requeued": requeued},
    )
    db.session.flush()
    return subscription


def send_test_event(actor: Actor, subscription: WebhookSubscription) -> WebhookEvent:
    """A ``webhook.test`` event to this subscription only; the worker sends it like any other."""
    data = {"message": "A test event from Doorstep.", "subscription": subscription.name}
    event = queue_event(
        db.session(),
        subscription.organization_id,
        TEST_TYPE,
        None,
        data,
        [subscription.id],
        datetime.now(UTC),
    )
    record_audit("webhook.test", entity=subscription, changes={"event_id": str(event.id)})
    return event
