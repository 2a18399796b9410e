"""The money API at the desk: deposit batches that close only when they balance the slip, the
review queue of uncertain donors, and the flags staff act on."""

from __future__ import annotations

import pytest

from tests.donations.money_api import ON, Money


@pytest.fixture
def money(client, db_session):
    return Money(client)


def open_batch(money, count: int, cents: int) -> dict:
    return money.call(
        "POST",
        "/api/v1/donations/batches",
        201,
        json={"name": "Monday's mail", "expected_count": count, "expected_cents": cents},
    )


def test_a_batch_closes_only_when_it_balances_the_slip(money):
    ada, bob = money.person(), money.person("Bob", "Giver", house="14")
    batch = open_batch(money, 3, 35_000)
    assert (batch["entered_count"], batch["balanced"], batch["closed_at"]) == (0, False, None)
    money.check(10_000, person=ada, batch_id=batch["id"])
    money.check(20_000, person=bob, batch_id=batch["id"], check_number="2002")
    url = f"/api/v1/donations/batches/{batch['id']}"
    short = money.call("POST", f"{url}/close", 409)["error"]
    assert short["code"] == "batch_unbalanced"
    assert short["fields"]["count_difference"] == ["-1"]
    assert short["fields"]["cents_difference"] == ["-5000"]
    assert "1 gift missing" in short["fields"]["expected_count"][0]
    assert "$50.00 short" in short["fields"]["expected_cents"][0]
    # A gift recorded at an event joins the batch it is deposited with.
    cash = money.check(5_000, person=bob, method="cash", check_number=None)
    state = money.call("POST", f"{url}/donations", 200, json={"donation_ids": [cash["id"]]})
    assert (state["entered_count"], state["entered_cents"], state["balanced"]) == (3, 35_000, True)
    closed = money.call("POST", f"{url}/close", 200)
    assert closed["closed_at"] and closed["balanced"]
    listed = money.call("GET", f"/api/v1/donations?batch_id={batch['id']}", 200)
    assert listed["total"] == 3

    # A closed batch takes nothing more, by either way in, and its gifts are not voided.
    late = money.check(1_000, person=ada, batch_id=batch["id"], expect=409)["error"]
    assert late["code"] == "batch_closed" and "batch_id" in late["fields"]
    other = money.check(1_000, person=ada)
    money.call("POST", f"{url}/donations", 409, json={"donation_ids": [other["id"]]})
    refused = money.call(
        "POST", f"/api/v1/donations/{cash['id']}/void", 409, json={"reason": "bounced"}
    )
    assert refused["error"]["code"] == "batch_closed"
    money.call("POST", f"{url}/close", 409)
    assert money.call("GET", "/api/v1/donations/batches?status=closed", 200)["total"] == 1
    assert money.call("GET", "/api/v1/donations/batches?status=open", 200)["total"] == 0


def test_an_overfull_batch_names_what_is_over(money):
    ada = money.person()
    batch = open_batch(money, 1, 10_000)
    money.check(10_000, person=ada, batch_id=batch["id"])
    money.check(2_550, person=ada, batch_id=batch["id"], check_number="2")
    over = money.call("POST", f"/api/v1/donations/batches/{batch['id']}/close", 409)["error"]
    assert over["fields"]["count_difference"] == ["1"]
    assert "1 gift too many" in over["message"] and "$25.50 over" in over["message"]


def test_a_joint_check_is_one_gift_on_the_slip_and_only_checks_and_cash_go_in(money):
    ada, bob = money.person(), money.person("Bob", "Donor", house="12")
    batch = open_batch(money, 1, 20_000)
    money.call(
        "POST",
        "/api/v1/donations/joint",
        201,
        json={
            "amount_cents": 20_000,
            "election_id": money.primary.id,
            "received_on": ON.isoformat(),
            "check_number": "9",
            "batch_id": batch["id"],
            "signers": [
                {"person_id": ada.id, "amount_cents": 10_000},
                {"person_id": bob.id, "amount_cents": 10_000},
            ],
        },
    )
    url = f"/api/v1/donations/batches/{batch['id']}"
    assert money.call("GET", url, 200)["entered_count"] == 1
    wire = money.check(
        1_000, person=ada, method="wire", check_number=None, batch_id=batch["id"], expect=422
    )
    assert "batch_id" in wire["error"]["fields"]
    kind = money.check(
        1_000, person=ada, method="in_kind", check_number=None, in_kind_description="Stamps"
    )
    refused = money.call("POST", f"{url}/donations", 409, json={"donation_ids": [kind["id"]]})
    assert "donation_ids.0" in refused["error"]["fields"]
    missing = money.call("POST", f"{url}/donations", 422, json={"donation_ids": [2**40]})
    assert "donation_ids.0" in missing["error"]["fields"]
    for body, field in [
        ({"name": "x", "expected_count": 0, "expected_cents": 1}, "expected_count"),
        ({"name": " ", "expected_count": 1, "expected_cents": 1}, "name"),
        ({"name": "x", "expected_count": 1, "expected_cents": 1.5}, "expected_cents"),
    ]:
        error = money.call("POST", "/api/v1/donations/batches", 422, json=body)["error"]
        assert field in error["fields"]
    money.call("GET", "/api/v1/donations/batches/1099511627776", 404)


