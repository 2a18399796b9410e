"""Canvass endpoints: the phone's setup and sync; a campaign's result codes and scripts."""

from datetime import UTC, datetime, timedelta

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from app.audit.reads import record_bulk_read
from app.auth.access import current_actor, current_user, require
from app.auth.permissions import Permission
from app.backups.queries import check_epoch, current_epoch
from app.canvass import operations, queries, review, van
from app.canvass.defaults import ensure_defaults
from app.canvass.models import Script
from app.canvass.schemas import (
    ActivityArgsSchema,
    ActivitySchema,
    BatchListArgsSchema,
    BatchSchema,
    EpochArgsSchema,
    EpochSchema,
    KnockListArgsSchema,
    KnockSchema,
    ResultCodeInSchema,
    ResultCodeSchema,
    ResultCodeUpdateSchema,
    ReviewSchema,
    ScriptInSchema,
    ScriptSchema,
    SetupSchema,
    SyncResultSchema,
    SyncSchema,
    VanExportArgsSchema,
    VanExportSchema,
)
from app.canvass.sync import sync_batch
from app.core.pagination import page_schema
from app.core.schemas import file_responses
from app.core.spreadsheets import csv_bytes
from app.extensions import db
from app.knocks.models import ResultCode
from app.knocks.results import DOOR

blp = Blueprint("canvass", __name__, url_prefix="/api/v1/canvass", description="Canvassing")


def _codes(organization_id: int) -> list[ResultCode]:
    ensure_defaults(organization_id)
    return list(
        db.session.scalars(
            select(ResultCode)
            .where(ResultCode.organization_id == organization_id)
            .order_by(ResultCode.position, ResultCode.id)
        )
    )


@blp.route("/setup", methods=["GET"])
@require(Permission.WALKLISTS_CLAIM)
@blp.response(200, SetupSchema)
def setup():
    """What a phone needs to record knocks: the active result codes and the default script."""
    organization_id = current_user().organization_id
    codes = [c for c in _codes(organization_id) if c.is_active and DOOR in c.channels]
    script = db.session.scalar(
        select(Script).where(Script.organization_id == organization_id, Script.is_default)
    )
    map_setup = {
        "tile_url": current_app.config["DOORSTEP_TILE_URL"],
        "tile_attribution": current_app.config["DOORSTEP_TILE_ATTRIBUTION"],
    }
    return {"result_codes": codes, "script": script, "map": map_setup}


@blp.route("/sync", methods=["POST"])
@require(Permission.WALKLISTS_CLAIM)
@blp.arguments(SyncSchema)
@blp.response(200, SyncResultSchema)
def sync(body):
    """Apply a batch of door knocks: each at most once (by its UUID), each answered on its
    own; the good records of a batch are kept when others are rejected."""
    outcomes = sync_batch(current_actor(), body["device_id"], body["records"], body["sent_at"])
    counts = {s: sum(o.status == s for o in outcomes) for s in ("applied", "duplicate", "rejected")}
    return {
        "results": outcomes,
        "applied": counts["applied"],
        "duplicates": counts["duplicate"],
        "rejected": counts["rejected"],
        "server_time": datetime.now(UTC),
        "epoch": current_epoch(),
    }


@blp.route("/epoch", methods=["GET"])
@require(Permission.WALKLISTS_CLAIM)
@blp.arguments(EpochArgsSchema, location="query")
@blp.response(200, EpochSchema)
def epoch(args):
    """Which life of the database this is: after a restore from a backup, a phone that last
    synced with ``known`` sends again what the server acknowledged since ``resend_since``
    (the server applies each record once, so what it still has comes back "duplicate")."""
    check = check_epoch(args.get("known"))
    return {**vars(check), "server_time": datetime.now(UTC)}


@blp.route("/result-codes")
class ResultCodes(MethodView):
    @require(Permission.WALKLISTS_CLAIM)
    @blp.response(200, ResultCodeSchema(many=True))
    def get(self):
        """The campaign's result codes, active or not, in order."""
        return _codes(current_user().organization_id)

    @require(Permission.CANVASS_SETUP)
    @blp.arguments(ResultCodeInSchema)
    @blp.response(201, ResultCodeSchema)
    def post(self, body):
        """Add a result code."""
        return operations.create_result_code(current_user().organization_id, body)


@blp.route("/result-codes/<id:code_id>", methods=["PATCH"])
@require(Permission.CANVASS_SETUP)
@blp.arguments(ResultCodeUpdateSchema)
@blp.response(200, ResultCodeSchema)
def update_result_code(changes, code_id):
    """Relabel a code, change its sticky effect or contact flag, retire it."""
    code = operations.get_result_code(current_user().organization_id, code_id)
    return operations.update_result_code(code, changes)


