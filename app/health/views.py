import marshmallow as ma
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_smorest import Blueprint
from sqlalchemy import text

from app.auth.access import public
from app.extensions import db

blp = Blueprint("health", __name__, description="Health")


class HealthSchema(ma.Schema):
    status = ma.fields.String(metadata={"description": "ok, or degraded when not migrated"})
    database = ma.fields.String()
    postgis = ma.fields.String(allow_none=True)
    migration = ma.fields.Dict()


def _migration_state() -> dict:
    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    current = MigrationContext.configure(db.session.connection()).get_current_heads()
    heads = script.get_heads()
    return {
        "current": sorted(current),
        "head": sorted(heads),
        "up_to_date": set(current) == set(heads),
    }


@blp.route("/healthz", methods=["GET"])
@public
@blp.response(200, HealthSchema)
def healthz():
    """Database and PostGIS versions and whether the schema is at the migration head."""
    database = db.session.scalar(text("SHOW server_version"))
    postgis = db.session.scalar(
        text("SELECT extversion FROM pg_extension WHERE extname = 'postgis'")
    )
    migration = _migration_state()
    return {
        "status": "ok" if migration["up_to_date"] and postgis else "degraded",
        "database": f"PostgreSQL {database}",
        "postgis": postgis,
        "migration": migration,
    }
