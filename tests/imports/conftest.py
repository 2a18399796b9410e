from __future__ import annotations

import json

import pytest

from app.auth.permissions import Role
from tests.factories import auth_headers, create_organization, create_user
from tests.imports.voter_files import PA_ELECTIONS


@pytest.fixture
def org(db_session):
    return create_organization()


@pytest.fixture
def director(org):
    return create_user(org, Role.DIRECTOR)


@pytest.fixture
def headers(director):
    return auth_headers(director)


@pytest.fixture
def elections_path(tmp_path):
    """The election map as a file, as the CLI takes it."""
    path = tmp_path / "elections.json"
    path.write_text(json.dumps(PA_ELECTIONS), encoding="utf-8")
    return path
