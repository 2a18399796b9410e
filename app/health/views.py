import marshmallow as ma
from flask_smorest import Blueprint
from sqlalchemy import text

from app.auth.access import public
from app.core.migrations import migration_state
from app.extensions import db

blp = Blueprint("health", __name__, description="Health")


class HealthSchema(ma.Schema):
    status = ma.fields.String(metadata={"description": "ok, or degraded when not migrated"})
    database = ma.fields.String()
    postgis = ma.fields.String(allow_none=True)
    migration = ma.fields.Dict()


@blp.route("/healthz", methods=["GET"])
@public
@blp.response(200, HealthSchema)
def healthz():
    """Database and PostGIS versions and whether the schema is at the migration head."""
    database = db.session.scalar(text("SHOW server_version"))
    postgis = db.session.scalar(
        text("SELECT extversion FROM pg_extension WHERE extname = 'postgis'")
    )
    migration = migration_state(db.session.connection())
    return {
        "status": "ok" if migration.up_to_date and postgis else "degraded",
        "database": f"PostgreSQL {database}",
        "postgis": postgis,
        "migration": {
            "current": migration.current,
            "head": migration.head,
            "up_to_date": migration.up_to_date,
        },
    }
