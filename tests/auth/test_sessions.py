"""Sign in, refresh with rotation, log out, log out everywhere, expiry, disabled users."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask_jwt_extended import create_access_token
from sqlalchemy import select

from app.auth.models import RefreshToken
from app.auth.permissions import Role
from tests.factories import PASSWORD, bearer, create_user


def login(client, email, password=PASSWORD, **kwargs):
    return client.post("/api/v1/auth/login", json={"email": email, "password": password}, **kwargs)


def assert_signed_out(client, tokens, code=None):
    """Neither token of this sign-in works any more."""
    me = client.get("/api/v1/auth/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 401
    if code:
        assert me.get_json()["error"]["code"] == code
    refreshed = client.post("/api/v1/auth/refresh", headers=bearer(tokens["refresh_token"]))
    assert refreshed.status_code == 401


@pytest.fixture
def director(db_session):
    return create_user(role=Role.DIRECTOR)


def test_login_returns_tokens_and_the_user(client, director):
    response = login(client, director.email.upper())  # emails are case-insensitive
    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 15 * 60
    assert body["user"]["email"] == director.email
    me = client.get("/api/v1/auth/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200
    assert me.get_json()["role"] == "director"
    assert "invitations.manage" in me.get_json()["permissions"]


@pytest.mark.parametrize(
    ("email", "password"),
    [("nobody@example.org", PASSWORD), (None, "wrong password"), (None, "")],
)
def test_wrong_credentials_are_refused_alike(client, director, email, password):
    response = login(client, email or director.email, password)
    assert response.status_code in (401, 422)
    if response.status_code == 401:
        assert response.get_json()["error"]["code"] == "invalid_credentials"


def test_disabled_user_cannot_sign_in(client, director, db_session):
    director.is_active = False
    db_session.flush()
    assert login(client, director.email).status_code == 401


def test_refresh_rotates_and_the_new_pair_works(client, director):
    first = login(client, director.email).get_json()
    refreshed = client.post("/api/v1/auth/refresh", headers=bearer(first["refresh_token"]))
    assert refreshed.status_code == 200
    second = refreshed.get_json()
    assert second["refresh_token"] != first["refresh_token"]
    assert client.get("/api/v1/auth/me", headers=bearer(second["access_token"])).status_code == 200
    again = client.post("/api/v1/auth/refresh", headers=bearer(second["refresh_token"]))
    assert again.status_code == 200


def test_a_lost_refresh_answer_can_be_retried_within_the_grace_period(client, director):
    first = login(client, director.email).get_json()
    client.post("/api/v1/auth/refresh", headers=bearer(first["refresh_token"]))
    # The phone never got that answer and tries the same token again.
    retry = client.post("/api/v1/auth/refresh", headers=bearer(first["refresh_token"]))
    assert retry.status_code == 200


def test_a_retried_refresh_gets_the_same_pair_not_another(client, director, db_session):
    first = login(client, director.email).get_json()
    answer = client.post("/api/v1/auth/refresh", headers=bearer(first["refresh_token"]))
    retries = [
        client.post("/api/v1/auth/refresh", headers=bearer(first["refresh_token"])).get_json()
        for _ in range(2)
    ]
    for retry in retries:
        assert retry["access_token"] == answer.get_json()["access_token"]
        assert retry["refresh_token"] == answer.get_json()["refresh_token"]
    # One sign-in, one live pair: the login's refresh token and its one successor, no more.
    family = db_session.scalars(select(RefreshToken).where(RefreshToken.user_id == director.id))
    assert len(family.all()) == 2
    assert (
        client.get("/api/v1/auth/me", headers=bearer(retries[0]["access_token"])).status_code == 200
    )


def test_reusing_a_rotated_refresh_token_late_revokes_the_whole_family(
    client, director, db_session
):
    first = login(client, director.email).get_json()
    second = client.post("/api/v1/auth/refresh", headers=bearer(first["refresh_token"])).get_json()
    for token in db_session.scalars(
        select(RefreshToken).where(RefreshToken.rotated_at.is_not(None))
    ):
        token.rotated_at = datetime.now(UTC) - timedelta(hours=1)
    db_session.flush()

    stolen = client.post("/api/v1/auth/refresh", headers=bearer(first["refresh_token"]))
    assert stolen.status_code == 401
    assert stolen.get_json()["error"]["code"] == "token_reused"
    # The legitimate holder's newer token is revoked too: everyone signs in again.
    after = client.post("/api/v1/auth/refresh", headers=bearer(second["refresh_token"]))
    assert after.status_code == 401
    assert after.get_json()["error"]["code"] == "token_revoked"


def test_an_access_token_is_not_a_refresh_token_and_vice_versa(client, director):
    tokens = login(client, director.email).get_json()
    assert (
        client.post("/api/v1/auth/refresh", headers=bearer(tokens["access_token"])).status_code
        == 401
    )
    assert client.get("/api/v1/auth/me", headers=bearer(tokens["refresh_token"])).status_code == 401


def test_logout_stops_the_access_token_and_its_refresh_token(client, director):
    tokens = login(client, director.email).get_json()
    assert (
        client.post("/api/v1/auth/logout", headers=bearer(tokens["access_token"])).status_code
        == 204
    )
    assert_signed_out(client, tokens, code="token_revoked")


def test_logout_ends_every_access_token_of_the_sign_in(client, director):
    first = login(client, director.email).get_json()
    second = client.post("/api/v1/auth/refresh", headers=bearer(first["refresh_token"])).get_json()
    # Both access tokens are alive (the first has not expired yet).
    for tokens in (first, second):
        assert (
            client.get("/api/v1/auth/me", headers=bearer(tokens["access_token"])).status_code == 200
        )
    assert (
        client.post("/api/v1/auth/logout", headers=bearer(second["access_token"])).status_code
        == 204
    )
    for tokens in (first, second):
        refused = client.get("/api/v1/auth/me", headers=bearer(tokens["access_token"]))
        assert refused.status_code == 401
        assert refused.get_json()["error"]["code"] == "token_revoked"


def test_logout_leaves_other_devices_signed_in(client, director):
    phone = login(client, director.email).get_json()
    laptop = login(client, director.email).get_json()
    client.post("/api/v1/auth/logout", headers=bearer(phone["access_token"]))
    assert client.get("/api/v1/auth/me", headers=bearer(laptop["access_token"])).status_code == 200


def test_logout_everywhere_ends_every_session(client, director):
    phone = login(client, director.email).get_json()
    laptop = login(client, director.email).get_json()
    response = client.post("/api/v1/auth/logout-all", headers=bearer(laptop["access_token"]))
    assert response.status_code == 204
    for session in (phone, laptop):
        assert_signed_out(client, session)
    # Signing in again works at once.
    fresh = login(client, director.email).get_json()
    assert client.get("/api/v1/auth/me", headers=bearer(fresh["access_token"])).status_code == 200


def test_an_expired_access_token_costs_nothing_but_a_refresh(client, director, app):
    tokens = login(client, director.email).get_json()
    expired = create_access_token(
        identity=str(director.id),
        additional_claims={"org": director.organization_id, "ver": director.token_version},
        expires_delta=timedelta(seconds=-5),
    )
    refused = client.get("/api/v1/auth/me", headers=bearer(expired))
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "token_expired"
    renewed = client.post(
        "/api/v1/auth/refresh", headers=bearer(tokens["refresh_token"])
    ).get_json()
    assert client.get("/api/v1/auth/me", headers=bearer(renewed["access_token"])).status_code == 200


def test_disabling_a_user_ends_their_sessions(client, director, db_session):
    admin = create_user(director.organization, Role.ADMIN)
    admin_tokens = login(client, admin.email).get_json()
    tokens = login(client, director.email).get_json()
    response = client.patch(
        f"/api/v1/users/{director.id}",
        json={"is_active": False},
        headers=bearer(admin_tokens["access_token"]),
    )
    assert response.status_code == 200
    assert_signed_out(client, tokens)


def test_changing_the_password_ends_other_sessions(client, director):
    other = login(client, director.email).get_json()
    here = login(client, director.email).get_json()
    response = client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "a much better passphrase"},
        headers=bearer(here["access_token"]),
    )
    assert response.status_code == 200
    assert client.get("/api/v1/auth/me", headers=bearer(other["access_token"])).status_code == 401
    new = response.get_json()
    assert client.get("/api/v1/auth/me", headers=bearer(new["access_token"])).status_code == 200
    assert login(client, director.email, "a much better passphrase").status_code == 200


def test_password_policy_applies_to_a_new_password(client, director):
    here = login(client, director.email).get_json()
    response = client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "short"},
        headers=bearer(here["access_token"]),
    )
    assert response.status_code == 422
    assert "password" in response.get_json()["error"]["fields"]


def test_tampered_token_is_invalid(client, director):
    token = login(client, director.email).get_json()["access_token"]
    response = client.get("/api/v1/auth/me", headers=bearer(token[:-3] + "abc"))
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "token_invalid"
