"""Street endpoints: the segments in view (for the map), and marking barriers."""

import marshmallow as ma
from flask_smorest import Blueprint

from app.auth.access import current_user, require
from app.auth.permissions import Permission
from app.core.errors import NotFound
from app.core.geo import BBox
from app.core.schemas import StrictSchema
from app.streets import operations, queries

blp = Blueprint("streets", __name__, url_prefix="/api/v1", description="Street centrelines")


class StreetsArgsSchema(StrictSchema):
    bbox = BBox(required=True)
    barriers_only = ma.fields.Boolean(load_default=False)


class StreetCollectionSchema(ma.Schema):
    type = ma.fields.String()
    truncated = ma.fields.Boolean()
    features = ma.fields.List(ma.fields.Dict())


class BarriersSchema(StrictSchema):
    street_ids = ma.fields.List(
        ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**63 - 1)),
        required=True,
        validate=ma.validate.Length(min=1, max=10_000),
    )
    is_barrier = ma.fields.Boolean(load_default=True)


class BarriersResultSchema(ma.Schema):
    changed = ma.fields.Integer()


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
