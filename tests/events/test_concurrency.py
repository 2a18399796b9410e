"""Two at once, for real: two kiosks sending the same people's check-ins, two reminder workers
at the same instant, a kiosk and an organiser changing the shift or the roster. Each side runs
in its own thread and app context (its own session on its own connection, as two requests or
two workers) on a committed database; a barrier starts them together."""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from app.auth.permissions import Role
from app.core.actor import Actor
from app.core.localdb import free_port
from app.events import checkins
from app.events.checkins import sync_check_ins
from app.events.cli import run_reminders_step
from app.events.models import (
    CheckIn,
    Event,
    Reminder,
    ReminderStage,
    ReminderStatus,
    Shift,
    Signup,
    SignupStatus,
)
from app.events.operations import create_event, sign_up, update_shift
from app.events.roster import set_by_organiser
from app.events.schemas import CheckInBatchSchema
from app.extensions import db
from app.outreach.models import MessageStatus, OutboundMessage
from app.people.models import Interaction, InteractionKind
from tests.accounts.test_invitations import Inbox
from tests.browsers import serve
from tests.factories import create_organization, create_user

pytestmark = pytest.mark.concurrency

START = datetime(2027, 3, 6, 15, 0, tzinfo=UTC)  # Saturday 10:00 in Philadelphia, till 12:00
NAMES = ("Rosa", "Sam", "Lee", "Kim")
#: Rounds of each race: one may by chance run its two sides one after the other.
ROUNDS = 5
#: Kiosk against organiser: how long the kiosk holds the sign-ups it locked before its first
#: check-in, and when in that time the organiser starts, one round each (0: a plain race).
HOLD = 0.5
ORGANISER_AFTER = (0.0, 0.1, 0.2, 0.3, 0.4)
_databases = itertools.count(1)


@pytest.fixture
def committed(make_database):
    """The app served on a database of the test's own, where what it writes is committed; the
    database is dropped at the end of the session (the reminder worker reads every campaign's
    sign-ups, and the audit trail cannot be emptied)."""
    yield from serve(make_database, f"doorstep_concurrency_{next(_databases)}")


