"""One error shape for every failure, with request ids and no internals."""

from __future__ import annotations

import pytest

from app import create_app
from app.auth.permissions import Role
from tests.conftest import TEST_CONFIG
from tests.factories import auth_headers, create_user


def assert_error_shape(response, status, code):
    assert response.status_code == status
    assert response.is_json
    error = response.get_json()["error"]
    assert set(error) <= {"status", "code", "message", "fields", "request_id"}
    assert error["status"] == status
    assert error["code"] == code
    assert error["message"]
    assert error["request_id"] == response.headers["X-Request-ID"]
    return error


@pytest.fixture
def admin(db_session):
    return create_user(role=Role.ADMIN)


def test_validation_error_names_fields(client):
    response = client.post("/api/v1/auth/login", json={"email": ""})
    error = assert_error_shape(response, 422, "validation_error")
    assert set(error["fields"]) == {"email", "password"}


def test_malformed_json_is_400(client):
    response = client.post(
        "/api/v1/auth/login", data="{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code in (400, 422)
    assert response.get_json()["error"]["code"] in ("bad_request", "validation_error")


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/api/v1/no-such-thing", 404, "not_found"),
        ("DELETE", "/api/v1/auth/login", 405, "method_not_allowed"),
        ("GET", "/api/v1/users", 401, "not_authenticated"),
    ],
)
def test_http_errors_share_the_shape(client, method, path, status, code):
    assert_error_shape(client.open(path, method=method), status, code)


def test_forbidden_and_conflict_and_not_found(client, admin):
    canvasser = create_user(admin.organization, Role.CANVASSER)
    assert_error_shape(
        client.get("/api/v1/audit", headers=auth_headers(canvasser)), 403, "forbidden"
    )
    assert_error_shape(
        client.get("/api/v1/users/999999", headers=auth_headers(admin)), 404, "user_not_found"
    )
    assert_error_shape(
        client.post(
            "/api/v1/invitations",
            json={"email": canvasser.email, "role": "canvasser"},
            headers=auth_headers(admin),
        ),
        409,
        "email_taken",
    )


def test_request_over_the_size_limit_is_413(client, app):
    body = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post(
        "/api/v1/auth/login", data=body, headers={"Content-Type": "application/json"}
    )
    assert_error_shape(response, 413, "payload_too_large")


def test_unexpected_errors_are_500_without_internals(database_url, caplog):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url})
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    response = app.test_client().get("/boom")
    error = assert_error_shape(response, 500, "internal_error")
    assert "secret" not in response.get_data(as_text=True)
    assert "secret internal detail" in caplog.text  # it is in the log instead
    assert error["message"] == "Something went wrong on our side."


def test_client_request_id_is_echoed_and_bad_ones_replaced(client):
    good = client.get("/healthz", headers={"X-Request-ID": "field-office-42"})
    assert good.headers["X-Request-ID"] == "field-office-42"
    bad = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert bad.headers["X-Request-ID"] != "<script>"
    assert len(bad.headers["X-Request-ID"]) == 32


def test_security_headers_are_set(client):
    response = client.get("/healthz")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_cors_is_off_unless_configured(client):
    response = client.get("/api/openapi.json", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_allows_configured_origins(database_url):
    app = create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "DOORSTEP_CORS_ORIGINS": ["https://field.example"],
        }
    )
    response = app.test_client().get(
        "/api/openapi.json", headers={"Origin": "https://field.example"}
    )
    assert response.headers["Access-Control-Allow-Origin"] == "https://field.example"


@pytest.mark.parametrize(
    "url", ["/api/v1/users?bogus=1", "/api/v1/audit?sort=action&actor=2", "/api/v1/people?q=a&x="]
)
def test_unknown_query_parameters_are_refused(client, admin, url):
    # A misspelt filter must not quietly list everyone.
    response = client.get(url, headers=auth_headers(admin))
    error = assert_error_shape(response, 422, "validation_error")
    assert set(error["fields"]) & {"bogus", "actor", "x"}
