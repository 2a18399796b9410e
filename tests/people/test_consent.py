"""Consent, one place: every path that changes a contact point's consent goes through
app/people/consent.py, which keeps the flags and an append-only history in step."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from app.core.actor import Actor
from app.extensions import db
from app.outreach.models import OutboundMessage
from app.people.consent import consent_history, consent_states, record_consent
from app.people.merging import merge_people
from app.people.models import (
    ConsentChannel,
    ConsentPurpose,
    ConsentRecord,
    Person,
    PersonEmail,
    PersonPhone,
)
from app.people.sms import handle_inbound
from tests.factories import create_person

ADDRESS = "ada@example.org"
NUMBER = "+12155550123"


def _person_with_contacts(org) -> Person:
    person = create_person(org)
    db.session.add(
        PersonEmail(
            organization_id=org.id,
            person_id=person.id,
            address=ADDRESS,
            consent=True,
            is_primary=True,
        )
    )
    db.session.add(
        PersonPhone(
            organization_id=org.id,
            person_id=person.id,
            number=NUMBER,
            consent=True,
            sms_consent=True,
            kind="mobile",
        )
    )
    db.session.flush()
    db.session.refresh(person)
    return person


def test_an_organisers_edit_is_recorded_with_who_and_where(client, org, director, headers):
    person = _person_with_contacts(org)
    response = client.patch(
        f"/api/v1/people/{person.id}",
        headers=headers,
        json={"emails": [{"address": ADDRESS, "do_not_contact": True}]},
    )
    assert response.status_code == 200, response.get_json()
    email = db.session.scalar(select(PersonEmail).where(PersonEmail.person_id == person.id))
    assert email.do_not_contact is True
    records = [r for r in consent_history(person.id) if r.channel is ConsentChannel.EMAIL]
    assert {r.purpose for r in records} == set(ConsentPurpose)
    assert all(r.granted is False and r.source == "edit" and r.contact == ADDRESS for r in records)
    assert all(r.user_id == director.id for r in records)
    states = consent_states(person.id)
    assert states[("email", "updates")] is False


def test_a_new_address_with_consent_starts_its_history(client, org, headers):
    response = client.post(
        "/api/v1/people",
        headers=headers,
        json={
            "first_name": "Grace",
            "last_name": "Hopper",
            "emails": [{"address": "grace@example.org", "consent": True}],
        },
    )
    assert response.status_code == 201, response.get_json()
    records = consent_history(response.get_json()["id"])
    assert {(r.channel.value, r.granted, r.contact) for r in records} == {
        ("email", True, "grace@example.org")
    }
    assert len(records) == len(ConsentPurpose)


def test_a_text_stop_closes_texts_and_calls_in_the_history(db_session, org):
    person = _person_with_contacts(org)
    assert handle_inbound({"From": NUMBER, "Body": "stop"}) == "stop"
    phone = db.session.scalar(select(PersonPhone).where(PersonPhone.person_id == person.id))
    assert phone.do_not_contact is True and phone.sms_consent is False
    refused = {(r.channel.value, r.source) for r in consent_history(person.id) if not r.granted}
    assert refused == {("sms", "sms_stop"), ("call", "sms_stop")}
    handle_inbound({"From": NUMBER, "Body": "START"})
    db.session.refresh(phone)
    assert phone.do_not_contact is False and phone.sms_consent is True
    assert consent_states(person.id)[("sms", "events")] is True


def test_a_purpose_alone_leaves_the_address_open(db_session, org):
    person = _person_with_contacts(org)
    record_consent(
        person,
        ConsentChannel.EMAIL,
        granted=False,
        contact=ADDRESS,
        purposes=[ConsentPurpose.FUNDRAISING],
        source="preference_page",
        words="No fundraising",
    )
    email = person.emails[0]
    assert email.consent is True and email.do_not_contact is False
    states = consent_states(person.id)
    assert states[("email", "fundraising")] is False
    assert ("email", "updates") not in states
    # Opting out of everything closes the address; one purpose back opens it for that alone.
    record_consent(person, ConsentChannel.EMAIL, granted=False, contact=ADDRESS, source="one_click")
    assert email.do_not_contact is True
    record_consent(
        person,
        ConsentChannel.EMAIL,
        granted=True,
        contact=ADDRESS,
        purposes=[ConsentPurpose.EVENTS],
        source="preference_page",
    )
    assert email.do_not_contact is False and email.consent is True
    states = consent_states(person.id)
    assert states[("email", "events")] is True
    assert states[("email", "updates")] is False and states[("email", "fundraising")] is False


def test_refusing_one_address_of_two_refuses_that_address_not_the_person(db_session, org):
    person = _person_with_contacts(org)
    db.session.add(
        PersonEmail(
            organization_id=org.id, person_id=person.id, address="ada@work.example", consent=True
        )
    )
    db.session.flush()
    db.session.refresh(person)
    record_consent(person, ConsentChannel.EMAIL, granted=False, contact=ADDRESS, source="bounce")
    assert ("email", "updates") not in consent_states(person.id)
    assert [e.do_not_contact for e in person.emails] == [True, False]


def test_history_is_append_only(db_session, org):
    person = _person_with_contacts(org)
    record_consent(
        person,
        ConsentChannel.MAIL,
        granted=False,
        source="phone_call",
        words="Please stop sending me mail",
    )
    record_id = consent_history(person.id)[0].id
    for statement in (
        sa.text("UPDATE consent_records SET granted = true WHERE id = :id"),
        sa.text("DELETE FROM consent_records WHERE id = :id"),
    ):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.session.begin_nested():
            db.session.execute(statement, {"id": record_id})


def test_a_merge_moves_the_history_and_keeps_the_later_decision(db_session, org, director):
    kept, other = _person_with_contacts(org), create_person(org)
    record_consent(kept, ConsentChannel.MAIL, granted=True, source="form")
    record_consent(other, ConsentChannel.MAIL, granted=False, source="phone_call")
    merge_people(Actor.of(director), kept, other)
    mail = [r for r in consent_history(kept.id) if r.channel is ConsentChannel.MAIL]
    assert len(mail) == 2 * len(ConsentPurpose)
    assert consent_states(kept.id)[("mail", "updates")] is False
    assert (
        db.session.scalar(select(sa.func.count()).where(ConsentRecord.person_id == other.id)) == 0
    )


def test_double_opt_in_waits_for_the_address_to_say_yes(app, monkeypatch, client, org):
    """The open volunteer form with double opt-in on: the address is kept without consent, a
    link goes to that address, and its yes is the consent (recorded as such)."""
    monkeypatch.setitem(app.config, "DOORSTEP_EMAIL_DOUBLE_OPT_IN", True)
    body = {"organization": org.slug, "first_name": "Rosa", "last_name": "Diaz",
            "email": "rosa@example.org", "email_consent": True}  # fmt: skip
    assert client.post("/api/v1/public/volunteers", json=body).status_code == 201
    email = db.session.scalar(select(PersonEmail).where(PersonEmail.address == "rosa@example.org"))
    assert email.consent is False
    message = db.session.scalar(
        select(OutboundMessage).where(OutboundMessage.kind == "contact.double_opt_in")
    )
    assert message.recipient == "rosa@example.org"
    token = re.search(r"/contacts/confirm/([\w-]+)", message.body).group(1)
    assert client.post(f"/api/v1/public/contact-confirmations/{token}/confirm").status_code == 200
    db.session.refresh(email)
    assert email.consent is True
    [record] = {(r.source, r.granted) for r in consent_history(email.person_id)}
    assert record == ("form_confirmed", True)


def test_the_history_is_read_by_those_who_read_people(client, org, headers):
    person = _person_with_contacts(org)
    handle_inbound({"From": NUMBER, "Body": "STOP"})
    rows = client.get(f"/api/v1/people/{person.id}/consent", headers=headers).get_json()
    assert {(r["channel"], r["granted"], r["source"]) for r in rows} == {
        ("sms", False, "sms_stop"),
        ("call", False, "sms_stop"),
    }
    assert rows[0]["words"].startswith("Texted STOP")
