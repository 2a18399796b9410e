"""The schema is made only by migrations, and they agree with the models."""

from __future__ import annotations

import flask_migrate
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from app import create_app
from app.core.alembic_filters import include_object
from app.extensions import db
from tests.conftest import TEST_CONFIG


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": include_object, "compare_type": True}
        )
        assert compare_metadata(context, db.metadata) == []


def test_upgrade_downgrade_upgrade_on_an_empty_database(make_empty_database):
    url = make_empty_database("doorstep_migrations")
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        flask_migrate.upgrade()
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {"organizations", "users", "audit_events", "refresh_tokens"} <= tables
        flask_migrate.downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {
            "alembic_version",
            "spatial_ref_sys",
        }
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            assert connection.scalar(sa.text("SELECT postgis_version()"))
        db.engine.dispose()
