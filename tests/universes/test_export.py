"""Exports, and the people no universe may ever show (in counts, pages or exports)."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.core.actor import Actor
from app.extensions import db
from app.universes.export import HEADER
from app.universes.models import HouseholdMode
from app.universes.operations import create_universe
from tests.factories import auth_headers, create_household, create_organization, create_person


def _csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_export_streams_csv_in_walking_order_and_is_audited(client, org, director):
    house = create_household(org, house_number="12", street="ELM ST", unit="2R")
    create_person(org, household=house, first_name="Ann", last_name="Lee", party="D")
    create_person(org, household=house, first_name="Bo", last_name="Lee", party="R")
    universe = create_universe(
        Actor.of(director),
        name="Dem doors",
        filter={"party": ["D"]},
        household_mode=HouseholdMode.WHOLE_HOUSEHOLD,
    )
    response = client.get(
        f"/api/v1/universes/{universe.id}/export.csv", headers=auth_headers(director)
    )
    assert response.is_streamed
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _csv(response)
    assert tuple(rows[0]) == HEADER
    assert [(r["first_name"], r["address"], r["unit"], r["is_target"]) for r in rows] == [
        ("Ann", "12 ELM ST", "2R", "yes"),
        ("Bo", "12 ELM ST", "2R", "no"),
    ]

    (event,) = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "universe.export")
    ).all()
    assert (event.entity_type, event.entity_id) == ("universes", str(universe.id))
    assert event.actor_user_id == director.id
    assert event.changes["rows"] == 2
    assert event.changes["households"] == 1
    assert event.changes["filter"] == {"party": ["D"]}


def test_spreadsheet_formulas_are_defused(client, org, director):
    create_person(org, first_name='=HYPERLINK("http://x")', last_name="+1")
    universe = create_universe(Actor.of(director), name="All", filter={})
    response = client.get(
        f"/api/v1/universes/{universe.id}/export.csv", headers=auth_headers(director)
    )
    (row,) = _csv(response)
    assert row["first_name"].startswith("'=") and row["last_name"] == "'+1"


@pytest.fixture
def hidden_people(org):
    """People who match every filter below but must never be shown, and one who may be."""
    household = create_household(org)
    common = {"household": household, "party": "D", "tags": ["volunteer"]}
    visible = create_person(org, first_name="Visible", **common)
    create_person(org, first_name="Confidential", confidential=True, **common)
    create_person(org, first_name="Merged", merged_into_id=visible.id, **common)
    create_person(create_organization(), first_name="Elsewhere", party="D", tags=["volunteer"])
    return visible


@pytest.mark.parametrize("mode", list(HouseholdMode), ids=str)
@pytest.mark.parametrize(
    "filter",
    [{}, {"party": ["D"]}, {"tags": {"any": ["volunteer"]}}, {"include_suppressed": True}],
    ids=["everyone", "party", "tags", "with-suppressed"],
)
def test_confidential_and_merged_people_never_leak(
    client, director, hidden_people, count, mode, filter
):
    headers = auth_headers(director)
    assert count(filter, str(mode)) == {"people": 1, "households": 1, "targets": 1}

    universe = create_universe(
        Actor.of(director), name=f"Leak test {mode}", filter=filter, household_mode=mode
    )
    base = f"/api/v1/universes/{universe.id}"
    assert client.get(f"{base}/count", headers=headers).get_json()["people"] == 1
    page = client.get(f"{base}/people", headers=headers).get_json()
    assert [p["first_name"] for p in page["items"]] == ["Visible"]
    assert page["total"] == 1
    rows = _csv(client.get(f"{base}/export.csv", headers=headers))
    assert [row["first_name"] for row in rows] == ["Visible"]