def test_the_review_queue_shows_who_could_be_the_donor_and_takes_a_decision(money):
    voter = money.person("Ada", "Donor", house="12")
    gift = money.check(400_000, street_1="99 Oak St")  # Ada Donor in 19104, not at her door
    assert gift["match_status"] == "review" and gift["person_id"] is None
    assert gift["flags"] == []  # counted towards no limit until someone says who gave it
    queue = money.call("GET", "/api/v1/donations/review", 200)
    [item] = queue["items"]
    assert item["donation"]["id"] == gift["id"]
    [candidate] = item["candidates"]
    assert (candidate["id"], candidate["full_name"], candidate["matches"]) == (
        voter.id,
        "Ada Donor",
        ["name_and_zip"],
    )
    assert candidate["address"] == "12 ELM ST" and candidate["protected"] is False
    url = f"/api/v1/donations/{gift['id']}/assign"
    for body in ({}, {"person_id": voter.id, "new_person": True}, {"new_person": False}):
        assert "person_id" in money.call("POST", url, 422, json=body)["error"]["fields"]
    settled = money.call("POST", url, 200, json={"person_id": voter.id})
    assert settled["person_id"] == voter.id and settled["match_status"] == "matched"
    assert [f["code"] for f in settled["flags"]] == ["excessive"]
    assert money.call("POST", url, 409, json={"person_id": voter.id})["error"]["code"] == (
        "donor_settled"
    )
    assert money.call("GET", "/api/v1/donations/review", 200)["total"] == 0

    mistaken = money.check(1_000, street_1="5 Birch St", check_number="5")
    money.call("POST", f"/api/v1/donations/{mistaken['id']}/void", 200, json={"reason": "twice"})
    voided = money.call(
        "POST", f"/api/v1/donations/{mistaken['id']}/assign", 409, json={"person_id": voter.id}
    )
    assert voided["error"]["code"] == "donation_voided"
    other = money.check(1_000, street_1="7 Pine St")
    fresh = money.call(
        "POST", f"/api/v1/donations/{other['id']}/assign", 200, json={"new_person": True}
    )
    assert fresh["person_id"] not in (None, voter.id)
    assert fresh["donor"]["full_name"] == "Ada Donor"


def test_staff_act_on_flags_soonest_due_first(money):
    ada = money.person()
    over = money.check(400_000, person=ada)
    cash = money.check(
        15_000,
        person=money.person("Cal", "Cash", house="3"),
        method="cash",
        check_number=None,
        employer=None,
    )
    flags = money.call("GET", "/api/v1/donations/flags", 200)["items"]
    assert [f["code"] for f in flags] == ["excessive", "cash_over_limit"]  # dated first
    assert flags[0]["donation"]["id"] == over["id"] and flags[0]["due_on"] == "2026-05-01"
    assert flags[1]["donation"]["donor"]["full_name"] == "Cal Cash"
    only = money.call("GET", "/api/v1/donations/flags?code=cash_over_limit", 200)["items"]
    assert [f["id"] for f in only] == [flags[1]["id"]]

    excess_url = f"/api/v1/donations/flags/{flags[0]['id']}/review"
    cleared = money.call("POST", excess_url, 409, json={"status": "cleared", "note": "fine"})
    assert cleared["error"]["code"] == "excess_not_clearable"
    cash_url = f"/api/v1/donations/flags/{flags[1]['id']}/review"
    assert (
        "note" in money.call("POST", cash_url, 422, json={"status": "resolved"})["error"]["fields"]
    )
    assert "status" in money.call("POST", cash_url, 422, json={"status": "gone"})["error"]["fields"]
    confirmed = money.call("POST", cash_url, 200, json={"status": "confirmed"})
    assert confirmed["status"] == "confirmed" and confirmed["donation"]["id"] == cash["id"]
    resolved = money.call(
        "POST", cash_url, 200, json={"status": "resolved", "note": "Refunded $50 by check 3001"}
    )
    assert resolved["resolved_at"] and resolved["note"].startswith("Refunded")
    assert money.call("POST", cash_url, 409, json={"status": "confirmed"})["error"]["code"] == (
        "flag_status_invalid"
    )
    left = money.call("GET", "/api/v1/donations/flags", 200)["items"]
    assert [f["code"] for f in left] == ["excessive"]
    money.call(
        "POST", "/api/v1/donations/flags/1099511627776/review", 404, json={"status": "confirmed"}
    )
