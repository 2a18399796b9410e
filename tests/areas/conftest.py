from __future__ import annotations

import pytest

from app.auth.permissions import Role
from tests.factories import auth_headers, create_organization, create_user


@pytest.fixture
def org(db_session):
    return create_organization()


@pytest.fixture
def director(org):
    return create_user(org, Role.DIRECTOR)


@pytest.fixture
def headers(director):
    return auth_headers(director)
