"""ActBlue's webhook, posted by a real HTTP client (urllib) over a socket to a live server.

The payloads have the shape ActBlue's webhook documentation gives (``donor``,
``contribution``, ``lineitems``; amounts as text, times with their offset). The live server
runs on its own copy of the migrated template (about a second to make, once for the module).
"""

from __future__ import annotations

import base64
import copy
import json
import urllib.error
import urllib.request
from datetime import date

import pytest
from sqlalchemy import func, select

from app.accounts.models import Organization
from app.auth.permissions import Role
from app.core.actor import Actor
from app.donations.committee import add_election, update_committee_settings
from app.donations.income import set_webhook_credentials
from app.donations.models import Donation, EntryKind, ProcessorWebhook
from app.extensions import db
from tests.browsers import serve
from tests.factories import auth_headers, create_organization, create_user

PASSWORD = "correct horse battery staple"

CONTRIBUTION = {
    "donor": {
        "firstname": "Ada",
        "lastname": "Donor",
        "addr1": "12 Elm St",
        "city": "Philadelphia",
        "state": "PA",
        "zip": "19104",
        "country": "United States",
        "isEligibleForExpressLane": False,
        "employerData": {
            "employer": "Acme",
            "occupation": "Engineer",
            "employerAddr1": None,
            "employerCity": None,
            "employerState": None,
            "employerCountry": None,
        },
        "email": "ada@example.org",
        "phone": "2155550101",
    },
    "contribution": {
        "createdAt": "2026-03-01T23:30:00-05:00",
        "orderNumber": "AB2001",
        "contributionForm": "pat-2026",
        "refcodes": {"refcode": "email-march"},
        "refcode": "email-march",
        "refcode2": None,
        "creditCardExpiration": "12/2028",
        "recurringPeriod": "monthly",
        "recurringDuration": 12,
        "abTestName": None,
        "isRecurring": True,
        "isPaypal": False,
        "isMobile": False,
        "abTestVariation": None,
        "isExpress": False,
        "withExpressLane": False,
        "expressSignup": False,
        "uniqueIdentifier": "f3a1",
        "status": "approved",
        "textMessageOption": "unknown",
        "customFields": [],
    },
    "lineitems": [
        {
            "sequence": 0,
            "entityId": 12345,
            "fecId": "C00123456",
            "committeeName": "Pat for Congress",
            "amount": "25.0",
            "recurringAmount": "25.0",
            "paidAt": "2026-03-01T23:30:00-05:00",
            "paymentId": 555,
            "lineitemId": 3001,
            "disbursedAt": None,
            "refundedAt": None,
        },
        {
            "sequence": 1,
            "entityId": 999,
            "fecId": "C00999999",
            "committeeName": "Someone Else",
            "amount": "5.0",
            "paidAt": "2026-03-01T23:30:00-05:00",
            "paymentId": 555,
            "lineitemId": 3002,
            "refundedAt": None,
        },
    ],
    "form": {"name": "pat-2026", "kind": "page", "managingEntityName": "Pat for Congress"},
}


@pytest.fixture(scope="module")
def live(make_database):
    def seed():
        org = create_organization()
        actor = Actor.system(org.id, "test")
        add_election(actor, {"kind": "P", "held_on": date(2026, 5, 19)})
        update_committee_settings(actor, {"committee_id": "C00123456"})
        set_webhook_credentials(actor, "actblue", "actblue-pat", PASSWORD)
        return {"slug": org.slug, "org": org.id}

    for server in serve(make_database, "doorstep_actblue_webhook"):
        yield server, server.run(seed)


def post(live, body, *, user="actblue-pat", password=PASSWORD, slug=None, raw=False):
    server, seeded = live
    data = body if raw else json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310 - the live server on loopback
        f"{server.url}/api/v1/webhooks/actblue/{slug or seeded['slug']}",
        data=data,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    if user is not None:
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def entries(live, kind=EntryKind.CONTRIBUTION):
    server, seeded = live
    return server.run(
        lambda: db.session.scalar(
            select(func.count()).where(
                Donation.organization_id == seeded["org"], Donation.kind == kind
            )
        )
    )


