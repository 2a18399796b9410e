"""Area endpoints: list, one area as GeoJSON, the precinct disagreement report, and the
precincts' polling places."""

from flask_smorest import Blueprint

from app.areas import polling, queries
from app.areas.schemas import (
    AreaCollectionSchema,
    AreaFeatureSchema,
    AreaListArgsSchema,
    AreaMapArgsSchema,
    AreaSchema,
    PollingPlaceArgsSchema,
    PollingPlaceOutSchema,
    PollingPlacesSetResultSchema,
    PollingPlacesSetSchema,
    PrecinctCheckArgsSchema,
    PrecinctCheckSchema,
)
from app.auth.access import current_actor, current_user, require
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


@blp.route("/polling-places", methods=["GET"])
@require(Permission.AREAS_READ)
@blp.arguments(PollingPlaceArgsSchema, location="query")
@blp.response(200, page_schema(PollingPlaceOutSchema))
def list_polling_places(args):
    """Each precinct's polling place, as the campaign loaded them."""
    return polling.list_places(current_user().organization_id, args)


@blp.route("/polling-places", methods=["PUT"])
@require(Permission.IMPORTS_RUN)
@blp.arguments(PollingPlacesSetSchema)
@blp.response(200, PollingPlacesSetResultSchema)
def set_polling_places(body):
    """Load polling places (the county's list): added or changed by precinct; with
    ``replace``, precincts not given lose theirs (audited)."""
    return polling.set_places(current_actor(), body["places"], replace=body["replace"])
