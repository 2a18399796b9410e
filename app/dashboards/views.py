"""Dashboard endpoints: the field, volunteers, money and outreach panels (JSON with an ETag,
or CSV), the map's colouring, the people behind a number (listed, or saved as a universe)
and the field goal. Admins and directors see every panel (directors the money's totals,
never a giver); finance the money; organisers the field, volunteers and outreach."""

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from app.audit.reads import record_bulk_read
from app.auth.access import current_actor, current_user, require
from app.auth.permissions import Permission
from app.core.errors import PermissionDenied
from app.core.pagination import paginate
from app.dashboards import field, money, outreach, volunteers
from app.dashboards.export import csv_response, json_with_etag
from app.dashboards.map import area_colours
from app.dashboards.models import FieldGoal
from app.dashboards.operations import save_as_universe, set_field_goal
from app.dashboards.people import MEASURES, people_behind
from app.dashboards.schemas import (
    DashboardMapSchema,
    DashboardPeopleSchema,
    DashboardUniverseSchema,
    FieldGoalOutSchema,
    FieldGoalSchema,
    FieldPanelSchema,
    MapArgsSchema,
    MoneyPanelSchema,
    OutreachPanelSchema,
    PanelArgsSchema,
    PeopleArgsSchema,
    SaveUniverseSchema,
    SummaryArgsSchema,
    VolunteersPanelSchema,
    WeeklySummaryOutSchema,
    WeeklySummarySchema,
    panel_responses,
)
from app.dashboards.scope import make_scope
from app.dashboards.summary import build_summary
from app.dashboards.summary_pdf import render_summary
from app.dashboards.weekly import (
    WEEKDAYS,
    set_weekly_summary,
    staff,
    weekly_summary,
)
from app.extensions import db
from app.fundraising.settings import campaign_today
from app.people.models import Person

blp = Blueprint(
    "dashboards",
    __name__,
    url_prefix="/api/v1/dashboards",
    description="Dashboards: field, volunteers, money and outreach panels, the map",
)


def _scope(args):
    user = current_user()
    today = campaign_today(user.organization_id)
    return make_scope(user.organization_id, user.id, args, today), today


def _out(panel, args, name):
    if args.get("format") == "csv":
        return csv_response(panel, name)
    return json_with_etag(panel)


@blp.route("/field", methods=["GET"])
@require(Permission.DASHBOARD_READ)
@blp.arguments(PanelArgsSchema, location="query")
@blp.response(200, FieldPanelSchema)
@blp.doc(**panel_responses("FieldPanel"))
def field_panel(args):
    """Doors, contacts, contact rate by day, hour, area, team and canvasser; support IDs;
    doors left in active turfs; the pace to the goal. ``format=csv`` downloads it."""
    scope, today = _scope(args)
    return _out(field.field_panel(scope, args["area_kind"], today), args, "field")


@blp.route("/volunteers", methods=["GET"])
@require(Permission.DASHBOARD_READ)
@blp.arguments(PanelArgsSchema, location="query")
@blp.response(200, VolunteersPanelSchema)
@blp.doc(**panel_responses("VolunteersPanel"))
def volunteers_panel(args):
    """Active volunteers per week (new, returning), shifts filled, no-shows, hours,
    retention within 30 days, top recruiters."""
    scope, _ = _scope(args)
    return _out(volunteers.volunteers_panel(scope), args, "volunteers")


@blp.route("/money", methods=["GET"])
@require(Permission.DONATIONS_TOTALS)
@blp.arguments(PanelArgsSchema, location="query")
@blp.response(200, MoneyPanelSchema)
@blp.doc(**panel_responses("MoneyPanel"))
def money_panel(args):
    """Raised by day, source, page and region against the goals; average and median gift;
    new and repeat donors; recurring; refunds. Totals only, no giver."""
    scope, today = _scope(args)
    small = current_user().can(Permission.DONATIONS_READ)
    panel = money.money_panel(scope, args["area_kind"], today, small_regions=small)
    return _out(panel, args, "money")


@blp.route("/outreach", methods=["GET"])
@require(Permission.DASHBOARD_READ)
@blp.arguments(PanelArgsSchema, location="query")
@blp.response(200, OutreachPanelSchema)
@blp.doc(**panel_responses("OutreachPanel"))
def outreach_panel(args):
    """Email campaigns and texting per campaign and per week: delivered, opened, clicked,
    unsubscribed, replied, opt-outs; the texting response rate."""
    scope, _ = _scope(args)
    return _out(outreach.outreach_panel(scope), args, "outreach")