@pytest.fixture
def inbox(committed, monkeypatch):
    """A real SMTP server the committed app's email goes to."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    for key, value in (("HOST", "127.0.0.1"), ("PORT", controller.port), ("STARTTLS", False)):
        monkeypatch.setitem(committed.app.config, f"DOORSTEP_SMTP_{key}", value)
    yield inbox
    controller.stop()


def at_once(app, *jobs) -> list:
    """Each job in its own thread and app context, all released together; each commits at its
    end (rolls back on an exception, as the request boundary). Returns what each job
    returned, or the exception it raised."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(n, job):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results[n] = job()
                db.session.commit()
            except Exception as exc:
                db.session.rollback()
                results[n] = exc

    threads = [threading.Thread(target=run, args=(n, job)) for n, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "stuck: a lock never let go"
    return results


def seed_event(
    starts_at: datetime, names=NAMES, capacity: int = 50
) -> tuple[int, int, list[tuple[int, str]]]:
    """A phone bank with one shift and ``names`` signed up (those past ``capacity`` on its
    waitlist): (event id, organiser id, [(sign-up id, check-in code)])."""
    org = create_organization("Two Doors")
    organiser = create_user(org, Role.ORGANIZER)
    shift = {"starts_at": starts_at, "ends_at": starts_at + timedelta(hours=2),
             "capacity": capacity}  # fmt: skip
    event = create_event(Actor.of(organiser), {"name": "Phone bank", "kind": "phone_bank",
                                               "time_zone": "America/New_York",
                                               "shifts": [shift]})  # fmt: skip
    signups = [
        sign_up(event, {"first_name": name, "last_name": "Door", "email_consent": True,
                        "email": f"{name.lower()}@example.org",
                        "shift_ids": [event.shifts[0].id]})[0][0]
        for name in names
    ]  # fmt: skip
    return event.id, organiser.id, [(s.id, s.checkin_code) for s in signups]


def scan(code: str, record_uuid: str | None = None) -> dict:
    return {"uuid": record_uuid or str(uuid.uuid4()), "method": "scan", "code": code}


def search(signup_id: int) -> dict:
    return {"uuid": str(uuid.uuid4()), "method": "search", "signup_id": signup_id}


def kiosk(event_id: int, user_id: int, device_id: str, records: list[dict]):
    batch = CheckInBatchSchema().load({"device_id": device_id, "records": records})

    def send():
        event = db.session.get(Event, event_id)
        actor = Actor(event.organization_id, user_id, "test")
        return sync_check_ins(actor, event, device_id, batch["records"])

    return send


def test_two_kiosks_sending_the_same_people_check_each_in_once(committed):
    for _ in range(ROUNDS):
        event_id, user_id, signups = committed.run(
            lambda: seed_event(datetime.now(UTC) + timedelta(minutes=20))
        )
        (rosa, rosa_code), (sam, sam_code), (lee, _), (kim, kim_code) = signups
        replayed = str(uuid.uuid4())  # one record on both kiosks (a copied queue), sent twice
        # Scanned at both doors, in other orders: a kiosk's queue is in the order it saw them.
        front = [scan(rosa_code), scan(sam_code), search(lee), scan(kim_code, replayed),
                 scan(kim_code, replayed)]  # fmt: skip
        back = [scan(sam_code), scan(kim_code, replayed), search(lee), scan(rosa_code)]

        answers = at_once(committed.app, kiosk(event_id, user_id, "kiosk-front", front),
                          kiosk(event_id, user_id, "kiosk-back", back))  # fmt: skip

        assert not [a for a in answers if isinstance(a, Exception)], answers
        for sent, results in zip((front, back), answers, strict=True):
            assert [str(r["uuid"]) for r in results] == [r["uuid"] for r in sent]
            assert {r["status"] for r in results} <= {"applied", "already_checked_in",
                                                      "duplicate"}  # fmt: skip
        applied = Counter(r["check_in"]["signup_id"] for results in answers for r in results
                          if r["status"] == "applied")  # fmt: skip
        assert applied == {rosa: 1, sam: 1, lee: 1, kim: 1}
        rows, attended = committed.run(partial(stored_check_ins, event_id))
        assert sorted(signup_id for signup_id, _, _ in rows) == sorted([rosa, sam, lee, kim])
        assert len({shift_id for _, shift_id, _ in rows}) == 1
        assert [s for s, _, key in rows if str(key) == replayed] == [kim]
        assert attended == 4  # each person's history has the attendance once


def stored_check_ins(event_id: int) -> tuple[list, int]:
    """The event's check-ins (sign-up, shift, record id) and attendances on histories."""
    rows = db.session.execute(
        select(CheckIn.signup_id, CheckIn.shift_id, CheckIn.client_uuid)
        .join(Shift, Shift.id == CheckIn.shift_id)
        .where(Shift.event_id == event_id)
    ).all()
    attended = db.session.scalar(
        select(func.count()).where(
            Interaction.kind == InteractionKind.EVENT_ATTENDANCE,
            Interaction.data["event_id"].as_integer() == event_id,
        )
    )
    return rows, attended


def test_two_reminder_workers_at_the_same_instant_send_each_message_once(committed, inbox):
    names = [f"{name}{n}" for n in range(6) for name in NAMES]
    _, _, signups = committed.run(lambda: seed_event(START, names))
    # Day-before, then morning-of: each instant both workers at once, a few times over.
    for now in (START - timedelta(hours=24), START - timedelta(hours=2)):
        for _ in range(ROUNDS):
            worker = partial(run_reminders_step, now)
            counts = at_once(committed.app, worker, worker)
            assert not [c for c in counts if isinstance(c, Exception)], counts

    got = Counter((m["To"], m["Subject"]) for m in inbox.messages)
    assert sorted(got.values()) == [1] * len(got)  # nothing arrived twice
    subjects = Counter(subject for _, subject in got)
    assert subjects == {"You're signed up: Phone bank": len(names),
                        "Tomorrow: Phone bank": len(names),
                        "Today: Phone bank": len(names)}  # fmt: skip

    def stored():
        reminders = db.session.execute(select(Reminder.signup_id, Reminder.stage,
                                              Reminder.status)).all()  # fmt: skip
        messages = db.session.execute(select(OutboundMessage.status, func.count())
                                      .group_by(OutboundMessage.status)).all()  # fmt: skip
        return reminders, dict(messages)

    reminders, messages = committed.run(stored)
    decided = Counter((signup_id, stage) for signup_id, stage, _ in reminders)
    assert sorted(decided) == sorted(
        (signup_id, stage) for signup_id, _ in signups
        for stage in (ReminderStage.DAY_BEFORE, ReminderStage.MORNING_OF)
    )  # fmt: skip
    assert {status for _, _, status in reminders} == {ReminderStatus.SENT}
    assert messages == {MessageStatus.SENT: 3 * len(names)}


@pytest.fixture
def holding_kiosk(monkeypatch):
    """A kiosk that holds the sign-ups it has locked a moment before its first check-in: the
    organiser's action lands in between (else that window is a millisecond wide)."""
    lock = checkins._lock_signups

    def lock_and_hold(event, records):
        lock(event, records)
        time.sleep(HOLD)

    monkeypatch.setattr(checkins, "_lock_signups", lock_and_hold)


def after(delay: float, job):
    def later():
        time.sleep(delay)
        return job()

    return later


def change_shift(shift_id: int, changes: dict) -> datetime:
    """Change the shift; returns when it was done (it is committed right after)."""
    update_shift(db.session.get(Shift, shift_id), changes)
    return datetime.now(UTC)


def cancel_by_organiser(signup_id: int, user_id: int) -> None:
    signup = db.session.get(Signup, signup_id)
    actor = Actor(signup.organization_id, user_id, "test")
    set_by_organiser(actor, signup, SignupStatus.CANCELLED)


def roster(event_id: int) -> dict:
    """The event's one shift (role, times, timing), its sign-ups' statuses, their check-ins
    and their change notices."""
    [shift] = db.session.scalars(select(Shift).where(Shift.event_id == event_id)).all()
    signups = db.session.scalars(select(Signup).where(Signup.shift_id == shift.id)).all()
    ids = [s.id for s in signups]
    notices = db.session.execute(
        select(Reminder.signup_id, Reminder.status, Reminder.changes, Reminder.message_ids)
        .where(Reminder.signup_id.in_(ids), Reminder.stage == ReminderStage.CHANGED)
        .order_by(Reminder.id)
    ).all()
    checked_in = db.session.scalars(select(CheckIn.signup_id).where(CheckIn.signup_id.in_(ids)))
    return {
        "shift_id": shift.id,
        "shift": (shift.role, shift.starts_at, shift.ends_at, shift.timing),
        "status": {s.id: s.status for s in signups},
        "check_ins": Counter(checked_in),
        "notices": [tuple(n) for n in notices],
    }


def test_a_kiosk_and_a_shift_change_at_once_both_land(committed, holding_kiosk, monkeypatch):
    """The kiosk holds the sign-ups it scans and adds their check-ins (each pointing at the
    shift); the organiser holds the shift, moves it and tells its sign-ups one by one. Neither
    waits for the other in a circle (no deadlock), and both land."""
    # The notices go out at once, whatever the hour in Philadelphia as the test runs.
    monkeypatch.setitem(committed.app.config, "DOORSTEP_QUIET_HOURS", "")
    names = [f"{name}{n}" for n in range(2) for name in NAMES]
    rounds = Counter()  # organiser first: how many rounds
    for delay in ORGANISER_AFTER:
        starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
        event_id, user_id, signups = committed.run(partial(seed_event, starts, names))
        before = committed.run(partial(roster, event_id))
        shift_id = before["shift_id"]
        # The kiosk scans six of the eight (in the order they came in at the door, not by
        # id): it locks the sign-ups the shift change's notices take one by one.
        scanned, stayed = signups[:6], signups[6:]
        records = [scan(code) for _, code in reversed(scanned)]
        change = {"role": "Greeter", "starts_at": starts + timedelta(hours=1),
                  "ends_at": starts + timedelta(hours=3)}  # fmt: skip

        answers = at_once(
            committed.app,
            kiosk(event_id, user_id, "kiosk-front", records),
            after(delay, partial(change_shift, shift_id, change)),
        )

        assert not [a for a in answers if isinstance(a, Exception)], (delay, answers)
        assert [r["status"] for r in answers[0]] == ["applied"] * len(scanned)
        state = committed.run(partial(roster, event_id))
        _, attended = committed.run(partial(stored_check_ins, event_id))
        assert state["check_ins"] == {signup_id: 1 for signup_id, _ in scanned}
        assert attended == len(scanned)
        assert state["status"] == {
            **{signup_id: SignupStatus.COMPLETED for signup_id, _ in scanned},
            **{signup_id: SignupStatus.REGISTERED for signup_id, _ in stayed},
        }
        role, starts_at, ends_at, timing = state["shift"]
        assert (role, starts_at, ends_at) == ("Greeter", change["starts_at"], change["ends_at"])
        assert timing == before["shift"][3] + 1
        # Told once, of all three changes: whoever was still signed up when the notices went.
        # Both take the sign-ups in id order, so one of them goes first as a whole: the
        # organiser (its first notice before the kiosk's lock; the check-ins came after it
        # was done: all eight were told), or the kiosk (the six at the door are not told).
        organiser_first = min(r["check_in"]["checked_in_at"] for r in answers[0]) > answers[1]
        rounds[organiser_first] += 1
        told_ones = signups if organiser_first else stayed
        sent = [(signup_id, changes) for signup_id, status, changes, message_ids
                in state["notices"] if status == ReminderStatus.SENT and message_ids]  # fmt: skip
        assert sorted(sent) == sorted(
            (signup_id, ["ends_at", "role", "starts_at"]) for signup_id, _ in told_ones
        ), (delay, organiser_first, state["notices"])
        told = Counter(signup_id for signup_id, *_ in state["notices"])
        assert sorted(told.values()) == [1] * len(told)  # no notice twice
    assert rounds[False], rounds  # the kiosk held its sign-ups first at least once


def test_a_kiosk_and_a_roster_cancel_at_once_both_land(committed, holding_kiosk):
    """A..E are checked in at the door while an organiser cancels F from the roster: G, first
    on the waitlist, takes F's seat."""
    names = [f"{name}{n}" for n in range(2) for name in NAMES][:7]
    for delay in ORGANISER_AFTER:
        starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
        # Six seats: A..F hold them, G waits.
        event_id, user_id, signups = committed.run(partial(seed_event, starts, names, 6))
        *door, (f_id, _), (g_id, _) = signups
        assert committed.run(partial(roster, event_id))["status"][g_id] == "waitlisted"
        records = [scan(code) for _, code in reversed(door)]

        answers = at_once(
            committed.app,
            kiosk(event_id, user_id, "kiosk-front", records),
            after(delay, partial(cancel_by_organiser, f_id, user_id)),
        )

        assert not [a for a in answers if isinstance(a, Exception)], (delay, answers)
        assert [r["status"] for r in answers[0]] == ["applied"] * len(door)
        state = committed.run(partial(roster, event_id))
        _, attended = committed.run(partial(stored_check_ins, event_id))
        assert state["check_ins"] == {signup_id: 1 for signup_id, _ in door}
        assert attended == len(door)
        assert state["status"] == {
            **{signup_id: SignupStatus.COMPLETED for signup_id, _ in door},
            f_id: SignupStatus.CANCELLED,
            g_id: SignupStatus.REGISTERED,
        }


def test_a_kiosk_checking_in_the_waitlisted_one_as_a_cancel_seats_them(committed, holding_kiosk):
    """G, on the waitlist, comes to the door anyway and is scanned while an organiser cancels
    F, whose seat goes to G: either order ends with G checked in (and counted as attending)."""
    names = [f"{name}{n}" for n in range(2) for name in NAMES][:7]
    for delay in ORGANISER_AFTER:
        starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
        event_id, user_id, signups = committed.run(partial(seed_event, starts, names, 6))
        *door, (f_id, _), (g_id, g_code) = signups
        records = [scan(g_code)] + [scan(code) for _, code in reversed(door)]

        answers = at_once(
            committed.app,
            kiosk(event_id, user_id, "kiosk-front", records),
            after(delay, partial(cancel_by_organiser, f_id, user_id)),
        )

        assert not [a for a in answers if isinstance(a, Exception)], (delay, answers)
        assert [r["status"] for r in answers[0]] == ["applied"] * len(records)
        state = committed.run(partial(roster, event_id))
        assert state["check_ins"] == {signup_id: 1 for signup_id, _ in [*door, (g_id, g_code)]}
        assert state["status"] == {
            **{signup_id: SignupStatus.COMPLETED for signup_id, _ in door},
            f_id: SignupStatus.CANCELLED,
            g_id: SignupStatus.COMPLETED,  # checked in: not made "registered" again
        }, delay
