"""Login throttling per (account, address), per address, and per account from all addresses
together (above the per-address limit), with a clear 429 and Retry-After: one address can never
lock an account for everyone else."""

from __future__ import annotations

import pytest

from app.auth.permissions import Role
from tests.factories import PASSWORD, create_user


def attempt(client, email, password, ip="203.0.113.5"):
    return client.post(
        "/api/v1/auth/login",
        json={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


@pytest.fixture
def user(db_session):
    return create_user(role=Role.CANVASSER)


def test_account_is_throttled_at_one_address_after_five_failures(client, user, app):
    limit = app.config["DOORSTEP_LOGIN_MAX_FAILURES_ACCOUNT"]
    for _ in range(limit):
        assert attempt(client, user.email, "wrong password").status_code == 401
    blocked = attempt(client, user.email, PASSWORD)  # even the right password waits
    assert blocked.status_code == 429
    error = blocked.get_json()["error"]
    assert error["code"] == "login_throttled"
    retry_after = int(blocked.headers["Retry-After"])
    assert 0 < retry_after <= app.config["DOORSTEP_LOGIN_WINDOW_MINUTES"] * 60
    # The owner, from anywhere else, still signs in: one address cannot lock them out.
    assert attempt(client, user.email, PASSWORD, ip="198.51.100.7").status_code == 200
    assert attempt(client, user.email, PASSWORD).status_code == 429  # still locked there


def test_many_accounts_locked_from_one_address_stay_open_elsewhere(client, app, db_session):
    limit = app.config["DOORSTEP_LOGIN_MAX_FAILURES_ACCOUNT"]
    victims = [create_user(role=Role.DIRECTOR) for _ in range(6)]
    for victim in victims:
        for _ in range(limit):
            attempt(client, victim.email, "wrong password", ip="192.0.2.66")
        assert attempt(client, victim.email, PASSWORD, ip="192.0.2.66").status_code == 429
    for n, victim in enumerate(victims):
        assert attempt(client, victim.email, PASSWORD, ip=f"198.51.100.{n + 1}").status_code == 200


def change(client, user, current, ip="203.0.113.5"):
    from tests.factories import auth_headers

    return client.post(
        "/api/v1/auth/password",
        json={"current_password": current, "new_password": "a brand new passphrase"},
        headers=auth_headers(user),
        environ_base={"REMOTE_ADDR": ip},
    )


def test_guessing_the_current_password_is_throttled(client, user, app):
    limit = app.config["DOORSTEP_LOGIN_MAX_FAILURES_ACCOUNT"]
    for _ in range(limit):
        wrong = change(client, user, "wrong password")
        assert wrong.status_code == 422
        assert wrong.get_json()["error"]["code"] == "wrong_password"
    blocked = change(client, user, PASSWORD)
    assert blocked.status_code == 429
    assert blocked.get_json()["error"]["code"] == "login_throttled"
    assert int(blocked.headers["Retry-After"]) > 0
    # The same guesses count against signing in from that address, and nowhere else.
    assert attempt(client, user.email, PASSWORD).status_code == 429
    assert change(client, user, PASSWORD, ip="198.51.100.9").status_code == 200


def test_a_success_resets_the_account_count(client, user, app):
    limit = app.config["DOORSTEP_LOGIN_MAX_FAILURES_ACCOUNT"]
    for _ in range(limit - 1):
        attempt(client, user.email, "wrong password")
    assert attempt(client, user.email, PASSWORD).status_code == 200
    for _ in range(limit - 1):
        assert attempt(client, user.email, "wrong password").status_code == 401
    assert attempt(client, user.email, PASSWORD).status_code == 200


def test_one_address_guessing_many_accounts_is_throttled(client, app, db_session):
    limit = app.config["DOORSTEP_LOGIN_MAX_FAILURES_IP"]
    for n in range(limit):
        attempt(client, f"guess{n}@example.org", "password123", ip="192.0.2.99")
    blocked = attempt(client, "another@example.org", "password123", ip="192.0.2.99")
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    # Someone else, elsewhere, is not affected.
    other = create_user(role=Role.DIRECTOR)
    assert attempt(client, other.email, PASSWORD, ip="192.0.2.100").status_code == 200


def test_guessing_spread_over_many_addresses_meets_the_account_wide_limit(client, user, app):
    spread = app.config["DOORSTEP_LOGIN_MAX_FAILURES_SPREAD"]
    per_pair = app.config["DOORSTEP_LOGIN_MAX_FAILURES_ACCOUNT"]
    for n in range(spread):  # each address stays under its own limits
        ip = f"198.18.{n // per_pair}.{n % per_pair + 1}"
        assert attempt(client, user.email, "wrong password", ip=ip).status_code == 401
    blocked = attempt(client, user.email, PASSWORD, ip="192.0.2.200")
    assert blocked.status_code == 429
    assert blocked.get_json()["error"]["code"] == "login_throttled"
