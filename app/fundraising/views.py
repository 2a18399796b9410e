"""Fundraising endpoints: settings and letters (receipts), call time (call sheets, calls,
pledges), goals and totals, and an event's people by donation level. Finance and admins
manage (fundraising.manage); directors read totals and goals (donations.totals), never a
person's giving."""

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from app.audit.reads import record_bulk_read
from app.auth.access import current_actor, current_user, require
from app.auth.permissions import Permission
from app.core.errors import ValidationError
from app.core.pagination import PageArgsSchema, page_schema
from app.core.schemas import BINARY
from app.events.queries import get_event
from app.fundraising import attendees, calltime, cures, goals, letters, pledges, totals
from app.fundraising.calls import record_call
from app.fundraising.callsheet_pdf import call_sheet_pdf
from app.fundraising.cure_schemas import CureArgsSchema, CurePageSchema, PersonLettersSchema
from app.fundraising.models import Acknowledgement
from app.fundraising.schemas import (
    CallResultSchema,
    CallSchema,
    CallSheetPageSchema,
    CallSheetRequestSchema,
    DonorLevelsArgsSchema,
    DonorLevelsSchema,
    FundraisingSettingsSchema,
    FundraisingSettingsUpdateSchema,
    GoalDetailSchema,
    GoalInSchema,
    GoalProgressSchema,
    GoalSchema,
    GoalTotalsArgsSchema,
    GoalTotalsSchema,
    GoalUpdateSchema,
    LetterBatchSchema,
    LettersSchema,
    PledgeListArgsSchema,
    PledgeSchema,
    PledgeUpdateSchema,
)
from app.fundraising.settings import (
    campaign_today,
    fundraising_settings,
    update_fundraising_settings,
)
from app.people.queries import follow_merges, get_person
from app.universes.queries import get_universe

blp = Blueprint(
    "fundraising",
    __name__,
    url_prefix="/api/v1/fundraising",
    description="Fundraising: receipts, call time, pledges, goals and totals",
)


def _today():
    return campaign_today(current_user().organization_id)


def _pdf(body: bytes, name: str) -> Response:
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'},
    )


@blp.route("/settings")
class SettingsView(MethodView):
    @require(Permission.FUNDRAISING_MANAGE)
    @blp.response(200, FundraisingSettingsSchema)
    def get(self):
        """Receipts on or off, their templates (null: the default words), the ask ladder."""
        return fundraising_settings(current_user().organization_id)

    @require(Permission.FUNDRAISING_MANAGE)
    @blp.arguments(FundraisingSettingsUpdateSchema)
    @blp.response(200, FundraisingSettingsSchema)
    def patch(self, changes):
        """Change them; a template that does not parse or render is refused (422, naming it)."""
        return update_fundraising_settings(current_actor(), changes)


@blp.route("/letters", methods=["GET"])
@require(Permission.FUNDRAISING_MANAGE)
@blp.response(200, LettersSchema)
def letter_queue():
    """Letters waiting to be printed, per kind, and the latest batches."""
    organization_id = current_user().organization_id
    return {
        "pending": letters.pending_letters(organization_id),
        "batches": letters.recent_batches(organization_id),
    }


@blp.route("/letter-batches", methods=["POST"])
@require(Permission.FUNDRAISING_MANAGE)
@blp.response(201, LetterBatchSchema)
def create_letter_batch():
    """Take the waiting letters (up to 500) into a batch to print (409 no_letters_pending)."""
    return letters.create_letter_batch(current_actor())


@blp.route("/letter-batches/<id:letter_batch_id>/pdf", methods=["GET"])
@require(Permission.FUNDRAISING_MANAGE)
@blp.response(200, BINARY, content_type="application/pdf")
def letter_batch_pdf(letter_batch_id):
    """The batch's letters, one a page (audited: names and addresses)."""
    organization_id = current_user().organization_id
    batch = letters.get_letter_batch(organization_id, letter_batch_id)
    rows = letters.letter_rows(batch)
    record_bulk_read("fundraising.letters", entity=batch, filter={}, rows=len(rows))
    header = letters.committee_header(organization_id)
    return _pdf(letters.letters_pdf(rows, header, _today()), f"letters-{batch.id}")


