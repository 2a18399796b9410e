"""Knocks synced from a phone are ``knock.synced`` events, once each: a phone sending the same
batch again adds none."""

from __future__ import annotations

import json

from sqlalchemy import select

from app.auth.permissions import Role
from app.extensions import db
from app.webhooks.models import WebhookEvent
from tests.canvass.conftest import canvasser, knock, phone, sync, walk_list  # noqa: F401
from tests.factories import auth_headers, create_user
from tests.turfs.conftest import cut, director, headers, org, town, town_world  # noqa: F401
from tests.webhooks.conftest import subscribe


def test_each_knock_is_one_event_in_osdi_canvass_shape(client, org, walk_list, phone, receiver):  # noqa: F811
    admin = auth_headers(create_user(org, Role.ADMIN))
    subscribe(client, admin, receiver, ["knock.synced"])
    records = [knock(walk_list, 0, result="not_home"), knock(walk_list, 1, result="not_home")]
    sync(client, phone, *records)
    sync(client, phone, *records)  # sent again: duplicates, no new events
    events = db.session.scalars(select(WebhookEvent)).all()
    assert [e.type for e in events] == ["knock.synced"] * 2
    data = json.loads(events[0].body)["data"]
    assert data["identifiers"][0].startswith("doorstep:canvass:")
    assert (data["contact_type"], data["status_code"], data["success"]) == (
        "in-person",
        "not_home",
        False,
    )
    assert data["target"] and data["target"][0]["identifiers"][0].startswith("doorstep:")
