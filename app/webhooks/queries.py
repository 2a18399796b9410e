"""Reads: a campaign's subscriptions, each one's deliveries and their attempts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select

from app.core.errors import NotFound
from app.core.pagination import Page, paginate
from app.extensions import db
from app.webhooks.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)


def get_subscription(organization_id: int, subscription_id: int) -> WebhookSubscription:
    subscription = db.session.get(WebhookSubscription, subscription_id)
    if subscription is None or subscription.organization_id != organization_id:
        raise NotFound("No such webhook subscription.", code="webhook_not_found")
    return subscription


def list_subscriptions(organization_id: int, args: Mapping[str, Any]) -> Page:
    stmt = select(WebhookSubscription).where(WebhookSubscription.organization_id == organization_id)
    page = paginate(
        stmt,
        args,
        sortable={"name": WebhookSubscription.name},
        default_order=[WebhookSubscription.id],
    )
    counts = _waiting([s.id for s in page.items])
    for subscription in page.items:
        subscription.waiting = counts.get(subscription.id, 0)
    return page


def _waiting(subscription_ids: list[int]) -> dict[int, int]:
    if not subscription_ids:
        return {}
    rows = db.session.execute(
        select(WebhookDelivery.subscription_id, func.count())
        .where(
            WebhookDelivery.subscription_id.in_(subscription_ids),
            WebhookDelivery.status.in_([DeliveryStatus.PENDING, DeliveryStatus.SENDING]),
        )
        .group_by(WebhookDelivery.subscription_id)
    ).all()
    return dict(rows)


def list_deliveries(subscription: WebhookSubscription, args: Mapping[str, Any]) -> Page:
    """The subscription's deliveries, newest first, each with its attempts."""
    stmt = select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription.id)
    if args.get("status"):
        stmt = stmt.where(WebhookDelivery.status == args["status"])
    page = paginate(stmt, args, sortable={}, default_order=[WebhookDelivery.id.desc()])
    ids = [delivery.id for delivery in page.items]
    types = dict(
        db.session.execute(
            select(WebhookEvent.id, WebhookEvent.type).where(
                WebhookEvent.id.in_([delivery.event_id for delivery in page.items])
            )
        ).all()
    )
    attempts: dict[int, list[WebhookAttempt]] = {}
    for attempt in db.session.scalars(
        select(WebhookAttempt)
        .where(WebhookAttempt.delivery_id.in_(ids))
        .order_by(WebhookAttempt.id)
    ):
        attempts.setdefault(attempt.delivery_id, []).append(attempt)
    for delivery in page.items:
        delivery.event_type = types.get(delivery.event_id)
        delivery.attempt_log = attempts.get(delivery.id, [])
    return page
