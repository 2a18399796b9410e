"""PostGIS fixtures: one database per test session, one rolled-back transaction per test.

The database is TEST_DATABASE_URL when set; otherwise a throwaway PostgreSQL cluster made with
initdb in a temporary directory (never a developer's data). Migrations run once per session,
into a template database: the test database and every database a test needs of its own (live
servers for browsers, concurrency tests) are copies of it (``CREATE DATABASE ... TEMPLATE``).

Data many tests read is built once per module and committed (``committed_world``), then
truncated after the module; each test's own writes are rolled back.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session

from app import create_app
from app.core.localdb import LocalCluster, free_port
from app.extensions import db

TEST_CONFIG = {
    "DOORSTEP_ENV": "test",
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-that-is-long-enough-for-hs256",
    # Cheap hashing keeps the suite fast; production defaults are tested in test_passwords.
    "DOORSTEP_ARGON2_TIME_COST": 1,
    "DOORSTEP_ARGON2_MEMORY_KIB": 1024,
    "DOORSTEP_PUBLIC_URL": "https://doorstep.test",
    "DOORSTEP_SMTP_HOST": "",
}


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway cluster, or None when TEST_DATABASE_URL points at a server."""
    if os.environ.get("TEST_DATABASE_URL"):
        yield None
        return
    tmp = Path(tempfile.mkdtemp(prefix="doorstep-test-"))
    os.chmod(tmp, 0o755)  # PostgreSQL runs as postgres when we are root
    cluster = LocalCluster(tmp / "pg", free_port())
    cluster.initialise(fast=True)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop("immediate")
        shutil.rmtree(tmp, ignore_errors=True)


def _admin_url(url: str) -> sa.URL:
    return sa.engine.make_url(url).set(drivername="postgresql+psycopg")


def _run_admin(url: sa.URL, *statements: str) -> None:
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for statement in statements:
            conn.execute(sa.text(statement))
    engine.dispose()


def _migrate(url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, **TEST_CONFIG})
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def template_url(pg_cluster) -> str:
    """A database migrated once per session, with no connection left open: the template every
    test database is copied from."""
    if pg_cluster is None:
        base = _admin_url(os.environ["TEST_DATABASE_URL"])
        name = f"{base.database}_template"
    else:
        base = _admin_url(pg_cluster.url("postgres"))
        name = "doorstep_template"
    _run_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    url = base.set(database=name).render_as_string(hide_password=False)
    _migrate(url)
    return url


@pytest.fixture(scope="session")
def database_url(pg_cluster, template_url):
    if pg_cluster is None:
        url = os.environ["TEST_DATABASE_URL"]
        _migrate(url)  # a developer's server: their database is used as it is, migrated
        return url
    _run_admin(
        _admin_url(template_url),
        f'CREATE DATABASE "doorstep_test" TEMPLATE "{_admin_url(template_url).database}"',
    )
    return pg_cluster.url("doorstep_test")


class _Databases:
    """Databases beside the test database, dropped at the end of the session."""

    def __init__(self, database_url: str, template_url: str) -> None:
        self.admin_url = _admin_url(database_url)
        self.template = _admin_url(template_url).database
        self.made: list[str] = []

    def make(self, name: str, *, migrated: bool) -> str:
        source = f' TEMPLATE "{self.template}"' if migrated else ""
        _run_admin(
            self.admin_url,
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
            f'CREATE DATABASE "{name}"{source}',
        )
        self.made.append(name)
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        _run_admin(
            self.admin_url, *(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in self.made)
        )


@pytest.fixture(scope="session")
def _databases(database_url, template_url):
    databases = _Databases(database_url, template_url)
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session")
def make_database(_databases) -> Callable[[str], str]:
    """Make a new migrated database (a copy of the template) beside the test database; its URL."""
    return lambda name: _databases.make(name, migrated=True)


@pytest.fixture(scope="session")
def make_empty_database(_databases) -> Callable[[str], str]:
    """Make a new empty database beside the test database (for the migrations test); its URL."""
    return lambda name: _databases.make(name, migrated=False)


