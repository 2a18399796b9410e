"""Goals and totals, live from the ledger: by day, source and region; directors see totals
(never a row of fewer than three donors of a place), organizers nothing."""

from __future__ import annotations

from datetime import date

import pytest

from app.accounts.models import User
from app.areas.models import Area
from app.auth.permissions import Role
from app.core.actor import Actor
from app.donations.corrections import refund_donation
from app.donations.models import Method
from app.extensions import db
from app.fundraising.goals import create_goal
from app.fundraising.models import SourceKind
from tests.donations.conftest import gift
from tests.factories import auth_headers, create_organization, create_person, create_user
from tests.fundraising.conftest import set_up_committee

TOTALS = "/api/v1/fundraising/totals"
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}
SQUARE = "SRID=4326;MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)))"


@pytest.fixture(scope="module")
def world(committed_world):
    return committed_world(_build)


def _build() -> dict:
    """March 2026: five donors in PA precinct 0101 ($100 each, by card through ActBlue); three in
    NJ (a $2,000 check, half refunded on the 20th, and two $50 checks); anonymous $40 cash."""
    org = create_organization()
    actor = Actor.system(org.id, "test")
    elections = set_up_committee(actor)
    users = {role: create_user(org, role).id for role in Role}
    precinct = Area(
        organization_id=org.id, kind="precinct", code="0101", name="Ward 1 Div 1", geom=SQUARE
    )
    db.session.add(precinct)
    db.session.flush()
    for n in range(5):
        person = create_person(org, first_name=f"P{n}", last_name="Pa", area_ids=[precinct.id])
        gift(
            actor,
            elections["P"],
            10_000,
            person=person,
            received_on=date(2026, 3, 2 + n),
            method=Method.CARD,
            processor="actblue",
            page="spring",
        )
    nj = create_person(org, first_name="New", last_name="Jersey")
    check = gift(
        actor,
        elections["P"],
        200_000,
        person=nj,
        received_on=date(2026, 3, 10),
        state="NJ",
        zip="07030",
    )
    refund_donation(actor, check, 100_000, date(2026, 3, 20))
    for name in ("Hoboken", "Camden"):
        neighbour = create_person(org, first_name=name, last_name="Jersey")
        gift(
            actor,
            elections["P"],
            5_000,
            person=neighbour,
            received_on=date(2026, 3, 12),
            first_name=name,
            last_name="Jersey",
            email=None,
            state="NJ",
            zip="07030",
        )
    gift(
        actor,
        elections["P"],
        4_000,
        method=Method.CASH,
        received_on=date(2026, 3, 11),
        first_name=None,
        last_name=None,
        email=None,
        street_1=None,
        state=None,
        zip=None,
    )
    march = create_goal(
        actor,
        {
            "name": "March",
            "starts_on": date(2026, 3, 1),
            "ends_on": date(2026, 3, 31),
            "amount_cents": 200_000,
        },
    )
    online = create_goal(
        actor,
        {
            "name": "Spring page",
            "starts_on": date(2026, 3, 1),
            "ends_on": date(2026, 4, 30),
            "amount_cents": 100_000,
            "source_kind": SourceKind.PAGE,
            "source_value": "spring",
        },
    )
    return {"users": users, "march": march.id, "online": online.id, "precinct": precinct.id}


def _get(client, world, role, url, **query):
    user = db.session.get(User, world["users"][role])
    return client.get(url, query_string=query, headers=auth_headers(user))


def test_totals_by_day_count_refunds_on_their_day(client, world):
    body = _get(client, world, Role.DIRECTOR, TOTALS, **MARCH).get_json()
    assert body["total"] == {
        "key": None,
        "label": "Total",
        "amount_cents": 164_000,
        "gross_cents": 264_000,
        "refunded_cents": 100_000,
        "gifts": 9,
        "donors": 8,
    }
    days = {row["key"]: row["amount_cents"] for row in body["rows"]}
    assert len(days) == 31 and days["2026-03-01"] == 0
    assert (days["2026-03-10"], days["2026-03-12"], days["2026-03-20"]) == (
        200_000,
        10_000,
        -100_000,
    )


def test_totals_by_source(client, world):
    body = _get(
        client, world, Role.DIRECTOR, TOTALS, by="source", source_kind="method", **MARCH
    ).get_json()
    assert {r["key"]: r["amount_cents"] for r in body["rows"]} == {
        "check": 110_000,
        "card": 50_000,
        "cash": 4_000,
    }


