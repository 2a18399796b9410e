"""A subscriber failing for a day is paused, and the campaign's admins are told by email
(the outbox delivers it after the commit)."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select

from app.accounts.models import User
from app.audit.operations import record_audit
from app.auth.permissions import Role
from app.extensions import db
from app.outreach.models import Channel
from app.outreach.operations import queue_message
from app.webhooks.models import SubscriptionStatus, WebhookSubscription


def pause_failing(subscription: WebhookSubscription, now: datetime, reason: str) -> int:
    """Pause ``subscription`` and email each active admin; returns how many were told."""
    subscription.status = SubscriptionStatus.PAUSED
    subscription.paused_at = now
    subscription.paused_reason = f"Failing for a day: {reason}"[:300]
    record_audit(
        "webhook.paused",
        entity=subscription,
        changes={"status": {"from": "active", "to": "paused"}, "reason": reason},
    )
    admins = db.session.scalars(
        select(User.email).where(
            User.organization_id == subscription.organization_id,
            User.role == Role.ADMIN,
            User.is_active,
        )
    ).all()
    console = current_app.config["DOORSTEP_PUBLIC_URL"].rstrip("/") + "/console#/webhooks"
    body = (
        f'The webhook subscription "{subscription.name}" ({subscription.url}) has failed '
        f"every delivery for a day (last error: {reason}), so it is paused. Its events are kept "
        f"and wait.\n\nWhen the receiver works again, resume it in the console ({console}): "
        "what it missed is sent again, each event with its own id.\n"
    )
    for email in admins:
        queue_message(
            organization_id=subscription.organization_id,
            channel=Channel.EMAIL,
            recipient=email,
            subject=f"Webhook paused: {subscription.name}",
            body=body,
            kind="webhook_paused",
        )
    return len(admins)
