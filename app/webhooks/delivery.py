"""Sending the outbox: a periodic task of the worker (``@periodic_task("webhooks")``).

Each turn claims the due deliveries (``FOR UPDATE SKIP LOCKED``, so several workers share
them), marks them ``sending`` with a lease and commits; posts them from a few threads (no
transaction is open while a receiver thinks); then logs each attempt and commits again. A
worker that dies between the two commits leaves its deliveries ``sending``: when the lease is
over they are claimed and sent again, with the same event id, so a receiver that keeps the ids
it has seen takes each event once and nothing is lost.

A failure is tried again after 30 s, 1, 2, 4 ... minutes (at most 4 hours apart, each wait
somewhere in its upper half: jitter, so failed receivers are not hit all at once) until a day
after the event. A delivery still failing then is given up; when its subscription has had no
success for that day either, the subscription is paused and the campaign's admins are emailed.
"""

from __future__ import annotations

import http.client
import logging
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import or_, select

from app.core.tasks import periodic_task
from app.core.transactions import commit
from app.extensions import db
from app.webhooks import notices
from app.webhooks.models import (
    DeliveryStatus,
    SubscriptionStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from app.webhooks.signing import ID_HEADER, SIGNATURE_HEADER, TYPE_HEADER, signature_header
from app.webhooks.targets import TargetRefused, post

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=4)
USER_AGENT = "Doorstep-Webhooks/1"
_random = secrets.SystemRandom()


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure: doubling from 30 s, capped at 4 hours, drawn
    from the upper half of that (equal jitter)."""
    full = min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)
    return full / 2 + full / 2 * _random.random()


@dataclass(frozen=True)
class Claimed:
    delivery_id: int
    event_id: str
    event_type: str
    url: str
    secret: str
    body: str


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status_code: int | None
    response_body: str
    error: str | None
    duration_ms: int


def claim(now: datetime, limit: int, lease: timedelta) -> list[Claimed]:
    """The due deliveries of active subscriptions, marked ``sending`` until ``now + lease``."""
    rows = db.session.execute(
        select(
            WebhookDelivery,
            WebhookSubscription.url,
            WebhookSubscription.secret,
            WebhookEvent.type,
            WebhookEvent.body,
        )
        .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
        .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
        .where(WebhookSubscription.status == SubscriptionStatus.ACTIVE)
        .where(
            or_(
                (WebhookDelivery.status == DeliveryStatus.PENDING)
                & (WebhookDelivery.next_attempt_at <= now),
                (WebhookDelivery.status == DeliveryStatus.SENDING)
                & (WebhookDelivery.lease_until <= now),
            )
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
        .with_for_update(of=WebhookDelivery, skip_locked=True)
    ).all()
    claimed = []
    for delivery, url, secret, event_type, body in rows:
        delivery.status = DeliveryStatus.SENDING
        delivery.lease_until = now + lease
        delivery.attempts += 1
        claimed.append(Claimed(delivery.id, str(delivery.event_id), event_type, url, secret, body))
    db.session.flush()
    return claimed


def send_one(item: Claimed, config: dict[str, Any]) -> Outcome:
    """POST one delivery, signed; never raises (a failure is an outcome)."""
    body = item.body.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        ID_HEADER: item.event_id,
        TYPE_HEADER: item.event_type,
        # Wall-clock time: what the receiver compares with its own clock.
        SIGNATURE_HEADER: signature_header(item.secret, int(time.time()), body),
    }
    started = time.monotonic()
    try:
        response = post(
            item.url,
            body,
            headers,
            timeout=config["timeout"],
            allow_private=config["allow_private"],
        )
    except (TargetRefused, OSError, http.client.HTTPException, ValueError) as exc:
        error = str(exc) or type(exc).__name__
        if isinstance(exc, TimeoutError):
            error = f"timed out after {config['timeout']} s"
        return Outcome(False, None, "", error[:300], _ms(started))
    ok = 200 <= response.status < 300
    return Outcome(
        ok, response.status, response.body, None if ok else f"HTTP {response.status}", _ms(started)
    )


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def record(item: Claimed, outcome: Outcome, now: datetime) -> None:
    """Log the attempt; delivered, or due again after the backoff, or given up after a day."""
    delivery = db.session.get(WebhookDelivery, item.delivery_id, with_for_update=True)
    if delivery is None or delivery.status is not DeliveryStatus.SENDING:
        return  # deleted with its subscription meanwhile
    db.session.add(
        WebhookAttempt(
            organization_id=delivery.organization_id,
            delivery_id=delivery.id,
            attempted_at=now,
            duration_ms=outcome.duration_ms,
            ok=outcome.ok,
            status_code=outcome.status_code,
            response_body=outcome.response_body[:1000],
            error=outcome.error,
        )
    )
    subscription = db.session.get(WebhookSubscription, delivery.subscription_id)
    delivery.lease_until = None
    delivery.last_status_code = outcome.status_code
    delivery.last_error = outcome.error
    if outcome.ok:
        delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, now
        subscription.last_success_at = now
        return
    subscription.last_failure_at = now
    if now >= delivery.give_up_at:
        delivery.status = DeliveryStatus.FAILED
        failing_since = now - (delivery.give_up_at - delivery.created_at)
        if subscription.status is SubscriptionStatus.ACTIVE and (
            subscription.last_success_at is None or subscription.last_success_at < failing_since
        ):
            notices.pause_failing(subscription, now, outcome.error or "failed")
        return
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = min(now + retry_delay(delivery.attempts), delivery.give_up_at)


def delivery_config() -> dict[str, Any]:
    config = current_app.config
    return {
        "timeout": config["DOORSTEP_WEBHOOK_TIMEOUT_SECONDS"],
        "concurrency": config["DOORSTEP_WEBHOOK_CONCURRENCY"],
        "allow_private": config["DOORSTEP_WEBHOOK_ALLOW_PRIVATE"],
    }


def deliver_due(now: datetime, budget_seconds: float = 20.0) -> dict[str, int]:
    """Claim, send and record batches until none is due or the budget is spent."""
    config = delivery_config()
    lease = timedelta(seconds=config["timeout"] * 2 + 30)
    started = time.monotonic()
    counts = {"delivered": 0, "failed": 0}
    with ThreadPoolExecutor(max_workers=config["concurrency"]) as pool:
        while time.monotonic() - started < budget_seconds:
            claimed = claim(now, config["concurrency"] * 4, lease)
            commit()
            if not claimed:
                break
            outcomes = list(pool.map(lambda item: send_one(item, config), claimed))
            for item, outcome in zip(claimed, outcomes, strict=True):
                record(item, outcome, now)
                counts["delivered" if outcome.ok else "failed"] += 1
            commit()
    return counts


@periodic_task("webhooks", every=timedelta(seconds=5))
def run_webhooks(now: datetime) -> dict[str, int]:
    return deliver_due(now)
