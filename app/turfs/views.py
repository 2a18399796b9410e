"""Turf endpoints: preview and commit a cut, list and map turfs, edit them by hand."""

import tempfile
from pathlib import Path

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from app.audit.operations import record_audit
from app.auth.access import current_actor, current_user, require
from app.auth.permissions import Permission
from app.core.errors import ValidationError
from app.core.geo import polygon_from_geojson
from app.core.pagination import page_schema
from app.core.schemas import BINARY, file_responses
from app.turfs import edits, exchange, operations, queries
from app.turfs.cutting import plan_cut
from app.turfs.schemas import (
    CutPreviewSchema,
    CutRequestSchema,
    DoorMapArgsSchema,
    DoorMapSchema,
    TurfCollectionSchema,
    TurfCutSchema,
    TurfDoorsSchema,
    TurfExportArgsSchema,
    TurfFeatureSchema,
    TurfImportFileSchema,
    TurfImportFormSchema,
    TurfImportResultSchema,
    TurfListArgsSchema,
    TurfMapArgsSchema,
    TurfMergeSchema,
    TurfSchema,
    TurfSplitSchema,
    TurfUpdateSchema,
    cut_spec,
)
from app.universes.queries import get_universe

blp = Blueprint("turfs", __name__, url_prefix="/api/v1", description="Turfs and turf cutting")


def _spec(body):
    user = current_user()
    universe_filter = body.get("filter")
    if "universe_id" in body:
        universe_filter = get_universe(user.organization_id, user.id, body["universe_id"]).filter
    return cut_spec(body, universe_filter)


def _turf(turf_id):
    return queries.get_turf(current_user().organization_id, turf_id)


def _feature(turf):
    stats = queries.turf_stats(turf.organization_id, [turf.id])[turf.id]
    return queries.turf_feature(turf, stats)


@blp.route("/turf-cuts/preview", methods=["POST"])
@require(Permission.TURFS_READ)
@blp.arguments(CutRequestSchema)
@blp.response(200, CutPreviewSchema)
def preview_cut(body):
    """Cut an area into turfs and show them with their metrics; nothing is saved."""
    return plan_cut(current_user().organization_id, _spec(body)).feature_collection()


@blp.route("/turf-cuts", methods=["POST"])
@require(Permission.TURFS_EDIT)
@blp.arguments(CutRequestSchema)
@blp.response(201, TurfCutSchema)
def commit_cut(body):
    """Cut and save. Turfs outside the area stay as they are; inside it, the new turfs take
    every door (older turfs there are trimmed, or retired when left empty)."""
    spec = _spec(body)
    record = operations.commit_cut(
        current_actor(), spec, body.get("name") or f"Cut at {spec.target} doors"
    )
    return {**_cut_fields(record), "turf_ids": queries.cut_turf_ids(record.id)}


def _cut_fields(record):
    return {
        name: getattr(record, name)
        for name in ("id", "name", "target", "options", "metrics", "created_at")
    }


@blp.route("/turf-cuts/<id:cut_id>", methods=["GET"])
@require(Permission.TURFS_READ)
@blp.response(200, TurfCutSchema)
def get_cut(cut_id):
    """One committed cut: what was asked, its metrics, its turfs."""
    record = queries.get_cut(current_user().organization_id, cut_id)
    return {**_cut_fields(record), "turf_ids": queries.cut_turf_ids(record.id)}


@blp.route("/turfs", methods=["GET"])
@require(Permission.TURFS_READ)
@blp.arguments(TurfListArgsSchema, location="query")
@blp.response(200, page_schema(TurfSchema))
def list_turfs(args):
    """The campaign's turfs (active by default)."""
    return queries.list_turfs(current_user().organization_id, args)


@blp.route("/turfs/map", methods=["GET"])
@require(Permission.TURFS_READ)
@blp.arguments(TurfMapArgsSchema, location="query")
@blp.response(200, TurfCollectionSchema)
def turf_map(args):
    """Every active turf as GeoJSON, with its progress (doors, knocked, contacted)."""
    return queries.turf_collection(
        current_user().organization_id, cut_id=args.get("cut_id"), with_stats=args["stats"]
    )


@blp.route("/turfs/doors", methods=["GET"])
@require(Permission.TURFS_READ)
@blp.arguments(DoorMapArgsSchema, location="query")
@blp.response(200, DoorMapSchema)
def door_map(args):
    """Doors in view as [address id, lon, lat, homes on the list], for the map."""
    user = current_user()
    universe_filter = None
    if "universe_id" in args:
        universe_filter = get_universe(user.organization_id, user.id, args["universe_id"]).filter
    return queries.door_points(user.organization_id, args["bbox"], universe_filter)


