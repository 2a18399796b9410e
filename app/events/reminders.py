"""The reminders a volunteer gets for a shift (Mobilize's sequence), and notices of changes.

Stages, each with a due time and a latest useful time:

- ``day_before``: 24 h before the start, with confirm and cancel links; useful until 6 h
  before (never later than the morning-of message, which then takes its place).
- ``morning_of``: 08:00 on the shift's day (event's time zone) when that is at least 2 h
  before the start; useful until 1 h before.
- ``soon``: 30 minutes before, by text (or push); useful until 10 minutes before.
- ``after``: thanks and feedback an hour after the end, to those who came (status
  completed); waits for attendance to be taken for up to 3 days.

``run_due_reminders`` decides every stage that is due once: sent, or skipped with the reason
(missed while the worker was down, quiet hours until past its useful time, no channel,
cancelled ...). The decision is a ``Reminder`` row whose unique key (sign-up, stage, the
shift's timing) is written in the same transaction as the outbox rows, so two workers never
send a stage twice. When a shift's times change, the change notice goes out and the stages
are decided again for the new times: those before the shift already due at the change are
skipped, and the thanks after it go once whatever the times became.
Waitlisted sign-ups get no reminders while they wait (they have no seat to be reminded of);
once promoted they are registered and get the stages still ahead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from app.core.links import public_url
from app.core.quiet_hours import quiet_until
from app.core.tasks import periodic_task
from app.events.locks import lock_signup
from app.events.messaging import Draft, channels_for, message_person
from app.events.models import (
    Event,
    EventStatus,
    Reminder,
    ReminderStage,
    ReminderStatus,
    Shift,
    Signup,
    SignupStatus,
)
from app.extensions import db
from app.people.models import Person

MORNING_AT = time(8, 0)
TIMELINE = (ReminderStage.DAY_BEFORE, ReminderStage.MORNING_OF, ReminderStage.SOON,
            ReminderStage.AFTER)  # fmt: skip
AFTER_WAITS = timedelta(days=3)
#: The sign-ups an event change is told to.
SIGNED_UP = (SignupStatus.REGISTERED, SignupStatus.CONFIRMED, SignupStatus.WAITLISTED)


@dataclass(frozen=True)
class Window:
    due_at: datetime
    latest_at: datetime


def stage_windows(shift: Shift, zone: ZoneInfo) -> dict[ReminderStage, Window | None]:
    """When each stage of ``shift`` is due and until when it is worth sending (None: the stage
    does not apply, as a morning-of message for a 09:00 shift)."""
    start, end = shift.starts_at, shift.ends_at
    morning = datetime.combine(start.astimezone(zone).date(), MORNING_AT, zone)
    morning_of = Window(morning, start - timedelta(hours=1))
    if start - morning < timedelta(hours=2):
        morning_of = None
    day_before_latest = start - timedelta(hours=6)
    if morning_of is not None:
        day_before_latest = min(day_before_latest, morning - timedelta(minutes=1))
    return {
        ReminderStage.DAY_BEFORE: Window(start - timedelta(hours=24), day_before_latest),
        ReminderStage.MORNING_OF: morning_of,
        ReminderStage.SOON: Window(start - timedelta(minutes=30), start - timedelta(minutes=10)),
        ReminderStage.AFTER: Window(end + timedelta(hours=1), end + AFTER_WAITS),
    }


@periodic_task("reminders", every=timedelta(0))  # the worker runs it on every turn
def run_due_reminders(now: datetime | None = None) -> dict[str, int]:
    """Send (or skip) every reminder and change notice due at ``now``; returns the counts.
    Safe to run from several workers at once; the caller commits."""
    now = now or datetime.now(UTC)
    counts = {"sent": 0, "skipped": 0}
    for signup, shift, event in _open_signups(now):
        earlier = db.session.execute(
            select(Reminder.stage, Reminder.sequence, Reminder.status).where(
                Reminder.signup_id == signup.id, Reminder.stage != ReminderStage.CHANGED
            )
        ).all()
        decided = {stage for stage, sequence, _ in earlier if sequence == shift.timing}
        # Thanks go once, whatever the times became (an end corrected after the event).
        thanked = any(stage is ReminderStage.AFTER and status is ReminderStatus.SENT
                      for stage, _, status in earlier)  # fmt: skip
        zone = ZoneInfo(event.time_zone)
        windows = stage_windows(shift, zone)
        for stage in TIMELINE:
            if stage in decided:
                continue
            outcome = _decide(signup, shift, stage, windows[stage], now, zone)
            if stage is ReminderStage.AFTER and thanked and outcome is not None:
                outcome = ReminderStatus.SKIPPED, "sent_before"
            if outcome is None:
                continue
            result = _record(signup, shift, event, stage, outcome, windows[stage], now)
            if result:
                counts[result] += 1
    for reminder in _pending_notices(now):
        result = _send_notice(reminder, now)
        if result:
            counts[result] += 1
    db.session.flush()
    return counts


def _open_signups(now: datetime):
    """Sign-ups whose shift is near or just past and that still have a stage undecided; the
    rows another worker holds are skipped (it decides them)."""
    undecided = (
        select(func.count())
        .where(
            Reminder.signup_id == Signup.id,
            Reminder.stage != ReminderStage.CHANGED,
            Reminder.sequence == Shift.timing,
        )
        .correlate(Signup, Shift)
        .scalar_subquery()
    )
    return db.session.execute(
        select(Signup, Shift, Event)
        .join(Shift, Shift.id == Signup.shift_id)
        .join(Event, Event.id == Shift.event_id)
        .where(
            Event.status == EventStatus.SCHEDULED,
            Shift.starts_at <= now + timedelta(hours=24),
            Shift.ends_at >= now - AFTER_WAITS - timedelta(days=1),
            undecided < len(TIMELINE),
        )
        .order_by(Signup.id)
        .with_for_update(of=Signup, skip_locked=True, key_share=True)
    ).all()


def _decide(signup: Signup, shift: Shift, stage: ReminderStage, window: Window | None,
            now: datetime, zone: ZoneInfo) -> tuple[ReminderStatus, str] | None:  # fmt: skip
    """Send, skip (with why), or None: not yet."""
    if window is None:
        return ReminderStatus.SKIPPED, "not_applicable"
    if now < window.due_at:
        return None
    late = now > window.latest_at
    status = signup.status
    if status in (SignupStatus.CANCELLED, SignupStatus.NO_SHOW):
        return ReminderStatus.SKIPPED, status.value
    if stage is ReminderStage.AFTER and status != SignupStatus.COMPLETED:
        return (ReminderStatus.SKIPPED, "not_attended") if late else None  # attendance to come
    if stage is not ReminderStage.AFTER:
        if status in (SignupStatus.WAITLISTED, SignupStatus.PENDING):
            return (ReminderStatus.SKIPPED, status.value) if late else None  # may get a seat
        if status == SignupStatus.COMPLETED:
            return ReminderStatus.SKIPPED, "checked_in"
    if late:
        return ReminderStatus.SKIPPED, "missed"
    early = (ReminderStage.DAY_BEFORE, ReminderStage.MORNING_OF)
    if stage in early and signup.created_at > window.due_at:
        return ReminderStatus.SKIPPED, "signed_up_late"  # the confirmation just said it all
    if stage is not ReminderStage.AFTER and shift.retimed_at and shift.retimed_at >= window.due_at:
        return ReminderStatus.SKIPPED, "retimed_late"  # the change notice just said it all
    quiet = quiet_until(now, zone)
    if quiet is not None:
        return (ReminderStatus.SKIPPED, "quiet_hours") if quiet > window.latest_at else None
    return ReminderStatus.SENT, ""


def _record(signup, shift, event, stage, outcome, window, now) -> str | None:
    """Claim the stage (the unique key), then queue its messages in the same transaction."""
    status, reason = outcome
    person = db.session.get(Person, signup.person_id)
    contacts = channels_for(person, stage) if status is ReminderStatus.SENT else []
    if status is ReminderStatus.SENT and not contacts:
        status, reason = ReminderStatus.SKIPPED, "no_channel"
    reminder_id = db.session.scalar(
        insert(Reminder)
        .values(
            organization_id=signup.organization_id,
            signup_id=signup.id,
            stage=stage,
            sequence=shift.timing,
            status=status,
            reason=reason,
            decided_at=now,
            due_at=window.due_at if window else now,
        )
        .on_conflict_do_nothing(index_elements=["signup_id", "stage", "sequence"])
        .returning(Reminder.id)
    )
    if reminder_id is None:  # another worker decided it first
        return None
    if status is ReminderStatus.SENT:
        draft = reminder_draft(stage, event, shift, signup, person)
        messages = message_person(person, contacts, draft, now=now,
                                  data={"signup_id": signup.id, "stage": stage.value})  # fmt: skip
        reminder = db.session.get(Reminder, reminder_id)
        reminder.message_ids = [m.id for m in messages]
    return status.value


# Change notices -------------------------------------------------------------------------


def notify_event_change(event: Event, changes: list[str], now: datetime | None = None,
                        *, shift: Shift | None = None) -> None:  # fmt: skip
    """Tell everyone signed up for a shift still ahead (of ``shift`` only, when given) that
    the event changed: now, or when quiet hours end. A notice still waiting takes the new
    changes (one message, latest details)."""
    now = now or datetime.now(UTC)
    which = Shift.event_id == event.id if shift is None else Shift.id == shift.id
    signups = db.session.scalars(
        select(Signup)
        .join(Shift, Shift.id == Signup.shift_id)
        .where(which, Shift.ends_at > now, Signup.status.in_(SIGNED_UP))
        .order_by(Signup.id)
    ).all()
    for signup in signups:
        # Two changes at once take turns per sign-up; a notice a worker is sending right now
        # is waited for and read again (sent: a new notice follows, it does not take these).
        lock_signup(signup)
        if signup.status not in SIGNED_UP:  # checked in meanwhile
            continue
        notices = db.session.scalars(
            select(Reminder)
            .where(Reminder.signup_id == signup.id, Reminder.stage == ReminderStage.CHANGED)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()
        waiting = next((r for r in notices if r.status == ReminderStatus.PENDING), None)
        if waiting is not None:
            waiting.changes = sorted(set(waiting.changes) | set(changes))
            continue
        notice = Reminder(organization_id=signup.organization_id, signup_id=signup.id,
                          stage=ReminderStage.CHANGED, sequence=len(notices) + 1,
                          status=ReminderStatus.PENDING, changes=sorted(set(changes)),
                          due_at=now, message_ids=[], reason="")  # fmt: skip
        db.session.add(notice)
        db.session.flush()
        _send_notice(notice, now)
    db.session.flush()


def _pending_notices(now: datetime) -> list[Reminder]:
    return db.session.scalars(
        select(Reminder)
        .where(Reminder.status == ReminderStatus.PENDING, Reminder.due_at <= now)
        .order_by(Reminder.due_at, Reminder.id)
        .with_for_update(skip_locked=True)
    ).all()


def _send_notice(notice: Reminder, now: datetime) -> str | None:
    """Send a change notice, skip it, or move it to the end of quiet hours (None)."""
    signup = db.session.get(Signup, notice.signup_id)
    shift = signup.shift
    event = db.session.get(Event, shift.event_id)
    zone = ZoneInfo(event.time_zone)
    person = db.session.get(Person, signup.person_id)
    reason = ""
    quiet = quiet_until(now, zone)
    if signup.status not in SIGNED_UP:
        reason = signup.status.value
    elif now > shift.starts_at:  # a notice is worth sending until the shift begins
        reason = "missed"
    elif quiet is not None:
        if quiet <= shift.starts_at:
            notice.due_at = quiet
            return None
        reason = "quiet_hours"
    contacts = [] if reason else channels_for(person, ReminderStage.CHANGED)
    if not reason and not contacts:
        reason = "no_channel"
    notice.decided_at = now
    if reason:
        notice.status, notice.reason = ReminderStatus.SKIPPED, reason
        return "skipped"
    draft = change_draft(event, shift, signup, person, notice.changes)
    messages = message_person(person, contacts, draft, now=now,
                              data={"signup_id": signup.id, "stage": "changed"})  # fmt: skip
    notice.status, notice.message_ids = ReminderStatus.SENT, [m.id for m in messages]
    return "sent"


# What the messages say --------------------------------------------------------------------


def signup_links(signup: Signup) -> dict[str, str]:
    page = public_url(f"/signups/{signup.token}")
    api = public_url(f"/api/v1/public/signups/{signup.token}")
    return {"page": page, "confirm": f"{page}?confirm", "calendar": f"{api}/calendar.ics",
            "qr": f"{api}/qr.svg"}  # fmt: skip


def check_in_line(signup: Signup) -> str:
    """How to check in at the door: the code in their QR (its picture is on their page)."""
    return (f"At the door, show your check-in code {signup.checkin_code} (the QR code is "
            f"on {signup_links(signup)['page']}).\n")  # fmt: skip


def where(event: Event) -> str:
    return ", ".join(p for p in (event.place_name, event.address) if p) or event.online_url


def local_time(at: datetime, event: Event, pattern: str = "%a %d %b, %H:%M") -> str:
    return at.astimezone(ZoneInfo(event.time_zone)).strftime(pattern)


def reminder_draft(stage: ReminderStage, event: Event, shift: Shift, signup: Signup,
                   person: Person) -> Draft:  # fmt: skip
    links = signup_links(signup)
    hello = f"Hello {person.first_name or 'there'},\n\n"
    starts = local_time(shift.starts_at, event, "%H:%M")
    when = f"{shift.role}, {local_time(shift.starts_at, event)}"
    confirm = signup.status == SignupStatus.REGISTERED
    ask = f"Still coming? Confirm: {links['confirm']}\n" if confirm else ""
    cancel = f"Can't come? Cancel: {links['page']}\n"
    door = check_in_line(signup)
    texts: dict[ReminderStage, tuple[str, str, str]] = {
        ReminderStage.DAY_BEFORE: (
            f"Tomorrow: {event.name}",
            f"A reminder: you're signed up for {event.name} tomorrow.\n{when}\n"
            f"Where: {where(event)}\n\n{ask}{cancel}Add to calendar: {links['calendar']}\n",
            f"{event.name} is tomorrow at {starts}, {where(event)}. "
            + (f"Confirm: {links['confirm']} " if confirm else "")
            + f"Can't come: {links['page']}",
        ),
        ReminderStage.MORNING_OF: (
            f"Today: {event.name}",
            f"See you today at {event.name}.\n{when}\nWhere: {where(event)}\n\n{ask}{cancel}{door}",
            f"See you today at {starts}: {event.name}, {where(event)}. Can't come: {links['page']}",
        ),
        ReminderStage.SOON: (
            f"In 30 minutes: {event.name}",
            f"{event.name} starts at {starts}.\nWhere: {where(event)}\n\n{cancel}",
            f"{event.name} starts at {starts} (30 min), {where(event)}. "
            f"Can't make it: {links['page']}",
        ),
        ReminderStage.AFTER: (
            f"Thank you for coming to {event.name}",
            f"Thank you for coming to {event.name}! How did it go? Reply to this email and "
            f"tell us: what worked, what we should do better.\n\n"
            f"More ways to help: {_event_page(event)}\n",
            f"Thank you for coming to {event.name}! How did it go? Reply and tell us.",
        ),
    }
    subject, body, text = texts[stage]
    return Draft(kind=f"event.reminder.{stage.value}", subject=subject, body=hello + body,
                 text=_sms(text), url=links["page"])  # fmt: skip


#: How a change notice names what changed.
CHANGE_WORDS = {"place_name": "place", "address": "place", "point": "place",
                "online_url": "online link", "time_zone": "time zone", "starts_at": "time",
                "ends_at": "time", "role": "role", "status": "status"}  # fmt: skip


def change_draft(event: Event, shift: Shift, signup: Signup, person: Person,
                 changes: list[str]) -> Draft:  # fmt: skip
    links = signup_links(signup)
    hello = f"Hello {person.first_name or 'there'},\n\n"
    if event.status == EventStatus.CANCELLED:
        subject = f"Cancelled: {event.name}"
        body = f"{event.name} ({local_time(shift.starts_at, event)}) is cancelled. Sorry!\n"
        text = f"{event.name} on {local_time(shift.starts_at, event)} is cancelled. Sorry!"
    else:
        subject = f"Changed: {event.name}"
        what = ", ".join(dict.fromkeys(CHANGE_WORDS.get(c, c) for c in changes))
        body = (f"{event.name} has changed ({what}). Now:\n"
                f"{shift.role}, {local_time(shift.starts_at, event)}\nWhere: {where(event)}\n\n"
                f"Can't come any more? Cancel: {links['page']}\n")  # fmt: skip
        text = (f"{event.name} has changed: now {local_time(shift.starts_at, event)}, "
                f"{where(event)}. Details: {links['page']}")  # fmt: skip
    return Draft(kind="event.changed", subject=subject, body=hello + body, text=_sms(text),
                 url=links["page"])  # fmt: skip


def _event_page(event: Event) -> str:
    return public_url(f"/events/{event.code}")


def _sms(text: str) -> str:
    return f"{text} Reply STOP to opt out."