@blp.route("/scripts")
class Scripts(MethodView):
    @require(Permission.WALKLISTS_CLAIM)
    @blp.response(200, ScriptSchema(many=True))
    def get(self):
        """The campaign's scripts with their questions."""
        organization_id = current_user().organization_id
        ensure_defaults(organization_id)
        return db.session.scalars(
            select(Script).where(Script.organization_id == organization_id).order_by(Script.id)
        ).all()

    @require(Permission.CANVASS_SETUP)
    @blp.arguments(ScriptInSchema)
    @blp.response(201, ScriptSchema)
    def post(self, body):
        """A new script (questions in order; ``show_if`` names an earlier question)."""
        return operations.save_script(current_user().organization_id, body)


@blp.route("/scripts/<id:script_id>", methods=["PUT"])
@require(Permission.CANVASS_SETUP)
@blp.arguments(ScriptInSchema)
@blp.response(200, ScriptSchema)
def replace_script(body, script_id):
    """Replace a script's name and questions (answers given stay in the history)."""
    organization_id = current_user().organization_id
    return operations.save_script(
        organization_id, body, operations.get_script(organization_id, script_id)
    )


@blp.route("/knocks", methods=["GET"])
@require(Permission.WALKLISTS_MANAGE)
@blp.arguments(KnockListArgsSchema, location="query")
@blp.response(200, page_schema(KnockSchema))
def list_knocks(args):
    """The knocks as recorded, newest first, each with its distance from the door (green
    under 100 m, orange to 300 m, red beyond, no_gps when the fix was worse than 100 m)."""
    page = queries.list_knocks(current_user().organization_id, args)
    page.items = [queries.knock_row(k) for k in page.items]
    return page


@blp.route("/activity", methods=["GET"])
@require(Permission.WALKLISTS_MANAGE)
@blp.arguments(ActivityArgsSchema, location="query")
@blp.response(200, ActivitySchema(many=True))
def activity(args):
    """Per canvasser: doors, contacts, contact rate, time between doors, knocks far from the
    door or at night, with the fraud signs flagged."""
    since = args.get("since") or datetime.now(UTC) - timedelta(days=7)
    return queries.activity(current_user().organization_id, since)


@blp.route("/batches", methods=["GET"])
@require(Permission.CANVASS_REVIEW)
@blp.arguments(BatchListArgsSchema, location="query")
@blp.response(200, page_schema(BatchSchema))
def list_batches(args):
    """The batches phones sent, newest first, with what each brought and its review status
    (applied, held, rolled_back)."""
    page = review.list_batches(current_user().organization_id, args)
    page.items = review.batch_rows(page.items)
    return page


@blp.route("/batches/<id:batch_id>/hold", methods=["POST"])
@require(Permission.CANVASS_REVIEW)
@blp.arguments(ReviewSchema)
@blp.response(200, BatchSchema)
def hold_batch(body, batch_id):
    """Hold a batch: its knocks leave the histories, list progress and universes (their
    answers fall back to what else was said that day) until it is released."""
    actor = current_actor()
    batch = review.get_batch(actor.organization_id, batch_id, lock=True)
    return review.batch_rows([review.hold(actor, batch, body["reason"])])[0]


@blp.route("/batches/<id:batch_id>/release", methods=["POST"])
@require(Permission.CANVASS_REVIEW)
@blp.response(200, BatchSchema)
def release_batch(batch_id):
    """Release a held batch: its knocks count again, as if just synced."""
    actor = current_actor()
    batch = review.release(actor, review.get_batch(actor.organization_id, batch_id, lock=True))
    return review.batch_rows([batch])[0]


@blp.route("/batches/<id:batch_id>/rollback", methods=["POST"])
@require(Permission.CANVASS_REVIEW)
@blp.arguments(ReviewSchema)
@blp.response(200, BatchSchema)
def roll_back_batch(body, batch_id):
    """Roll a batch back for good: the knocks and their interactions stay, marked, and each
    person's history gets a note of the rollback."""
    actor = current_actor()
    batch = review.get_batch(actor.organization_id, batch_id, lock=True)
    return review.batch_rows([review.roll_back(actor, batch, body["reason"])])[0]


@blp.route("/exports/van", methods=["GET"])
@require(Permission.CANVASS_EXPORT)
@blp.arguments(VanExportArgsSchema, location="query")
@blp.response(200, VanExportSchema)
@blp.doc(
    **file_responses(
        "The knocks as VAN canvass responses (JSON), or the bulk Canvass Results file (CSV)",
        {"application/json": VanExportSchema, "text/csv": {"type": "string"}},
    )
)
def export_van(args):
    """The knocks (rolled-back and held ones left out) in NGP VAN's shapes: each
    ``canvassResponses`` body with the path VAN takes it on, or (``format=csv``) the bulk
    Canvass Results file; with what could not be sent and why."""
    organization_id = current_user().organization_id
    exported = van.export(organization_id, args)
    record_bulk_read("canvass.export_van", entity_type="door_knocks",
                     organization_id=organization_id, filter=args,
                     rows=len(exported["items"]), skipped=len(exported["skipped"]))  # fmt: skip
    if args["format"] == "json":
        return exported
    body = csv_bytes(van.CSV_COLUMNS, van.to_csv_rows(exported))
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="van-canvass-results.csv"'},
    )
