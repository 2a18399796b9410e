"""The money API's ledger: gifts typed at the desk (check, cash, in-kind, wire, anonymous cash,
an organisation, a joint check), the list and its filters, one gift with its corrections,
refunds, chargebacks, redesignations, reattributions and voids. Bad input is a 4xx naming the
field, never a 5xx."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.auth.permissions import Role
from tests.core.test_errors import assert_error_shape
from tests.donations.money_api import ON, Money
from tests.factories import create_organization


@pytest.fixture
def money(client, db_session):
    return Money(client)


def codes(donation) -> dict[str, int]:
    return {flag["code"]: flag["amount_cents"] for flag in donation["flags"]}


def test_a_check_lands_on_its_person_checked_against_the_limit(money):
    ada = money.person()
    gift = money.check(400_000, person=ada)
    assert gift["person_id"] == ada.id and gift["donor"]["full_name"] == "Ada Donor"
    assert gift["amount_cents"] == 400_000 and gift["election_code"] == "P2026"
    assert gift["first_name"] == "Ada" and gift["street_1"] == "12 ELM ST"  # from her home
    [flag] = gift["flags"]
    assert (flag["code"], flag["amount_cents"], flag["status"]) == ("excessive", 50_000, "open")
    assert flag["due_on"] == (ON + timedelta(days=60)).isoformat()
    assert gift["excess_cents"] == 50_000 and gift["remaining_cents"] == 400_000


def test_cash_over_100_and_anonymous_cash_over_50_are_flagged(money):
    ada = money.person()
    cash = money.check(10_001, person=ada, method="cash", check_number=None)
    assert codes(cash) == {"cash_over_limit": 1}
    anonymous = money.call(
        "POST",
        "/api/v1/donations",
        201,
        json={
            "amount_cents": 5_001,
            "election_id": money.primary.id,
            "received_on": ON.isoformat(),
            "method": "cash",
        },
    )
    assert anonymous["person_id"] is None and codes(anonymous) == {"anonymous_cash": 1}


def test_in_kind_wire_and_an_organisation(money):
    ada = money.person()
    kind = money.check(
        2_500,
        person=ada,
        method="in_kind",
        check_number=None,
        in_kind_description="Pizza for the canvass",
    )
    assert kind["method"] == "in_kind" and kind["in_kind_description"] == "Pizza for the canvass"
    wire = money.check(100_000, person=ada, method="wire", check_number=None)
    assert wire["method"] == "wire" and codes(wire) == {}
    union = money.call(
        "POST",
        "/api/v1/donations",
        201,
        json={
            "amount_cents": 50_000,
            "election_id": money.primary.id,
            "received_on": ON.isoformat(),
            "method": "check",
            "check_number": "77",
            "entity_type": "ORG",
            "organization_name": "Local 12 Union",
            "street_1": "1 Hall Rd",
            "zip": "19104",
        },
    )
    assert codes(union) == {"not_individual": 50_000}
    assert union["person_id"] and union["donor"]["full_name"] == "Local 12 Union"


BAD = [
    ({"amount_cents": 12.5}, "amount_cents"),
    ({"amount_cents": 0}, "amount_cents"),
    ({"amount_cents": "100"}, "amount_cents"),
    ({"amount_cents": 10**12}, "amount_cents"),
    ({"received_on": (date.today() + timedelta(days=3)).isoformat()}, "received_on"),
    ({"received_on": "1999-12-31"}, "received_on"),
    ({"method": "card"}, "method"),
    ({"method": "bitcoin"}, "method"),
    ({"check_number": None}, "check_number"),
    ({"method": "in_kind"}, "in_kind_description"),
    ({"state": "Pennsylvania"}, "state"),
    ({"zip": "1910"}, "zip"),
    ({"last_name": "X" * 31}, "last_name"),
    ({"employer": "E" * 39}, "employer"),
    ({"email": "not-an-email"}, "email"),
    ({"conduit_committee_id": "ActBlue"}, "conduit_committee_id"),
    ({"first_name": None, "last_name": None}, "last_name"),  # an anonymous check
    ({"entity_type": "ORG"}, "organization_name"),
    ({"shoe_size": 9}, "shoe_size"),
    ({"last_name": "Nul\x00"}, "last_name"),
    ({"election_id": 2**40}, "election_id"),
    ({"person_id": 2**40}, "person_id"),
    ({"batch_id": 2**40}, "batch_id"),
    ({"fundraiser_person_id": 2**40}, "fundraiser_person_id"),
    ({"event_id": 2**40}, "event_id"),
]


@pytest.mark.parametrize(("change", "field"), BAD, ids=[field for _, field in BAD])
def test_bad_input_is_a_422_naming_the_field(money, change, field):
    body = {
        "amount_cents": 10_000,
        "election_id": money.primary.id,
        "received_on": ON.isoformat(),
        "method": "check",
        "check_number": "1",
        "first_name": "Ada",
        "last_name": "Donor",
        **change,
    }
    response = money.client.post(
        "/api/v1/donations", json=body, headers=money.headers[Role.FINANCE]
    )
    code = "person_not_found" if field.endswith("person_id") else "validation_error"
    error = assert_error_shape(response, 422, code)
    assert field in error["fields"], error


def test_another_campaigns_election_and_donation_are_not_found(money, client):
    other = Money(client)
    gift = other.check(10_000)
    money.check(10_000, election_id=other.primary.id, expect=422)
    money.call("GET", f"/api/v1/donations/{gift['id']}", 404)
    money.call("POST", f"/api/v1/donations/{gift['id']}/void", 404, json={"reason": "x"})
    assert create_organization()  # nothing else leaks: the lists are empty
    assert money.call("GET", "/api/v1/donations", 200)["total"] == 0


def test_the_list_filters_and_pages(money):
    ada, bob = money.person(), money.person("Bob", "Giver", house="14")
    money.check(10_000, person=ada, page="spring", reference_code="email1")
    money.check(20_000, person=bob, election_id=money.general.id, received_on="2026-06-01")
    cash = money.check(15_000, person=bob, method="cash", check_number=None)
    voided = money.check(5_000, person=ada)
    money.call("POST", f"/api/v1/donations/{voided['id']}/void", 200, json={"reason": "typo"})

    def ids(query: str) -> list[int]:
        return [
            d["amount_cents"] for d in money.call("GET", f"/api/v1/donations?{query}", 200)["items"]
        ]

    assert ids("sort=amount_cents") == [10_000, 15_000, 20_000]
    assert ids("include_voided=true&sort=amount_cents") == [5_000, 10_000, 15_000, 20_000]
    assert ids(f"election_id={money.general.id}") == [20_000]
    assert ids("method=cash") == [15_000]
    assert ids(f"person_id={bob.id}&sort=-amount_cents") == [20_000, 15_000]
    assert ids("received_from=2026-05-01&received_to=2026-12-31") == [20_000]
    assert ids("source_page=spring") == [10_000] == ids("reference_code=email1")
    assert ids("processor=manual&flagged=true") == [15_000]  # cash over $100
    assert sorted(ids("flagged=false")) == [10_000, 20_000]
    assert ids("review=true") == []
    page = money.call("GET", "/api/v1/donations?per_page=1&page=2&sort=amount_cents", 200)
    assert (page["total"], page["pages"], page["items"][0]["id"]) == (3, 3, cash["id"])
    for query, field in [
        ("received_from=2026-05-01&received_to=2026-04-01", "received_from"),
        ("method=card2", "method"),
        ("sort=amount", "sort"),
        ("per_page=500", "per_page"),
        ("flagged=maybe", "flagged"),
        ("pesron_id=1", "pesron_id"),
    ]:
        error = money.call("GET", f"/api/v1/donations?{query}", 422)["error"]
        assert field in error["fields"], (query, error)


def test_refunds_and_chargebacks_are_entries_of_their_own(money):
    ada = money.person()
    gift = money.check(400_000, person=ada)
    url = f"/api/v1/donations/{gift['id']}"
    refund = money.call(
        "POST",
        f"{url}/refund",
        201,
        json={"amount_cents": 50_000, "on": "2026-03-10", "reason": "excess"},
    )
    assert (refund["kind"], refund["amount_cents"], refund["corrects_id"]) == (
        "refund",
        -50_000,
        gift["id"],
    )
    money.call("POST", f"{url}/refund", 201, json={"amount_cents": 1_000, "kind": "chargeback"})
    detail = money.call("GET", url, 200)
    assert [(c["kind"], c["amount_cents"]) for c in detail["corrections"]] == [
        ("refund", -50_000),
        ("chargeback", -1_000),
    ]
    assert detail["remaining_cents"] == 349_000
    assert detail["flags"][0]["status"] == "resolved"  # back within the limit
    over = money.call("POST", f"{url}/refund", 422, json={"amount_cents": 349_001})["error"]
    assert over["code"] == "amount_over_remaining" and "amount_cents" in over["fields"]
    bad = money.call("POST", f"{url}/refund", 422, json={"amount_cents": 1, "kind": "void"})
    assert "kind" in bad["error"]["fields"]
    money.call("POST", f"/api/v1/donations/{refund['id']}/refund", 409, json={"amount_cents": 1})


def test_redesignation_and_reattribution_move_money_and_cure_the_excess(money):
    ada, bob = money.person(), money.person("Bob", "Donor", house="12")
    gift = money.check(450_000, person=ada)
    url = f"/api/v1/donations/{gift['id']}"
    moved = money.call(
        "POST",
        f"{url}/redesignate",
        201,
        json={"election_id": money.general.id, "amount_cents": 50_000},
    )
    kinds = [(c["kind"], c["amount_cents"], c["election_id"]) for c in moved["corrections"]]
    assert kinds == [
        ("redesignation", -50_000, money.primary.id),
        ("redesignation", 50_000, money.general.id),
    ]
    same = money.call(
        "POST", f"{url}/redesignate", 422, json={"election_id": money.primary.id, "amount_cents": 1}
    )
    assert "election_id" in same["error"]["fields"]
    given = money.call(
        "POST",
        f"{url}/reattribute",
        201,
        json={
            "person_id": bob.id,
            "amount_cents": 50_000,
            "contributor": {"employer": "Hospital", "occupation": "Nurse"},
        },
    )
    plus = given["corrections"][-1]
    assert (plus["person_id"], plus["amount_cents"], plus["occupation"]) == (
        bob.id,
        50_000,
        "Nurse",
    )
    assert given["flags"][0]["status"] == "resolved"
    assert given["remaining_cents"] == 350_000
    bobs = money.call("GET", f"/api/v1/people/{bob.id}/giving", 200)
    assert bobs["elections"][0]["amount_cents"] == 50_000 and bobs["is_donor"] is True
    # The move landed today: this calendar year's net, whatever the year.
    assert (bobs["full_name"], bobs["year_to_date_cents"]) == (bob.full_name, 50_000)
    nobody = money.call(
        "POST", f"{url}/reattribute", 422, json={"person_id": 2**40, "amount_cents": 1}
    )
    assert "person_id" in nobody["error"]["fields"]


def test_a_void_keeps_the_entry_out_of_every_total(money):
    ada = money.person()
    gift = money.check(10_000, person=ada)
    url = f"/api/v1/donations/{gift['id']}"
    blank = money.call("POST", f"{url}/void", 422, json={"reason": "  "})
    assert "reason" in blank["error"]["fields"]
    voided = money.call("POST", f"{url}/void", 200, json={"reason": "typed twice"})
    assert voided["voided_at"] and voided["void_reason"] == "typed twice"
    again = money.call("POST", f"{url}/void", 409, json={"reason": "again"})
    assert again["error"]["code"] == "donation_voided"
    giving = money.call("GET", f"/api/v1/people/{ada.id}/giving", 200)
    assert giving["elections"] == [] and giving["is_donor"] is False
    assert giving["donations_total"] == 1  # still there, voided


def test_a_joint_check_is_a_gift_per_signer(money):
    ada, bob = money.person(), money.person("Bob", "Donor", house="12")
    body = {
        "amount_cents": 700_000,
        "election_id": money.primary.id,
        "received_on": ON.isoformat(),
        "check_number": "501",
        "street_1": "12 Elm St",
        "zip": "19104",
        "signers": [
            {
                "person_id": ada.id,
                "amount_cents": 400_000,
                "employer": "Acme",
                "occupation": "Engineer",
            },
            {
                "person_id": bob.id,
                "amount_cents": 300_000,
                "employer": "Self",
                "occupation": "Writer",
            },
        ],
    }
    made = money.call("POST", "/api/v1/donations/joint", 201, json=body)
    assert [(d["person_id"], d["amount_cents"]) for d in made] == [
        (ada.id, 400_000),
        (bob.id, 300_000),
    ]
    assert made[0]["group_uuid"] == made[1]["group_uuid"]
    assert (made[1]["last_name"], made[1]["occupation"]) == ("Donor", "Writer")
    assert codes(made[0]) == {"excessive": 50_000} and codes(made[1]) == {}
    related = money.call("GET", f"/api/v1/donations/{made[0]['id']}", 200)["related"]
    assert [d["person_id"] for d in related] == [bob.id]
    named = money.call("POST", "/api/v1/donations/joint", 422, json={**body, "last_name": "X"})
    assert "last_name" in named["error"]["fields"]  # the signers say who gave
    uneven = {**body, "amount_cents": 600_000}
    assert (
        "signers"
        in money.call("POST", "/api/v1/donations/joint", 422, json=uneven)["error"]["fields"]
    )
    twice = {
        **body,
        "signers": [body["signers"][0], {**body["signers"][0], "amount_cents": 300_000}],
    }
    assert (
        "signers"
        in money.call("POST", "/api/v1/donations/joint", 422, json=twice)["error"]["fields"]
    )
