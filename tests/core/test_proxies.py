"""X-Forwarded-For is believed only from DOORSTEP_TRUSTED_PROXIES, read from the right."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app import create_app
from app.auth.models import LoginAttempt
from app.config import ConfigError
from app.core.proxies import client_address, parse_networks
from tests.conftest import TEST_CONFIG

NETS = parse_networks(["10.0.0.0/8", "192.0.2.10"])


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("10.1.2.3", "203.0.113.7", "203.0.113.7"),  # one trusted proxy
        ("10.1.2.3", "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # a forged entry on the left
        ("10.1.2.3", "203.0.113.7, 192.0.2.10", "203.0.113.7"),  # two trusted proxies
        ("198.51.100.1", "203.0.113.7", "198.51.100.1"),  # not a proxy of ours: ignored
        ("10.1.2.3", "", "10.1.2.3"),  # no header
        ("10.1.2.3", "not-an-ip", "10.1.2.3"),  # garbled
        ("10.1.2.3", "10.9.9.9", "10.1.2.3"),  # only proxies: the peer
        ("10.1.2.3", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_is_the_first_untrusted_address_from_the_right(peer, forwarded, client):
    assert client_address(peer, forwarded, NETS) == client


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"DOORSTEP_PROXY_HOPS": 1}, "replaced by DOORSTEP_TRUSTED_PROXIES"),
        ({"DOORSTEP_TRUSTED_PROXIES": ["10.0.0.0/33"]}, "not an IP address or CIDR"),
    ],
)
def test_proxy_settings_are_checked(database_url, settings, message):
    with pytest.raises(ConfigError, match=message):
        create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, **settings})


def test_sign_in_attempts_are_counted_for_the_real_client(database_url, db_session):
    app = create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "DOORSTEP_TRUSTED_PROXIES": ["10.0.0.0/8"],
        }
    )
    client = app.test_client()
    body = {"email": "nobody@example.org", "password": "wrong"}
    for peer, forwarded in [("10.0.0.2", "6.6.6.6, 203.0.113.7"), ("198.51.100.1", "6.6.6.6")]:
        response = client.post(
            "/api/v1/auth/login",
            json=body,
            headers={"X-Forwarded-For": forwarded, "X-Forwarded-Proto": "https"},
            environ_base={"REMOTE_ADDR": peer},
        )
        assert response.status_code == 401
    seen = db_session.scalars(
        sa.select(LoginAttempt.ip).where(LoginAttempt.email == "nobody@example.org")
    ).all()
    assert sorted(str(ip) for ip in seen) == ["198.51.100.1", "203.0.113.7"]
