"""What comes back: one-click unsubscribe (RFC 8058) and the preference page, the open pixel,
signed click links (no open redirect), the providers' bounce and complaint webhooks (recorded
payload shapes), and engagement as a universe filter."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from app.core.actor import Actor
from app.extensions import db
from app.mailings import sending
from app.mailings.audiences import count_audience
from app.mailings.links import click_url, recipient_token
from app.mailings.models import CampaignRecipient, EngagementEvent
from app.mailings.operations import send_campaign
from app.people.consent import consent_states
from app.people.models import Interaction, InteractionKind, PersonEmail
from app.universes.queries import Search, count_search


@pytest.fixture
def sent(director, campaign, people):
    """The campaign sent (to a list: no SMTP needed); address -> recipient."""
    send_campaign(Actor.of(director), campaign, None)
    sending.start_campaign(campaign, datetime.now(UTC))
    sending.send_campaign_for(campaign.id, 5, deliver=lambda email: None)
    rows = db.session.scalars(
        select(CampaignRecipient).where(CampaignRecipient.campaign_id == campaign.id)
    )
    return {row.address: row for row in rows}


def email_of(address):
    return db.session.scalar(select(PersonEmail).where(PersonEmail.address == address))


def test_one_click_unsubscribe_needs_no_login_and_no_page(client, campaign, sent):
    token = recipient_token(sent["ada@example.org"].id)
    assert client.get(f"/u/{token}").status_code == 200  # a GET (a scanner) changes nothing
    assert email_of("ada@example.org").do_not_contact is False
    response = client.post(
        f"/u/{token}",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200 and "Location" not in response.headers
    assert email_of("ada@example.org").do_not_contact is True
    assert count_audience(campaign) == 2
    result = db.session.scalar(
        select(Interaction.result).where(
            Interaction.kind == InteractionKind.EMAIL, Interaction.result == "unsubscribed"
        )
    )
    assert result == "unsubscribed"


def test_a_forged_token_is_not_found(client, sent):
    recipient_id = sent["ada@example.org"].id
    assert (
        client.post(
            f"/u/{recipient_id}.forged",
            data="List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        ).status_code
        == 404
    )


def test_the_preference_page_keeps_some_purposes(client, people, sent):
    token = recipient_token(sent["ben@example.org"].id)
    assert client.post(f"/u/{token}", data={}).status_code == 400  # an empty POST is nothing
    page = client.post(
        f"/u/{token}", data={"form": "preferences", "purpose": ["events", "volunteering"]}
    )
    assert page.status_code == 200 and b"Saved." in page.data
    states = consent_states(people["ben"].id)
    assert states[("email", "fundraising")] is False and states[("email", "events")] is True
    assert email_of("ben@example.org").do_not_contact is False


def test_clicks_are_signed_and_opens_are_counted(client, campaign, sent):
    recipient = sent["ada@example.org"]
    token = recipient_token(recipient.id)
    url = click_url(campaign.id, recipient.id, token, "https://example.org/act?x=1")
    path = urlsplit(url)
    response = client.get(f"{path.path}?{path.query}")
    assert (
        response.status_code == 302
        and response.headers["Location"] == "https://example.org/act?x=1"
    )
    query = parse_qs(path.query)
    forged = client.get(path.path, query_string={"u": "https://evil.example/", "s": query["s"][0]})
    assert forged.status_code == 404  # the signature covers the URL: no open redirect
    pixel = client.get(f"/m/o/{token}.gif")
    assert pixel.status_code == 200 and pixel.mimetype == "image/gif"
    db.session.refresh(recipient)
    assert recipient.clicked_at is not None and recipient.opened_at is not None


def hook(client, provider, payload, key="hook-secret"):
    return client.post(
        f"/api/v1/email/webhooks/{provider}?key={key}",
        data=json.dumps(payload),
        content_type="text/plain",
    )


def ses_bounce(address, kind="Permanent", feedback="f-1", message_id=None):
    message = {
        "notificationType": "Bounce",
        "bounce": {
            "bounceType": kind,
            "bounceSubType": "General",
            "feedbackId": feedback,
            "timestamp": "2026-12-05T14:59:38.237Z",
            "bouncedRecipients": [
                {
                    "emailAddress": address,
                    "status": "5.1.1",
                    "diagnosticCode": "smtp; 550 5.1.1 user unknown",
                }
            ],
        },
        "mail": {"messageId": "0000-ses", "commonHeaders": {"messageId": message_id}},
    }
    return {"Type": "Notification", "MessageId": "sns-1", "Message": json.dumps(message)}


def test_ses_hard_bounce_suppresses_at_once_and_counts_once(client, campaign, sent):
    payload = ses_bounce("Ada@Example.org")
    assert hook(client, "ses", payload).get_json()["counts"] == {"hard_bounce": 1}
    assert hook(client, "ses", payload).get_json()["counts"] == {"ignored": 1}  # redelivered
    assert email_of("ada@example.org").do_not_contact is True
    db.session.refresh(sent["ada@example.org"])
    assert sent["ada@example.org"].bounced == "hard"


def test_soft_bounces_suppress_after_repeats(client, sent):
    for n in range(1, 4):
        hook(client, "ses", ses_bounce("ben@example.org", "Transient", f"soft-{n}"))
        assert email_of("ben@example.org").do_not_contact is (n == 3)


def test_postmark_complaint_and_sendgrid_events(client, sent):
    token = recipient_token(sent["ben@example.org"].id)
    complaint = {
        "RecordType": "SpamComplaint",
        "ID": 42,
        "Email": "ben@example.org",
        "BouncedAt": "2026-12-05T10:00:00Z",
        "Metadata": {"doorstep": token},
    }
    assert hook(client, "postmark", complaint).get_json()["counts"] == {"complaint": 1}
    assert email_of("ben@example.org").do_not_contact is True
    events = [
        {
            "email": "home@example.org",
            "event": "delivered",
            "sg_event_id": "d1",
            "timestamp": 1764900000,
            "doorstep": recipient_token(sent["home@example.org"].id),
        },
        {
            "email": "home@example.org",
            "event": "bounce",
            "type": "blocked",
            "sg_event_id": "b1",
            "timestamp": 1764900001,
            "reason": "451 try later",
        },
        {"email": "home@example.org", "event": "processed", "sg_event_id": "p1"},
    ]
    counts = hook(client, "sendgrid", events).get_json()["counts"]
    assert counts == {"delivered": 1, "soft_bounce": 1}
    assert email_of("home@example.org").do_not_contact is False
    kinds = db.session.scalars(select(EngagementEvent.kind)).all()
    assert {k.value for k in kinds} == {"complained", "delivered", "bounced"}


@pytest.mark.parametrize(("key", "status"), [("wrong", 403), (None, 404)])
def test_webhooks_need_the_key(app, monkeypatch, client, key, status):
    if key is None:
        monkeypatch.setitem(app.config, "DOORSTEP_MAIL_WEBHOOK_SECRET", "")
    assert hook(client, "ses", ses_bounce("x@example.org"), key=key or "").status_code == status


def test_bad_payloads_are_refused_by_name(client):
    response = hook(client, "sendgrid", {"not": "a list"})
    assert response.status_code == 422 and "body" in response.get_json()["error"]["fields"]
    response = client.post(
        "/api/v1/email/webhooks/ses?key=hook-secret", data="{", content_type="application/json"
    )
    assert response.status_code == 422


def test_engagement_is_a_universe_filter(client, org, campaign, people, sent):
    token = recipient_token(sent["ada@example.org"].id)
    client.get(f"/m/o/{token}.gif")

    def count(spec):
        return count_search(Search(org.id, {"email_engagement": spec}))["people"]

    assert count({"event": "opened", "last": 1}) == 1  # ada
    assert count({"event": "opened", "never": True}) == 2  # ben and cy were sent it
    assert count({"event": "clicked", "last": 1}) == 0


def test_replies_through_inbound_mail_count_as_replied(client, campaign, sent):
    ada, ben = sent["ada@example.org"], sent["ben@example.org"]
    message_id = (
        f"<c{campaign.id}.r{ada.id}.{recipient_token(ada.id).partition('.')[2]}@ada.example>"
    )
    postmark = {
        "FromFull": {"Email": "ada@example.org", "Name": "Ada"}, "MessageID": "pm-1",
        "Subject": "Re: News", "Headers": [{"Name": "In-Reply-To", "Value": message_id}],
    }  # fmt: skip
    assert hook(client, "postmark-inbound", postmark).get_json()["counts"] == {"replied": 1}
    form = {"from": "Ben <ben@example.org>", "subject": "Re: News",
            "headers": "Message-ID: <r1@mail.example>\nIn-Reply-To: <elsewhere@x>\n"}  # fmt: skip
    response = client.post("/api/v1/email/webhooks/sendgrid-inbound?key=hook-secret", data=form)
    assert response.get_json()["counts"] == {"replied": 1}  # found by the address's last message
    for recipient in (ada, ben):
        db.session.refresh(recipient)
        assert recipient.replied_at is not None


@pytest.mark.parametrize(
    ("provider", "payload"),
    [
        ("ses", {"Message": {"notificationType": "Bounce", "bounce": {"bouncedRecipients": "x"}}}),
        ("postmark", {"RecordType": "Bounce", "Type": ["HardBounce"], "Email": 5}),
        ("sendgrid", [{"event": {"not": "hashable"}}]),
        ("postmark-inbound", {"FromFull": "nobody", "Headers": "none"}),
    ],
)
def test_odd_shapes_are_refused_never_a_500(client, provider, payload):
    response = hook(client, provider, payload)
    assert response.status_code in (200, 422), response.get_json()
