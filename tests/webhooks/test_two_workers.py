"""Two workers at once, for real (threads, each with its own session on a committed database):
they share the due deliveries (``SKIP LOCKED``), so the receiver gets each event once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.auth.permissions import Role
from app.extensions import db
from app.people.operations import create_person
from app.webhooks.delivery import deliver_due
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from app.webhooks.signing import new_secret
from tests.browsers import serve
from tests.events.test_concurrency import at_once
from tests.factories import create_organization, create_user
from tests.webhooks.conftest import Receiver

pytestmark = pytest.mark.concurrency


@pytest.fixture
def committed(make_database):
    yield from serve(make_database, "doorstep_webhooks_two_workers")


def test_two_workers_send_each_event_once(committed):
    receiver = Receiver()
    receiver.secret = new_secret()

    def seed():
        org = create_organization("Two Workers")
        create_user(org, Role.ADMIN)
        db.session.add(
            WebhookSubscription(
                organization_id=org.id,
                name="CRM",
                url=receiver.url,
                event_types=["person.created"],
                secret=receiver.secret,
            )
        )
        db.session.flush()
        for n in range(24):
            create_person(org.id, {"first_name": f"P{n}", "last_name": "Twice"})

    try:
        committed.run(seed)
        now = datetime.now(UTC)
        results = at_once(committed.app, lambda: deliver_due(now), lambda: deliver_due(now))
        assert not [r for r in results if isinstance(r, Exception)], results
        assert sum(r["delivered"] for r in results) == 24
        statuses = committed.run(
            lambda: set(db.session.scalars(select(WebhookDelivery.status)).all())
        )
        assert statuses == {DeliveryStatus.DELIVERED}
        assert len(receiver.events) == 24
        assert set(receiver.arrivals.values()) == {1}  # nobody sent one twice
    finally:
        receiver.close()
