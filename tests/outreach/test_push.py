"""Web Push end to end against a loopback push service that checks the VAPID header and
decrypts the payload: a canvasser hears about lists handed to them or changed, can turn it
off, and subscriptions the service reports gone are removed."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from app.auth.permissions import Role
from app.cli import cli
from app.config import ConfigError, finish_config, load_config
from app.core.vapid import vapid_public_key
from app.extensions import db
from app.outreach.models import Channel, MessageStatus, OutboundMessage, PushSubscription
from tests.factories import auth_headers, create_user


def subscribe(client, auth, browser, status=201):
    response = client.post("/api/v1/push/subscriptions", json=browser.subscription(),
                           headers=auth)  # fmt: skip
    assert response.status_code == status, response.get_json()
    return response.get_json()


def make_list(client, headers, cut, assignees=()):
    body = {"turf_id": cut["turf_ids"][0], "assignee_ids": list(assignees)}
    response = client.post("/api/v1/walk-lists", headers=headers, json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_canvasser_hears_about_a_list_handed_to_them(
    client, service, headers, cut, canvasser, phone
):
    key = client.get("/api/v1/push/key", headers=phone).get_json()
    assert key == {"enabled": True, "public_key": service.expected_key}
    browser = service.new_browser()
    subscribe(client, phone, browser)
    walk_list = make_list(client, headers, cut, [canvasser.id])

    assert service.refused == []
    [message] = service.received
    assert message.token == browser.token
    assert message.payload["title"] == "New walk list"
    assert message.payload["url"] == f"/app/#/list/{walk_list['id']}"
    assert walk_list["name"] in message.payload["body"]
    assert message.claims["aud"] == service.origin and message.claims["sub"].startswith("mailto:")
    assert int(message.headers["ttl"]) > 3600
    sent = db.session.scalar(select(OutboundMessage).filter_by(channel=Channel.PUSH))
    assert sent.status == MessageStatus.SENT and sent.kind == "walk_list.assigned"

    response = client.post(f"/api/v1/walk-lists/{walk_list['id']}/close", headers=headers)
    assert response.status_code == 200, response.get_json()
    assert [m.payload["title"] for m in service.received] == ["New walk list", "Walk list closed"]


def test_turned_off_means_no_more_notifications(client, service, headers, cut, canvasser, phone):
    browser = service.new_browser()
    subscription = subscribe(client, phone, browser)
    listed = client.get("/api/v1/push/subscriptions", headers=phone).get_json()
    assert [s["id"] for s in listed] == [subscription["id"]]
    other = auth_headers(create_user(canvasser.organization, Role.CANVASSER))
    response = client.delete(f"/api/v1/push/subscriptions/{subscription['id']}", headers=other)
    assert response.status_code == 404  # not theirs
    response = client.delete(f"/api/v1/push/subscriptions/{subscription['id']}", headers=phone)
    assert response.status_code == 204
    make_list(client, headers, cut, [canvasser.id])
    assert service.received == []


@pytest.mark.parametrize("status", [404, 410])
def test_a_subscription_the_service_calls_gone_is_removed(
    client, service, headers, cut, canvasser, phone, status
):
    kept, dropped = service.new_browser(), service.new_browser()
    subscribe(client, phone, kept)
    subscribe(client, phone, dropped)
    service.gone[dropped.token] = status
    make_list(client, headers, cut, [canvasser.id])
    assert [m.token for m in service.received] == [kept.token]
    endpoints = db.session.scalars(select(PushSubscription.endpoint)).all()
    assert endpoints == [kept.endpoint]
    failed = db.session.scalar(
        select(OutboundMessage).filter_by(channel=Channel.PUSH, status=MessageStatus.FAILED)
    )
    assert failed.attempts == 1 and str(status) in failed.last_error  # not retried


def test_a_service_that_is_down_keeps_the_message_for_a_retry(
    client, service, headers, cut, canvasser, phone
):
    browser = service.new_browser()
    subscribe(client, phone, browser)
    service.gone[browser.token] = 503
    make_list(client, headers, cut, [canvasser.id])
    pending = db.session.scalar(select(OutboundMessage).filter_by(channel=Channel.PUSH))
    assert pending.status == MessageStatus.PENDING and "503" in pending.last_error
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 1


def test_only_push_services_and_only_when_configured(client, app, service, phone, monkeypatch):
    browser = service.new_browser()
    monkeypatch.setitem(app.config, "DOORSTEP_PUSH_HOSTS", ["fcm.googleapis.com"])
    error = subscribe(client, phone, browser, status=422)
    assert error["error"]["code"] == "push_host_not_allowed"
    bad = {**browser.subscription(), "keys": {"p256dh": "x", "auth": "y"}}
    response = client.post("/api/v1/push/subscriptions", json=bad, headers=phone)
    assert response.status_code == 422 and "keys.p256dh" in response.get_json()["error"]["fields"]
    monkeypatch.setitem(app.config, "DOORSTEP_VAPID_PUBLIC_KEY", "")
    assert client.get("/api/v1/push/key", headers=phone).get_json()["enabled"] is False
    error = subscribe(client, phone, browser, status=422)
    assert error["error"]["code"] == "push_not_configured"


def test_vapid_keys_from_the_command_line():
    result = CliRunner().invoke(cli, ["push", "keys"])
    assert result.exit_code == 0, result.output
    private = result.output.split("DOORSTEP_VAPID_PRIVATE_KEY=")[1].split()[0]
    public = result.output.rsplit(": ", 1)[1].strip()
    assert vapid_public_key(private) == public
    env = {"DATABASE_URL": "postgresql://x@127.0.0.1/x", "DOORSTEP_VAPID_PRIVATE_KEY": private}
    assert finish_config(load_config(env))["DOORSTEP_VAPID_PUBLIC_KEY"] == public
    with pytest.raises(ConfigError, match="DOORSTEP_VAPID_PRIVATE_KEY"):
        finish_config(load_config({**env, "DOORSTEP_VAPID_PRIVATE_KEY": "short"}))
