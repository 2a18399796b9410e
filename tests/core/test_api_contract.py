"""The API keeps its OpenAPI contract: schemathesis over every operation, authenticated.

No 5xx, and every response (status, headers, body) matches /api/openapi.json. Each operation is
its own test (``test_every_operation_keeps_the_contract[POST /api/v1/...]``), so the slowest
show in the durations list and a failure names its operation. The coverage phase sends every
boundary and negative case the schema defines; the fuzzing phase adds ``max_examples`` generated
cases per operation, more where bugs were found (``BUDGETS``).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from app import create_app
from app.accounts.models import User
from app.auth.permissions import Role
from app.auth.tokens import issue_tokens
from app.extensions import db
from tests.conftest import TEST_CONFIG
from tests.factories import create_user

pytestmark = pytest.mark.contract

#: Generated cases per operation in the fuzzing phase (the coverage phase sends every case the
#: schema defines, whatever this says). Operations where bugs were found get more; a turf cut
#: costs a second per case and its inputs are tested in tests/turf and tests/turfs, so fewer.
MAX_EXAMPLES = 15
BUDGETS = [
    ({"include-method": "PATCH"}, 30),  # empty bodies and 0-as-boolean were accepted here
    ({"include-path-regex": "^/api/v1/auth/"}, 30),
    ({"include-path-regex": "^/api/v1/turf-cuts"}, 5),
]
CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {"max-examples": MAX_EXAMPLES},
        "operations": [
            {**selector, "generation": {"max-examples": budget}} for selector, budget in BUDGETS
        ],
    }
)
# Building the app runs no SQL: the spec (and so one test per operation) is known at collection;
# the cases are sent to the session's app, on the test database.
_SPEC_APP = create_app(
    {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "postgresql://nobody@127.0.0.1:1/x"}
)
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", _SPEC_APP, config=CONFIG)
#: Calls that end the caller's sign-in need a fresh token each time.
SIGN_OUTS = {"/api/v1/auth/logout", "/api/v1/auth/logout-all", "/api/v1/auth/refresh"}


@pytest.fixture(scope="module")
def contract_admin_id(committed_world) -> int:
    def build() -> int:
        admin = create_user(role=Role.ADMIN)
        create_user(admin.organization, Role.CANVASSER)
        return admin.id

    return committed_world(build)


class Tokens:
    """One pair per test (operation), shared by its cases; a fresh pair for each call that
    signs out."""

    def __init__(self, admin: User) -> None:
        self.admin, self.pair, self.api_key = admin, None, None

    def for_case(self, case):
        if self.pair is None or case.path in SIGN_OUTS:
            self.pair = issue_tokens(self.admin)
            db.session.commit()  # visible to the request; rolled back after the test
        return self.pair

    def api_key_for_osdi(self) -> str:
        """A key with every scope, in the admin's campaign (one per test)."""
        if self.api_key is None:
            from app.apikeys.models import ApiScope
            from app.apikeys.operations import create_api_key
            from app.core.actor import Actor

            actor = Actor.of(self.admin)
            _, self.api_key = create_api_key(actor, name="contract", scopes=list(ApiScope))
            db.session.commit()
        return self.api_key


@pytest.fixture
def tokens(contract_admin_id, db_session) -> Tokens:
    return Tokens(db_session.get(User, contract_admin_id))


@schema.parametrize()
@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_keeps_the_contract(case, app, tokens):
    pair = tokens.for_case(case)
    token = pair.refresh_token if case.path == "/api/v1/auth/refresh" else pair.access_token
    if case.path.startswith("/api/osdi/"):  # integrations' routes take an API key
        token = tokens.api_key_for_osdi()
    case.call_and_validate(
        app=app,
        # The bodies as the schema describes them: gzip (the street base map's) is HTTP's
        # business, and its own tests take it (tests/streets/test_base_map.py).
        headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"},
        # Data can be valid by the schema and still refused on meaning (a phone number that
        # does not exist, the wrong current password, an id that is not there): those answers
        # are documented error responses, checked by the other checks.
        # Negative cases that drop or spoil the Authorization header are undone by the header
        # set here, so schemathesis would flag a valid call; refusals of bad input are tested
        # directly (tests/core/test_errors.py and each domain's validation tests).
        excluded_checks=[positive_data_acceptance, negative_data_rejection],
    )
