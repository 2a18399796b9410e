"""Saved universes: create, read, change, delete; who sees which; the audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.permissions import Role
from app.core.actor import Actor
from app.extensions import db
from app.universes.operations import create_universe
from tests.factories import auth_headers, create_organization, create_person, create_user


def _audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_create_read_update_delete_with_audit(client, org, director):
    create_person(org, party="D")
    body = {
        "name": "Young Dems",
        "description": "18-35, Democrats",
        "filter": {"party": ["D"], "age": {"min": 18, "max": 35}},
        "household_mode": "one_per_household",
    }
    created = client.post("/api/v1/universes", json=body, headers=auth_headers(director))
    assert created.status_code == 201, created.get_json()
    universe = created.get_json()
    assert universe["filter"] == body["filter"]
    assert (universe["is_shared"], universe["created_by_id"]) == (True, director.id)
    url = f"/api/v1/universes/{universe['id']}"
    assert client.get(url, headers=auth_headers(director)).get_json()["name"] == "Young Dems"

    changed = client.patch(
        url, json={"name": "Dems", "filter": {"party": ["D"]}}, headers=auth_headers(director)
    )
    assert changed.status_code == 200, changed.get_json()
    counted = client.get(f"{url}/count", headers=auth_headers(director)).get_json()
    assert counted == {"people": 1, "households": 0, "targets": 1}

    assert client.delete(url, headers=auth_headers(director)).status_code == 204
    assert client.get(url, headers=auth_headers(director)).status_code == 404

    (create,) = _audit("universe.create")
    assert create.changes["name"] == "Young Dems" and create.actor_user_id == director.id
    (update,) = _audit("universe.update")
    assert update.changes["name"] == {"from": "Young Dems", "to": "Dems"}
    assert update.changes["filter"] == "changed"
    (delete,) = _audit("universe.delete")
    assert delete.entity_id == str(universe["id"]) and delete.changes["name"] == "Dems"


def test_names_are_unique_within_a_campaign(client, org, director):
    create_universe(Actor.of(director), name="Doors", filter={})
    create_universe(
        Actor.of(create_user(create_organization(), Role.DIRECTOR)), name="Other", filter={}
    )
    again = client.post("/api/v1/universes", json={"name": "Doors"}, headers=auth_headers(director))
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "universe_name_taken"
    other = create_universe(Actor.of(director), name="Phones", filter={})
    renamed = client.patch(
        f"/api/v1/universes/{other.id}", json={"name": "Doors"}, headers=auth_headers(director)
    )
    assert renamed.status_code == 409
    elsewhere = client.post(
        "/api/v1/universes", json={"name": "Other"}, headers=auth_headers(director)
    )
    assert elsewhere.status_code == 201


def test_private_universes_are_their_creators_only(client, org, director):
    organizer = create_user(org, Role.ORGANIZER)
    admin = create_user(org, Role.ADMIN)
    shared = create_universe(Actor.of(director), name="Shared", filter={})
    private = create_universe(Actor.of(director), name="Mine", filter={}, is_shared=False)
    theirs = create_universe(Actor.of(organizer), name="Theirs", filter={}, is_shared=False)

    listed = client.get("/api/v1/universes", headers=auth_headers(director)).get_json()
    assert [u["name"] for u in listed["items"]] == ["Mine", "Shared"]
    # Not even an admin sees someone else's private universe (an organizer may not export).
    for user, suffixes in ((organizer, ("", "/count", "/people")), (admin, ("/export.csv",))):
        for suffix in suffixes:
            url = f"/api/v1/universes/{private.id}{suffix}"
            assert client.get(url, headers=auth_headers(user)).status_code == 404
        response = client.patch(
            f"/api/v1/universes/{private.id}", json={"name": "x"}, headers=auth_headers(user)
        )
        assert response.status_code == 404
    shared_url = f"/api/v1/universes/{shared.id}"
    assert client.get(shared_url, headers=auth_headers(admin)).status_code == 200
    names = client.get("/api/v1/universes?sort=-name", headers=auth_headers(organizer)).get_json()
    assert [u["name"] for u in names["items"]] == ["Theirs", "Shared"]
    assert theirs.is_visible_to(organizer.id) and not theirs.is_visible_to(director.id)


def test_another_campaigns_universe_is_not_found(client, director):
    stranger = create_user(create_organization(), Role.DIRECTOR)
    universe = create_universe(Actor.of(stranger), name="Theirs", filter={})
    url = f"/api/v1/universes/{universe.id}"
    assert client.get(url, headers=auth_headers(director)).status_code == 404
    assert client.delete(url, headers=auth_headers(director)).status_code == 404


@pytest.mark.parametrize(
    ("role", "read", "edit", "export"),
    [
        (Role.ADMIN, 200, 201, 200),
        (Role.DIRECTOR, 200, 201, 200),
        (Role.ORGANIZER, 200, 201, 403),
        (Role.CANVASSER, 403, 403, 403),
        (Role.FINANCE, 403, 403, 403),
    ],
)
def test_permissions(client, org, director, role, read, edit, export):
    user = create_user(org, role)
    universe = create_universe(Actor.of(director), name="Shared", filter={})
    headers = auth_headers(user)
    assert client.get("/api/v1/universes", headers=headers).status_code == read
    ad_hoc = client.post("/api/v1/universes/count", json={}, headers=headers)
    assert ad_hoc.status_code == read
    created = client.post("/api/v1/universes", json={"name": "New"}, headers=headers)
    assert created.status_code == edit
    exported = client.get(f"/api/v1/universes/{universe.id}/export.csv", headers=headers)
    assert exported.status_code == export