@blp.route("/turfs/<id:turf_id>")
class TurfView(MethodView):
    @require(Permission.TURFS_READ)
    @blp.response(200, TurfFeatureSchema)
    def get(self, turf_id):
        """One turf as GeoJSON with its live progress."""
        return _feature(_turf(turf_id))

    @require(Permission.TURFS_EDIT)
    @blp.arguments(TurfUpdateSchema)
    @blp.response(200, TurfFeatureSchema)
    def patch(self, changes, turf_id):
        """Rename, give it a captain, or redraw: the turf then holds the doors inside its new
        outline."""
        turf = _turf(turf_id)
        if "polygon" in changes:
            edits.redraw_turf(turf, polygon_from_geojson(changes["polygon"]))
        if "name" in changes:
            edits.rename_turf(turf, changes["name"])
        if "captain_id" in changes:
            edits.set_captain(turf, changes["captain_id"])
        return _feature(turf)


@blp.route("/turfs/merge", methods=["POST"])
@require(Permission.TURFS_EDIT)
@blp.arguments(TurfMergeSchema)
@blp.response(200, TurfFeatureSchema)
def merge_turfs(body):
    """Merge turfs into the first one listed; the others are retired."""
    turfs = queries.get_turfs(current_user().organization_id, body["turf_ids"])
    return _feature(edits.merge_turfs(turfs, body.get("name")))


@blp.route("/turfs/<id:turf_id>/split", methods=["POST"])
@require(Permission.TURFS_EDIT)
@blp.arguments(TurfSplitSchema, required=False)
@blp.response(200, TurfCollectionSchema)
def split_turf(body, turf_id):
    """Split a turf into balanced parts (2 by default)."""
    made = edits.split_turf(_turf(turf_id), body.get("parts", 2))
    return {"type": "FeatureCollection", "features": [_feature(t) for t in made]}


@blp.route("/turfs/<id:turf_id>/doors", methods=["POST"])
@require(Permission.TURFS_EDIT)
@blp.arguments(TurfDoorsSchema)
@blp.response(200, TurfFeatureSchema)
def move_doors(body, turf_id):
    """Move doors (address ids) into this turf from wherever they are."""
    return _feature(edits.move_doors(_turf(turf_id), sorted(set(body["address_ids"]))))


@blp.route("/turfs/export", methods=["GET"])
@require(Permission.TURFS_READ)
@blp.arguments(TurfExportArgsSchema, location="query")
@blp.response(
    200,
    {"type": "object", "description": "GeoJSON FeatureCollection"},
    content_type=exchange.FORMATS["geojson"][0],
    description="The active turfs as GeoJSON, KML or a zipped Shapefile (WGS84)",
)
@blp.doc(
    **file_responses(
        "The active turfs as GeoJSON, KML or a zipped Shapefile (WGS84)",
        {
            exchange.FORMATS["geojson"][0]: {"type": "object"},
            exchange.FORMATS["kml"][0]: {"type": "string"},
            exchange.FORMATS["shapefile"][0]: BINARY,
        },
    )
)
def export_turfs(args):
    """Download the active turfs (of one cut, optionally) for another tool."""
    organization_id = current_user().organization_id
    turfs = queries.active_turfs(organization_id, args.get("cut_id"))
    body = exchange.export_turfs(turfs, args["format"])
    mimetype, suffix = exchange.FORMATS[args["format"]]
    record_audit(
        "turfs.export", entity_type="turf", changes={"format": args["format"], "turfs": len(turfs)}
    )
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="turfs.{suffix}"'},
    )


@blp.route("/turfs/import", methods=["POST"])
@require(Permission.TURFS_EDIT)
@blp.arguments(TurfImportFormSchema, location="form")
@blp.arguments(TurfImportFileSchema, location="files")
@blp.response(201, TurfImportResultSchema)
def import_turfs(form, files):
    """Upload turf outlines (GeoJSON, KML/KMZ or zipped Shapefile); each becomes a turf of
    the doors inside it."""
    upload = files["file"]
    if not getattr(upload, "filename", None):
        raise ValidationError("Attach the turf file as 'file'.", fields={"file": "missing"})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "turfs"
        upload.save(path)
        shapes, rejects = exchange.read_turf_file(path, form.get("name_field"))
    made = operations.import_turfs(current_user().organization_id, shapes)
    return {
        "turf_ids": [t.id for t in made],
        "rejects": [{"feature": r.line_no, "reason": r.reason, "value": r.value} for r in rejects],
    }