@blp.route("/excess-cures", methods=["GET"])
@require(Permission.FUNDRAISING_MANAGE)
@blp.arguments(CureArgsSchema, location="query")
@blp.response(200, CurePageSchema)
def excess_cures(args):
    """Each excess contribution, soonest due first: its corrections, the letters about it
    (queued and sent), and its state (open, overdue, notice_due, cured, cured_late);
    audited."""
    organization_id = current_user().organization_id
    answer = cures.cure_rows(organization_id, args, _today())
    if answer["items"]:
        record_bulk_read("fundraising.excess_cures", filter=args, rows=len(answer["items"]))
    return answer


@blp.route("/people/<id:person_id>/letters", methods=["GET"])
@require(Permission.FUNDRAISING_MANAGE)
@blp.response(200, PersonLettersSchema)
def person_letters(person_id):
    """Every thank-you, request and notice about a person's gifts, oldest first (at most 200),
    with when each was queued and sent (a merged-away id answers for the person it lives on)."""
    person = follow_merges(get_person(current_user().organization_id, person_id))
    items = cures.letters_of(Acknowledgement.person_id == person.id, limit=200)
    return {"items": items}


def _call_sheet(body) -> calltime.CallSheet:
    user = current_user()
    if "universe_id" in body:
        selected = get_universe(user.organization_id, user.id, body["universe_id"]).filter
    else:
        selected = body.get("filter", {})
    return calltime.CallSheet(user.organization_id, selected, _today())


@blp.route("/call-sheets", methods=["POST"])
@require(Permission.FUNDRAISING_MANAGE)
@blp.arguments(PageArgsSchema, location="query")
@blp.arguments(CallSheetRequestSchema, required=False)
@blp.response(200, CallSheetPageSchema)
def call_sheet(args, body):
    """A page of the call sheet of a universe (or filter): its donors who may be called, the
    highest previous gift first, each with giving, room, the ask, pledges and the last call."""
    sheet = _call_sheet(body)
    page = calltime.page_call_sheet(sheet, args)
    record_bulk_read(
        "fundraising.call_sheet",
        entity_type="call_sheet",
        filter={**args, **body},
        rows=len(page.items),
        total=page.total,
    )
    return {"items": page.items, "page": page.page, "per_page": page.per_page,
            "total": page.total, "pages": page.pages,
            "cannot_call": sheet.counts()["cannot_call"]}  # fmt: skip


@blp.route("/call-sheets/pdf", methods=["POST"])
@require(Permission.FUNDRAISING_MANAGE)
@blp.arguments(CallSheetRequestSchema, required=False)
@blp.response(200, BINARY, content_type="application/pdf")
def call_sheet_file(body):
    """The call sheet on paper, a donor a page (at most 200: 422 call_sheet_too_large)."""
    sheet = _call_sheet(body)
    counts = sheet.counts()
    count = counts["donors"] - counts["cannot_call"]
    if count > calltime.MAX_PDF_DONORS:
        raise ValidationError(
            f"{count} donors: a printed call sheet holds {calltime.MAX_PDF_DONORS}; narrow it.",
            code="call_sheet_too_large",
            fields={"filter": [f"{count} donors."]},
        )
    rows = calltime.all_rows(sheet)
    record_bulk_read(
        "fundraising.call_sheet_pdf", entity_type="call_sheet", filter=body, rows=len(rows)
    )
    return _pdf(call_sheet_pdf(rows, "Call time"), "call-sheet")


@blp.route("/calls", methods=["POST"])
@require(Permission.FUNDRAISING_MANAGE)
@blp.arguments(CallSchema)
@blp.response(201, CallResultSchema)
def record_call_result(body):
    """A call's result in the person's history (kind call), with the pledge made on it."""
    actor = current_actor()
    person = get_person(actor.organization_id, body["person_id"], field="person_id")
    interaction, pledge = record_call(
        actor, person, body["result"], note=body["note"], pledge=body.get("pledge")
    )
    row = None
    if pledge is not None:
        received = pledges.received_towards([pledge])[pledge.id][0]
        row = pledges.pledge_row(pledge, received, person.full_name, _today())
    return {"interaction_id": interaction.id, "result": interaction.result, "pledge": row}


