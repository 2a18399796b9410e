"""Push on the turf tests' town: a loopback push service and a canvasser's phone."""

from __future__ import annotations

import pytest

from app.auth.permissions import Role
from app.core.vapid import new_vapid_keys
from tests import pushservice
from tests.factories import auth_headers, create_user
from tests.turfs.conftest import cut, director, headers, org, town, town_world  # noqa: F401 - fixtures


@pytest.fixture
def service(app, monkeypatch):
    private, public = new_vapid_keys()
    monkeypatch.setitem(app.config, "DOORSTEP_VAPID_PRIVATE_KEY", private)
    monkeypatch.setitem(app.config, "DOORSTEP_VAPID_PUBLIC_KEY", public)
    monkeypatch.setitem(app.config, "DOORSTEP_PUSH_HOSTS", ["127.0.0.1"])
    service, server = pushservice.start(public)
    yield service
    server.shutdown()


@pytest.fixture
def canvasser(org):  # noqa: F811  # noqa: F811
    return create_user(org, Role.CANVASSER, name="Kim Canvass")


@pytest.fixture
def phone(canvasser):
    return auth_headers(canvasser)