@blp.route("/map", methods=["GET"])
@require(Permission.DASHBOARD_READ)
@blp.arguments(MapArgsSchema, location="query")
@blp.response(200, DashboardMapSchema)
def area_map(args):
    """Each area of a kind with the chosen measure and the legend's class breaks (the
    shapes: ``/api/v1/areas/map``). ``raised`` needs the money's totals."""
    if args["measure"] == "raised" and not current_user().can(Permission.DONATIONS_TOTALS):
        raise PermissionDenied("Your role may not read the money's totals.")
    scope, _ = _scope(args)
    return json_with_etag(area_colours(scope, args["area_kind"], args["measure"]))


def _measure_allowed(measure: str) -> None:
    if measure in MEASURES and not current_user().can(MEASURES[measure][0]):
        raise PermissionDenied("Your role may not see who is behind this number.")


@blp.route("/people", methods=["GET"])
@require(Permission.PEOPLE_READ)
@blp.arguments(PeopleArgsSchema, location="query")
@blp.response(200, DashboardPeopleSchema)
def people(args):
    """The people behind a number (never confidential or merged-away people). Audited."""
    _measure_allowed(args["measure"])
    scope, _ = _scope(args)
    page = paginate(
        people_behind(scope, args["measure"]),
        args,
        sortable={},
        default_order=[Person.last_name, Person.first_name, Person.id],
    )
    record_bulk_read(
        "dashboard.people", filter=args, rows=len(page.items), entity_type="people",
        measure=args["measure"],
    )  # fmt: skip
    return page


@blp.route("/universes", methods=["POST"])
@require(Permission.UNIVERSES_EDIT)
@blp.arguments(SaveUniverseSchema)
@blp.response(201, DashboardUniverseSchema)
def save_universe(args):
    """The people behind a number saved as a universe of just them."""
    _measure_allowed(args["measure"])
    scope, _ = _scope(args)
    universe, count = save_as_universe(current_actor(), scope, args["measure"], args["name"])
    record_bulk_read(
        "dashboard.people", filter=args, rows=count, entity=universe, measure=args["measure"]
    )
    return {"id": universe.id, "name": universe.name, "people": count}


@blp.route("/field-goal")
class FieldGoalView(MethodView):
    @require(Permission.DASHBOARD_READ)
    @blp.response(200, FieldGoalOutSchema)
    def get(self):
        """Doors to knock by a day (empty: none set)."""
        return db.session.get(FieldGoal, current_user().organization_id) or {}

    @require(Permission.CANVASS_SETUP)
    @blp.arguments(FieldGoalSchema)
    @blp.response(200, FieldGoalOutSchema)
    def put(self, args):
        """Set the doors to knock by a day ("60,000 doors by election day")."""
        return set_field_goal(current_actor(), args["doors"], args["goal_on"])


@blp.route("/summary.pdf", methods=["GET"])
@require(Permission.DASHBOARD_SUMMARY)
@blp.arguments(SummaryArgsSchema, location="query")
@blp.response(200, content_type="application/pdf", description="The summary, 1-3 pages")
def summary_pdf(args):
    """A printable summary of the panels the caller's role may see (organizers: no money;
    directors: the money's totals; finance: the money), for the last full week (Monday to
    Sunday, the campaign's) or ``from``/``to`` (at most 31 days), against the period before."""
    user = current_user()
    summary = build_summary(user, args, campaign_today(user.organization_id))
    name = f"summary-{summary.scope.first}-to-{summary.scope.last}.pdf"
    return Response(
        render_summary(summary),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"',
                 "Cache-Control": "no-store"},
    )  # fmt: skip


def _schedule_out(settings) -> dict:
    people = staff(settings.organization_id)
    return {
        "recipients": list(settings.recipient_ids or []),
        "weekday": WEEKDAYS[settings.weekday],
        "hour": settings.hour,
        "enabled": settings.enabled,
        "time_zone": current_user().organization.time_zone,
        "staff": [
            {"id": u.id, "name": u.name, "email": u.email, "role": u.role.value} for u in people
        ],
    }


@blp.route("/weekly-summary")
class WeeklySummaryView(MethodView):
    @require(Permission.DASHBOARD_SCHEDULE)
    @blp.response(200, WeeklySummaryOutSchema)
    def get(self):
        """Who gets the weekly summary by email, and when (the campaign's weekday and hour),
        with the staff who may be chosen."""
        return _schedule_out(weekly_summary(current_user().organization_id))

    @require(Permission.DASHBOARD_SCHEDULE)
    @blp.arguments(WeeklySummarySchema)
    @blp.response(200, WeeklySummaryOutSchema)
    def put(self, args):
        """Set the recipients (at most 50 of the campaign's staff), weekday, hour and whether
        it is sent. Audited."""
        settings = set_weekly_summary(
            current_actor(),
            recipient_ids=args["recipients"],
            weekday=WEEKDAYS.index(args["weekday"]),
            hour=args["hour"],
            enabled=args["enabled"],
        )
        return _schedule_out(settings)