@blp.route("/pledges", methods=["GET"])
@require(Permission.FUNDRAISING_MANAGE)
@blp.arguments(PledgeListArgsSchema, location="query")
@blp.response(200, page_schema(PledgeSchema))
def list_pledges(args):
    """Pledges, the soonest due first, each with what has come in towards it (live)."""
    page = pledges.list_pledges(current_user().organization_id, args, _today())
    record_bulk_read(
        "fundraising.pledges",
        entity_type="pledge",
        filter=args,
        rows=len(page.items),
        total=page.total,
    )
    return page


@blp.route("/pledges/<id:pledge_id>", methods=["PATCH"])
@require(Permission.FUNDRAISING_MANAGE)
@blp.arguments(PledgeUpdateSchema)
@blp.response(200, PledgeSchema)
def update_pledge(changes, pledge_id):
    """Change a pledge's amount, due day or note; cancel it, or open a cancelled one again."""
    actor = current_actor()
    pledge = pledges.get_pledge(actor.organization_id, pledge_id)
    pledges.update_pledge(actor, pledge, changes)
    received = pledges.received_towards([pledge])[pledge.id][0]
    person = get_person(actor.organization_id, pledge.person_id)
    return pledges.pledge_row(pledge, received, person.full_name, _today())


@blp.route("/goals")
class GoalsView(MethodView):
    @require(Permission.DONATIONS_TOTALS)
    @blp.response(200, GoalProgressSchema(many=True))
    def get(self):
        """Every goal with the money raised against it, live."""
        today = _today()
        return [
            goals.progress(goal, today) for goal in goals.list_goals(current_user().organization_id)
        ]

    @require(Permission.FUNDRAISING_MANAGE)
    @blp.arguments(GoalInSchema)
    @blp.response(201, GoalSchema)
    def post(self, body):
        """A goal: money to raise between two days, from every source or one."""
        return goals.create_goal(current_actor(), body)


@blp.route("/goals/<id:goal_id>")
class GoalView(MethodView):
    @require(Permission.DONATIONS_TOTALS)
    @blp.response(200, GoalDetailSchema)
    def get(self, goal_id):
        """A goal's progress, and day by day against a straight line to it."""
        goal = goals.get_goal(current_user().organization_id, goal_id)
        today = _today()
        return {**goals.progress(goal, today), "days": goals.progress_by_day(goal, today)}

    @require(Permission.FUNDRAISING_MANAGE)
    @blp.arguments(GoalUpdateSchema)
    @blp.response(200, GoalSchema)
    def patch(self, changes, goal_id):
        """Change a goal."""
        return goals.update_goal(goals.get_goal(current_user().organization_id, goal_id), changes)

    @require(Permission.FUNDRAISING_MANAGE)
    @blp.response(204)
    def delete(self, goal_id):
        """Delete a goal (the money is untouched)."""
        goals.delete_goal(goals.get_goal(current_user().organization_id, goal_id))


@blp.route("/totals", methods=["GET"])
@require(Permission.DONATIONS_TOTALS)
@blp.arguments(GoalTotalsArgsSchema, location="query")
@blp.response(200, GoalTotalsSchema)
def money_totals(args):
    """Money raised by day, source or region (state, ZIP, county, precinct, ward), in a period
    or a goal's. Rows of a region with fewer than 3 donors are folded into one for roles that
    may not read a person's giving."""
    user = current_user()
    small = 1 if user.can(Permission.DONATIONS_READ) else totals.MIN_DONORS
    return goals.money_report(user.organization_id, args, _today(), min_donors=small)


@blp.route("/events/<id:event_id>/donor-levels", methods=["GET"])
@require(Permission.FUNDRAISING_MANAGE)
@blp.arguments(DonorLevelsArgsSchema, location="query")
@blp.response(200, DonorLevelsSchema)
def event_donor_levels(args, event_id):
    """An event's people (attended by default) by what they gave this cycle: counts per level
    and the people at the levels asked for (audited)."""
    event = get_event(current_user().organization_id, event_id)
    counts, people = attendees.event_segments(event, args["status"], args.get("levels"), _today())
    record_bulk_read("fundraising.event_donor_levels", entity=event, filter=args, rows=len(people))
    return {"levels": counts, "people": people}
