"""The organiser's roster: change a sign-up by hand (cancel, seat, attended, no-show), and
mark the no-shows of shifts that are over."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select

from app.core.actor import Actor
from app.core.errors import Conflict
from app.core.quiet_hours import quiet_until
from app.core.signals import shift_missed
from app.events.checkins import SELF_CHECK_IN_OPENS, check_in_signup
from app.events.locks import lock_shifts, lock_signup
from app.events.messaging import Draft, channels_for, message_person
from app.events.models import (
    SEATED,
    CheckIn,
    CheckInMethod,
    Event,
    EventStatus,
    Shift,
    Signup,
    SignupStatus,
)
from app.events.operations import (
    cancel,
    confirm_seat,
    has_seat,
    set_status,
    shift_label,
)
from app.events.reminders import local_time, signup_links
from app.extensions import db
from app.outreach.models import Channel
from app.people.models import InteractionKind, Person
from app.people.operations import record_interaction


def set_by_organiser(actor: Actor, signup: Signup, status: SignupStatus) -> Signup:
    """An organiser changes a sign-up from the roster: cancels it (the waitlist moves up),
    seats a waiting or cancelled person (when there is a seat), marks attendance (a check-in)
    or a no-show, or takes a no-show back. An attendance taken stays: it has its history."""
    lock_shifts(signup.shift_id)
    lock_signup(signup)
    if status == signup.status:
        return signup
    attended = db.session.scalar(select(CheckIn.id).where(CheckIn.signup_id == signup.id))
    if attended is not None:
        raise Conflict("This person was checked in; check them out instead.",
                       code="signup_checked_in",
                       fields={"status": [signup.status.value]})  # fmt: skip
    shift = signup.shift
    now = datetime.now(UTC)
    if status == SignupStatus.CANCELLED:
        cancel(signup)
        _tell_cancelled(signup)
        return signup
    if db.session.get(Event, shift.event_id).status != EventStatus.SCHEDULED:
        raise Conflict("The event is cancelled.", code="event_cancelled")
    opens = {SignupStatus.COMPLETED: shift.starts_at - SELF_CHECK_IN_OPENS,
             SignupStatus.NO_SHOW: shift.starts_at}.get(status)  # fmt: skip
    if opens is not None and now < opens:
        raise Conflict("The shift has not started: attendance is taken from its start.",
                       code="shift_not_started", fields={"status": [status.value]})  # fmt: skip
    if status == SignupStatus.COMPLETED:
        check_in_signup(signup, method=CheckInMethod.ROSTER, user_id=actor.user_id)
        return signup
    if status == SignupStatus.NO_SHOW:
        if signup.status not in (SignupStatus.REGISTERED, SignupStatus.CONFIRMED):
            raise Conflict(f"Only someone with a seat can be a no-show, not {signup.status.value}.",
                           code="no_seat_to_miss", fields={"status": [status.value]})  # fmt: skip
        _no_show(signup)
        db.session.flush()
        return signup
    if signup.status not in SEATED and not has_seat(signup.shift):
        raise Conflict("That shift is full.", code="shift_full",
                       fields={"status": ["no seat left on the shift"]})  # fmt: skip
    was = signup.status
    set_status(signup, status)
    record_interaction(db.session.get(Person, signup.person_id), InteractionKind.EVENT_SIGNUP,
                       user_id=actor.user_id, result=status.value,
                       summary=f"Made {status.value} by an organiser: {shift_label(signup.shift)}",
                       data={"shift_id": signup.shift_id, "was": was.value})  # fmt: skip
    if was in (SignupStatus.WAITLISTED, SignupStatus.CANCELLED):
        confirm_seat(signup)
    db.session.flush()
    return signup


def _tell_cancelled(signup: Signup) -> None:
    """The person hears it from us, not at the door: once, on one channel, for a shift still
    ahead; in quiet hours only by email (it answers nothing they did)."""
    shift = signup.shift
    now = datetime.now(UTC)
    person = db.session.get(Person, signup.person_id)
    event = db.session.get(Event, shift.event_id)
    contacts = channels_for(person, "confirmation")
    if quiet_until(now, ZoneInfo(event.time_zone)) is not None:
        contacts = [c for c in contacts if c.channel == Channel.EMAIL]
    if shift.ends_at <= now or not contacts:
        return
    page = signup_links(signup)["page"]
    when = local_time(shift.starts_at, event)
    draft = Draft(
        kind="event.signup_cancelled", subject=f"Your place is cancelled: {event.name}",
        body=f"Hello {person.first_name or 'there'},\n\nThe organisers cancelled your place at "
        f"{event.name} ({shift.role}, {when}).\nDetails: {page}\n",
        text=f"The organisers cancelled your place at {event.name}, {when}. {page} "
        "Reply STOP to opt out.",
        url=page,
    )  # fmt: skip
    message_person(person, contacts, draft, now=now,
                   data={"event_id": event.id, "signup_id": signup.id})  # fmt: skip


def _no_show(signup: Signup) -> None:
    event = db.session.get(Event, signup.shift.event_id)
    set_status(signup, SignupStatus.NO_SHOW)
    person = db.session.get(Person, signup.person_id)
    record_interaction(person, InteractionKind.EVENT_ATTENDANCE, result="no_show",
                       occurred_at=signup.shift.ends_at,
                       summary=f"Did not come: {event.name}, {shift_label(signup.shift)}",
                       data={"event_id": event.id, "shift_id": signup.shift_id})  # fmt: skip
    shift_missed.send(person, signup=signup)  # automation: follow-up rules on a no-show


def mark_no_shows(event: Event, now: datetime | None = None) -> int:
    """Sign-ups with a seat on a shift that is over and no check-in become no-shows (for the
    follow-up call); returns how many."""
    moment = now or datetime.now(UTC)
    missing = db.session.scalars(
        select(Signup)
        .join(Shift, Shift.id == Signup.shift_id)
        .where(Shift.event_id == event.id, Shift.ends_at <= moment)
        .where(Signup.status.in_([SignupStatus.REGISTERED, SignupStatus.CONFIRMED]))
        .where(~exists().where(CheckIn.signup_id == Signup.id))
        .order_by(Signup.id)
        .with_for_update(of=Signup, key_share=True)
    ).all()
    for signup in missing:
        _no_show(signup)
    db.session.flush()
    return len(missing)
