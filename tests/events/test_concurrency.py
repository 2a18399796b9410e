"""Two at once, for real: two kiosks sending the same people's check-ins, two reminder workers
at the same instant. Each side runs in its own thread and app context (its own session on its
own connection, as two requests or two workers) on a committed database; a barrier starts them
together."""

from __future__ import annotations

import itertools
import threading
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from app.auth.permissions import Role
from app.core.localdb import free_port
from app.events.checkins import sync_check_ins
from app.events.cli import run_reminders_step
from app.events.models import CheckIn, Event, Reminder, ReminderStage, ReminderStatus, Shift
from app.events.operations import create_event, sign_up
from app.events.schemas import CheckInBatchSchema
from app.extensions import db
from app.outreach.models import MessageStatus, OutboundMessage
from app.people.models import Interaction, InteractionKind
from tests.accounts.test_invitations import Inbox
from tests.browsers import serve
from tests.factories import create_organization, create_user

START = datetime(2027, 3, 6, 15, 0, tzinfo=UTC)  # Saturday 10:00 in Philadelphia, till 12:00
NAMES = ("Rosa", "Sam", "Lee", "Kim")
#: Rounds of each race: one may by chance run its two sides one after the other.
ROUNDS = 5
_databases = itertools.count(1)


@pytest.fixture
def committed(make_empty_database):
    """The app served on a database of the test's own, where what it writes is committed; the
    database is dropped at the end of the session (the reminder worker reads every campaign's
    sign-ups, and the audit trail cannot be emptied)."""
    yield from serve(make_empty_database, f"doorstep_concurrency_{next(_databases)}")


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


def seed_event(starts_at: datetime, names=NAMES) -> tuple[int, int, list[tuple[int, str]]]:
    """A phone bank with one shift and ``names`` signed up: (event id, organiser id,
    [(sign-up id, check-in code)])."""
    org = create_organization("Two Doors")
    organiser = create_user(org, Role.ORGANIZER)
    shift = {"starts_at": starts_at, "ends_at": starts_at + timedelta(hours=2), "capacity": 50}
    event = create_event(org.id, organiser.id, {"name": "Phone bank", "kind": "phone_bank",
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
    return lambda: sync_check_ins(db.session.get(Event, event_id), user_id, device_id,
                                  batch["records"])  # fmt: skip


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
