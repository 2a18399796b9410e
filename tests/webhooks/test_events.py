"""Events are written to the outbox in the transaction of the change, once per resource per
transaction, as OSDI-shaped bodies; a confidential person's data never goes out; nothing is
written for a campaign that subscribes to nothing."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from app.core.actor import Actor
from app.extensions import db
from app.people.consent import record_consent
from app.people.models import ConsentChannel
from app.people.operations import create_person, update_person
from app.webhooks.models import WebhookDelivery, WebhookEvent
from app.webhooks.outbox import EVENT_TYPES
from tests.donations.conftest import gift
from tests.events.test_checkins import make_event, rsvp
from tests.factories import create_household
from tests.factories import create_person as create_voter
from tests.webhooks.conftest import subscribe


def bodies(type_=None) -> list[dict]:
    stmt = select(WebhookEvent).order_by(WebhookEvent.occurred_at)
    if type_:
        stmt = stmt.where(WebhookEvent.type == type_)
    return [json.loads(event.body) for event in db.session.scalars(stmt)]


def test_a_person_made_through_the_api_is_one_event_in_osdi_shape(client, headers, receiver):
    subscribe(client, headers, receiver, ["person.created", "person.updated"])
    body = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "emails": [{"address": "ada@example.org", "consent": True}],
        "phones": [{"number": "+12155550123", "kind": "mobile", "sms_consent": True}],
    }
    made = client.post("/api/v1/people", json=body, headers=headers)
    assert made.status_code == 201, made.get_json()
    [event] = bodies()
    assert set(event) == {"id", "type", "time", "data"} and event["type"] == "person.created"
    data = event["data"]
    assert data["identifiers"] == [f"doorstep:{made.get_json()['id']}"]
    assert (data["given_name"], data["family_name"]) == ("Ada", "Lovelace")
    assert data["email_addresses"] == [
        {"address": "ada@example.org", "primary": True, "status": "subscribed"}
    ]
    assert data["phone_numbers"][0]["number"] == "12155550123"  # as the OSDI API writes it
    assert data["phone_numbers"][0]["sms_capable"] is True
    assert data["created_date"] and data["modified_date"]
    assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 1

    patched = client.patch(
        f"/api/v1/people/{made.get_json()['id']}", headers=headers, json={"last_name": "King"}
    )
    assert patched.status_code == 200
    assert [e["data"]["family_name"] for e in bodies("person.updated")] == ["King"]
    refused = client.patch(
        f"/api/v1/people/{made.get_json()['id']}",
        headers=headers,
        json={"first_name": "", "last_name": ""},
    )
    assert refused.status_code == 422
    assert len(bodies()) == 2  # the refused edit rolled back: no event


def test_made_and_changed_in_one_transaction_is_one_creation_as_it_ends(
    client, headers, receiver, org
):
    subscribe(client, headers, receiver, ["person.created", "person.updated"])
    person = create_person(org.id, {"first_name": "Bo", "last_name": "Diaz"})
    update_person(person, {"add_emails": [{"address": "bo@example.org"}]})
    db.session.commit()
    [event] = bodies()
    assert event["type"] == "person.created"
    assert event["data"]["email_addresses"][0]["address"] == "bo@example.org"


def test_a_rolled_back_change_leaves_no_event(client, headers, receiver, org):
    subscribe(client, headers, receiver, ["person.created"])
    create_person(org.id, {"first_name": "Cy", "last_name": "Gone"})
    db.session.rollback()
    db.session.commit()
    assert bodies() == []


def test_a_confidential_person_goes_out_as_an_identifier_only(client, headers, receiver, org):
    subscribe(client, headers, receiver, list(EVENT_TYPES))
    voter = create_voter(
        org,
        household=create_household(org),
        confidential=True,
        first_name="Hidden",
        last_name="Voter",
    )
    update_person(voter, {"add_emails": [{"address": "hidden@example.org", "consent": True}]})
    record_consent(
        voter,
        ConsentChannel.EMAIL,
        granted=False,
        source="unsubscribe",
        contact="hidden@example.org",
    )
    db.session.commit()
    [updated] = bodies("person.updated")
    assert set(updated["data"]) == {"identifiers", "created_date", "modified_date"}
    [optout] = bodies("optout.created")
    assert optout["data"]["contact"] is None and optout["data"]["channel"] == "email"
    assert "hidden" not in json.dumps(bodies()).lower()


def test_an_opt_out_names_channel_purposes_and_contact(client, headers, receiver, org):
    subscribe(client, headers, receiver, ["optout.created"])
    person = create_person(
        org.id,
        {
            "first_name": "Di",
            "last_name": "Out",
            "emails": [{"address": "di@example.org", "consent": True}],
        },
    )
    db.session.commit()
    record_consent(person, ConsentChannel.EMAIL, granted=False, source="one_click")
    db.session.commit()
    [event] = bodies()
    data = event["data"]
    assert (data["channel"], data["source"], data["contact"]) == ("email", "one_click", None)
    assert data["person"] == {"identifiers": [f"doorstep:{person.id}"]}
    assert "fundraising" in data["purposes"]


def test_no_subscription_no_rows(client, headers, org):
    create_person(org.id, {"first_name": "Ed", "last_name": "Quiet"})
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(WebhookEvent)) == 0


def test_only_the_types_subscribed_are_written(client, headers, receiver, org):
    subscribe(client, headers, receiver, ["donation.created"])
    create_person(org.id, {"first_name": "Fay", "last_name": "Nope"})
    db.session.commit()
    assert bodies() == []


def test_a_donation_is_an_exact_amount_linked_to_its_donor(client, headers, receiver, org):
    from app.donations.committee import add_election

    subscribe(client, headers, receiver, ["donation.created"])
    actor = Actor.system(org.id, "test")
    from datetime import date

    election = add_election(actor, {"kind": "P", "held_on": date(2026, 5, 19)})
    donation = gift(actor, election, 2550)
    db.session.commit()
    [event] = bodies()
    data = event["data"]
    assert (data["amount_cents"], data["amount"], data["currency"]) == (2550, "25.50", "USD")
    assert data["identifiers"] == [f"doorstep:{donation.id}"]  # the OSDI API's document
    assert data["_links"]["osdi:person"]["href"].endswith(f"/people/{donation.person_id}")


def test_sign_ups_created_and_changed(client, headers, receiver):
    subscribe(client, headers, receiver, ["signup.created", "signup.updated"])
    event = make_event(client, headers)
    row = rsvp(client, event)
    [created] = bodies("signup.created")
    assert created["data"]["status"] == "registered" and created["data"]["attended"] is False
    assert created["data"]["event"] == {"identifiers": [f"doorstep:event:{event['id']}"]}
    signup_id = int(created["data"]["identifiers"][0].rsplit(":", 1)[1])
    changed = client.patch(
        f"/api/v1/events/{event['id']}/signups/{signup_id}",
        json={"status": "cancelled"},
        headers=headers,
    )
    assert changed.status_code == 200, changed.get_json()
    [updated] = bodies("signup.updated")
    assert updated["data"]["status"] == "cancelled"
    assert row["token"] not in json.dumps(bodies())  # the sign-up's own link never goes out


def test_a_voter_has_their_home_as_a_postal_address(client, headers, receiver, org):
    subscribe(client, headers, receiver, ["person.updated"])
    home = create_household(org, house_number="4700", street="BALTIMORE AVE", unit="2F")
    voter = create_voter(org, household=home, first_name="Gus", last_name="Home")
    update_person(voter, {"tags": ["volunteer"]})
    db.session.commit()
    [event] = bodies()
    [address] = event["data"]["postal_addresses"]
    assert address["address_lines"] == ["4700 BALTIMORE AVE 2F"]
    assert (address["postal_code"], address["country"], address["primary"]) == ("19104", "US", True)


def test_a_body_past_the_size_limit_keeps_its_identifiers_only(client, headers, receiver, org):
    subscribe(client, headers, receiver, ["person.created"])
    person = create_person(
        org.id,
        {"first_name": "Big", "last_name": "Fields", "custom_fields": {"notes": "x" * 300_000}},
    )
    db.session.commit()
    [event] = bodies()
    assert event["data"] == {"identifiers": [f"doorstep:{person.id}"], "doorstep:truncated": True}


def test_a_merge_is_an_update_of_the_kept_person_naming_the_other(client, headers, receiver, org):
    subscribe(client, headers, receiver, ["person.updated"])
    kept = create_person(org.id, {"first_name": "Hal", "last_name": "Kept"})
    other = create_person(
        org.id,
        {"first_name": "Hal", "last_name": "Kept", "emails": [{"address": "hal@example.org"}]},
    )
    db.session.commit()
    merged = client.post(
        f"/api/v1/people/{kept.id}/merge", headers=headers, json={"other_id": other.id}
    )
    assert merged.status_code == 200, merged.get_json()
    [event] = bodies()
    assert event["data"]["identifiers"] == [f"doorstep:{kept.id}"]
    assert event["data"]["doorstep:merged_identifiers"] == [f"doorstep:{other.id}"]
    assert event["data"]["email_addresses"][0]["address"] == "hal@example.org"