def test_a_contribution_is_recorded_once_however_often_it_arrives(live):
    status, body = post(live, CONTRIBUTION)
    assert status == 200, body
    assert (body["received"], body["recorded"]) == (1, 1)  # the other committee's share: not ours
    again_status, again = post(live, CONTRIBUTION)
    assert again_status == 200 and again["recorded"] == 0
    assert again["donation_ids"] == body["donation_ids"]
    server, _ = live

    def check():
        gift = db.session.get(Donation, body["donation_ids"][0])
        return (gift.amount_cents, gift.received_on, gift.processor_line_id,
                gift.recurring_series, gift.conduit_name, gift.employer, gift.page)  # fmt: skip

    assert server.run(check) == (
        2500, date(2026, 3, 1), "3001", "AB2001", "ActBlue", "Acme", "pat-2026"
    )  # fmt: skip


def test_a_refund_notification_records_the_refund_once(live):
    refund = copy.deepcopy(CONTRIBUTION)
    refund["lineitems"][0]["refundedAt"] = "2026-03-09T10:00:00-05:00"
    before = entries(live, EntryKind.REFUND)
    status, body = post(live, refund)
    assert status == 200 and body["recorded"] >= 1, body
    assert post(live, refund)[1]["recorded"] == 0
    assert entries(live, EntryKind.REFUND) == before + 1


@pytest.mark.parametrize(
    ("user", "password"),
    [("actblue-pat", "wrong password of some length"), ("someone", PASSWORD), (None, None)],
)
def test_wrong_or_missing_credentials_are_401(live, user, password):
    status, body = post(live, CONTRIBUTION, user=user, password=password)
    assert status == 401 and body["error"]["code"] == "webhook_unauthorized"


def test_a_campaign_without_a_webhook_is_404(live):
    status, body = post(live, CONTRIBUTION, slug="no-such-campaign")
    assert status == 404 and body["error"]["code"] == "webhook_not_configured"


def test_a_body_past_the_limit_is_413(live):
    huge = copy.deepcopy(CONTRIBUTION)
    huge["contribution"]["customFields"] = ["x" * 1000] * 400
    status, body = post(live, huge)
    assert status == 413 and body["error"]["code"] == "payload_too_large"


def _with(path, value):
    payload = copy.deepcopy(CONTRIBUTION)
    node = payload
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return payload


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b"\xff\xfe",
        b"[" * 5000 + b"]" * 5000,
        json.dumps({"donor": {}, "contribution": {}, "lineitems": "no"}).encode(),
        json.dumps({"donor": [], "contribution": {}, "lineitems": []}).encode(),
        json.dumps(_with(("lineitems",), [])).encode(),
        json.dumps(_with(("lineitems",), [7])).encode(),
        json.dumps(_with(("lineitems", 0, "amount"), "abc")).encode(),
        json.dumps(_with(("lineitems", 0, "amount"), 1e400)).encode(),
        json.dumps(_with(("lineitems", 0, "amount"), 10**30)).encode(),
        json.dumps(_with(("lineitems", 0, "paidAt"), "yesterday")).encode(),
        json.dumps(_with(("lineitems", 0, "lineitemId"), None)).encode(),
        json.dumps(_with(("lineitems", 0, "lineitemId"), "9" * 500)).encode(),
    ],
    ids=lambda body: body[:30].decode("utf-8", "replace"),
)
def test_no_input_gives_a_5xx(live, body):
    status, answer = post(live, body, raw=True)
    assert 400 <= status < 500, answer
    assert answer["error"]["code"]


def test_odd_text_is_kept_without_what_the_database_refuses(live):
    odd = _with(("donor", "firstname"), "A\u0000da\ud800")
    odd["lineitems"][0]["lineitemId"] = 5001
    status, body = post(live, odd)
    assert status == 200, body


def test_finance_sets_the_credentials_and_only_a_hash_is_kept(client, db_session):
    org = create_organization()
    finance = create_user(org, Role.FINANCE)
    response = client.put(
        "/api/v1/donations/webhooks/actblue",
        json={"username": "actblue-pat"},
        headers=auth_headers(finance),
    )
    assert response.status_code == 200, response.get_json()
    made = response.get_json()
    assert len(made["password"]) >= 20 and made["url"] == f"/api/v1/webhooks/actblue/{org.slug}"
    stored = db.session.scalar(select(ProcessorWebhook).filter_by(organization_id=org.id))
    assert (
        stored.password_hash.startswith("$argon2") and made["password"] not in stored.password_hash
    )
    director = create_user(org, Role.DIRECTOR)
    refused = client.put(
        "/api/v1/donations/webhooks/actblue",
        json={"username": "x"},
        headers=auth_headers(director),
    )
    assert refused.status_code == 403
    assert db.session.get(Organization, org.id) is not None
