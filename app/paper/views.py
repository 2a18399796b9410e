"""Paper walk sheets keyed back in (/api/v1/paper): open a sheet by its code, key its doors."""

from flask_smorest import Blueprint

from app.audit.reads import record_bulk_read
from app.auth.access import current_actor, current_user, require
from app.auth.permissions import Permission
from app.paper import operations, queries
from app.paper.schemas import KeyedDoorsSchema, KeyedResultSchema, SheetArgsSchema, SheetSchema

blp = Blueprint(
    "paper", __name__, url_prefix="/api/v1/paper", description="Paper walk sheets keyed back in"
)


@blp.route("/sheets", methods=["GET"])
@require(Permission.CANVASS_KEY)
@blp.arguments(SheetArgsSchema, location="query")
@blp.response(200, SheetSchema)
def open_sheet(args):
    """A sheet by the code printed on it (or its QR code's link), whatever its status: its
    homes and people in walking order, the result codes, the script and who held it. The
    read of its people is audited."""
    walk_list = queries.sheet_by_code(current_user().organization_id, args["code"])
    sheet = queries.sheet(walk_list)
    record_bulk_read("paper.sheet", entity=walk_list, filter=args,
                     rows=sum(len(stop["people"]) for stop in sheet["stops"]))  # fmt: skip
    return sheet


@blp.route("/sheets/<id:list_id>/knocks", methods=["POST"])
@require(Permission.CANVASS_KEY)
@blp.arguments(KeyedDoorsSchema)
@blp.response(200, KeyedResultSchema)
def key_knocks(body, list_id):
    """Key doors from the sheet: each record is applied once (by its UUID) as the sync
    applies a phone's, dated ``canvassed_at``, under the canvasser the sheet names; each is
    answered on its own (applied, duplicate, rejected with the reason)."""
    walk_list = queries.get_sheet(current_user().organization_id, list_id)
    outcomes = operations.key_doors(current_actor(), walk_list, body)
    counts = {s: sum(o.status == s for o in outcomes) for s in ("applied", "duplicate", "rejected")}
    return {"results": outcomes, "applied": counts["applied"],
            "duplicates": counts["duplicate"], "rejected": counts["rejected"]}  # fmt: skip
