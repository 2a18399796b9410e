"""The campaign API as a director and an organiser use it: a template, a campaign from it, the
audience count, a preview for any recipient, a test send, send, results; who may do what."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.auth.permissions import Role
from app.mailings import sending
from tests.factories import auth_headers, create_user

TEMPLATE = {
    "name": "Weekly",
    "subject": "This week, {{ first_name | default('friend') }}",
    "preheader": "Three things",
    "text_body": "Hi {{ first_name }} in {{ precinct }}.",
    "html_body": "<p>Hi {{ first_name }}</p>",
}


def test_template_to_results(client, headers, smtp, universe, people):
    template = client.post("/api/v1/email/templates", json=TEMPLATE, headers=headers)
    assert template.status_code == 201, template.get_json()
    body = {
        "name": "Weekly 1",
        "purpose": "updates",
        "audience_kind": "universe",
        "audience_id": universe.id,
        "template_id": template.get_json()["id"],
        "text_body": "Hi {{ first_name }}{% if precinct %} in {{ precinct }}{% endif %}.",
    }
    campaign = client.post("/api/v1/email/campaigns", json=body, headers=headers)
    assert campaign.status_code == 201, campaign.get_json()
    campaign_id = campaign.get_json()["id"]
    base = f"/api/v1/email/campaigns/{campaign_id}"
    assert campaign.get_json()["subject"] == TEMPLATE["subject"]
    assert client.get(f"{base}/audience", headers=headers).get_json() == {"recipients": 3}

    preview = client.get(f"{base}/preview?person_id={people['ada'].id}", headers=headers)
    assert preview.status_code == 200
    assert preview.get_json()["subject"] == "This week, Ada"
    assert preview.get_json()["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    test = client.post(
        f"{base}/test",
        json={"person_id": people["ada"].id, "to": "me@ada.example"},
        headers=headers,
    )
    assert test.status_code == 200, test.get_json()
    assert smtp.to() == ["me@ada.example"] and smtp.messages[0]["Subject"].startswith("[Test]")

    assert client.post(f"{base}/send", json={}, headers=headers).status_code == 200
    sending.run_sending(datetime.now(UTC) + timedelta(seconds=1), budget_seconds=5)
    results = client.get(f"{base}/results", headers=headers).get_json()
    assert results["recipients"] == {"sent": 3} and results["opens_are_unreliable"] is True
    assert client.patch(base, json={"name": "Too late"}, headers=headers).status_code == 409
    listed = client.get("/api/v1/email/campaigns?status=sent", headers=headers).get_json()
    assert [c["id"] for c in listed["items"]] == [campaign_id]


def test_a_missing_merge_field_is_named_in_the_preview(client, headers, universe, people):
    body = {
        **{k: v for k, v in TEMPLATE.items() if k != "name"},
        "name": "Precincts",
        "purpose": "events",
        "audience_kind": "universe",
        "audience_id": universe.id,
    }
    campaign_id = client.post("/api/v1/email/campaigns", json=body, headers=headers).get_json()[
        "id"
    ]
    response = client.get(
        f"/api/v1/email/campaigns/{campaign_id}/preview",
        query_string={"person_id": people["ben"].id},
        headers=headers,
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "merge_field_missing" and "text_body" in error["fields"]


def test_bad_input_is_refused_by_field(client, headers, universe):
    response = client.post(
        "/api/v1/email/campaigns",
        headers=headers,
        json={
            "name": "x",
            "purpose": "updates",
            "audience_kind": "universe",
            "audience_id": 999999,
            "subject": "Hi",
            "text_body": "{% if %}",
        },
    )
    assert response.status_code == 422
    assert "text_body" in response.get_json()["error"]["fields"]
    response = client.post(
        "/api/v1/email/campaigns",
        headers=headers,
        json={
            "name": "x",
            "purpose": "updates",
            "audience_kind": "universe",
            "audience_id": 999999,
            "subject": "Hi",
            "text_body": "Hi",
        },
    )
    assert response.status_code == 422 and "audience_id" in response.get_json()["error"]["fields"]


def test_sending_needs_the_postal_address(app, monkeypatch, client, headers, universe):
    monkeypatch.setitem(app.config, "DOORSTEP_MAIL_POSTAL_ADDRESS", "")
    body = {
        **{k: v for k, v in TEMPLATE.items() if k != "name"},
        "name": "No address",
        "purpose": "updates",
        "audience_kind": "universe",
        "audience_id": universe.id,
    }
    campaign_id = client.post("/api/v1/email/campaigns", json=body, headers=headers).get_json()[
        "id"
    ]
    response = client.post(f"/api/v1/email/campaigns/{campaign_id}/send", json={}, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "postal_address_missing"


def test_organisers_draft_and_directors_send(client, org, universe):
    organizer = auth_headers(create_user(org, Role.ORGANIZER))
    body = {
        **{k: v for k, v in TEMPLATE.items() if k != "name"},
        "name": "Draft",
        "purpose": "updates",
        "audience_kind": "volunteers",
    }
    draft = client.post("/api/v1/email/campaigns", json=body, headers=organizer)
    assert draft.status_code == 201, draft.get_json()
    send = client.post(
        f"/api/v1/email/campaigns/{draft.get_json()['id']}/send", json={}, headers=organizer
    )
    assert send.status_code == 403
    canvasser = auth_headers(create_user(org, Role.CANVASSER))
    assert client.get("/api/v1/email/campaigns", headers=canvasser).status_code == 403
