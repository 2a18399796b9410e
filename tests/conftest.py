"""PostGIS fixtures: one database per test session, one rolled-back transaction per test.

The database is TEST_DATABASE_URL when set; otherwise a throwaway PostgreSQL cluster made with
initdb in a temporary directory (never a developer's data). Migrations run once per session.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

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


@pytest.fixture(scope="session")
def database_url(pg_cluster):
    if pg_cluster is None:
        return os.environ["TEST_DATABASE_URL"]
    pg_cluster.create_database("doorstep_test")
    return pg_cluster.url("doorstep_test")


@pytest.fixture(scope="session")
def make_empty_database(database_url):
    """Create a new empty database beside the test database; returns its URL."""
    made: list[str] = []
    admin_url = sa.engine.make_url(database_url).set(drivername="postgresql+psycopg")

    def make(name: str) -> str:
        engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        made.append(name)
        return admin_url.set(database=name).render_as_string(hide_password=False)

    yield make
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for name in made:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, **TEST_CONFIG})
    with app.app_context():
        flask_migrate.upgrade()
    return app


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


def pytest_collection_modifyitems(config, items):
    """Slow tests (the whole shared voter file, browsers) run last, so a quick failure shows
    first and their large rolled-back writes never slow the tests after them."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is not None)
