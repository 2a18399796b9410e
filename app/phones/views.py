"""Call-list endpoints: make lists from universes, hand them to callers, claim them with a
code, close them, read their progress; a caller's "next person" and "skip". (Calls come in
through the phone's sync, ``POST /api/v1/canvass/sync``.)"""

from flask_smorest import Blueprint
from sqlalchemy import select

from app.auth.access import current_actor, current_user, require
from app.auth.permissions import Permission
from app.canvass.defaults import ensure_defaults
from app.canvass.models import Script
from app.canvass.operations import get_script
from app.core.errors import NotFound
from app.core.pagination import page_schema
from app.events.models import Event
from app.extensions import db
from app.phones import checkout, claims, operations, queries
from app.phones.models import CallList
from app.phones.schemas import (
    CallListArgsSchema,
    CallListAssignSchema,
    CallListClaimSchema,
    CallListCreateSchema,
    CallListDetailSchema,
    CallListReportSchema,
    CallListSchema,
    NextPersonArgsSchema,
    NextPersonSchema,
    SkipSchema,
)
from app.universes.queries import Search, get_universe

blp = Blueprint("call_lists", __name__, url_prefix="/api/v1", description="Phone banking")


def _detail(call_list: CallList) -> dict:
    """The list, its script (its own or the campaign's default) and the phone's codes."""
    ensure_defaults(call_list.organization_id)
    script = None
    if call_list.script_id is not None:
        script = db.session.get(Script, call_list.script_id)
    if script is None:
        script = db.session.scalar(
            select(Script).where(Script.organization_id == call_list.organization_id,
                                 Script.is_default)
        )  # fmt: skip
    return {**queries.summary(call_list), "script": script,
            "result_codes": queries.phone_codes(call_list.organization_id)}  # fmt: skip


@blp.route("/call-lists", methods=["POST"])
@require(Permission.CALL_LISTS_MANAGE)
@blp.arguments(CallListCreateSchema)
@blp.response(201, CallListDetailSchema)
def create_list(body):
    """A universe's targets with a number that may be called (one per household if asked).
    People another active call list holds are left off; a list of none is a 409."""
    user = current_user()
    search = Search(user.organization_id, {})
    if "universe_id" in body:
        search = Search.of(get_universe(user.organization_id, user.id, body["universe_id"]))
    if "script_id" in body:
        get_script(user.organization_id, body["script_id"])
    if "event_id" in body:
        event = db.session.get(Event, body["event_id"])
        if event is None or event.organization_id != user.organization_id:
            raise NotFound("No such event.", code="event_not_found",
                           fields={"event_id": body["event_id"]})  # fmt: skip
    call_list = operations.create_call_list(
        current_actor(), search, name=body["name"], universe_id=body.get("universe_id"),
        per_household=body["per_household"], script_id=body.get("script_id"),
        event_id=body.get("event_id"), expires_at=body.get("expires_at"),
        assignee_ids=body["assignee_ids"], empty=body["empty"],
    )  # fmt: skip
    return _detail(call_list)


@blp.route("/call-lists", methods=["GET"])
@require(Permission.CALLS_MAKE)
@blp.arguments(CallListArgsSchema, location="query")
@blp.response(200, page_schema(CallListSchema))
def list_lists(args):
    """The campaign's call lists with their progress (a caller sees the lists they hold)."""
    user = current_user()
    checkout.release_expired(user.organization_id)
    page = queries.list_lists(user, args)
    stats = queries.progress(page.items)
    page.items = [queries.summary(c, stats[c.id]) for c in page.items]
    return page


@blp.route("/call-lists/<id:list_id>", methods=["GET"])
@require(Permission.CALLS_MAKE)
@blp.response(200, CallListDetailSchema)
def get_list(list_id):
    """One list with its progress, the script and the phone's result codes (what the
    caller's app keeps to record calls with no signal)."""
    return _detail(queries.get_list(current_user(), list_id))


@blp.route("/call-lists/claim", methods=["POST"])
@require(Permission.CALLS_MAKE)
@blp.arguments(CallListClaimSchema)
@blp.response(200, CallListDetailSchema)
def claim_list(body):
    """Take a list with its code (shared: every caller who claims it calls from it)."""
    return _detail(operations.claim(current_actor(), body["code"]))


@blp.route("/call-lists/<id:list_id>/assignments", methods=["POST"])
@require(Permission.CALL_LISTS_MANAGE)
@blp.arguments(CallListAssignSchema)
@blp.response(200, CallListSchema)
def assign(body, list_id):
    """Hand the list to callers; those already holding it keep it."""
    call_list = queries.get_list(current_user(), list_id)
    operations.assign(current_actor(), call_list, body["user_ids"])
    return queries.summary(call_list)


@blp.route("/call-lists/<id:list_id>/assignments/<id:user_id>", methods=["DELETE"])
@require(Permission.CALL_LISTS_MANAGE)
@blp.response(200, CallListSchema)
def unassign(list_id, user_id):
    """Take the list back from one caller (the person they were calling goes back)."""
    call_list = queries.get_list(current_user(), list_id)
    operations.unassign(call_list, user_id)
    return queries.summary(call_list)


@blp.route("/call-lists/<id:list_id>/close", methods=["POST"])
@require(Permission.CALL_LISTS_MANAGE)
@blp.response(200, CallListSchema)
def close_list(list_id):
    """Close the list: its people are free for other lists; its calls stay."""
    return queries.summary(operations.close(queries.get_list(current_user(), list_id)))


@blp.route("/call-lists/<id:list_id>/progress", methods=["GET"])
@require(Permission.CALL_LISTS_MANAGE)
@blp.response(200, CallListReportSchema)
def list_progress(list_id):
    """Progress of the list, its results, and each caller's calls and contacts."""
    call_list = queries.get_list(current_user(), list_id)
    return {
        "progress": queries.progress([call_list])[call_list.id],
        "results": queries.results_by_code(call_list),
        "callers": queries.callers(call_list),
    }


@blp.route("/call-lists/<id:list_id>/next", methods=["POST"])
@require(Permission.CALLS_MAKE)
@blp.arguments(NextPersonArgsSchema)
@blp.response(200, NextPersonSchema)
def next_person(body, list_id):
    """The next person for this caller: the one they hold (a reload), else the next free one
    within calling hours, held for them for a while; never one another caller holds."""
    call_list = queries.get_list(current_user(), list_id)
    return claims.next_person(current_actor(), call_list, finished=body["finished"])


@blp.route("/call-lists/<id:list_id>/skip", methods=["POST"])
@require(Permission.CALLS_MAKE)
@blp.arguments(SkipSchema)
@blp.response(200, NextPersonSchema)
def skip(body, list_id):
    """Pass on the person held (no call made): another caller gets them later; the next
    person comes back."""
    call_list = queries.get_list(current_user(), list_id)
    if not claims.skip(current_actor(), call_list, body["person_id"]):
        raise NotFound("You are not calling that person.", code="claim_not_found",
                       fields={"person_id": body["person_id"]})  # fmt: skip
    return claims.next_person(current_actor(), call_list)
