"""The worker delivers the outbox to a real receiver on 127.0.0.1: signed, each event taken
exactly once by its id through 500s, timeouts, a dead port and a crash between sending and
logging; the backoff schedule and the one-day pause by time travel (``now`` of the task).

Some tests wait out the receiver's 1.6 s answer against a 1 s timeout (said where)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.core.localdb import free_port
from app.core.tasks import run_task
from app.extensions import db
from app.outreach.models import OutboundMessage
from app.people.operations import create_person
from app.webhooks import delivery
from app.webhooks.delivery import FIRST_RETRY, LONGEST_WAIT
from app.webhooks.models import (
    DeliveryStatus,
    SubscriptionStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from app.webhooks.signing import signature_header, verify
from tests.webhooks.conftest import subscribe


def people(org, count: int) -> None:
    for n in range(count):
        create_person(org.id, {"first_name": f"P{n}", "last_name": "Webhook"})
    db.session.commit()


def deliveries() -> list[WebhookDelivery]:
    return list(
        db.session.scalars(
            select(WebhookDelivery)
            .order_by(WebhookDelivery.id)
            .execution_options(populate_existing=True)
        )
    )


def turn(now: datetime) -> dict[str, int]:
    """One turn of the worker's task at ``now``."""
    return run_task("webhooks", now)


def test_each_event_is_taken_once_through_failures(client, headers, receiver, org, admin):
    """Waits out one slow answer (1.6 s)."""
    subscribe(client, headers, receiver, ["person.created"])
    people(org, 3)
    receiver.plan = ["500", "slow", "500"]  # the first three posts fail, one of them late
    now = datetime.now(UTC)
    turn(now)
    assert {d.status for d in deliveries()} == {DeliveryStatus.PENDING}
    for _ in range(4):
        now += timedelta(minutes=5)
        turn(now)
    assert {d.status for d in deliveries()} == {DeliveryStatus.DELIVERED}
    receiver.settle()
    assert receiver.types() == ["person.created"] * 3  # each taken once
    assert receiver.bad_signatures == 0
    # Each came twice: two refused with a 500; the slow one was taken, but its answer came
    # too late, so it was sent again with the same id.
    assert sorted(receiver.arrivals.values()) == [2, 2, 2]
    attempts = db.session.scalars(select(WebhookAttempt).order_by(WebhookAttempt.id)).all()
    failed = [a for a in attempts if not a.ok]
    assert sorted(a.status_code or 0 for a in failed) == [0, 500, 500]
    assert {len(a.response_body) for a in failed if a.status_code == 500} == {1000}
    assert any(a.error == "timed out after 1 s" for a in failed)
    assert len(attempts) == 6
    assert db.session.get(WebhookSubscription, deliveries()[0].subscription_id).last_success_at


def test_a_dead_port_is_retried_on_the_backoff_schedule_then_paused_for_a_day(
    client, headers, org, admin, receiver
):
    dead = f"http://127.0.0.1:{free_port()}/hook"
    made = subscribe(client, headers, receiver, ["person.created"])
    client.patch(f"/api/v1/webhook-subscriptions/{made['id']}", headers=headers, json={"url": dead})
    people(org, 1)
    [first] = deliveries()
    start = first.next_attempt_at
    now, waits = start, []
    while True:
        turn(now)
        [row] = deliveries()
        if row.status is not DeliveryStatus.PENDING:
            break
        waits.append(row.next_attempt_at - now)
        now = row.next_attempt_at
    # Each wait in the upper half of 30 s, 1 min, 2 min ... 4 h; the last one cut at the day.
    for n, wait in enumerate(waits[:-1]):
        full = min(FIRST_RETRY * 2**n, LONGEST_WAIT)
        assert full / 2 <= wait <= full, (n, wait)
    assert row.status is DeliveryStatus.FAILED and now == row.give_up_at
    assert now - start == timedelta(days=1)
    assert 16 <= row.attempts <= 19
    assert "refused" in row.last_error.lower()
    subscription = db.session.get(WebhookSubscription, made["id"], populate_existing=True)
    assert subscription.status is SubscriptionStatus.PAUSED
    [told] = db.session.scalars(select(OutboundMessage).filter_by(kind="webhook_paused")).all()
    assert told.recipient == admin.email and "/console#/webhooks" in told.body

    # Paused: a new event waits, nothing is sent; resumed, everything goes, once each.
    client.patch(
        f"/api/v1/webhook-subscriptions/{made['id']}", headers=headers, json={"url": receiver.url}
    )
    people(org, 1)
    turn(now + timedelta(minutes=1))
    assert receiver.arrivals == {}
    listed = client.get("/api/v1/webhook-subscriptions", headers=headers).get_json()
    assert listed["items"][0]["status"] == "paused" and listed["items"][0]["waiting"] == 1
    resumed = client.post(f"/api/v1/webhook-subscriptions/{made['id']}/resume", headers=headers)
    assert resumed.status_code == 200 and resumed.get_json()["status"] == "active"
    turn(datetime.now(UTC) + timedelta(seconds=1))
    assert receiver.types() == ["person.created"] * 2
    assert set(receiver.arrivals.values()) == {1}


