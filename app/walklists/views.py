"""Walk-list endpoints: make lists from turfs or near a point, hand them out, claim them with
a code, close them, print them."""

from flask import Response
from flask_smorest import Blueprint
from shapely.geometry import mapping

from app.audit.reads import record_bulk_read
from app.auth.access import current_actor, current_user, require
from app.auth.permissions import Permission
from app.core.codes import qr_image
from app.core.geo import from_db
from app.core.pagination import page_schema
from app.core.schemas import BINARY, file_responses
from app.turfs.inputs import streets_near
from app.turfs.queries import get_turf
from app.universes.queries import Search, get_universe
from app.walklists import checkout, operations, queries, sheets
from app.walklists.models import WalkList
from app.walklists.schemas import (
    AssignSchema,
    ClaimSchema,
    NearListCreateSchema,
    QrArgsSchema,
    SheetArgsSchema,
    TurfListCreateSchema,
    WalkListArgsSchema,
    WalkListDetailSchema,
    WalkListSchema,
)

blp = Blueprint(
    "walk_lists", __name__, url_prefix="/api/v1", description="Walk lists and their canvassers"
)

SHEET_TYPES = {
    "pdf": ("application/pdf", "pdf"),
    "csv": ("text/csv", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
QR_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


def _search(body) -> Search:
    user = current_user()
    if "universe_id" in body:
        return Search.of(get_universe(user.organization_id, user.id, body["universe_id"]))
    return Search(user.organization_id, {})


def _summary(walk_list: WalkList, stats=None) -> dict:
    return {**queries.summary(walk_list, stats), "claim_url": queries.claim_url(walk_list)}


def _detail(walk_list: WalkList) -> dict:
    return {**_summary(walk_list), "stops": queries.stop_rows(walk_list)}


@blp.route("/walk-lists", methods=["POST"])
@require(Permission.WALKLISTS_MANAGE)
@blp.arguments(TurfListCreateSchema)
@blp.response(201, WalkListDetailSchema)
def create_turf_list(body):
    """A turf x a universe: the doors with somebody on it, in walking order. Doors held by
    another active list are left off; a list of none is a 409."""
    user = current_user()
    walk_list = operations.create_turf_list(
        current_actor(),
        get_turf(user.organization_id, body["turf_id"]),
        _search(body),
        universe_id=body.get("universe_id"),
        name=body.get("name"),
        expires_at=body.get("expires_at"),
        assignee_ids=body["assignee_ids"],
    )
    return _detail(walk_list)


@blp.route("/walk-lists/near", methods=["POST"])
@require(Permission.WALKLISTS_MANAGE)
@blp.arguments(NearListCreateSchema)
@blp.response(201, WalkListDetailSchema)
def create_near_list(body):
    """ "Near me": the nearest un-knocked target doors to a point that no list holds, walked
    from the nearest."""
    walk_list = operations.create_near_list(
        current_actor(),
        body["lon"],
        body["lat"],
        body["count"],
        _search(body),
        universe_id=body.get("universe_id"),
        max_distance_m=body.get("max_distance_m"),
        name=body.get("name"),
        expires_at=body.get("expires_at"),
        assignee_ids=body["assignee_ids"],
    )
    return _detail(walk_list)


@blp.route("/walk-lists", methods=["GET"])
@require(Permission.WALKLISTS_CLAIM)
@blp.arguments(WalkListArgsSchema, location="query")
@blp.response(200, page_schema(WalkListSchema))
def list_lists(args):
    """The campaign's lists with live progress (a canvasser sees the lists they hold)."""
    user = current_user()
    checkout.release_expired(user.organization_id)
    page = queries.list_lists(user, args)
    stats = queries.progress(page.items)
    page.items = [_summary(w, stats[w.id]) for w in page.items]
    return page


@blp.route("/walk-lists/<id:list_id>", methods=["GET"])
@require(Permission.WALKLISTS_CLAIM)
@blp.response(200, WalkListDetailSchema)
def get_list(list_id):
    """One list in walking order: homes, the people shown there, who is a target, what was
    knocked since the list was made."""
    return _detail(queries.get_list(current_user(), list_id))


@blp.route("/walk-lists/claim", methods=["POST"])
@require(Permission.WALKLISTS_CLAIM)
@blp.arguments(ClaimSchema)
@blp.response(200, WalkListDetailSchema)
def claim_list(body):
    """Take a list with its code (typed, or scanned from the QR code on the sheet)."""
    return _detail(operations.claim(current_actor(), body["code"]))


@blp.route("/walk-lists/<id:list_id>/assignments", methods=["POST"])
@require(Permission.WALKLISTS_MANAGE)
@blp.arguments(AssignSchema)
@blp.response(200, WalkListSchema)
def assign(body, list_id):
    """Hand the list to canvassers; those already holding it keep it."""
    walk_list = queries.get_list(current_user(), list_id)
    operations.assign(current_actor(), walk_list, body["user_ids"])
    return _summary(walk_list)


@blp.route("/walk-lists/<id:list_id>/assignments/<id:user_id>", methods=["DELETE"])
@require(Permission.WALKLISTS_MANAGE)
@blp.response(200, WalkListSchema)
def unassign(list_id, user_id):
    """Take the list back from one canvasser."""
    walk_list = queries.get_list(current_user(), list_id)
    operations.unassign(walk_list, user_id)
    return _summary(walk_list)


@blp.route("/walk-lists/<id:list_id>/close", methods=["POST"])
@require(Permission.WALKLISTS_MANAGE)
@blp.response(200, WalkListSchema)
def close_list(list_id):
    """Close the list: its doors are free for other lists; its history stays."""
    return _summary(operations.close(queries.get_list(current_user(), list_id)))


@blp.route("/walk-lists/<id:list_id>/qr", methods=["GET"])
@require(Permission.WALKLISTS_CLAIM)
@blp.arguments(QrArgsSchema, location="query")
@blp.response(200, BINARY, content_type="image/svg+xml")
@blp.doc(**file_responses("The claim link as a QR code", dict.fromkeys(QR_TYPES.values(), BINARY)))
def list_qr(args, list_id):
    """The QR code a canvasser scans to claim the list."""
    walk_list = queries.get_list(current_user(), list_id)
    body = qr_image(queries.claim_url(walk_list), kind=args["format"])
    return Response(body, mimetype=QR_TYPES[args["format"]])


@blp.route("/walk-lists/<id:list_id>/sheet", methods=["GET"])
@require(Permission.WALKLISTS_CLAIM)
@blp.arguments(SheetArgsSchema, location="query")
@blp.response(200, BINARY, content_type="application/pdf")
@blp.doc(
    **file_responses(
        "The walk sheet",
        {"text/csv": {"type": "string"}}
        | {t: BINARY for t, _ in SHEET_TYPES.values() if t != "text/csv"},
    )
)
def list_sheet(args, list_id):
    """The list on paper (PDF: map, stops in order, barcodes, result boxes) or as CSV/XLSX."""
    walk_list = queries.get_list(current_user(), list_id)
    summary = _summary(walk_list)
    stops = queries.stop_rows(walk_list)
    kind = args["format"]
    record_bulk_read("walk_list.sheet", entity=walk_list, filter=args,
                     rows=sum(len(stop["people"]) for stop in stops))  # fmt: skip
    if kind == "csv":
        body = sheets.to_csv(stops)
    elif kind == "xlsx":
        body = sheets.to_xlsx(summary, stops)
    else:
        body = sheets.to_pdf(
            summary, stops, claim_url=summary["claim_url"], **_map_layers(walk_list)
        )
    mimetype, suffix = SHEET_TYPES[kind]
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="walk-list-{walk_list.code}.{suffix}"'
        },
    )


def _map_layers(walk_list: WalkList) -> dict:
    """The turf's outline and the streets around it, lon/lat, for the sheet's map."""
    if walk_list.turf_id is None:
        return {}
    turf = get_turf(walk_list.organization_id, walk_list.turf_id)
    if turf.geom is None:
        return {}
    outline = from_db(turf.geom)
    rings = [list(polygon["coordinates"][0]) for polygon in _polygons(mapping(outline))]
    streets = [
        list(line.coords)
        for row in streets_near(walk_list.organization_id, outline)
        for line in _lines(from_db(row.geom))
    ]
    return {"outline": rings, "streets": streets}


def _polygons(geojson: dict) -> list[dict]:
    if geojson["type"] == "Polygon":
        return [geojson]
    return [{"type": "Polygon", "coordinates": c} for c in geojson.get("coordinates", [])]


def _lines(geometry):
    return list(getattr(geometry, "geoms", [geometry]))
