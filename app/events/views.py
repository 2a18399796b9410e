"""Events for organisers (/api/v1/events) and for the public (/api/v1/public/...): the event
page's data, the RSVP form, a sign-up by the token in its links, its calendar file."""

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from app.auth.access import current_actor, current_user, public, require, signed_in
from app.auth.permissions import Permission
from app.auth.throttle import throttle_form
from app.core.codes import qr_image
from app.core.errors import NotFound
from app.core.schemas import file_responses
from app.events import checkins, operations, queries, roster
from app.events.models import SignupStatus
from app.events.schemas import (
    CheckInBatchSchema,
    CheckInResultsSchema,
    CheckInSchema,
    CheckOutSchema,
    EventInSchema,
    EventListArgsSchema,
    EventSchema,
    EventUpdateSchema,
    KioskSchema,
    LiveSchema,
    NoShowsSchema,
    PublicEventSchema,
    PublicSignupSchema,
    RosterRowSchema,
    RosterStatusSchema,
    SelfCheckInSchema,
    ShiftInSchema,
    ShiftSchema,
    ShiftUpdateSchema,
    SignupFormSchema,
)
from app.volunteers import queries as volunteer_queries

blp = Blueprint("events", __name__, url_prefix="/api/v1", description="Events and shifts")


@blp.route("/events")
class Events(MethodView):
    @require(Permission.EVENTS_MANAGE)
    @blp.arguments(EventListArgsSchema, location="query")
    @blp.response(200, EventSchema(many=True))
    def get(self, args):
        """The campaign's events (upcoming by default), with sign-ups by status."""
        events = queries.list_events(current_user().organization_id, args["upcoming"])
        return [queries.event_row(e) for e in events]

    @require(Permission.EVENTS_MANAGE)
    @blp.arguments(EventInSchema)
    @blp.response(201, EventSchema)
    def post(self, body):
        """A new event with its shifts (time slots, roles, seats, waitlist, walk-ins)."""
        return queries.event_row(operations.create_event(current_actor(), body))


@blp.route("/events/<id:event_id>")
class OneEvent(MethodView):
    @require(Permission.EVENTS_MANAGE)
    @blp.response(200, EventSchema)
    def get(self, event_id):
        """The event, each shift with seats left and how many wait."""
        return queries.event_row(queries.get_event(current_user().organization_id, event_id))

    @require(Permission.EVENTS_MANAGE)
    @blp.arguments(EventUpdateSchema)
    @blp.response(200, EventSchema)
    def patch(self, changes, event_id):
        """Change the event (name, place, visibility, cancel it)."""
        event = queries.get_event(current_user().organization_id, event_id)
        return queries.event_row(operations.update_event(event, changes))


@blp.route("/events/<id:event_id>/shifts", methods=["POST"])
@require(Permission.EVENTS_MANAGE)
@blp.arguments(ShiftInSchema)
@blp.response(201, ShiftSchema)
def add_shift(body, event_id):
    """Another shift for the event."""
    event = queries.get_event(current_user().organization_id, event_id)
    shift = operations.add_shift(event, body)
    return next(s for s in queries.event_row(event)["shifts"] if s["id"] == shift.id)


@blp.route("/events/<id:event_id>/shifts/<id:shift_id>", methods=["PATCH"])
@require(Permission.EVENTS_MANAGE)
@blp.arguments(ShiftUpdateSchema)
@blp.response(200, ShiftSchema)
def update_shift(changes, event_id, shift_id):
    """Change a shift: new times are told to everyone on it and move their reminders; more
    seats go to the waitlist; fewer seats than are taken are refused (409)."""
    event = queries.get_event(current_user().organization_id, event_id)
    shift = next((s for s in event.shifts if s.id == shift_id), None)
    if shift is None:
        raise NotFound("No such shift at this event.", code="shift_not_found")
    operations.update_shift(shift, changes)
    return next(s for s in queries.event_row(event)["shifts"] if s["id"] == shift.id)


@blp.route("/events/<id:event_id>/signups", methods=["GET"])
@require(Permission.EVENTS_MANAGE)
@blp.response(200, RosterRowSchema(many=True))
def list_signups(event_id):
    """Who signed up for which shift, with their status, in the order they came."""
    return queries.roster(queries.get_event(current_user().organization_id, event_id))


@blp.route("/events/<id:event_id>/signups/<id:signup_id>", methods=["PATCH"])
@require(Permission.EVENTS_MANAGE)
@blp.arguments(RosterStatusSchema)
@blp.response(200, RosterRowSchema)
def set_signup_status(body, event_id, signup_id):
    """An organiser changes a sign-up: cancel it (the waitlist moves up), seat a waiting or
    cancelled person (409 shift_full without a seat), mark attendance or a no-show, or take a
    no-show back. A checked-in sign-up is refused (409 signup_checked_in)."""
    actor = current_actor()
    event = queries.get_event(actor.organization_id, event_id)
    signup = queries.get_signup(event, signup_id)
    roster.set_by_organiser(actor, signup, body["status"])
    [row] = queries.roster(event, signup.id)
    return row


@blp.route("/events/<id:event_id>/kiosk", methods=["GET"])
@require(Permission.EVENTS_CHECK_IN)
@blp.response(200, KioskSchema)
def kiosk(event_id):
    """What a kiosk keeps to run the door offline: the event, its door code, and everyone
    signed up with the code in their QR."""
    return queries.kiosk(queries.get_event(current_user().organization_id, event_id))


