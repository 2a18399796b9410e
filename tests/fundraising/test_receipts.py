"""Thank-yous: sent through the outbox when a contribution lands, with the disclaimer and the
"Paid for by" line whatever the template says; letters for checks, printed in batches."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.permissions import Role
from app.core.errors import Conflict
from app.core.transactions import unit_of_work
from app.donations.models import Method
from app.donations.operations import assign_donor
from app.extensions import db
from app.fundraising.calls import record_call
from app.fundraising.letters import create_letter_batch, letter_rows, letters_pdf, pending_letters
from app.fundraising.models import (
    Acknowledgement,
    AcknowledgementChannel,
    AcknowledgementKind,
)
from app.fundraising.settings import fundraising_settings
from app.outreach.models import MessageStatus, OutboundMessage
from app.people.merging import merge_people
from app.people.models import Interaction, InteractionKind
from tests.donations.conftest import gift
from tests.factories import auth_headers, create_user
from tests.fundraising.conftest import donor, today

DISCLAIMER = "Contributions or gifts to Friends of Sam are not tax deductible."
PAID_FOR = "Paid for by Friends of Sam, J. Doe, Treasurer"


def _messages(org, kind="donation.thank_you"):
    return db.session.scalars(
        select(OutboundMessage).where(
            OutboundMessage.organization_id == org.id, OutboundMessage.kind == kind
        )
    ).all()


def _card(actor, elections, person, cents=5_000, **fields):
    values = {"received_on": today(), "method": Method.CARD, "email": "ada@example.org"}
    return gift(actor, elections["P"], cents, person=person, **{**values, **fields})


def test_a_card_gift_is_thanked_by_email_after_commit_with_the_legal_lines(org, actor, elections):
    ada = donor(org, "Ada", "Donor", email="ada@example.org")
    donation = _card(actor, elections, ada, 12_345)

    [message] = _messages(org)
    assert message.recipient == "ada@example.org"
    assert message.status.value == "pending"  # delivered by outreach once the unit commits
    assert db.session.info.get("outbox_pending") is True
    assert message.subject == "Thank you for your contribution to Friends of Sam"
    assert "Dear Ada," in message.body and "$123.45" in message.body
    assert message.body.rstrip().endswith(f"{DISCLAIMER}\n{PAID_FOR}")
    [ack] = db.session.scalars(select(Acknowledgement)).all()
    assert (ack.kind, ack.channel, ack.message_id) == (
        AcknowledgementKind.THANK_YOU,
        AcknowledgementChannel.EMAIL,
        message.id,
    )
    history = db.session.scalars(
        select(Interaction).where(
            Interaction.person_id == ada.id, Interaction.kind == InteractionKind.EMAIL
        )
    ).all()
    assert [h.data["donation_id"] for h in history] == [donation.id]


def test_a_check_is_thanked_by_email_and_by_letter_printed_in_a_batch(org, actor, elections):
    bea = donor(org, "Bea", "Check", email="bea@example.org")
    gift(
        actor,
        elections["P"],
        25_000,
        person=bea,
        received_on=today(),
        email="bea@example.org",
        check_number="1042",
    )
    assert pending_letters(org.id) == {**dict.fromkeys(AcknowledgementKind, 0), "thank_you": 1}

    batch = create_letter_batch(actor)
    rows = letter_rows(batch)
    assert [r["name"] for r in rows] == ["Ada Donor"]  # the name as given with the check
    assert rows[0]["address"] == ["12 Elm St", "Philadelphia, PA 19104"]
    assert rows[0]["letter"].body.rstrip().endswith(PAID_FOR)
    pdf = letters_pdf(rows, ["Friends of Sam", "1 Main St", "Philadelphia, PA 19104"], today())
    assert pdf.startswith(b"%PDF")
    notes = db.session.scalars(
        select(Interaction).where(Interaction.person_id == bea.id, Interaction.kind == "note")
    ).all()
    assert [n.data["channel"] for n in notes] == ["letter"]
    assert pending_letters(org.id)["thank_you"] == 0
    with pytest.raises(Conflict):
        create_letter_batch(actor)


@pytest.mark.parametrize(
    "case",
    ["old_gift", "second_of_series", "do_not_contact", "receipts_off", "no_email_no_address"],
)
def test_gifts_that_are_not_thanked(org, actor, elections, case):
    person = donor(org, "Cy", "Quiet", email="cy@example.org")
    fields = {}
    if case == "old_gift":
        fields["received_on"] = today() - timedelta(days=31)
    if case == "second_of_series":
        _card(actor, elections, person, recurring_series="R-1")
        fields["recurring_series"] = "R-1"
    if case == "do_not_contact":
        person.do_not_contact = True
    if case == "receipts_off":
        fundraising_settings(org.id).receipts_enabled = False
    if case == "no_email_no_address":
        person.emails[0].do_not_contact = True
        fields.update(email=None, street_1=None)
    _card(actor, elections, person, **fields)
    expected = 1 if case == "second_of_series" else 0
    assert len(_messages(org)) == expected
    assert pending_letters(org.id)["thank_you"] == 0


def test_a_gift_waiting_in_the_review_queue_is_thanked_once_settled(org, actor, elections):
    donor(org, "Dana", "Twin", email="dana@example.org")
    twin = donor(org, "Dana", "Twin", email="dana@example.org")
    donation = gift(
        actor,
        elections["P"],
        5_000,
        received_on=today(),
        first_name="Dana",
        last_name="Twin",
        email="dana@example.org",
    )
    assert donation.person_id is None and _messages(org) == []
    assign_donor(actor, donation, twin)
    assert [m.recipient for m in _messages(org)] == ["dana@example.org"]


def test_templates_are_sandboxed_checked_and_cannot_drop_the_legal_lines(
    client, org, actor, elections
):
    finance = create_user(org, Role.FINANCE)
    bad = [
        ("thank_you_body", "{{ ''.__class__.__mro__[1].__subclasses__() }}"),
        ("thank_you_subject", "{% if %}"),
        ("thank_you_body", "{{ first_name.ljust(999999999) }}"),  # no methods
        ("thank_you_body", "{{ first_name|center(999999999) }}"),  # a few filters only
        ("thank_you_body", "{% for i in range(9) %}x{% endfor %}"),  # no loops, no globals
        ("info_request_body", "{% set x = amount ~ amount %}{{ x }}"),  # no set
        ("info_request_body", "{{ lipsum() }}"),
        ("info_request_body", "Dear {{ name }}"),  # not a value letters have
    ]
    for field, template in bad:
        response = client.patch(
            "/api/v1/fundraising/settings", json={field: template}, headers=auth_headers(finance)
        )
        assert response.status_code == 422, response.get_json()
        assert field in response.get_json()["error"]["fields"]
    response = client.patch(
        "/api/v1/fundraising/settings",
        json={
            "thank_you_body": "Thanks {{ first_name|upper }} for {{ amount }}!"
            "{% if check_number %} (check {{ check_number }}){% endif %}"
        },
        headers=auth_headers(finance),
    )
    assert response.status_code == 200
    ada = donor(org, "Ada", "Donor", email="ada@example.org")
    _card(actor, elections, ada, 2_000)
    [message] = _messages(org)
    assert message.body == f"Thanks ADA for $20.00!\n\n{DISCLAIMER}\n{PAID_FOR}\n"


def test_directors_and_organizers_may_not_touch_receipts(client, org):
    for role in (Role.DIRECTOR, Role.ORGANIZER):
        user = create_user(org, role)
        response = client.get("/api/v1/fundraising/settings", headers=auth_headers(user))
        assert response.status_code == 403


def test_the_thank_you_is_delivered_by_the_outbox_once_the_work_commits(org, actor, elections):
    ada = donor(org, "Ada", "Donor", email="ada@example.org")
    with unit_of_work():
        _card(actor, elections, ada)
    [message] = _messages(org)
    db.session.refresh(message)
    assert message.status == MessageStatus.SENT  # the log sender, as no SMTP is set


def test_a_merge_moves_pledges_and_what_was_sent(org, actor, elections):
    kept = donor(org, "Ada", "Donor", email="ada@example.org")
    other = donor(org, "Ada", "Donor2", email="ada2@example.org")
    _card(actor, elections, other, email="ada2@example.org")
    _, pledge = record_call(actor, other, "pledged", pledge={"amount_cents": 50_000})
    merge_people(actor, kept, other)
    assert pledge.person_id == kept.id
    assert {a.person_id for a in db.session.scalars(select(Acknowledgement))} == {kept.id}


def test_finance_prints_the_waiting_letters_through_the_api(client, org, actor, elections):
    finance = auth_headers(create_user(org, Role.FINANCE))
    bea = donor(org, "Bea", "Check")
    gift(actor, elections["P"], 25_000, person=bea, received_on=today(), email=None)
    queue = client.get("/api/v1/fundraising/letters", headers=finance).get_json()
    assert queue == {"pending": {**dict.fromkeys(AcknowledgementKind, 0), "thank_you": 1},
                     "batches": []}  # fmt: skip
    batch = client.post("/api/v1/fundraising/letter-batches", headers=finance)
    assert batch.status_code == 201 and batch.get_json()["letter_count"] == 1
    url = f"/api/v1/fundraising/letter-batches/{batch.get_json()['id']}/pdf"
    response = client.get(url, headers=finance)
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    again = client.post("/api/v1/fundraising/letter-batches", headers=finance)
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "no_letters_pending"
    read = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "fundraising.letters"))
    assert read.changes["rows"] == 1
