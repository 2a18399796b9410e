"""Bad input from outside is a clear 4xx in the one error shape, never a 500."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from app.auth.permissions import Role
from tests.conftest import TEST_CONFIG
from tests.core.test_errors import assert_error_shape
from tests.factories import auth_headers, create_user


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [32, 1_000, 100_000])  # plus the object around it
def test_json_nested_too_deep_is_refused_signed_out(client, depth):
    body = '{"email": ' + nested(depth) + ', "password": "x"}'
    response = client.post("/api/v1/auth/login", data=body, content_type="application/json")
    error = assert_error_shape(response, 400, "json_too_deep")
    assert "32" in error["message"]


def test_json_nested_too_deep_is_refused_signed_in(client, db_session):
    director = create_user(role=Role.DIRECTOR)
    response = client.post(
        "/api/v1/people",
        data='{"first_name": "Ada", "languages": ' + nested(1_000) + "}",
        content_type="application/json",
        headers=auth_headers(director),
    )
    assert_error_shape(response, 400, "json_too_deep")


def test_json_nested_within_the_limit_reaches_the_schema(client):
    body = '{"email": ' + nested(31) + ', "password": "x"}'  # 32 levels with the object
    response = client.post("/api/v1/auth/login", data=body, content_type="application/json")
    assert assert_error_shape(response, 422, "validation_error")["fields"]["email"]


def signed(user, **claims):
    now = datetime.now(UTC)
    payload = {
        "sub": str(user.id),
        "type": "access",
        "fresh": False,
        "iat": now,
        "nbf": now,
        "exp": now + timedelta(minutes=5),
        "org": user.organization_id,
        "ver": user.token_version,
        **claims,
    }
    payload = {k: v for k, v in payload.items() if v is not None}
    return {"Authorization": "Bearer " + jwt.encode(payload, TEST_CONFIG["SECRET_KEY"], "HS256")}


@pytest.mark.parametrize(
    ("method", "path", "claims"),
    [
        ("GET", "/api/v1/auth/me", {}),
        ("POST", "/api/v1/auth/logout", {}),
        ("POST", "/api/v1/auth/refresh", {"type": "refresh"}),
        ("GET", "/api/v1/auth/me", {"jti": 12}),
        ("POST", "/api/v1/auth/logout", {"jti": "8d3b0e3c-0000-4000-8000-000000000000",
                                         "fam": "not-a-uuid"}),
    ],
)  # fmt: skip
def test_a_signed_token_without_a_proper_jti_is_invalid(client, db_session, method, path, claims):
    user = create_user(role=Role.DIRECTOR)
    response = client.open(path, method=method, headers=signed(user, **claims))
    assert_error_shape(response, 401, "token_invalid")
