"""A donations import is one ``donations.imported`` event per thousand gifts (their
identifiers), not one event per gift."""

from __future__ import annotations

import json

from sqlalchemy import select

from app.extensions import db
from app.webhooks.models import WebhookEvent
from tests.donations.conftest import actor, elections  # noqa: F401 - fixtures
from tests.donations.test_actblue_csv import campaign, import_file  # noqa: F401 - fixtures
from tests.webhooks.conftest import subscribe


def test_an_import_is_one_event_with_the_gifts_identifiers(
    client,
    headers,
    receiver,
    runner,
    campaign,  # noqa: F811
):
    subscribe(client, headers, receiver, ["donations.imported", "donation.created"])
    _job, _read, loaded, *_ = import_file(runner, campaign)
    events = db.session.scalars(select(WebhookEvent)).all()
    assert [e.type for e in events] == ["donations.imported"]
    data = json.loads(events[0].body)["data"]
    assert data["count"] >= loaded > 0
    assert all(d["identifiers"][0].startswith("doorstep:donation:") for d in data["donations"])
