"""The audit trail: written with every change, append-only in the database, readable by admins."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from app.audit.models import AuditEvent
from app.auth.permissions import Role
from tests.factories import auth_headers, create_organization, create_user


@pytest.fixture
def org(db_session):
    return create_organization()


def test_a_change_is_audited_with_actor_place_and_values(client, org, db_session):
    admin = create_user(org, Role.ADMIN)
    canvasser = create_user(org, Role.CANVASSER)
    response = client.patch(
        f"/api/v1/users/{canvasser.id}",
        json={"role": "organizer", "name": "Promoted Person"},
        headers={**auth_headers(admin), "X-Request-ID": "req-12345678", "User-Agent": "pytest"},
        environ_base={"REMOTE_ADDR": "198.51.100.23"},
    )
    assert response.status_code == 200
    event = db_session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "user.update")
    ).one()
    assert event.actor_user_id == admin.id
    assert event.actor_label == admin.email
    assert event.organization_id == org.id
    assert (event.entity_type, event.entity_id) == ("users", str(canvasser.id))
    assert event.changes["role"] == {"from": "canvasser", "to": "organizer"}
    assert event.changes["name"]["to"] == "Promoted Person"
    assert event.request_id == "req-12345678"
    assert str(event.ip) == "198.51.100.23"
    assert event.user_agent == "pytest"


def test_secrets_are_named_never_shown(client, org, db_session):
    user = create_user(org, Role.DIRECTOR)
    client.post(
        "/api/v1/auth/password",
        json={"current_password": "correct horse battery", "new_password": "another long one"},
        headers=auth_headers(user),
    )
    event = db_session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "auth.password_change")
    ).one()
    assert event.changes == {"password_hash": "changed"}
    created = db_session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.action == "user.create", AuditEvent.entity_id == str(user.id)
        )
    ).one()
    assert created.changes["password_hash"] == "changed"
    assert created.changes["email"] == user.email


def test_a_failed_request_leaves_no_audit_record(client, org, db_session):
    admin = create_user(org, Role.ADMIN)
    before = db_session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    response = client.patch(
        f"/api/v1/users/{admin.id}", json={"role": "canvasser"}, headers=auth_headers(admin)
    )
    assert response.status_code == 409  # the last admin cannot demote themself
    assert db_session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == before


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET action = 'tampered'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
    ],
)
def test_the_database_refuses_to_change_the_trail(org, db_session, statement):
    assert db_session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) > 0
    with pytest.raises(DBAPIError, match="append-only"), db_session.begin_nested():
        db_session.execute(sa.text(statement))


def test_admin_reads_filters_and_pages_the_trail(client, org):
    admin = create_user(org, Role.ADMIN)
    for n in range(3):
        client.post(
            "/api/v1/invitations",
            json={"email": f"person{n}@example.org", "role": "canvasser"},
            headers=auth_headers(admin),
        )
    response = client.get(
        "/api/v1/audit?action=invitation.create&per_page=2", headers=auth_headers(admin)
    )
    assert response.status_code == 200
    page = response.get_json()
    assert (page["total"], page["pages"], len(page["items"])) == (3, 2, 2)
    assert all(item["action"] == "invitation.create" for item in page["items"])
    assert page["items"][0]["id"] > page["items"][1]["id"]  # newest first

    by_prefix = client.get("/api/v1/audit?action=invitation.", headers=auth_headers(admin))
    assert by_prefix.get_json()["total"] == 3
    by_actor = client.get(f"/api/v1/audit?actor_user_id={admin.id}", headers=auth_headers(admin))
    assert by_actor.get_json()["total"] >= 3
    in_future = client.get(
        "/api/v1/audit?since=2099-01-01T00:00:00Z", headers=auth_headers(admin)
    ).get_json()
    assert in_future["total"] == 0


def test_one_campaign_never_sees_anothers_trail(client, org):
    other_admin = create_user(create_organization(), Role.ADMIN)
    create_user(org, Role.ADMIN)
    page = client.get("/api/v1/audit?per_page=200", headers=auth_headers(other_admin)).get_json()
    assert {item["organization_id"] for item in page["items"]} == {other_admin.organization_id}


def test_unknown_sort_field_is_a_clear_422(client, org):
    admin = create_user(org, Role.ADMIN)
    response = client.get("/api/v1/audit?sort=-password", headers=auth_headers(admin))
    assert response.status_code == 422
    assert "sort" in response.get_json()["error"]["fields"]
