"""Area endpoints: list, one area as GeoJSON, and the precinct disagreement report."""

import marshmallow as ma
from flask_smorest import Blueprint

from app.areas import queries
from app.areas.queries import AREA_SORTS
from app.auth.access import current_user, require
from app.auth.permissions import Permission
from app.core.geo import BBox
from app.core.pagination import PageArgsSchema, page_schema, sort_field
from app.core.schemas import StrictSchema

blp = Blueprint("areas", __name__, url_prefix="/api/v1", description="Precincts, wards, districts")


class AreaSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    code = ma.fields.String()
    name = ma.fields.String()


class AreaListArgsSchema(PageArgsSchema):
    kind = ma.fields.String(validate=ma.validate.Length(max=30))
    code = ma.fields.String(validate=ma.validate.Length(max=40))
    sort = sort_field(AREA_SORTS)


class AreaFeatureSchema(ma.Schema):
    type = ma.fields.String()
    id = ma.fields.Integer()
    geometry = ma.fields.Dict()
    properties = ma.fields.Dict()


class AreaMapArgsSchema(StrictSchema):
    kind = ma.fields.String(load_default="precinct", validate=ma.validate.Length(min=1, max=30))
    bbox = BBox()


class AreaCollectionSchema(ma.Schema):
    type = ma.fields.String()
    truncated = ma.fields.Boolean()
    features = ma.fields.List(ma.fields.Nested(AreaFeatureSchema))


class PrecinctCheckArgsSchema(StrictSchema):
    kind = ma.fields.String(load_default="precinct", validate=ma.validate.Length(max=30))
    limit = ma.fields.Integer(load_default=100, validate=ma.validate.Range(min=1, max=1000))


class PrecinctPairSchema(ma.Schema):
    file_code = ma.fields.String()
    map_code = ma.fields.String()
    voters = ma.fields.Integer()


class PrecinctCheckSchema(ma.Schema):
    kind = ma.fields.String()
    voters_placed = ma.fields.Integer()
    voters_disagreeing = ma.fields.Integer()
    share_disagreeing = ma.fields.Float()
    pairs = ma.fields.List(ma.fields.Nested(PrecinctPairSchema))


@blp.route("/areas", methods=["GET"])
@require(Permission.AREAS_READ)
@blp.arguments(AreaListArgsSchema, location="query")
@blp.response(200, page_schema(AreaSchema))
def list_areas(args):
    """Areas of the campaign (without geometry); filter by kind or code."""
    return queries.list_areas(current_user().organization_id, args)


@blp.route("/areas/map", methods=["GET"])
@require(Permission.AREAS_READ)
@blp.arguments(AreaMapArgsSchema, location="query")
@blp.response(200, AreaCollectionSchema)
def area_map(args):
    """Areas of one kind (precincts by default) as GeoJSON for the map, outlines simplified."""
    return queries.area_collection(current_user().organization_id, args["kind"], args.get("bbox"))


@blp.route("/areas/<id:area_id>", methods=["GET"])
@require(Permission.AREAS_READ)
@blp.response(200, AreaFeatureSchema)
def get_area(area_id):
    """One area as a GeoJSON Feature."""
    return queries.area_feature(queries.get_area(current_user().organization_id, area_id))


@blp.route("/areas/precinct-check", methods=["GET"])
@require(Permission.AREAS_READ)
@blp.arguments(PrecinctCheckArgsSchema, location="query")
@blp.response(200, PrecinctCheckSchema)
def precinct_check(args):
    """Where the file's precinct and the precinct polygon holding the home disagree.

    Universes choose which one wins: ``precinct_codes`` is the file's precinct, ``areas`` the
    polygon that holds the door.
    """
    return queries.precinct_check(current_user().organization_id, args["kind"], args["limit"])
