"""Reads: an event with seats left per shift, a sign-up by its token, the roster, the
calendar file."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from icalendar import Calendar
from icalendar import Event as CalendarEvent
from sqlalchemy import func, select

from app.core.codes import normalise_code
from app.core.errors import NotFound
from app.core.geo import from_db
from app.core.links import public_url
from app.events.checkins import LATE_AFTER, check_in_row, door_code
from app.events.models import SEATED, CheckIn, Event, Shift, Signup, SignupStatus, Visibility
from app.events.reminders import signup_links
from app.extensions import db
from app.people.models import Person


def get_event(organization_id: int, event_id: int) -> Event:
    event = db.session.get(Event, event_id) if event_id < 2**63 else None
    if event is None or event.organization_id != organization_id:
        raise NotFound("No such event.", code="event_not_found")
    return event


def public_event(code: str) -> Event:
    """An event anybody with its link may see and sign up for."""
    event = db.session.scalar(select(Event).where(Event.code == normalise_code(code)))
    if event is None or event.visibility != Visibility.PUBLIC:
        raise NotFound("No such event.", code="event_not_found")
    return event


def list_events(organization_id: int, upcoming: bool) -> list[Event]:
    stmt = select(Event).where(Event.organization_id == organization_id)
    if upcoming:
        ends = select(func.max(Shift.ends_at)).where(Shift.event_id == Event.id).scalar_subquery()
        stmt = stmt.where(func.coalesce(ends, func.now()) >= func.now())
    return list(db.session.scalars(stmt.order_by(Event.id.desc()).limit(500)))


def public_event_row(event: Event) -> dict[str, Any]:
    """The public event page: only the shifts still ahead or under way can be signed up for."""
    row = event_row(event, public=True)
    now = datetime.now(UTC)
    return {**row, "shifts": [s for s in row["shifts"] if s["ends_at"] > now]}


def event_row(event: Event, *, public: bool = False) -> dict[str, Any]:
    per_shift: dict[int, dict[str, int]] = {}
    totals: dict[str, int] = {}
    for shift_id, status, n in db.session.execute(
        select(Signup.shift_id, Signup.status, func.count())
        .join(Shift, Shift.id == Signup.shift_id)
        .where(Shift.event_id == event.id)
        .group_by(Signup.shift_id, Signup.status)
    ):
        per_shift.setdefault(shift_id, {})[status.value] = n
        totals[status.value] = totals.get(status.value, 0) + n
    point = from_db(event.point)
    row = {
        **{name: getattr(event, name) for name in (
            "id", "code", "name", "kind", "description", "time_zone", "place_name", "address",
            "online_url", "status", "visibility", "confirm_before_seat")},
        "lon": point.x if point else None,
        "lat": point.y if point else None,
        "shifts": [_shift_row(s, per_shift.get(s.id, {})) for s in event.shifts],
    }  # fmt: skip
    if not public:
        row["counts"] = totals
        row["turf_ids"] = [t.id for t in event.turfs]
        row["public_url"] = public_url(f"/events/{event.code}")
    return row


def _shift_row(shift: Shift, counts: dict[str, int]) -> dict[str, Any]:
    seated = sum(counts.get(s.value, 0) for s in SEATED)
    return {
        **{name: getattr(shift, name) for name in (
            "id", "starts_at", "ends_at", "role", "capacity", "has_waitlist", "walk_ins")},
        "seats_left": None if shift.capacity is None else max(0, shift.capacity - seated),
        "waitlisted": counts.get(SignupStatus.WAITLISTED.value, 0),
    }  # fmt: skip


def signup_by_token(token: str) -> Signup:
    signup = db.session.scalar(select(Signup).where(Signup.token == token))
    if signup is None:
        raise NotFound("No such sign-up (the link may be mistyped).", code="signup_not_found")
    return signup


def public_signup(signup: Signup, *, links: bool = True) -> dict[str, Any]:
    """A sign-up as its own page shows it. Without ``links`` (a public form that matched a
    person the campaign already had) only what the form asked: no token, code or links, which
    reach the person by message."""
    event = db.session.get(Event, signup.shift.event_id)
    shown = event_row(event, public=True)
    row = {
        "status": signup.status,
        "shift": next(s for s in shown["shifts"] if s["id"] == signup.shift_id),
        "event": shown,
    }
    if not links:
        return {**row, "token": None, "links_sent": True}
    links = signup_links(signup)
    check_in = db.session.scalar(select(CheckIn).where(CheckIn.signup_id == signup.id))
    return {
        **row,
        "token": signup.token,
        "links_sent": False,
        "calendar_url": links["calendar"],
        "checkin_code": signup.checkin_code,
        "qr_url": links["qr"],
        "check_in": check_in_row(check_in) if check_in is not None else None,
    }


def roster(event: Event, signup_id: int | None = None) -> list[dict[str, Any]]:
    """Who signed up for which shift, in the order they came (one sign-up's row, given
    ``signup_id``)."""
    stmt = (
        select(Signup, Person)
        .join(Shift, Shift.id == Signup.shift_id)
        .join(Person, Person.id == Signup.person_id)
        .where(Shift.event_id == event.id)
        .order_by(Shift.starts_at, Signup.created_at, Signup.id)
    )
    if signup_id is not None:
        stmt = stmt.where(Signup.id == signup_id)
    rows = db.session.execute(stmt).all()
    fields = ("id", "shift_id", "person_id", "status", "source", "created_at",
              "status_changed_at")  # fmt: skip
    return [
        {
            **{name: getattr(signup, name) for name in fields},
            "name": person.full_name,
            "email": next((e.address for e in person.emails), None),
            "phone": next((p.number for p in person.phones), None),
        }
        for signup, person in rows
    ]


def calendar(signup: Signup) -> bytes:
    """The shift as an iCalendar file (RFC 5545), cancelled when the sign-up or event is."""
    return calendar_file([signup])


def calendar_file(signups: list[Signup]) -> bytes:
    """Shifts as one iCalendar file, each cancelled when its sign-up or event is (a
    volunteer's feed is this over all their sign-ups)."""
    cal = Calendar()
    cal.add("prodid", "-//Doorstep//events//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    now = datetime.now(UTC)
    for signup in signups:
        event = db.session.get(Event, signup.shift.event_id)  # the identity map: once each
        cal.add_component(_calendar_entry(signup, event, now))
    return cal.to_ical()


def _calendar_entry(signup: Signup, event: Event, now: datetime) -> CalendarEvent:
    shift = signup.shift
    entry = CalendarEvent()
    entry.add("uid", f"signup-{signup.id}@doorstep")
    entry.add("dtstamp", now)
    entry.add("dtstart", shift.starts_at)
    entry.add("dtend", shift.ends_at)
    entry.add("summary", f"{event.name} ({shift.role})")
    entry.add("location", ", ".join(p for p in (event.place_name, event.address) if p)
              or event.online_url)  # fmt: skip
    if event.description:
        entry.add("description", event.description)
    cancelled = signup.status == SignupStatus.CANCELLED or event.status.value == "cancelled"
    waiting = signup.status == SignupStatus.WAITLISTED
    entry.add("status", "CANCELLED" if cancelled else "TENTATIVE" if waiting else "CONFIRMED")
    return entry


def kiosk(event: Event) -> dict[str, Any]:
    """What a kiosk keeps to run the door offline: the event, the door code, and everyone
    signed up with their check-in code (never the tokens that can cancel)."""
    rows = db.session.execute(
        select(Signup, Person, CheckIn)
        .join(Shift, Shift.id == Signup.shift_id)
        .join(Person, Person.id == Signup.person_id)
        .outerjoin(CheckIn, CheckIn.signup_id == Signup.id)
        .where(Shift.event_id == event.id)
        .order_by(Person.last_name, Person.first_name, Signup.id)
    ).all()
    return {
        "event": event_row(event),
        "door_code": door_code(event),
        "generated_at": datetime.now(UTC),
        "roster": [
            {"signup_id": signup.id, "shift_id": signup.shift_id, "person_id": person.id,
             "name": person.full_name, "checkin_code": signup.checkin_code,
             "status": signup.status,
             "checked_in_at": check_in.checked_in_at if check_in else None}
            for signup, person, check_in in rows
        ],
    }  # fmt: skip


def live(event: Event, now: datetime | None = None) -> dict[str, Any]:
    """The organiser's view of the door: per shift, sign-ups by status, seats left, who is
    in, who is late (a seat, no check-in, the shift started a while ago: call them)."""
    moment = now or datetime.now(UTC)
    shown = {s["id"]: s for s in event_row(event)["shifts"]}
    rows = db.session.execute(
        select(Signup, Person, CheckIn)
        .join(Shift, Shift.id == Signup.shift_id)
        .join(Person, Person.id == Signup.person_id)
        .outerjoin(CheckIn, CheckIn.signup_id == Signup.id)
        .where(Shift.event_id == event.id)
        .order_by(Signup.created_at, Signup.id)
    ).all()
    shifts = {
        shift.id: {**shown[shift.id], "counts": {}, "checked_in": 0, "checked_out": 0,
                   "late": []}
        for shift in event.shifts
    }  # fmt: skip
    check_ins = []
    for signup, person, check_in in rows:
        row = shifts[signup.shift_id]
        row["counts"][signup.status.value] = row["counts"].get(signup.status.value, 0) + 1
        if check_in is not None:
            row["checked_in"] += 1
            row["checked_out"] += check_in.checked_out_at is not None
            check_ins.append(check_in)
        elif signup.status in (SignupStatus.REGISTERED, SignupStatus.CONFIRMED) and (
            signup.shift.starts_at + LATE_AFTER <= moment
        ):
            row["late"].append({
                "signup_id": signup.id, "person_id": person.id, "name": person.full_name,
                "phone": next((p.number for p in person.phones if not p.do_not_contact), None),
                "email": next((e.address for e in person.emails if not e.do_not_contact), None),
            })  # fmt: skip
    check_ins.sort(key=lambda c: c.checked_in_at, reverse=True)
    return {
        "event_id": event.id,
        "as_of": moment,
        "shifts": list(shifts.values()),
        "check_ins": [check_in_row(c) for c in check_ins],
    }


def get_signup(event: Event, signup_id: int) -> Signup:
    signup = db.session.get(Signup, signup_id) if signup_id < 2**63 else None
    if signup is None or db.session.get(Shift, signup.shift_id).event_id != event.id:
        raise NotFound("No such sign-up at this event.", code="signup_not_found")
    return signup


def get_check_in(event: Event, check_in_id: int) -> CheckIn:
    check_in = db.session.get(CheckIn, check_in_id) if check_in_id < 2**63 else None
    if check_in is None or db.session.get(Shift, check_in.shift_id).event_id != event.id:
        raise NotFound("No such check-in at this event.", code="check_in_not_found")
    return check_in
