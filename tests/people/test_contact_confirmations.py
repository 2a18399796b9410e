"""New contact details from anonymous forms (an RSVP, the volunteer form) for a person the
campaign already reaches: held until the person confirms them through a link sent to the
contact they already have, never written to their record before."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.auth.permissions import Role
from app.extensions import db
from app.outreach.models import OutboundMessage
from app.people.models import ContactConfirmation, Person
from tests.factories import auth_headers, create_organization, create_user

START = datetime.now(UTC) + timedelta(days=3)


@pytest.fixture
def org(db_session):
    return create_organization("Friends of Ada")


@pytest.fixture
def event(client, org):
    headers = auth_headers(create_user(org, Role.ORGANIZER))
    body = {
        "name": "Launch",
        "kind": "canvass_launch",
        "shifts": [
            {"starts_at": START.isoformat(), "ends_at": (START + timedelta(hours=2)).isoformat()}
        ],
    }
    response = client.post("/api/v1/events", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def rsvp(client, event, **fields):
    body = {"first_name": "Rosa", "last_name": "Diaz", "email": "rosa@example.org",
            "email_consent": True, "shift_ids": [event["shifts"][0]["id"]], **fields}  # fmt: skip
    response = client.post(f"/api/v1/public/events/{event['code']}/signups", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def rosa() -> Person:
    return db.session.scalars(select(Person).where(Person.first_name == "Rosa")).one()


def link_in(message: OutboundMessage) -> str:
    return re.search(r"/contacts/confirm/([\w-]+)", message.body).group(1)


def test_a_new_phone_for_a_known_person_waits_for_the_link_sent_to_her_email(client, event):
    rsvp(client, event)  # Rosa, reached by email
    # Somebody types Rosa's email and their own phone, ticking texts.
    rsvp(client, event, phone="215-555-0143", sms_consent=True)
    person = rosa()
    assert person.phones == []  # not on her record
    asks = db.session.scalars(select(OutboundMessage).filter_by(kind="contact.confirm")).all()
    assert [(m.channel.value, m.recipient) for m in asks] == [("email", "rosa@example.org")]
    assert "+12155550143" in asks[0].body
    token = link_in(asks[0])
    page = client.get(f"/contacts/confirm/{token}")
    assert page.status_code == 200 and b"contact-confirm.js" in page.data
    shown = client.get(f"/api/v1/public/contact-confirmations/{token}").get_json()
    assert (shown["collection"], shown["value"], shown["status"]) == (
        "phones", "+12155550143", "waiting")  # fmt: skip

    # The same form again: the same hold, no second message.
    rsvp(client, event, phone="215-555-0143", sms_consent=True)
    assert (
        db.session.scalars(select(OutboundMessage).filter_by(kind="contact.confirm")).all() == asks
    )

    # Rosa opens the link and confirms: now it is hers, with the texts she ticked.
    done = client.post(f"/api/v1/public/contact-confirmations/{token}/confirm")
    assert done.status_code == 200 and done.get_json()["status"] == "confirmed"
    db.session.expire_all()
    [phone] = rosa().phones
    assert (phone.number, phone.sms_consent) == ("+12155550143", True)
    again = client.post(f"/api/v1/public/contact-confirmations/{token}/confirm")
    assert again.status_code == 200 and len(rosa().phones) == 1


def test_a_new_email_from_the_volunteer_form_waits_too(client, org, event):
    rsvp(client, event, email=None, phone="215-555-0143", sms_consent=True)  # reached by text
    body = {"organization": org.slug, "first_name": "Rosa", "last_name": "Diaz",
            "phone": "215-555-0143", "email": "someone@example.org",
            "email_consent": True}  # fmt: skip
    response = client.post("/api/v1/public/volunteers", json=body)
    assert response.status_code == 201, response.get_json()
    assert rosa().emails == []
    [ask] = db.session.scalars(select(OutboundMessage).filter_by(kind="contact.confirm")).all()
    assert (ask.channel.value, ask.recipient) == ("sms", "+12155550143")
    assert "someone@example.org" in ask.body
    # Nothing was sent to the address typed in.
    assert (
        db.session.scalars(select(OutboundMessage).filter_by(recipient="someone@example.org")).all()
        == []
    )


def test_an_expired_link_confirms_nothing(client, event):
    rsvp(client, event)
    rsvp(client, event, phone="215-555-0143", sms_consent=True)
    held = db.session.scalars(select(ContactConfirmation)).one()
    held.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.flush()
    response = client.post(f"/api/v1/public/contact-confirmations/{held.token}/confirm")
    assert response.status_code == 410
    assert response.get_json()["error"]["code"] == "confirmation_expired"
    assert rosa().phones == []
    missing = client.post("/api/v1/public/contact-confirmations/nope/confirm")
    assert missing.status_code == 404
