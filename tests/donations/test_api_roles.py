"""Who sees what of the money: finance and admins amounts; directors totals with no one
person's gifts; organizers that a person is a donor; canvassers nothing. Confidential and
suppressed donors are shown in lists as the people room shows them, and bulk reads are
audited. A person's giving and the totals add up to the cent."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.auth.permissions import HIDDEN_PERSON_FIELDS, Role
from app.core.actor import Actor
from app.people.merging import merge_people
from tests.donations.money_api import Money

TOTALS = "/api/v1/fundraising/totals"


@pytest.fixture
def money(client, db_session):
    return Money(client)


def test_directors_read_totals_and_never_who_gave(money):
    ada, bob = money.person(), money.person("Bob", "Giver", house="14")
    gift = money.check(40_000, person=ada, page="spring")
    money.check(25_000, person=bob, election_id=money.general.id, received_on="2026-06-01")
    money.call(
        "POST",
        f"/api/v1/donations/{gift['id']}/refund",
        201,
        json={"amount_cents": 5_000, "on": "2026-03-05"},
    )
    for role in (Role.DIRECTOR, Role.FINANCE, Role.ADMIN):
        by_day = money.call("GET", f"{TOTALS}?from=2026-01-01&to=2026-12-31", 200, role=role)
        assert [(r["key"], r["amount_cents"]) for r in by_day["rows"] if r["gifts"] or
                r["refunded_cents"]] == [
            ("2026-03-02", 40_000),
            ("2026-03-05", -5_000),
            ("2026-06-01", 25_000),
        ]  # fmt: skip
        assert by_day["total"] == {
            "key": None,
            "label": "Total",
            "gross_cents": 65_000,
            "refunded_cents": 5_000,
            "amount_cents": 60_000,
            "gifts": 2,
            "donors": 2,
        }
    year = "from=2026-01-01&to=2026-12-31"
    by_election = money.call("GET", f"{TOTALS}?by=election&{year}", 200, role=Role.DIRECTOR)
    assert [(r["key"], r["amount_cents"], r["donors"]) for r in by_election["rows"]] == [
        ("P2026", 35_000, 1),
        ("G2026", 25_000, 1),
    ]
    by_source = money.call(
        "GET", f"{TOTALS}?by=source&source_kind=page&{year}", 200, role=Role.DIRECTOR
    )
    assert [r["label"] for r in by_source["rows"]] == ["spring", "(none)"]
    row_fields = {name for row in by_source["rows"] for name in row}
    assert not row_fields & {"person_id", "first_name", "last_name", "donor", "email"}
    assert money.call("GET", "/api/v1/donations/elections", 200, role=Role.DIRECTOR)
    for url in (
        "/api/v1/donations",
        f"/api/v1/people/{ada.id}/giving",
        f"/api/v1/donations/{gift['id']}",
        "/api/v1/donations/review",
        "/api/v1/donations/flags",
        "/api/v1/donations/batches",
    ):
        assert money.call("GET", url, 403, role=Role.DIRECTOR)["error"]["code"] == "forbidden"
    bad = money.call("GET", f"{TOTALS}?from=2020-01-01&to=2026-01-01", 422, role=Role.DIRECTOR)
    assert "from" in bad["error"]["fields"]
    assert (
        "by" in money.call("GET", f"{TOTALS}?by=donor", 422, role=Role.DIRECTOR)["error"]["fields"]
    )


def test_organizers_see_that_a_person_is_a_donor_and_canvassers_nothing(money):
    ada, other = money.person(), money.person("Olive", "Nogift", house="16")
    money.check(10_000, person=ada)
    for role in (Role.ORGANIZER, Role.DIRECTOR, Role.FINANCE):
        profile = money.call("GET", f"/api/v1/people/{ada.id}", 200, role=role)
        assert profile["is_donor"] is True, role
        assert not {"amount_cents", "total_cents", "giving"} & set(profile)
        assert money.call("GET", f"/api/v1/people/{other.id}", 200, role=role)["is_donor"] is False
        listed = money.call("GET", "/api/v1/people?q=donor", 200, role=role)["items"]
        assert listed[0]["is_donor"] is True
    timeline = money.call("GET", f"/api/v1/people/{ada.id}/interactions", 200, role=Role.ORGANIZER)[
        "items"
    ]
    assert [i["summary"] for i in timeline] == ["Donation (check)"]  # no amount
    assert "$" not in str(timeline) and "10000" not in str(timeline)
    for url in (
        "/api/v1/donations",
        TOTALS,
        f"/api/v1/people/{ada.id}/giving",
        "/api/v1/donations/elections",
    ):
        money.call("GET", url, 403, role=Role.ORGANIZER)
        money.call("GET", url, 403, role=Role.CANVASSER)
    money.call("GET", f"/api/v1/people/{ada.id}", 403, role=Role.CANVASSER)
    assert "is_donor" in HIDDEN_PERSON_FIELDS[Role.CANVASSER]


def test_lists_withhold_a_protected_donor_and_a_suppressed_ones_contact(money):
    hidden = money.person("Pat", "Hidden", house="20", confidential=True)
    quiet = money.person("Quinn", "Quiet", house="22", do_not_contact=True)
    secret = money.check(10_000, person=hidden, email="pat@example.org", phone="2155550100")
    money.check(10_000, person=quiet, email="quinn@example.org", check_number="2")
    rows = {row["person_id"]: row for row in money.call("GET", "/api/v1/donations", 200)["items"]}
    pat, quinn = rows[hidden.id], rows[quiet.id]
    assert pat["donor"] == {
        "id": hidden.id,
        "full_name": None,
        "protected": True,
        "is_deceased": False,
        "do_not_contact": False,
    }
    assert [
        pat[name] for name in ("first_name", "last_name", "street_1", "email", "phone", "employer")
    ] == [None] * 6
    assert pat["amount_cents"] == 10_000  # the money is still the campaign's to account for
    assert quinn["last_name"] == "Quiet" and quinn["email"] is None
    assert quinn["donor"]["do_not_contact"] is True
    looked_up = money.call("GET", f"/api/v1/donations/{secret['id']}", 200)
    assert looked_up["last_name"] == "Hidden" and looked_up["donor"]["protected"] is True
    flags = money.call("GET", "/api/v1/donations/flags", 200)["items"]
    assert all(f["donation"]["last_name"] != "Hidden" for f in flags)


def test_bulk_reads_of_donors_are_audited(money, db_session):
    ada = money.person()
    money.check(400_000, person=ada)
    money.check(1_000, street_1="1 Far Rd")  # Ada Donor again, elsewhere: the review queue
    money.call("GET", "/api/v1/donations?per_page=1", 200)
    money.call("GET", "/api/v1/donations/review", 200)
    money.call("GET", "/api/v1/donations/flags", 200)
    money.call("GET", "/api/v1/donations?election_id=1099511627776", 200)  # nobody: no row
    events = db_session.scalars(
        sa.select(AuditEvent)
        .where(
            AuditEvent.action.in_(
                ["donations.list", "donations.review_queue", "donation_flags.list"]
            )
        )
        .order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.changes["rows"]) for e in events] == [
        ("donations.list", 1),
        ("donations.review_queue", 1),
        ("donation_flags.list", 1),
    ]
    assert events[0].changes["filter"]["per_page"] == 1 and events[0].changes["total"] == 2
    assert events[0].actor_user_id == money.users[Role.FINANCE].id


def test_a_persons_giving_adds_up_and_follows_a_merge(money):
    ada, twin = money.person(), money.person("Ada", "Donor2", house="30")
    money.check(300_000, person=ada)
    money.check(60_000, person=twin, check_number="2")
    money.check(15_000, person=ada, election_id=money.general.id, check_number="3", employer=None)
    giving = money.call("GET", f"/api/v1/people/{ada.id}/giving", 200)
    assert [(e["code"], e["amount_cents"], e["remaining_cents"]) for e in giving["elections"]] == [
        ("P2026", 300_000, 50_000),
        ("G2026", 15_000, 335_000),
    ]
    assert giving["cycles"] == [{"cycle": 2026, "amount_cents": 315_000, "itemized": True}]
    assert giving["donor"]["total_cents"] == 315_000 and giving["donor"]["gift_count"] == 2
    assert giving["donor"]["employer"] == "Acme"  # a later gift without one keeps it
    assert giving["donations_total"] == 2 and giving["donations_url"].endswith(
        f"={ada.id}&include_voided=true"
    )
    merge_people(Actor.system(money.org.id, "test"), ada, twin)
    merged = money.call("GET", f"/api/v1/people/{twin.id}/giving", 200)
    assert merged["person_id"] == ada.id
    primary = merged["elections"][0]
    assert (primary["amount_cents"], primary["over_limit_cents"]) == (360_000, 10_000)
    money.call("GET", "/api/v1/people/1099511627776/giving", 404)
    nobody = money.call(
        "GET", f"/api/v1/people/{money.person('No', 'Gift', house='9').id}/giving", 200
    )
    assert (nobody["is_donor"], nobody["donor"], nobody["elections"]) == (False, None, [])


def test_elections_and_committee_settings(money):
    made = money.call(
        "POST", "/api/v1/donations/elections", 201, json={"kind": "R", "held_on": "2026-06-16"}
    )
    assert (made["code"], made["cycle"], made["limit_cents"]) == ("R2026", 2026, 350_000)
    again = money.call(
        "POST", "/api/v1/donations/elections", 409, json={"kind": "R", "held_on": "2026-07-01"}
    )
    assert again["error"]["code"] == "election_exists"
    odd = money.call(
        "POST",
        "/api/v1/donations/elections",
        422,
        json={"kind": "S", "held_on": "2027-03-01", "cycle": 2027},
    )
    assert "cycle" in odd["error"]["fields"]
    codes = [e["code"] for e in money.call("GET", "/api/v1/donations/elections", 200)]
    assert codes == ["P2026", "R2026", "G2026"]
    settings = money.call("GET", "/api/v1/donations/committee", 200)
    assert (settings["cash_limit_cents"], settings["excess_cure_days"]) == (10_000, 60)
    changed = money.call(
        "PATCH",
        "/api/v1/donations/committee",
        200,
        json={
            "committee_id": "C00123456",
            "committee_name": "Friends of Ada",
            "state": "pa",
            "zip": "19104-1234",
            "cash_limit_cents": 5_000,
            "anonymous_cash_limit_cents": 2_500,
            "paid_for_by": "Paid for by Friends of Ada",
        },
    )
    assert (changed["state"], changed["zip"], changed["cash_limit_cents"]) == (
        "PA",
        "191041234",
        5_000,
    )
    for body, field in [
        ({"committee_id": "123"}, "committee_id"),
        ({"anonymous_cash_limit_cents": 6_000}, "anonymous_cash_limit_cents"),
        ({"cash_limit_cents": None}, "cash_limit_cents"),
        ({"excess_cure_days": 0}, "excess_cure_days"),
        ({}, "_schema"),
    ]:
        error = money.call("PATCH", "/api/v1/donations/committee", 422, json=body)["error"]
        assert field in error["fields"], (body, error)
    cash = money.check(5_001, person=money.person(), method="cash", check_number=None)
    assert cash["flags"][0]["amount_cents"] == 1  # the new limit
    money.call(
        "PATCH",
        "/api/v1/donations/committee",
        403,
        role=Role.DIRECTOR,
        json={"cash_limit_cents": 1},
    )