def test_one_bad_event_does_not_pause_a_receiver_that_works(client, headers, receiver, org):
    made = subscribe(client, headers, receiver, ["person.created"])
    people(org, 1)
    [row] = deliveries()
    # The receiver took other events an hour ago; this one fails until the day is out.
    db.session.get(WebhookSubscription, made["id"]).last_success_at = row.give_up_at - timedelta(
        hours=1
    )
    db.session.commit()
    receiver.plan = ["500"]
    turn(row.give_up_at)
    assert deliveries()[0].status is DeliveryStatus.FAILED
    subscription = db.session.get(WebhookSubscription, made["id"], populate_existing=True)
    assert subscription.status is SubscriptionStatus.ACTIVE


def test_a_crash_between_sending_and_logging_sends_the_same_id_again_and_loses_nothing(
    client, headers, receiver, org, monkeypatch
):
    subscribe(client, headers, receiver, ["person.created"])
    people(org, 2)
    now = datetime.now(UTC)

    def crash(*_args, **_kwargs):
        raise RuntimeError("the worker died")

    monkeypatch.setattr(delivery, "record", crash)
    with pytest.raises(RuntimeError):
        turn(now)
    monkeypatch.undo()
    assert sum(receiver.arrivals.values()) == 2  # they went out
    assert {d.status for d in deliveries()} == {DeliveryStatus.SENDING}  # but were not logged
    turn(now + timedelta(seconds=5))  # another worker, inside the lease: leaves them alone
    assert sum(receiver.arrivals.values()) == 2
    turn(now + timedelta(minutes=2))  # the lease is over: sent again, same ids
    assert {d.status for d in deliveries()} == {DeliveryStatus.DELIVERED}
    assert sorted(receiver.arrivals.values()) == [2, 2]
    assert len(receiver.events) == 2  # the receiver took each once


def test_posts_at_once_stay_within_the_concurrency(
    client, headers, receiver, org, app, monkeypatch
):
    monkeypatch.setitem(app.config, "DOORSTEP_WEBHOOK_CONCURRENCY", 3)
    subscribe(client, headers, receiver, ["person.created"])
    people(org, 10)
    counts = turn(datetime.now(UTC))
    assert counts == {"delivered": 10, "failed": 0}
    assert 1 <= receiver.most_at_once <= 3
    assert len(receiver.events) == 10


def test_the_signature_covers_time_and_body():
    body = json.dumps({"id": "x"}).encode()
    header = signature_header("whsec_s", 1_700_000_000, body)
    assert header.startswith("t=1700000000,v1=") and len(header.split("v1=")[1]) == 64
    assert verify("whsec_s", header, body, 1_700_000_100)
    assert not verify("whsec_s", header, body + b" ", 1_700_000_100)  # tampered
    assert not verify("whsec_other", header, body, 1_700_000_100)  # another secret
    assert not verify("whsec_s", header, body, 1_700_000_400)  # replayed too late
    assert not verify("whsec_s", "garbage", body, 1_700_000_000)


def test_events_older_than_30_days_are_deleted_with_their_deliveries(
    client, headers, receiver, org
):
    subscribe(client, headers, receiver, ["person.created"])
    people(org, 2)
    turn(datetime.now(UTC))
    assert len(deliveries()) == 2
    assert run_task("webhook-cleanup", datetime.now(UTC) + timedelta(days=29)) == {"deleted": 0}
    assert run_task("webhook-cleanup", datetime.now(UTC) + timedelta(days=31)) == {"deleted": 2}
    assert deliveries() == []
    assert db.session.scalars(select(WebhookAttempt)).all() == []
