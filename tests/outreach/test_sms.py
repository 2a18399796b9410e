"""Texts through a Twilio-compatible provider (a loopback stand-in that checks the auth and
the form): sent after the request commits, retried on 5xx, a STOP (21610) ends texts to that
phone; the inbound webhook, signed with the auth token, honours STOP and START."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.config import ConfigError, finish_config, load_config
from app.extensions import db
from app.outreach.models import Channel, MessageStatus, OutboundMessage
from app.outreach.operations import deliver_pending
from app.people.models import Interaction, InteractionKind, PersonPhone
from app.people.sms import twilio_signature
from tests import smsprovider
from tests.events.test_events import headers, make_event, org  # noqa: F401 - fixtures

NUMBER = "+12155550123"
FROM = "+12675550100"


@pytest.fixture
def provider(app, monkeypatch):
    provider, server = smsprovider.start()
    settings = {
        "DOORSTEP_SMS_PROVIDER": "twilio",
        "DOORSTEP_TWILIO_ACCOUNT_SID": provider.account_sid,
        "DOORSTEP_TWILIO_AUTH_TOKEN": provider.auth_token,
        "DOORSTEP_TWILIO_FROM": FROM,
        "DOORSTEP_TWILIO_BASE_URL": provider.base_url,
    }
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)
    yield provider
    server.shutdown()


def sign_up_by_phone(client, headers, number=NUMBER):  # noqa: F811
    event = make_event(client, headers)
    body = {"first_name": "Rosa", "last_name": "Diaz", "phone": number, "sms_consent": True,
            "shift_ids": [event["shifts"][0]["id"]]}  # fmt: skip
    response = client.post(f"/api/v1/public/events/{event['code']}/signups", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()[0]


def texts():
    return db.session.scalars(select(OutboundMessage).filter_by(channel=Channel.SMS)).all()


def test_a_phone_only_signup_is_confirmed_by_text(client, headers, provider):  # noqa: F811
    signup = sign_up_by_phone(client, headers)
    assert provider.refused == []
    [sent] = provider.received
    assert sent["To"] == NUMBER and sent["From"] == FROM
    assert f"https://doorstep.test/signups/{signup['token']}" in sent["Body"]
    assert sent["Body"].endswith("Reply STOP to opt out.")
    [message] = texts()
    assert message.status == MessageStatus.SENT and message.kind == "event.signup"
    entry = db.session.scalar(select(Interaction).filter_by(kind=InteractionKind.TEXT))
    assert entry.data["message_id"] == message.id and entry.data["channel"] == "sms"


def test_a_messaging_service_sends_instead_of_a_number(
    app,
    client,
    headers,  # noqa: F811
    provider,
    monkeypatch,
):
    monkeypatch.setitem(app.config, "DOORSTEP_TWILIO_FROM", "MG" + "2" * 32)
    sign_up_by_phone(client, headers)
    [sent] = provider.received
    assert sent["MessagingServiceSid"] == "MG" + "2" * 32 and "From" not in sent


def test_a_recipient_who_replied_stop_gets_no_more_texts(client, headers, provider):  # noqa: F811
    provider.failures[NUMBER] = (400, 21610)
    sign_up_by_phone(client, headers)
    [message] = texts()
    assert message.status == MessageStatus.FAILED and "21610" in message.last_error
    phone = db.session.scalar(select(PersonPhone).filter_by(number=NUMBER))
    assert phone.do_not_contact is True
    entry = db.session.scalar(select(Interaction).filter_by(result="opted_out"))
    assert entry.person_id == phone.person_id


@pytest.mark.parametrize(("status", "code", "outcome"), [
    (500, None, MessageStatus.PENDING),  # the provider is down: tried again later
    (400, 21211, MessageStatus.FAILED),  # not a number that takes texts
])  # fmt: skip
def test_provider_errors(client, headers, provider, status, code, outcome):  # noqa: F811
    provider.failures[NUMBER] = (status, code)
    sign_up_by_phone(client, headers)
    [message] = texts()
    assert message.status == outcome and message.attempts == 1
    assert db.session.scalar(select(PersonPhone.do_not_contact)) is False


def test_a_failed_text_is_sent_on_the_next_delivery(client, headers, provider):  # noqa: F811
    provider.failures[NUMBER] = (500, None)
    sign_up_by_phone(client, headers)
    del provider.failures[NUMBER]
    assert deliver_pending() == (1, 0)
    assert len(provider.received) == 1


def test_a_wrong_token_is_refused_and_kept(app, client, headers, provider, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "DOORSTEP_TWILIO_AUTH_TOKEN", "wrong")
    sign_up_by_phone(client, headers)
    assert provider.refused == ["auth"]
    [message] = texts()
    assert message.status == MessageStatus.PENDING and "401" in message.last_error


def inbound(client, provider, body, *, token=None):
    form = {"From": NUMBER, "To": FROM, "Body": body, "MessageSid": "SM" + "3" * 32}
    url = "https://doorstep.test/api/v1/sms/inbound"
    signature = twilio_signature(token or provider.auth_token, url, form)
    return client.post("/api/v1/sms/inbound", data=form, headers={"X-Twilio-Signature": signature})


def test_stop_and_start_by_text(client, headers, provider):  # noqa: F811
    sign_up_by_phone(client, headers)
    forged = inbound(client, provider, "STOP", token="not-the-token")
    assert forged.status_code == 403
    phone = db.session.scalar(select(PersonPhone).filter_by(number=NUMBER))
    assert phone.do_not_contact is False

    response = inbound(client, provider, " opt out ")
    assert response.status_code == 200 and response.mimetype == "text/xml"
    db.session.refresh(phone)
    assert phone.do_not_contact is True
    assert inbound(client, provider, "Start").status_code == 200
    db.session.refresh(phone)
    assert phone.do_not_contact is False and phone.sms_consent is True
    results = db.session.scalars(
        select(Interaction.result).filter_by(kind=InteractionKind.TEXT).order_by(Interaction.id)
    ).all()
    assert results[-2:] == ["opted_out", "opted_in"]


def test_no_inbound_texts_without_a_provider(client):
    response = client.post("/api/v1/sms/inbound", data={"Body": "STOP"})
    assert response.status_code == 404


def test_twilio_needs_its_credentials():
    config = load_config({"DOORSTEP_SMS_PROVIDER": "twilio", "DATABASE_URL": "postgresql://x/y"})
    with pytest.raises(ConfigError, match="DOORSTEP_TWILIO_ACCOUNT_SID"):
        finish_config(config)
    with pytest.raises(ConfigError, match="DOORSTEP_SMS_PROVIDER"):
        finish_config(load_config({"DOORSTEP_SMS_PROVIDER": "carrier-pigeon",
                                   "DATABASE_URL": "postgresql://x/y"}))  # fmt: skip


def test_start_gives_back_only_what_a_stop_took(client, headers, provider):  # noqa: F811
    sign_up_by_phone(client, headers)
    phone = db.session.scalar(select(PersonPhone).filter_by(number=NUMBER))
    phone.do_not_contact = True  # an organiser's do-not-contact, not the person's STOP
    assert inbound(client, provider, "START").status_code == 200
    db.session.refresh(phone)
    assert phone.do_not_contact is True
    phone.do_not_contact, phone.sms_consent = False, False  # never agreed to texts
    assert inbound(client, provider, "YES").status_code == 200  # "still coming?" "yes"
    db.session.refresh(phone)
    assert phone.sms_consent is False
