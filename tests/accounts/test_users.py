"""Users and the organisation: scoping, sorting, the last admin."""

from __future__ import annotations

import pytest

from app.auth.permissions import Role
from tests.factories import auth_headers, create_organization, create_user


@pytest.fixture
def org(db_session):
    return create_organization()


def test_users_list_is_scoped_filtered_and_sorted(client, org):
    director = create_user(org, Role.DIRECTOR, name="Zed")
    create_user(org, Role.CANVASSER, name="Amy")
    create_user(org, Role.CANVASSER, name="Bob")
    create_user(create_organization(), Role.CANVASSER, name="Elsewhere")
    page = client.get(
        "/api/v1/users?role=canvasser&sort=-name", headers=auth_headers(director)
    ).get_json()
    assert [u["name"] for u in page["items"]] == ["Bob", "Amy"]
    assert page["total"] == 2


def test_another_campaigns_user_is_not_found(client, org):
    admin = create_user(org, Role.ADMIN)
    stranger = create_user(create_organization(), Role.CANVASSER)
    assert (
        client.get(f"/api/v1/users/{stranger.id}", headers=auth_headers(admin)).status_code == 404
    )
    response = client.patch(
        f"/api/v1/users/{stranger.id}", json={"is_active": False}, headers=auth_headers(admin)
    )
    assert response.status_code == 404


def test_the_last_admin_cannot_be_disabled_or_demoted(client, org):
    admin = create_user(org, Role.ADMIN)
    for change in ({"is_active": False}, {"role": "director"}):
        response = client.patch(
            f"/api/v1/users/{admin.id}", json=change, headers=auth_headers(admin)
        )
        assert response.status_code == 409
        assert response.get_json()["error"]["code"] == "last_admin"
    second = create_user(org, Role.ADMIN)
    response = client.patch(
        f"/api/v1/users/{admin.id}", json={"role": "director"}, headers=auth_headers(second)
    )
    assert response.status_code == 200


def test_admin_renames_the_campaign(client, org):
    admin = create_user(org, Role.ADMIN)
    response = client.patch(
        "/api/v1/organization",
        json={"name": "Ada for Council", "time_zone": "America/Chicago"},
        headers=auth_headers(admin),
    )
    assert response.status_code == 200
    assert response.get_json()["name"] == "Ada for Council"
    bad = client.patch(
        "/api/v1/organization", json={"time_zone": "Mars/Olympus"}, headers=auth_headers(admin)
    )
    assert bad.status_code == 422
    assert "time_zone" in bad.get_json()["error"]["fields"]