@blp.route("/events/<id:event_id>/check-ins", methods=["POST"])
@require(Permission.EVENTS_CHECK_IN)
@blp.arguments(CheckInBatchSchema)
@blp.response(200, CheckInResultsSchema)
def check_in(body, event_id):
    """A kiosk's queued check-ins (scans, names found, walk-ins), each applied once: the same
    record again is a duplicate, a person scanned twice is checked in once."""
    actor = current_actor()
    event = queries.get_event(actor.organization_id, event_id)
    return {"results": checkins.sync_check_ins(actor, event, body["device_id"], body["records"])}


@blp.route("/events/<id:event_id>/check-ins/<id:check_in_id>/check-out", methods=["POST"])
@require(Permission.EVENTS_CHECK_IN)
@blp.arguments(CheckOutSchema)
@blp.response(200, CheckInSchema)
def check_out(body, event_id, check_in_id):
    """The volunteer leaves; their hours run from check-in to now (or ``at``)."""
    event = queries.get_event(current_user().organization_id, event_id)
    return checkins.check_in_row(checkins.check_out(queries.get_check_in(event, check_in_id),
                                                    body["at"]))  # fmt: skip


@blp.route("/events/<id:event_id>/live", methods=["GET"])
@require(Permission.EVENTS_CHECK_IN)
@blp.response(200, LiveSchema)
def live(event_id):
    """The door as it happens: per shift, sign-ups by status, seats left, who is in, who is
    late; the latest check-ins first."""
    return queries.live(queries.get_event(current_user().organization_id, event_id))


@blp.route("/events/<id:event_id>/no-shows", methods=["POST"])
@require(Permission.EVENTS_MANAGE)
@blp.response(200, NoShowsSchema)
def no_shows(event_id):
    """Mark who had a seat on a finished shift and never checked in as a no-show."""
    event = queries.get_event(current_user().organization_id, event_id)
    return {"marked": roster.mark_no_shows(event)}


@blp.route("/signups/mine", methods=["GET"])
@signed_in
@blp.response(200, PublicSignupSchema(many=True))
def my_signups():
    """The shifts of the volunteer this sign-in belongs to (their profile's ``user_id``), from
    today on: the canvassing app shows their QR codes and "I'm here"."""
    user = current_user()
    mine = volunteer_queries.my_signups(user.id, user.organization_id)
    return [queries.public_signup(s) for s in mine]


@blp.route("/public/events/<code>", methods=["GET"])
@public
@blp.response(200, PublicEventSchema)
def public_event(code):
    """A public event: what the event page shows (no sign-in), its shifts not yet over."""
    return queries.public_event_row(queries.public_event(code))


@blp.route("/public/events/<code>/signups", methods=["POST"])
@public
@throttle_form("rsvp")
@blp.arguments(SignupFormSchema)
@blp.response(201, PublicSignupSchema(many=True))
def sign_up(body, code):
    """RSVP (no sign-in): a seat on each shift asked for, or the waitlist when full. The
    person is the one the campaign has (same email, phone, or name at the address) or new."""
    signups, new_person = operations.sign_up(queries.public_event(code), body)
    # A place to confirm by link is confirmed from the message, never from this answer.
    pending = any(s.status == SignupStatus.PENDING for s in signups)
    return [queries.public_signup(s, links=new_person and not pending) for s in signups]


@blp.route("/public/signups/<token>", methods=["GET"])
@public
@blp.response(200, PublicSignupSchema)
def public_signup(token):
    """A sign-up, by the token in its links."""
    return queries.public_signup(queries.signup_by_token(token))


@blp.route("/public/signups/<token>/cancel", methods=["POST"])
@public
@blp.response(200, PublicSignupSchema)
def cancel(token):
    """Cancel from the link in the message; the first on the waitlist gets the seat."""
    return queries.public_signup(operations.cancel(queries.signup_by_token(token)))


@blp.route("/public/signups/<token>/check-in", methods=["POST"])
@public
@blp.arguments(SelfCheckInSchema)
@blp.response(200, PublicSignupSchema)
def self_check_in(body, token):
    """ "I'm here" from the volunteer's phone: near the event's place, or with the door code."""
    signup = queries.signup_by_token(token)
    checkins.self_check_in(signup, lat=body["lat"], lon=body["lon"], code=body["code"])
    return queries.public_signup(signup)


@blp.route("/public/signups/<token>/qr.svg", methods=["GET"])
@public
@blp.response(200, {"type": "string"}, content_type="image/svg+xml")
@blp.doc(**file_responses("The sign-up's QR code", {"image/svg+xml": {"type": "string"}}))
def signup_qr(token):
    """The QR code to show at the door (it holds the check-in code)."""
    signup = queries.signup_by_token(token)
    return Response(qr_image(signup.checkin_code), mimetype="image/svg+xml")


@blp.route("/public/signups/<token>/calendar.ics", methods=["GET"])
@public
@blp.response(200, {"type": "string"}, content_type="text/calendar")
@blp.doc(**file_responses("The shift as an iCalendar file", {"text/calendar": {"type": "string"}}))
def calendar(token):
    """The shift for the volunteer's calendar (cancelled once the sign-up is)."""
    body = queries.calendar(queries.signup_by_token(token))
    disposition = {"Content-Disposition": 'attachment; filename="shift.ics"'}
    return Response(body, mimetype="text/calendar", headers=disposition)


@blp.route("/public/signups/<token>/confirm", methods=["POST"])
@public
@blp.response(200, PublicSignupSchema)
def confirm(token):
    """Confirm from the link in the day-before reminder (registered -> confirmed), or a
    pending place (an event that seats confirmed people first): a seat now, else the
    waitlist (409 shift_full without one)."""
    return queries.public_signup(operations.confirm(queries.signup_by_token(token)))
