"""The outbox does not grow for ever: events older than 30 days go, with their deliveries and
attempts (a subscription paused for a month loses what is older than that: docs/webhooks.md)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select

from app.core.tasks import periodic_task
from app.extensions import db
from app.webhooks.models import WebhookEvent

KEEP = timedelta(days=30)
BATCH = 5000  # rows per statement: a month of a busy campaign is cleared over a few turns


@periodic_task("webhook-cleanup", every=timedelta(hours=1))
def delete_old_events(now: datetime) -> dict[str, int]:
    old = select(WebhookEvent.id).where(WebhookEvent.occurred_at < now - KEEP).limit(BATCH)
    deleted = db.session.execute(
        delete(WebhookEvent)
        .where(WebhookEvent.id.in_(old))
        .execution_options(synchronize_session=False)
    ).rowcount
    return {"deleted": deleted}
