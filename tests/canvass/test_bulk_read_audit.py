"""Every bulk read of personal data leaves one audit row: who, what filter, how many rows
(``app.audit.reads.record_bulk_read``). A look-up that fits one page does not."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.core.actor import Actor
from app.extensions import db
from app.universes.operations import create_universe
from tests.canvass.conftest import knock, person_at, sync
from tests.factories import create_person


def _reads(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _one_read(client, headers, url: str, action: str) -> AuditEvent:
    before = len(_reads(action))
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    events = _reads(action)
    assert len(events) == before + 1, action
    return events[-1]


@pytest.mark.parametrize("kind", ["csv", "xlsx", "pdf"])
def test_a_walk_sheet_download_is_audited(client, headers, director, walk_list, kind):
    url = f"/api/v1/walk-lists/{walk_list['id']}/sheet?format={kind}"
    event = _one_read(client, headers, url, "walk_list.sheet")
    assert (event.entity_type, event.entity_id) == ("walk_lists", str(walk_list["id"]))
    assert event.actor_user_id == director.id
    assert event.changes["filter"] == {"format": kind}
    assert event.changes["rows"] == walk_list["people_count"]


def test_paging_people_is_audited_and_a_look_up_is_not(client, org, headers, director, town):
    create_person(org, first_name="Quinn", last_name="Zyxwood")
    total = len(town.person_ids) + 1
    before = len(_reads("people.list"))
    found = client.get("/api/v1/people?q=zyxwood", headers=headers)
    assert found.status_code == 200 and found.get_json()["total"] == 1
    assert len(_reads("people.list")) == before  # a look-up that fits one page

    event = _one_read(client, headers, "/api/v1/people?per_page=10&page=2", "people.list")
    assert event.actor_user_id == director.id
    assert event.changes["filter"] == {"page": 2, "per_page": 10}
    assert event.changes["rows"] == 10 and event.changes["total"] == total

    event = _one_read(client, headers, "/api/v1/people?q=voter&per_page=5", "people.list")
    assert event.changes["filter"] == {"q": "voter", "page": 1, "per_page": 5}
    assert event.changes["rows"] == 5


def test_universe_pages_and_exports_are_audited(client, headers, director, town):
    universe = create_universe(Actor.of(director), name="Dems", filter={"party": ["D"]})
    url = f"/api/v1/universes/{universe.id}/people?per_page=7&page=2"
    event = _one_read(client, headers, url, "universe.people")
    assert (event.entity_type, event.entity_id) == ("universes", str(universe.id))
    assert event.changes["filter"] == {"universe": {"party": ["D"]}, "page": 2, "per_page": 7}
    assert event.changes["rows"] == 7

    url = f"/api/v1/universes/{universe.id}/export.csv"
    event = _one_read(client, headers, url, "universe.export")
    assert event.changes["filter"] == {"party": ["D"]}
    assert event.changes["rows"] == len(town.person_ids)


@pytest.mark.parametrize("kind", ["json", "csv"])
def test_the_van_export_is_audited(client, headers, phone, walk_list, kind):
    sync(client, phone, knock(walk_list, 0, people=[{"person_id": person_at(walk_list),
                                                      "result": "not_home"}]))  # fmt: skip
    url = f"/api/v1/canvass/exports/van?format={kind}&walk_list_id={walk_list['id']}"
    event = _one_read(client, headers, url, "canvass.export_van")
    assert event.changes["filter"] == {"format": kind, "walk_list_id": walk_list["id"]}
    assert event.changes["rows"] + event.changes["skipped"] == 1
