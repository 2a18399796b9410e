"""Street endpoints: the segments in view (for the map), and marking barriers."""

from flask_smorest import Blueprint

from app.auth.access import current_user, require
from app.auth.permissions import Permission
from app.core.errors import NotFound
from app.streets import operations, queries
from app.streets.schemas import (
    BarriersResultSchema,
    BarriersSchema,
    StreetCollectionSchema,
    StreetsArgsSchema,
)

blp = Blueprint("streets", __name__, url_prefix="/api/v1", description="Street centrelines")


@blp.route("/streets", methods=["GET"])
@require(Permission.AREAS_READ)
@blp.arguments(StreetsArgsSchema, location="query")
@blp.response(200, StreetCollectionSchema)
def list_streets(args):
    """Street segments crossing a box, as GeoJSON (barriers flagged)."""
    return queries.streets_in(
        current_user().organization_id, args["bbox"], barriers_only=args["barriers_only"]
    )


@blp.route("/streets/barriers", methods=["POST"])
@require(Permission.TURFS_EDIT)
@blp.arguments(BarriersSchema)
@blp.response(200, BarriersResultSchema)
def mark_barriers(body):
    """Mark segments as barriers (arterials, rail, rivers) that no turf crosses, or unmark."""
    organization_id = current_user().organization_id
    ids = sorted(set(body["street_ids"]))
    unknown = set(ids) - operations.known_street_ids(organization_id, ids)
    if unknown:
        raise NotFound(f"No such street segment: {min(unknown)}.", code="street_not_found")
    return {"changed": operations.mark_barriers(organization_id, ids, body["is_barrier"])}
