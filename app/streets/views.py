"""Street endpoints: the segments in view (for the map), and marking barriers."""

import gzip

from flask import request
from flask_smorest import Blueprint

from app.auth.access import current_user, require
from app.auth.permissions import Permission
from app.core.errors import NotFound
from app.core.static_files import bytes_response, wants_gzip
from app.streets import basemap, operations, queries
from app.streets.schemas import (
    BarriersResultSchema,
    BarriersSchema,
    BaseMapArgsSchema,
    BaseMapSchema,
    StreetCollectionSchema,
    StreetsArgsSchema,
)

GEOJSON = "application/geo+json"

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


@blp.route("/streets/base-map", methods=["GET"])
@require(Permission.WALKLISTS_CLAIM)
@blp.arguments(BaseMapArgsSchema, location="query")
@blp.response(200, BaseMapSchema, content_type="application/geo+json")
def base_map(args):
    """The campaign's street centrelines in a box, simplified for the zoom: the light base
    layer of the console's map and the phone's list map when no tile server is set. At most
    150 km² and 8,000 segments (422 ``bbox_too_large`` / ``too_many_streets``: zoom in);
    conditional with its ETag (304 until the campaign's streets change)."""
    organization_id = current_user().organization_id
    basemap.check_view(args["bbox"])
    gzipped = wants_gzip()
    etag = basemap.streets_version(organization_id, args["bbox"], args["zoom"])
    etag += "-gzip" if gzipped else ""
    cache = "private, no-cache"  # kept by the browser, asked again with If-None-Match
    if request.if_none_match.contains(etag):  # 304 without reading a segment
        return bytes_response(b"", GEOJSON, etag, cache_control=cache, vary=True)
    data = basemap.base_map(organization_id, args["bbox"], args["zoom"])
    if gzipped:
        data = gzip.compress(data, compresslevel=5, mtime=0)
    return bytes_response(data, GEOJSON, etag, encoding="gzip" if gzipped else "identity",
                          vary=True, cache_control=cache)  # fmt: skip
