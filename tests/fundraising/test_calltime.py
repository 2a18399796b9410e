"""Call time: call sheets of donors (screen and PDF) with the ask, calls in the history, pledges
fulfilled by the gifts that follow them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.permissions import Role
from app.donations.committee import add_election
from app.donations.corrections import refund_donation
from app.donations.models import Method
from app.extensions import db
from app.fundraising import calltime
from app.fundraising.models import Pledge, PledgeStatus
from app.fundraising.pledges import GiftIn, allocate
from app.people.models import Interaction, InteractionKind
from tests.donations.conftest import gift
from tests.factories import auth_headers, create_user
from tests.fundraising.conftest import donor, today

SHEETS = "/api/v1/fundraising/call-sheets"


@pytest.fixture
def finance(org):
    return auth_headers(create_user(org, Role.FINANCE))


@pytest.fixture
def donors(org, actor, elections):
    """Hal gave $1,000 to the primary; Ivy $3,500 (maxed); Jo never gave; Kit gave but said do
    not contact; Lee gave but is a protected voter; Mo gave but has no phone."""
    people = {}
    for name, cents in (
        ("Hal", 100_000),
        ("Ivy", 350_000),
        ("Jo", 0),
        ("Kit", 5_000),
        ("Lee", 5_000),
        ("Mo", 5_000),
    ):
        phone = None if name == "Mo" else f"+1215555010{len(people)}"
        person = donor(org, name, "Caller", phone=phone, email=f"{name.lower()}@example.org")
        if cents:
            gift(actor, elections["P"], cents, person=person, first_name=name, last_name="Caller")
        people[name] = person
    people["Kit"].do_not_contact = True
    people["Lee"].confidential = True
    db.session.flush()
    return people


def test_the_call_sheet_lists_callable_donors_with_the_ask(client, finance, donors, actor):
    # An election ahead whatever today is: the donors' room is its limit.
    add_election(actor, {"kind": "G", "held_on": date(2099, 11, 3), "cycle": 2098})
    response = client.post(SHEETS, json={"filter": {"donor": {"is_donor": True}}}, headers=finance)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert [row["name"] for row in body["items"]] == ["Ivy Caller", "Hal Caller"]
    assert (body["total"], body["cannot_call"]) == (2, 2)  # Kit (do not contact), Mo (no phone)
    ivy, hal = body["items"]
    assert ivy["largest_cents"] == 350_000 and hal["largest_cents"] == 100_000
    assert hal["phones"] == [{"number": "+12155550100", "kind": "mobile"}]
    assert hal["elections"][0] == {
        "code": "P2026",
        "name": "Primary 2026",
        "given_cents": 100_000,
        "limit_cents": 350_000,
        "is_maxed_out": False,
    }
    assert ivy["elections"][0]["is_maxed_out"] is True
    assert (hal["room_cents"], hal["ask_cents"]) == (350_000, 150_000)  # HPC $1,000 + 50 %
    assert (ivy["room_cents"], ivy["ask_cents"]) == (350_000, 350_000)  # $5,250: up to the room
    audit = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "fundraising.call_sheet")
    )
    assert audit.changes["rows"] == 2


def test_the_call_sheet_prints_a_donor_a_page_up_to_its_limit(client, finance, donors, monkeypatch):
    response = client.post(f"{SHEETS}/pdf", json={}, headers=finance)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    monkeypatch.setattr(calltime, "MAX_PDF_DONORS", 1)
    response = client.post(f"{SHEETS}/pdf", json={}, headers=finance)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "call_sheet_too_large"


def test_directors_get_no_call_sheet(client, org):
    director = auth_headers(create_user(org, Role.DIRECTOR))
    assert client.post(SHEETS, json={}, headers=director).status_code == 403


def test_a_pledge_on_a_call_is_fulfilled_by_the_gifts_after_it(
    client, finance, org, actor, elections, donors
):
    hal = donors["Hal"]
    response = client.post(
        "/api/v1/fundraising/calls",
        headers=finance,
        json={
            "person_id": hal.id,
            "result": "pledged",
            "note": "After the debate",
            "pledge": {"amount_cents": 50_000, "election_id": elections["G"].id},
        },
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["pledge"]["status"] == "open" and body["pledge"]["received_cents"] == 0
    call = db.session.get(Interaction, body["interaction_id"])
    assert (call.kind, call.result) == (InteractionKind.CALL, "pledged")
    assert call.summary == "Call time: Pledged. After the debate"

    pledge = db.session.get(Pledge, body["pledge"]["id"])
    on = {"person": hal, "received_on": today(), "method": Method.CARD}
    gift(actor, elections["P"], 20_000, **on)  # another election: not towards it
    part = gift(actor, elections["G"], 30_000, **on)
    assert pledge.status == PledgeStatus.OPEN
    gift(actor, elections["G"], 25_000, **on)
    assert (pledge.status, pledge.fulfilled_on) == (PledgeStatus.FULFILLED, today())
    notes = db.session.scalars(
        select(Interaction.summary).where(
            Interaction.person_id == hal.id, Interaction.kind == InteractionKind.NOTE
        )
    ).all()
    assert "Pledge fulfilled" in notes

    refund_donation(actor, part, 30_000, today())  # counted live: the refund shows at once
    page = client.get("/api/v1/fundraising/pledges?status=fulfilled", headers=finance).get_json()
    assert [(p["id"], p["received_cents"]) for p in page["items"]] == [(pledge.id, 25_000)]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"result": "pledged"}, "pledge"),
        ({"result": "declined", "pledge": {"amount_cents": 100}}, "pledge"),
        ({"result": "maybe"}, "result"),
        ({"result": "pledged", "pledge": {"amount_cents": 0}}, "amount_cents"),
        (
            {"result": "pledged", "pledge": {"amount_cents": 100, "election_id": 2**40}},
            "pledge.election_id",
        ),
        (
            {"result": "pledged", "pledge": {"amount_cents": 100, "due_on": "2000-01-01"}},
            "pledge.due_on",
        ),
    ],
)
def test_bad_calls_are_refused_naming_the_field(client, finance, donors, body, field):
    body = {"person_id": donors["Hal"].id, **body}
    response = client.post("/api/v1/fundraising/calls", json=body, headers=finance)
    assert response.status_code == 422, response.get_json()
    assert field in str(response.get_json()["error"]["fields"])
    missing = {"person_id": 2**40, "result": "busy"}
    response = client.post("/api/v1/fundraising/calls", json=missing, headers=finance)
    assert response.status_code == 422
    assert "person_id" in response.get_json()["error"]["fields"]


def test_a_cancelled_pledge_counts_nothing_and_an_update_settles_again(
    client, finance, donors, actor, elections
):
    hal = donors["Hal"]
    made = client.post(
        "/api/v1/fundraising/calls",
        headers=finance,
        json={"person_id": hal.id, "result": "pledged", "pledge": {"amount_cents": 10_000}},
    )
    pledge_id = made.get_json()["pledge"]["id"]
    gift(actor, elections["G"], 6_000, person=hal, received_on=today())
    url = f"/api/v1/fundraising/pledges/{pledge_id}"
    response = client.patch(url, json={"amount_cents": 6_000}, headers=finance)
    assert response.get_json()["status"] == "fulfilled"
    response = client.patch(url, json={"status": "cancelled"}, headers=finance)
    assert (response.get_json()["status"], response.get_json()["received_cents"]) == (
        "cancelled",
        0,
    )
    assert client.patch(url, json={"status": "fulfilled"}, headers=finance).status_code == 422


def test_gifts_go_to_the_oldest_pledge_first():
    day = date(2026, 3, 1)
    first = Pledge(id=1, amount_cents=100, pledged_on=day, election_id=None)
    second = Pledge(id=2, amount_cents=100, pledged_on=day + timedelta(days=1), election_id=7)
    gifts = [
        GiftIn(50, day - timedelta(days=1), 7),  # before both: no pledge's
        GiftIn(150, day + timedelta(days=2), 7),
        GiftIn(30, day + timedelta(days=3), 8),
    ]
    assert allocate([second, first], gifts) == {1: (100, day + timedelta(days=2)), 2: (50, None)}
