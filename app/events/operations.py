"""What changes events: making them and their shifts, signing people up (seats, then the
waitlist), cancelling (the first waiting gets the seat)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

import shapely
from sqlalchemy import func, select

from app.accounts.models import Organization
from app.audit.operations import changed_fields, record_audit
from app.core.actor import Actor
from app.core.codes import new_code
from app.core.errors import Conflict, NotFound, ValidationError
from app.core.geo import to_db
from app.core.signals import signup_changed, signup_created
from app.events.locks import lock_shifts, lock_signup
from app.events.messaging import Draft, ask_to_confirm_contacts, channels_for, message_person
from app.events.models import SEATED, Event, EventStatus, Shift, Signup, SignupStatus
from app.events.reminders import (
    check_in_line,
    local_time,
    notify_event_change,
    signup_links,
    where,
)
from app.extensions import db
from app.people.matching import find_person_from_form
from app.people.models import InteractionKind, Person
from app.people.operations import record_interaction
from app.turfs.models import Turf


def create_event(actor: Actor, fields: dict[str, Any]) -> Event:
    shifts = fields.pop("shifts", [])
    fields.setdefault("time_zone", None)
    event = Event(organization_id=actor.organization_id, code=new_code(Event.code),
                  created_by_id=actor.user_id,
                  **_event_fields(actor.organization_id, fields))  # fmt: skip
    db.session.add(event)
    db.session.flush()
    for shift in shifts:
        add_shift(event, shift)
    record_audit("events.create", entity=event, changes={"name": event.name})
    return event


#: The fields whose change is told to everyone signed up (with the status: cancelled).
NOTICE_FIELDS = ("place_name", "address", "point", "online_url", "time_zone", "status")


def update_event(event: Event, changes: dict[str, Any], *, now: datetime | None = None) -> Event:
    before = {name: _comparable(getattr(event, name)) for name in NOTICE_FIELDS}
    for name, value in _event_fields(event.organization_id, changes).items():
        setattr(event, name, value)
    db.session.flush()
    db.session.refresh(event, ["point"])  # the stored geometry, to compare with before
    changed = [n for n in NOTICE_FIELDS if _comparable(getattr(event, n)) != before[n]]
    record_audit("events.update", entity=event, changes=changed_fields(changes))
    if changed:
        notify_event_change(event, changed, now=now)
    return event


def _comparable(value: Any) -> Any:
    return getattr(value, "desc", value)  # a geometry compares by its stored form


def _event_fields(organization_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    out = dict(fields)
    if "online_url" in out and out["online_url"] is None:
        out["online_url"] = ""
    if "lon" in out or "lat" in out:
        lon, lat = out.pop("lon", None), out.pop("lat", None)
        out["point"] = to_db(shapely.Point(lon, lat)) if lon is not None else None
    if "turf_ids" in out:
        out["turfs"] = _turfs(organization_id, out.pop("turf_ids"))
    if "time_zone" in out and not out["time_zone"]:  # unset: the campaign's
        out["time_zone"] = db.session.scalar(
            select(Organization.time_zone).where(Organization.id == organization_id)
        )
    return out


def _turfs(organization_id: int, turf_ids: list[int]) -> list[Turf]:
    wanted = sorted(set(turf_ids))
    turfs = list(db.session.scalars(
        select(Turf).where(Turf.organization_id == organization_id, Turf.id.in_(wanted))
    ))  # fmt: skip
    missing = sorted(set(wanted) - {t.id for t in turfs})
    if missing:
        raise NotFound("No such turf.", code="turf_not_found", fields={"turf_ids": missing})
    return turfs


def add_shift(event: Event, fields: dict[str, Any]) -> Shift:
    if fields["ends_at"] <= fields["starts_at"]:
        raise ValidationError("A shift ends after it starts.", fields={"ends_at": ["before start"]})
    shift = Shift(organization_id=event.organization_id, event_id=event.id, **fields)
    event.shifts.append(shift)
    db.session.flush()
    return shift


#: The shift fields whose change is told to everyone on the shift.
SHIFT_NOTICE_FIELDS = ("starts_at", "ends_at", "role")


def update_shift(shift: Shift, changes: dict[str, Any], *, now: datetime | None = None) -> Shift:
    """Change a shift. New times are told to everyone on it, and its reminders follow them;
    more seats go to the waitlist at once. Seats below those already taken, or no waitlist
    while people wait, are refused: nobody loses a place without being told by a person."""
    now = now or datetime.now(UTC)
    lock_shifts(shift.id)
    db.session.refresh(shift)
    if db.session.get(Event, shift.event_id).status != EventStatus.SCHEDULED:
        raise Conflict("The event is cancelled.", code="event_cancelled")
    starts, ends = changes.get("starts_at", shift.starts_at), changes.get("ends_at", shift.ends_at)
    if ends <= starts:
        raise ValidationError("A shift ends after it starts.", fields={"ends_at": ["before start"]})
    if "capacity" in changes and changes["capacity"] is not None:
        taken = _seats_taken(shift)
        if changes["capacity"] < taken:
            raise Conflict(f"{taken} people already hold a seat on this shift.",
                           code="capacity_below_seats",
                           fields={"capacity": [f"at least {taken}"]})  # fmt: skip
    if changes.get("has_waitlist") is False and _waiting(shift):
        raise Conflict("People wait for this shift: give them a seat or cancel them first.",
                       code="waitlist_not_empty",
                       fields={"has_waitlist": ["people wait"]})  # fmt: skip
    changed = [name for name, value in changes.items() if getattr(shift, name) != value]
    for name in changed:
        setattr(shift, name, changes[name])
    if {"starts_at", "ends_at"} & set(changed):
        shift.timing += 1
        shift.retimed_at = now
    db.session.flush()
    record_audit("events.shift.update", entity=shift, changes=changed_fields(changed))
    if "capacity" in changed:
        while promote_waitlist(shift):
            pass
    told = [name for name in SHIFT_NOTICE_FIELDS if name in changed]
    if told:
        event = db.session.get(Event, shift.event_id)
        notify_event_change(event, told, now=now, shift=shift)
    return shift


def sign_up(
    event: Event,
    fields: dict[str, Any],
    *,
    source: str = "public",
    person: Person | None = None,
    now: datetime | None = None,
) -> tuple[list[Signup], bool]:
    """Sign somebody up for shifts of ``event``: a seat while there is one, else the
    waitlist (where the shift has one); a shift that is over is refused (409 shift_over).
    The same person signing up again keeps their sign-up (a double click, a second form):
    nobody is on a shift twice.

    Returns the sign-ups and whether the person is new. A public form must not show the
    sign-ups' links to whoever typed in a known person's email: those go by message only."""
    if event.status != EventStatus.SCHEDULED:
        raise Conflict("The event is cancelled.", code="event_cancelled")
    wanted = sorted(set(fields["shift_ids"]))
    shifts = {s.id: s for s in event.shifts}
    unknown = [i for i in wanted if i not in shifts]
    if unknown:
        raise NotFound("No such shift at this event.", code="shift_not_found",
                       fields={"shift_ids": unknown})  # fmt: skip
    now = now or datetime.now(UTC)
    over = [i for i in wanted if shifts[i].ends_at <= now]
    if over:
        raise Conflict("That shift is over.", code="shift_over", fields={"shift_ids": over})
    created, held = False, []
    if person is None:
        person, created, held = find_person_from_form(event.organization_id, fields)
    lock_shifts(*wanted)  # one at a time per shift: two last-seat sign-ups cannot both get it
    pending = event.confirm_before_seat and source in FORM_SOURCES
    if pending and not channels_for(person, "confirmation"):
        raise ValidationError(
            "This event confirms places by email or text: tick a box so we can send the link.",
            code="consent_needed", fields={"email_consent": ["Needed to confirm your place."]},
        )  # fmt: skip
    signups = []
    for shift_id in wanted:
        signups.append(_take_seat(shifts[shift_id], person, source, pending=pending))
    db.session.flush()
    _confirm(event, person, signups)
    ask_to_confirm_contacts(person, held)
    return signups, created


#: Sign-ups from anonymous forms (an event's RSVP, an invite link).
FORM_SOURCES = ("public", "invite")


def _take_seat(shift: Shift, person: Person, source: str, *, pending: bool = False) -> Signup:
    signup = db.session.scalar(
        select(Signup).where(Signup.shift_id == shift.id, Signup.person_id == person.id)
    )
    if signup is not None and signup.status != SignupStatus.CANCELLED:
        return signup
    if pending:  # no seat until the person confirms by the link sent to them
        status = SignupStatus.PENDING
    elif has_seat(shift):
        status = SignupStatus.REGISTERED
    elif shift.has_waitlist:
        status = SignupStatus.WAITLISTED
    else:
        raise Conflict("That shift is full.", code="shift_full", fields={"shift_ids": [shift.id]})
    if signup is None:
        signup = Signup(organization_id=shift.organization_id, shift_id=shift.id,
                        person_id=person.id, token=secrets.token_urlsafe(32), source=source,
                        checkin_code=new_code(Signup.checkin_code), status=status)  # fmt: skip
        db.session.add(signup)
    else:
        set_status(signup, status)
    db.session.flush()
    record_interaction(
        person, InteractionKind.EVENT_SIGNUP, summary=f"Signed up: {shift_label(shift)}",
        result=status.value, data={"shift_id": shift.id, "event_id": shift.event_id},
    )  # fmt: skip
    signup_created.send(person, signup=signup)  # automation: follow-up rules on a sign-up
    return signup


def has_seat(shift: Shift) -> bool:
    return shift.capacity is None or _seats_taken(shift) < shift.capacity


def _seats_taken(shift: Shift) -> int:
    return db.session.scalar(
        select(func.count()).where(Signup.shift_id == shift.id, Signup.status.in_(SEATED))
    )


def _waiting(shift: Shift) -> bool:
    return db.session.scalar(
        select(
            select(Signup.id)
            .where(Signup.shift_id == shift.id, Signup.status == SignupStatus.WAITLISTED)
            .exists()
        )
    )


def cancel(signup: Signup) -> Signup:
    """Cancel a sign-up (from the link in a message, or by an organiser); the first on the
    waitlist gets the seat."""
    lock_shifts(signup.shift_id)
    lock_signup(signup)
    if signup.status == SignupStatus.CANCELLED:
        return signup
    if signup.status == SignupStatus.COMPLETED:
        raise Conflict("This person was checked in: their attendance stays.",
                       code="signup_checked_in")  # fmt: skip
    had_seat = signup.status in SEATED
    set_status(signup, SignupStatus.CANCELLED)
    person = db.session.get(Person, signup.person_id)
    record_interaction(person, InteractionKind.EVENT_SIGNUP, result="cancelled",
                       summary=f"Cancelled: {shift_label(signup.shift)}",
                       data={"shift_id": signup.shift_id})  # fmt: skip
    if had_seat:
        promote_waitlist(signup.shift)
    db.session.flush()
    return signup


def promote_waitlist(shift: Shift) -> bool:
    """A seat freed: the first on the waitlist takes it and is told. Returns whether one did
    (none waits, no seat, or the shift is over). Each candidate is locked and read again: a
    kiosk may be checking them in at this moment."""
    if not has_seat(shift) or shift.ends_at <= datetime.now(UTC):
        return False
    candidates = db.session.scalars(
        select(Signup.id)
        .where(Signup.shift_id == shift.id, Signup.status == SignupStatus.WAITLISTED)
        .order_by(Signup.created_at, Signup.id)
    ).all()
    for signup_id in candidates:
        still = db.session.scalar(
            select(Signup.id)
            .where(Signup.id == signup_id, Signup.status == SignupStatus.WAITLISTED)
            .with_for_update(key_share=True)
        )
        if still is None:  # seated or checked in meanwhile
            continue
        waiting = db.session.get(Signup, signup_id)
        db.session.refresh(waiting)
        set_status(waiting, SignupStatus.REGISTERED)
        record_interaction(db.session.get(Person, waiting.person_id),
                           InteractionKind.EVENT_SIGNUP, result=SignupStatus.REGISTERED.value,
                           summary=f"Seat from the waitlist: {shift_label(shift)}",
                           data={"shift_id": shift.id, "event_id": shift.event_id,
                                 "was": SignupStatus.WAITLISTED.value})  # fmt: skip
        confirm_seat(waiting)
        return True
    return False


def confirm_seat(signup: Signup) -> None:
    """The confirmation for a sign-up that has just been given a seat."""
    event = db.session.get(Event, signup.shift.event_id)
    _confirm(event, db.session.get(Person, signup.person_id), [signup])


def set_status(signup: Signup, status: SignupStatus) -> None:
    signup.status = status
    signup.status_changed_at = datetime.now(UTC)
    signup_changed.send(signup)


def shift_label(shift: Shift) -> str:
    """The shift as history and messages name it: its role and start in the event's own time
    zone, named ("canvasser, 2026-12-05 14:30 EST")."""
    event = db.session.get(Event, shift.event_id)  # the identity map: no query once loaded
    return f"{shift.role}, {local_time(shift.starts_at, event, '%Y-%m-%d %H:%M %Z')}"


def _confirm(event: Event, person: Person, signups: list[Signup]) -> None:
    """The confirmation message, with each shift's calendar and cancel links: by email, or by
    text to someone who gave only a phone (sent at once: it answers their own sign-up)."""
    contacts = channels_for(person, "confirmation")
    if not contacts:
        return
    lines = []
    for signup in signups:
        links = signup_links(signup)
        state = {
            SignupStatus.WAITLISTED: "you are on the waitlist (we will write when a seat frees)",
            SignupStatus.PENDING: f"confirm your place here: {links['confirm']} (no seat is "
            "held for you until you do)",
        }.get(signup.status, "see you there")  # fmt: skip
        lines.append(
            f"- {shift_label(signup.shift)}: {state}\n"
            f"  add to calendar: {links['calendar']}\n"
            f"  can't come? {links['page']}\n"
            f"  {check_in_line(signup)}"
        )
    first = signup_links(signups[0])["confirm" if _pending(signups) else "page"]
    headline, said = _headline(event, signups)
    draft = Draft(
        kind="event.signup", subject=f"{headline}: {event.name}",
        body=f"Hello {person.first_name or ''},\n\n{event.name}, {where(event)}\n\n"
        + "\n".join(lines) + "\n",
        text=f"{headline}: {event.name}, {said}. Details, calendar, cancel: {first} "
        "Reply STOP to opt out.",
        url=first,
    )  # fmt: skip
    message_person(person, contacts, draft, now=datetime.now(UTC),
                   data={"event_id": event.id, "signup_ids": [s.id for s in signups]})  # fmt: skip


def _headline(event: Event, signups: list[Signup]) -> tuple[str, str]:
    """What the confirmation says first, and the shift times its text names: a seat and a
    place on the waitlist are never told in the same words."""
    if _pending(signups):
        when = local_time(signups[0].shift.starts_at, event)
        return "Confirm your place", f"{when} (no seat is held until you confirm)"
    seated = [s for s in signups if s.status != SignupStatus.WAITLISTED]
    waiting = [s for s in signups if s.status == SignupStatus.WAITLISTED]
    if not seated:
        when = local_time(waiting[0].shift.starts_at, event)
        return "You're on the waitlist", f"{when} (no seat yet: we will write if one frees)"
    when = local_time(seated[0].shift.starts_at, event)
    if not waiting:
        return "You're signed up", when
    return "You're signed up, and on a waitlist", f"{when}; waitlisted for {len(waiting)} more"


def _pending(signups: list[Signup]) -> bool:
    return any(s.status == SignupStatus.PENDING for s in signups)


def confirm(signup: Signup) -> Signup:
    """The volunteer says yes (the day-before message's link): registered becomes confirmed.
    A pending sign-up (an event that seats confirmed people first) takes its seat now, else
    its place on the waitlist, and is told which."""
    if signup.status == SignupStatus.CONFIRMED:
        return signup
    if signup.status == SignupStatus.PENDING:
        return _confirm_pending(signup)
    if signup.status != SignupStatus.REGISTERED:
        raise Conflict(f"This sign-up is {signup.status.value}: there is nothing to confirm.",
                       code="signup_not_registered")  # fmt: skip
    set_status(signup, SignupStatus.CONFIRMED)
    record_interaction(db.session.get(Person, signup.person_id), InteractionKind.EVENT_SIGNUP,
                       result="confirmed", summary=f"Confirmed: {shift_label(signup.shift)}",
                       data={"shift_id": signup.shift_id})  # fmt: skip
    db.session.flush()
    return signup


def _confirm_pending(signup: Signup) -> Signup:
    lock_shifts(signup.shift_id)
    lock_signup(signup)
    if signup.status != SignupStatus.PENDING:  # confirmed twice at once: the first did it
        return signup
    shift = signup.shift
    if shift.ends_at <= datetime.now(UTC):
        raise Conflict("That shift is over.", code="shift_over")
    if has_seat(shift):
        status = SignupStatus.CONFIRMED
    elif shift.has_waitlist:
        status = SignupStatus.WAITLISTED
    else:
        raise Conflict("That shift filled before you confirmed.", code="shift_full")
    set_status(signup, status)
    record_interaction(db.session.get(Person, signup.person_id), InteractionKind.EVENT_SIGNUP,
                       result=status.value, summary=f"Confirmed by link: {shift_label(shift)}",
                       data={"shift_id": shift.id, "event_id": shift.event_id,
                             "was": SignupStatus.PENDING.value})  # fmt: skip
    db.session.flush()
    confirm_seat(signup)
    return signup
