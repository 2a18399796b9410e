"""API keys: an admin makes one (its secret shown once, only a hash kept), lists, revokes;
a key works on OSDI routes by either header, within its scopes, until revoked or expired,
and each use is in the audit log under the key's name. Operators make keys with the CLI."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.apikeys.models import ApiKey
from app.apikeys.operations import create_api_key, hash_secret
from app.audit.models import AuditEvent
from app.auth.permissions import Role
from app.cli import cli
from app.core.actor import Actor
from app.extensions import db
from tests.factories import auth_headers, create_organization, create_user


def test_an_admin_makes_lists_and_revokes_a_key(client, db_session):
    admin = create_user(role=Role.ADMIN)
    headers = auth_headers(admin)
    made = client.post("/api/v1/api-keys", headers=headers,
                       json={"name": "Parsons sync", "scopes": ["people.read"]})  # fmt: skip
    assert made.status_code == 201, made.get_json()
    secret = made.get_json()["key"]
    assert secret.startswith("dsk_") and made.get_json()["status"] == "active"
    stored = db_session.scalar(select(ApiKey).where(ApiKey.name == "Parsons sync"))
    assert stored.key_hash == hash_secret(secret) and secret not in str(vars(stored))

    listed = client.get("/api/v1/api-keys", headers=headers).get_json()
    assert [k["name"] for k in listed] == ["Parsons sync"]
    assert "key" not in listed[0] and listed[0]["last_used_at"] is None

    assert client.get("/api/osdi/v1/", headers={"osdi-api-token": secret}).status_code == 200
    used = client.get("/api/v1/api-keys", headers=headers).get_json()[0]
    assert used["last_used_at"] is not None
    use = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "api_key.use"))
    assert use.actor_label == "api-key:Parsons sync" and use.changes["path"] == "/api/osdi/v1/"

    revoked = client.post(f"/api/v1/api-keys/{stored.id}/revoke", headers=headers)
    assert revoked.get_json()["status"] == "revoked"
    refused = client.get("/api/osdi/v1/", headers={"OSDI-API-Token": secret})
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "invalid_api_key"


def test_the_bearer_header_scopes_expiry_and_bad_input(client, db_session):
    org = create_organization()
    actor = Actor.system(org.id, "test")
    _, events_only = create_api_key(actor, name="events", scopes=["events.read"])
    key, soon = create_api_key(actor, name="soon", scopes=["people.read"],
                               expires_at=datetime.now(UTC) + timedelta(hours=1))  # fmt: skip
    bearer = {"Authorization": f"Bearer {events_only}"}
    assert client.get("/api/osdi/v1/events", headers=bearer).status_code == 200
    denied = client.get("/api/osdi/v1/people", headers=bearer)
    assert denied.status_code == 403 and denied.get_json()["error"]["code"] == "scope_missing"
    assert client.get("/api/osdi/v1/people").status_code == 401
    assert (
        client.get("/api/osdi/v1/people", headers={"OSDI-API-Token": "dsk_nope"}).status_code == 401
    )

    key.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.flush()
    assert client.get("/api/osdi/v1/people", headers={"OSDI-API-Token": soon}).status_code == 401

    admin = create_user(org, Role.ADMIN)
    bad = client.post("/api/v1/api-keys", headers=auth_headers(admin),
                      json={"name": "x", "scopes": ["people.everything"]})  # fmt: skip
    assert bad.status_code == 422 and "scopes.0" in bad.get_json()["error"]["fields"]
    director = create_user(org, Role.DIRECTOR)
    assert client.get("/api/v1/api-keys", headers=auth_headers(director)).status_code == 403


def test_the_cli_prints_the_key_on_its_last_line(runner, db_session):
    org = create_organization()
    result = runner.invoke(cli, ["api-key", "create", "--org", org.slug, "--name", "warehouse",
                                 "--scopes", "people.read,events.read"])  # fmt: skip
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    key = db_session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_secret(secret)))
    assert key.organization_id == org.id and key.scopes == ["events.read", "people.read"]
    listed = runner.invoke(cli, ["api-key", "list", "--org", org.slug])
    assert "warehouse\tactive\tevents.read,people.read\tnever" in listed.output
    wrong = runner.invoke(cli, ["api-key", "create", "--org", org.slug, "--name", "w2",
                                "--scopes", "everything"])  # fmt: skip
    assert wrong.exit_code != 0 and "scopes" in wrong.output
    revoked = runner.invoke(cli, ["api-key", "revoke", "--org", org.slug, str(key.id)])
    assert revoked.exit_code == 0 and db_session.get(ApiKey, key.id).revoked_at is not None
