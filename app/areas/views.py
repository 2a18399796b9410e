"""Area endpoints: list, one area as GeoJSON, and the precinct disagreement report."""

from flask_smorest import Blueprint

from app.areas import queries
from app.areas.schemas import (
    AreaCollectionSchema,
    AreaFeatureSchema,
    AreaListArgsSchema,
    AreaMapArgsSchema,
    AreaSchema,
    PrecinctCheckArgsSchema,
    PrecinctCheckSchema,
)
from app.auth.access import current_user, require
from app.auth.permissions import Permission
from app.core.pagination import page_schema

blp = Blueprint("areas", __name__, url_prefix="/api/v1", description="Precincts, wards, districts")


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
