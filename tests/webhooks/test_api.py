"""The subscriptions API: the secret shown once, URLs refused in production (http, private and
loopback addresses, credentials), unknown types, pause and resume, a test event, the
deliveries with their attempts, and the one error shape everywhere."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.auth.permissions import Role
from app.core.tasks import run_task
from app.webhooks.targets import check_url
from tests.factories import auth_headers, create_user
from tests.webhooks.conftest import subscribe

URL = "/api/v1/webhook-subscriptions"


def test_the_secret_is_shown_once(client, headers, receiver):
    made = subscribe(client, headers, receiver, ["person.created"])
    assert made["secret"].startswith("whsec_") and made["secret_hint"] == "…" + made["secret"][-4:]
    again = client.get(f"{URL}/{made['id']}", headers=headers).get_json()
    assert "secret" not in again and again["secret_hint"] == made["secret_hint"]
    listed = client.get(URL, headers=headers).get_json()
    assert "secret" not in listed["items"][0] and listed["total"] == 1
    types = client.get(f"{URL}/event-types", headers=headers).get_json()
    assert {"person.created", "knock.synced", "optout.created"} <= {t["type"] for t in types}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://example.org/hook", "https"),
        ("http://localhost:8000/hook", "https"),
        ("https://127.0.0.1/hook", "public internet"),
        ("https://localhost:8443/hook", "public internet"),
        ("https://10.1.2.3/hook", "public internet"),
        ("https://169.254.169.254/latest/meta-data", "public internet"),
        ("https://[::1]/hook", "public internet"),
        ("https://[::ffff:192.168.0.1]/hook", "public internet"),
        ("https://user:pw@example.org/hook", "password"),
        ("ftp://example.org/hook", "https"),
        ("https:///nohost", "https"),
        ("https://example.org:99999/x", "Not a URL"),
        ("https://does-not-exist.invalid/hook", "does not resolve"),
    ],
)
def test_production_refuses_urls_that_reach_inside(client, headers, app, monkeypatch, url, message):
    monkeypatch.setitem(app.config, "DOORSTEP_WEBHOOK_ALLOW_PRIVATE", False)
    response = client.post(
        URL, headers=headers, json={"name": "x", "url": url, "event_types": ["person.created"]}
    )
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "validation_error" and message in error["fields"]["url"][0]


def test_a_public_https_address_passes_the_check_without_a_lookup():
    # A literal public address needs no DNS (no network in tests); a private one never passes.
    assert check_url("https://93.184.216.34/hook", allow_private=False)
    with pytest.raises(Exception, match="https"):
        check_url("http://127.0.0.1:9/hook", allow_private=False)
    assert check_url("http://127.0.0.1:9/hook", allow_private=True)
    with pytest.raises(Exception, match="https"):
        check_url("http://10.0.0.1/hook", allow_private=True)  # http only on this machine


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "url": "https://e.org", "event_types": ["person.deleted"]}, "event_types"),
        ({"name": "x", "url": "https://e.org", "event_types": []}, "event_types"),
        ({"name": "", "url": "https://e.org", "event_types": ["person.created"]}, "name"),
        ({"name": "x", "url": "h" * 2001, "event_types": ["person.created"]}, "url"),
        ({"name": "x", "event_types": ["person.created"]}, "url"),
        ({"name": "x", "url": "https://e.org", "event_types": ["person.created"], "y": 1}, "y"),
    ],
)
def test_bad_input_names_its_field(client, headers, body, field):
    response = client.post(URL, headers=headers, json=body)
    assert response.status_code == 422, response.get_json()
    fields = response.get_json()["error"]["fields"]
    assert any(name.split(".")[0] == field for name in fields), fields


def test_only_admins(client, org, receiver):
    director = auth_headers(create_user(org, Role.DIRECTOR))
    response = client.get(URL, headers=director)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"


def test_another_campaigns_subscription_is_not_found(client, headers, receiver):
    made = subscribe(client, headers, receiver, ["person.created"])
    other = auth_headers(create_user(None, Role.ADMIN))
    response = client.get(f"{URL}/{made['id']}", headers=other)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "webhook_not_found"


def test_pause_test_event_resume_deliveries_and_delete(client, headers, receiver):
    made = subscribe(client, headers, receiver, ["person.created"])
    paused = client.patch(f"{URL}/{made['id']}", headers=headers, json={"status": "paused"})
    assert paused.get_json()["status"] == "paused"
    sent = client.post(f"{URL}/{made['id']}/test", headers=headers)
    assert sent.status_code == 202 and sent.get_json()["type"] == "webhook.test"
    run_task("webhooks", datetime.now(UTC))
    assert receiver.events == {}  # paused: it waits
    resumed = client.patch(f"{URL}/{made['id']}", headers=headers, json={"status": "active"})
    assert resumed.get_json()["status"] == "active"
    run_task("webhooks", datetime.now(UTC))
    assert receiver.types() == ["webhook.test"]
    assert list(receiver.events) == [sent.get_json()["event_id"]]
    page = client.get(f"{URL}/{made['id']}/deliveries", headers=headers).get_json()
    [row] = page["items"]
    assert (row["status"], row["event_type"], row["attempts"]) == ("delivered", "webhook.test", 1)
    assert row["attempt_log"][0]["status_code"] == 200
    assert row["attempt_log"][0]["response_body"] == "thanks"
    bad = client.get(f"{URL}/{made['id']}/deliveries?status=lost", headers=headers)
    assert bad.status_code == 422 and "status" in bad.get_json()["error"]["fields"]
    assert client.delete(f"{URL}/{made['id']}", headers=headers).status_code == 204
    assert client.get(f"{URL}/{made['id']}", headers=headers).status_code == 404
