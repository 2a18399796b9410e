"""The timeline: paging newest first, kinds, notes, and interactions applied once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.people.models import InteractionKind
from app.people.operations import record_interaction
from tests.factories import create_organization, create_person


@pytest.fixture
def person(org):
    return create_person(org)


def test_timeline_pages_newest_first_and_filters_by_kind(client, headers, person):
    start = datetime(2026, 3, 1, tzinfo=UTC)
    kinds = [InteractionKind.NOTE, InteractionKind.DOOR_KNOCK, InteractionKind.CALL]
    for n in range(7):
        record_interaction(
            person, kinds[n % 3], summary=f"#{n}", occurred_at=start + timedelta(hours=n)
        )
    url = f"/api/v1/people/{person.id}/interactions"
    first = client.get(f"{url}?per_page=3", headers=headers).get_json()
    assert [i["summary"] for i in first["items"]] == ["#6", "#5", "#4"]
    assert (first["total"], first["pages"]) == (7, 3)
    last = client.get(f"{url}?per_page=3&page=3", headers=headers).get_json()
    assert [i["summary"] for i in last["items"]] == ["#0"]
    knocks = client.get(f"{url}?kind=door_knock", headers=headers).get_json()
    assert [i["summary"] for i in knocks["items"]] == ["#4", "#1"]
    assert {i["kind"] for i in knocks["items"]} == {"door_knock"}
    oldest = client.get(f"{url}?sort=occurred_at&per_page=1", headers=headers).get_json()
    assert oldest["items"][0]["summary"] == "#0"
    assert client.get(f"{url}?kind=gossip", headers=headers).status_code == 422


def test_a_note_by_the_current_user(client, headers, director, person):
    url = f"/api/v1/people/{person.id}/interactions"
    response = client.post(url, json={"summary": "  Prefers Spanish  "}, headers=headers)
    assert response.status_code == 201, response.get_json()
    note = response.get_json()
    assert (note["kind"], note["summary"], note["user_id"]) == (
        "note",
        "Prefers Spanish",
        director.id,
    )
    backdated = client.post(
        url,
        json={"summary": "Met at the fair", "occurred_at": "2026-05-01T10:00:00-04:00"},
        headers=headers,
    ).get_json()
    assert datetime.fromisoformat(backdated["occurred_at"]) == datetime(2026, 5, 1, 14, tzinfo=UTC)
    items = client.get(url, headers=headers).get_json()["items"]
    assert [i["summary"] for i in items] == ["Prefers Spanish", "Met at the fair"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"summary": "   "}, "summary"),
        ({"summary": "x" * 301}, "summary"),
        ({"summary": "Hi", "kind": "door_knock"}, "kind"),
        ({"summary": "Hi", "occurred_at": "2999-01-01T00:00:00Z"}, "occurred_at"),
        ({"summary": "Hi", "occurred_at": "2026-01-01T00:00:00"}, "occurred_at"),
        ({"summary": "Hi", "occurred_at": "0001-01-01T00:00:00+14:00"}, "occurred_at"),
    ],
)
def test_bad_notes_are_refused(client, headers, person, body, field):
    response = client.post(f"/api/v1/people/{person.id}/interactions", json=body, headers=headers)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_another_campaigns_timeline_is_not_found(client, headers):
    stranger = create_person(create_organization())
    url = f"/api/v1/people/{stranger.id}/interactions"
    assert client.get(url, headers=headers).status_code == 404
    assert client.post(url, json={"summary": "Hi"}, headers=headers).status_code == 404


def test_record_interaction_applies_a_client_record_once(org, person):
    record_id = uuid.uuid4()
    first = record_interaction(person, InteractionKind.DOOR_KNOCK, client_uuid=record_id)
    again = record_interaction(person, InteractionKind.DOOR_KNOCK, client_uuid=record_id)
    assert again.id == first.id
    stranger = create_person(create_organization())
    with pytest.raises(Exception, match="already used"):
        record_interaction(stranger, InteractionKind.DOOR_KNOCK, client_uuid=record_id)


def test_a_note_on_a_merged_away_person_lands_on_the_survivor(client, headers, org, person):
    survivor = create_person(org)
    person.merged_into_id = survivor.id
    response = client.post(
        f"/api/v1/people/{person.id}/interactions", json={"summary": "Hi"}, headers=headers
    )
    assert response.status_code == 201
    assert response.get_json()["person_id"] == survivor.id