@pytest.fixture(scope="session")
def app(database_url):
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, **TEST_CONFIG})


@pytest.fixture(scope="session")
def _empty_tables(app) -> list[str]:
    """The tables the migrations leave empty: what a committed world may fill and must empty."""
    with app.app_context(), db.engine.connect() as conn:
        names = conn.scalars(
            sa.text(
                "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public'"
                " AND tablename NOT IN ('alembic_version', 'spatial_ref_sys')"
            )
        ).all()
        return [n for n in names if conn.scalar(sa.text(f"SELECT NOT EXISTS (SELECT FROM {n})"))]


@pytest.fixture(scope="module")
def committed_world(app, _empty_tables) -> Iterator[Callable[[Callable[[], Any]], Any]]:
    """Build data once for a module's tests: ``committed_world(build)`` runs ``build()`` in the
    app's context, commits, and returns what it returned (plain values: ids, not ORM objects,
    which belong to that session). Everything committed is truncated after the module."""
    built: list[bool] = []

    def build(make: Callable[[], Any]) -> Any:
        with app.app_context():
            try:
                result = make()
                db.session.commit()
            finally:
                db.session.remove()
        built.append(True)
        return result

    yield build
    if built:
        with app.app_context(), db.engine.begin() as conn:
            # The audit trail refuses TRUNCATE by a trigger (as it should in a campaign's
            # database); a test's own rows are the exception, emptied with triggers off.
            conn.execute(sa.text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
            conn.execute(sa.text(f"TRUNCATE {', '.join(_empty_tables)} CASCADE"))
            conn.execute(sa.text("ALTER TABLE audit_events ENABLE TRIGGER USER"))


class ConnectionBoundSession(Session):
    """Flask-SQLAlchemy's session always picks the engine; in tests it must use our connection."""

    def get_bind(self, *args, **kwargs):
        return self.bind


@pytest.fixture
def db_session(app):
    """Everything a test (and the requests it makes) writes is rolled back at its end."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        session = db._make_scoped_session(
            {
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
                "class_": ConnectionBoundSession,
            }
        )
        original, db.session = db.session, session
        try:
            yield session
        finally:
            session.remove()
            db.session = original
            outer.rollback()
            connection.close()


class CommittingClient(FlaskClient):
    """Commits what the test set up before each request, as if it were already stored.

    A request that fails rolls back only its own work, as in production; everything is still
    rolled back at the end of the test.
    """

    def open(self, *args, **kwargs):
        db.session.commit()
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app, db_session, monkeypatch):
    monkeypatch.setattr(app, "test_client_class", CommittingClient)
    return app.test_client()


@pytest.fixture
def runner(app, db_session):
    return app.test_cli_runner()


#: Kinds of test that cost more than the rest, ordered by ``pytest_collection_modifyitems`` and
#: (all but ``slow``) left out by ``bin/test --quick``.
HEAVY_MARKERS = ("contract", "concurrency", "browser", "slow")


def pytest_ignore_collect(collection_path, config):
    """The contract module makes its cases at collection (tens of seconds): not when deselected."""
    if collection_path.name == "test_api_contract.py":
        return "not contract" in (config.option.markexpr or "") or None
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "browser" in item.fixturenames:  # whatever its module says, a browser is a browser
            item.add_marker(pytest.mark.browser)

    def weight(item) -> int:
        marks = [n for n, name in enumerate(HEAVY_MARKERS, 1) if item.get_closest_marker(name)]
        return max(marks, default=0)

    # One process: heavy last. Under xdist (bin/test's default), the contract, concurrency and
    # browser files first (the contract, the longest, starts at once on one worker while the
    # other works through the rest), and the slow ones still last: the whole voter file's
    # rolled-back writes leave statistics that slow every turf cut after them on that worker.
    if hasattr(config, "workerinput"):
        slow = HEAVY_MARKERS.index("slow") + 1
        items.sort(key=lambda item: (weight(item) == slow, weight(item) == 0, weight(item)))
    else:
        items.sort(key=weight)