@pytest.mark.parametrize(
    ("role", "region", "rows"),
    [
        (Role.FINANCE, "state", {"PA": (50_000, 5), "NJ": (110_000, 3), None: (4_000, 0)}),
        # The anonymous cash (no donor) cannot stand alone: NJ, the smallest, joins it.
        (Role.DIRECTOR, "state", {"PA": (50_000, 5), None: (114_000, 3)}),
        (Role.FINANCE, "zip", {"19104": (50_000, 5), "07030": (110_000, 3), None: (4_000, 0)}),
        (Role.DIRECTOR, "zip", {"19104": (50_000, 5), None: (114_000, 3)}),
        (Role.FINANCE, "precinct", {"0101 Ward 1 Div 1": (50_000, 5), "(none)": (114_000, 3)}),
        (Role.DIRECTOR, "precinct", {"0101 Ward 1 Div 1": (50_000, 5), "(none)": (114_000, 3)}),
    ],
)
def test_totals_by_region_fold_small_places_for_directors(client, world, role, region, rows):
    body = _get(client, world, role, TOTALS, by="region", region=region, **MARCH).get_json()
    found = {
        (r["label"] if region == "precinct" else r["key"]): (r["amount_cents"], r["donors"])
        for r in body["rows"]
    }
    assert found == rows


def test_goals_against_the_money_live(client, world):
    goals = _get(client, world, Role.DIRECTOR, "/api/v1/fundraising/goals").get_json()
    progress = {g["goal"]["name"]: g for g in goals}
    assert progress["March"]["raised_cents"] == 164_000
    assert progress["March"]["percent"] == 82.0
    assert progress["March"]["left_cents"] == 36_000
    assert progress["Spring page"]["raised_cents"] == 50_000  # only the page's money
    detail = _get(client, world, Role.DIRECTOR, f"/api/v1/fundraising/goals/{world['march']}")
    days = detail.get_json()["days"]
    assert len(days) == 31 and days[-1]["cumulative_cents"] == 164_000
    assert days[-1]["pace_cents"] == 200_000
    body = _get(
        client,
        world,
        Role.DIRECTOR,
        TOTALS,
        goal_id=world["online"],
        by="source",
        source_kind="processor",
    ).get_json()
    assert [(r["key"], r["amount_cents"]) for r in body["rows"]] == [("actblue", 50_000)]
    assert body["goal"]["raised_cents"] == 50_000


def test_who_may_see_and_set_goals(client, world):
    organizer = _get(client, world, Role.ORGANIZER, TOTALS)
    assert organizer.status_code == 403
    director = auth_headers(db.session.get(User, world["users"][Role.DIRECTOR]))
    goal = {
        "name": "Q2",
        "starts_on": "2026-04-01",
        "ends_on": "2026-06-30",
        "amount_cents": 5_000_000,
    }
    assert client.post("/api/v1/fundraising/goals", json=goal, headers=director).status_code == 403
    finance = auth_headers(db.session.get(User, world["users"][Role.FINANCE]))
    response = client.post("/api/v1/fundraising/goals", json=goal, headers=finance)
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"starts_on": "2026-04-02", "ends_on": "2026-04-01"}, "ends_on"),
        ({"source_kind": "page"}, "source_value"),
        ({"amount_cents": 0}, "amount_cents"),
        ({"source_kind": "bank", "source_value": "x"}, "source_kind"),
    ],
)
def test_bad_goals_are_refused_naming_the_field(client, world, body, field):
    finance = auth_headers(db.session.get(User, world["users"][Role.FINANCE]))
    goal = {
        "name": "Bad",
        "starts_on": "2026-04-01",
        "ends_on": "2026-06-30",
        "amount_cents": 100,
        **body,
    }
    response = client.post("/api/v1/fundraising/goals", json=goal, headers=finance)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]


@pytest.mark.parametrize(
    "query",
    [
        {"goal_id": 1, "from": "2026-03-01"},
        {"from": "2026-04-01", "to": "2026-03-01"},
        {"from": "2020-01-01", "to": "2026-01-01"},
        {"by": "week"},
        {"region": "planet"},
    ],
)
def test_bad_totals_queries_are_refused(client, world, query):
    assert _get(client, world, Role.FINANCE, TOTALS, **query).status_code == 422
