"""Reminders by time travel: the scheduler runs every few minutes (``now`` passed in) through
an event's whole timeline, and each message goes out once, on a channel the person agreed to,
never in quiet hours; a missed stretch catches up once; changes to the event are told."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.events.models import Reminder, ReminderStage, ReminderStatus, Signup, SignupStatus
from app.events.operations import update_event
from app.events.queries import signup_by_token
from app.events.reminders import run_due_reminders
from app.extensions import db
from app.outreach.models import Channel, OutboundMessage
from app.people.models import Interaction, PersonPhone
from tests.accounts.test_invitations import smtp  # noqa: F401 - the real SMTP server fixture
from tests.events.test_events import headers, make_event, org, rsvp  # noqa: F401 - fixtures

ZONE = ZoneInfo("America/New_York")
START = datetime(2027, 3, 6, 15, 0, tzinfo=UTC)  # Saturday 10:00 in Philadelphia, till 12:00
ROSA = {"email": "rosa@example.org", "phone": "+12155550123", "sms_consent": True}
SAM = {"first_name": "Sam", "email": "sam@example.org", "phone": "+12672830001",
       "sms_consent": False}  # fmt: skip
LEE = {"first_name": "Lee", "email": "lee@example.org", "phone": "+12159870002",
       "sms_consent": True}  # fmt: skip
KIM = {"first_name": "Kim", "email": "kim@example.org"}


class Timeline:
    """Runs the scheduler at the given instants and keeps each new message with its run."""

    def __init__(self):
        self.seen = db.session.scalar(select(db.func.max(OutboundMessage.id))) or 0
        self.sent: list[tuple[datetime, OutboundMessage]] = []

    def run(self, now: datetime) -> list[OutboundMessage]:
        run_due_reminders(now)
        new = db.session.scalars(
            select(OutboundMessage).where(OutboundMessage.id > self.seen).order_by("id")
        ).all()
        if new:
            self.seen = new[-1].id
        self.sent += [(now, m) for m in new]
        return list(new)

    def walk(self, start: datetime, end: datetime, step=timedelta(minutes=5), on=None):
        now = start
        while now <= end:
            if on:
                on(now)
            self.run(now)
            now += step

    def to(self, recipient: str) -> list[tuple[str, datetime]]:
        return [(m.kind, at) for at, m in self.sent if m.recipient == recipient]


def in_quiet_hours(at: datetime) -> bool:
    local = at.astimezone(ZONE).time()
    return local.hour >= 21 or local.hour < 8


def reminders_of(token: str) -> dict[str, tuple[str, str]]:
    signup = signup_by_token(token)
    rows = db.session.scalars(select(Reminder).filter_by(signup_id=signup.id)).all()
    return {r.stage.value: (r.status.value, r.reason) for r in rows}


def one_shift_event(client, headers, start=START, **fields):  # noqa: F811
    shift = {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat(),
             "role": "canvasser", "capacity": 10}  # fmt: skip
    return make_event(client, headers, shifts=[shift], **fields)


def test_the_whole_timeline_sends_each_message_once_on_agreed_channels(
    client,
    headers,  # noqa: F811
):
    event = one_shift_event(client, headers)
    [rosa] = rsvp(client, event, **ROSA)
    [sam] = rsvp(client, event, **SAM)
    [lee] = rsvp(client, event, **LEE)
    [kim] = rsvp(client, event, **KIM)
    phone = db.session.scalar(select(PersonPhone).filter_by(number=LEE["phone"]))
    phone.do_not_contact = True  # Lee texted STOP: email only from now
    timeline = Timeline()

    def happenings(now):
        if now == START - timedelta(hours=20):  # Kim can't come after all
            client.post(f"/api/v1/public/signups/{kim['token']}/cancel")
        if now == START + timedelta(hours=1):  # Rosa checked in at the door
            signup_by_token(rosa["token"]).status = SignupStatus.COMPLETED

    timeline.walk(START - timedelta(days=3), START + timedelta(days=4), on=happenings)

    local = lambda at: at.astimezone(ZONE).strftime("%a %H:%M")  # noqa: E731
    assert [(k, local(at)) for k, at in timeline.to(ROSA["email"])] == [
        ("event.reminder.day_before", "Fri 10:00"),
        ("event.reminder.morning_of", "Sat 08:00"),
        ("event.reminder.after", "Sat 13:00"),
    ]
    assert [(k, local(at)) for k, at in timeline.to(ROSA["phone"])] == [
        ("event.reminder.soon", "Sat 09:30")
    ]
    for person in (SAM, LEE):  # no texts: one never agreed to them, one took it back
        assert timeline.to(person["phone"]) == []
        kinds = [k for k, _ in timeline.to(person["email"])]
        assert kinds == ["event.reminder.day_before", "event.reminder.morning_of"]
    assert reminders_of(sam["token"])["soon"] == ("skipped", "no_channel")
    assert reminders_of(lee["token"])["after"] == ("skipped", "not_attended")
    assert [k for k, _ in timeline.to(KIM["email"])] == ["event.reminder.day_before"]
    assert reminders_of(kim["token"])["morning_of"] == ("skipped", "cancelled")
    assert not [at for at, _ in timeline.sent if in_quiet_hours(at)]

    # Each message is on the person's history, by its channel.
    for at, message in timeline.sent:
        entry = db.session.scalar(
            select(Interaction).where(Interaction.data["message_id"].as_integer() == message.id)
        )
        assert entry.kind.value == {"email": "email", "sms": "text"}[message.channel.value]
        assert entry.occurred_at == at

    reminder = db.session.scalar(
        select(Reminder).filter_by(
            signup_id=signup_by_token(rosa["token"]).id, stage=ReminderStage.DAY_BEFORE
        )
    )
    day_before = db.session.get(OutboundMessage, reminder.message_ids[0])
    assert f"/signups/{rosa['token']}?confirm" in day_before.body
    assert f"/signups/{rosa['token']}\n" in day_before.body
    assert "10:00" in day_before.body and "Field office" in day_before.body
    assert timeline.run(START + timedelta(days=4)) == []  # nothing left, nothing twice


def test_a_missed_stretch_catches_up_what_is_still_useful_once(client, headers):  # noqa: F811
    event = one_shift_event(client, headers)
    [rosa] = rsvp(client, event, **ROSA)
    timeline = Timeline()
    assert timeline.run(START - timedelta(hours=25)) == []
    # The worker is down from Friday 09:00 till Saturday 08:45.
    back = START - timedelta(minutes=75)
    first = timeline.run(back)
    again = timeline.run(back)  # two workers at the same instant
    assert [m.kind for m in first] == ["event.reminder.morning_of"] and again == []
    assert reminders_of(rosa["token"]) == {
        "day_before": ("skipped", "missed"),
        "morning_of": ("sent", ""),
    }
    timeline.walk(back, START)
    assert [m.kind for _, m in timeline.sent] == ["event.reminder.morning_of",
                                                  "event.reminder.soon"]  # fmt: skip


def test_quiet_hours_hold_a_message_or_skip_it(client, headers):  # noqa: F811
    early = datetime(2027, 3, 6, 12, 0, tzinfo=UTC)  # Saturday 07:00 local
    event = one_shift_event(client, headers, start=early)
    [rosa] = rsvp(client, event, **ROSA)
    timeline = Timeline()
    timeline.walk(early - timedelta(days=2), early + timedelta(hours=3))
    local = [(m.kind, at.astimezone(ZONE).strftime("%a %H:%M")) for at, m in timeline.sent]
    assert local == [("event.reminder.day_before", "Fri 08:00")]  # due 07:00: waited
    assert reminders_of(rosa["token"]) == {
        "day_before": ("sent", ""),
        "morning_of": ("skipped", "not_applicable"),  # 08:00 is after the start
        "soon": ("skipped", "quiet_hours"),  # 06:30: quiet until past any use
    }


def test_waitlisted_people_wait_for_a_seat(client, headers):  # noqa: F811
    shift = {"starts_at": START.isoformat(), "ends_at": (START + timedelta(hours=2)).isoformat(),
             "role": "canvasser", "capacity": 1}  # fmt: skip
    event = make_event(client, headers, shifts=[shift])
    [rosa] = rsvp(client, event, **ROSA)
    [sam] = rsvp(client, event, **SAM)
    assert sam["status"] == "waitlisted"
    timeline = Timeline()
    timeline.walk(START - timedelta(hours=25), START - timedelta(hours=23))
    assert [m.recipient for _, m in timeline.sent] == [ROSA["email"]]
    client.post(f"/api/v1/public/signups/{rosa['token']}/cancel")  # Sam gets the seat
    timeline.walk(START - timedelta(hours=3), START)
    assert [(m.recipient, m.kind) for _, m in timeline.sent][1:] == [
        (SAM["email"], "event.signup"),  # the seat is theirs
        (SAM["email"], "event.reminder.morning_of"),  # day_before: it waited, then was missed
    ]
    assert reminders_of(sam["token"])["day_before"] == ("skipped", "missed")


def test_changes_to_the_event_are_told_to_everyone_signed_up(
    app,
    client,
    headers,  # noqa: F811
    monkeypatch,
):
    event = one_shift_event(client, headers)
    [rosa] = rsvp(client, event, **ROSA)
    [kim] = rsvp(client, event, **KIM)
    client.post(f"/api/v1/public/signups/{kim['token']}/cancel")
    monkeypatch.setitem(app.config, "DOORSTEP_QUIET_HOURS", "")  # the request runs on real time
    response = client.patch(f"/api/v1/events/{event['id']}", headers=headers,
                            json={"address": "100 Main St"})  # fmt: skip
    assert response.status_code == 200, response.get_json()
    notices = db.session.scalars(select(OutboundMessage).filter_by(kind="event.changed")).all()
    assert sorted((m.channel, m.recipient) for m in notices) == [
        (Channel.EMAIL, ROSA["email"]), (Channel.SMS, ROSA["phone"])
    ]  # fmt: skip
    assert "100 Main St" in notices[0].body
    client.patch(f"/api/v1/events/{event['id']}", headers=headers, json={"name": "Renamed"})
    assert db.session.query(OutboundMessage).filter_by(kind="event.changed").count() == 2

    # At 23:00 the notice waits for the morning; a second change joins it: one message.
    monkeypatch.setitem(app.config, "DOORSTEP_QUIET_HOURS", "21:00-08:00")
    night = datetime(2027, 3, 5, 4, 0, tzinfo=UTC)  # Thursday 23:00 local
    stored = signup_by_token(rosa["token"]).shift.event_id
    from app.events.models import Event

    update_event(db.session.get(Event, stored), {"place_name": "Library"}, now=night)
    update_event(db.session.get(Event, stored), {"status": "cancelled"}, now=night)
    timeline = Timeline()
    timeline.walk(night, night + timedelta(hours=12))
    assert [(m.kind, at.astimezone(ZONE).strftime("%a %H:%M")) for at, m in timeline.sent] == [
        ("event.changed", "Fri 08:00"), ("event.changed", "Fri 08:00")
    ]  # fmt: skip
    assert timeline.sent[0][1].subject == "Cancelled: Renamed"
    [notice] = db.session.scalars(
        select(Reminder).filter_by(
            stage=ReminderStage.CHANGED, status=ReminderStatus.SENT, sequence=2
        )
    ).all()
    assert notice.changes == ["place_name", "status"]
    timeline.walk(START - timedelta(days=1), START + timedelta(days=1))
    assert len(timeline.sent) == 2  # a cancelled event sends no reminders


def test_a_reminder_arrives_by_email_and_its_confirm_link_works(client, headers, smtp):  # noqa: F811
    event = one_shift_event(client, headers)
    [rosa] = rsvp(client, event, **ROSA)
    smtp.messages.clear()  # the confirmation
    from app.events.cli import run_reminders_step

    run_reminders_step(START - timedelta(hours=24))
    [email] = smtp.messages
    assert email["To"] == ROSA["email"] and email["Subject"] == "Tomorrow: Saturday canvass launch"
    text = email.get_payload(decode=True).decode()
    assert f"https://doorstep.test/signups/{rosa['token']}?confirm" in text
    calendar = f"https://doorstep.test/api/v1/public/signups/{rosa['token']}/calendar.ics"
    assert calendar in text
    assert client.get(calendar.removeprefix("https://doorstep.test")).status_code == 200
    page = client.get(f"/signups/{rosa['token']}?confirm")
    assert page.status_code == 200 and b'id="confirm"' in page.data
    confirmed = client.post(f"/api/v1/public/signups/{rosa['token']}/confirm")
    assert confirmed.status_code == 200 and confirmed.get_json()["status"] == "confirmed"
    again = client.post(f"/api/v1/public/signups/{rosa['token']}/confirm")
    assert again.get_json()["status"] == "confirmed"
    client.post(f"/api/v1/public/signups/{rosa['token']}/cancel")
    refused = client.post(f"/api/v1/public/signups/{rosa['token']}/confirm")
    assert refused.status_code == 409


@pytest.mark.parametrize("raw", ["21:00", "25:00-08:00", "08:00-08:00"])
def test_bad_quiet_hours_fail_at_start(raw):
    from app.config import ConfigError, finish_config, load_config

    config = load_config({"DOORSTEP_QUIET_HOURS": raw, "DATABASE_URL": "postgresql://x/y"})
    with pytest.raises(ConfigError, match="DOORSTEP_QUIET_HOURS"):
        finish_config(config)


def test_a_run_with_nothing_due_does_nothing(db_session):
    assert db.session.scalar(select(db.func.count()).select_from(Signup)) == 0
    assert run_due_reminders(START) == {"sent": 0, "skipped": 0}


def test_the_command_runs_one_step_at_the_time_given(client, headers, runner):  # noqa: F811
    from app.events.cli import reminders_group

    event = one_shift_event(client, headers)
    rsvp(client, event, **ROSA)
    at = (START - timedelta(hours=24)).astimezone(ZONE).isoformat()
    result = runner.invoke(reminders_group, ["run", "--now", at])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "sent 1, skipped 0"
    again = runner.invoke(reminders_group, ["run", "--now", at])
    assert again.output.strip() == "sent 0, skipped 0"
    bad = runner.invoke(reminders_group, ["run", "--now", "tomorrow"])
    assert bad.exit_code == 2


def test_a_volunteers_preferred_channel_and_own_account_are_used(client, headers, org):  # noqa: F811
    from app.auth.permissions import Role
    from app.outreach.models import PushSubscription
    from app.people.models import Person
    from app.volunteers.models import PreferredChannel, VolunteerProfile
    from tests.factories import create_user

    event = one_shift_event(client, headers)
    [rosa] = rsvp(client, event, **ROSA)
    [sam] = rsvp(client, event, **SAM)
    sam_user = create_user(org, Role.CANVASSER, email="sam.canvass@example.org")
    db.session.add(
        PushSubscription(organization_id=org.id, user_id=sam_user.id,
                         endpoint="https://push.example/sam", p256dh="k", auth="a")
    )  # fmt: skip
    for token, fields in ((rosa["token"], {"preferred_channel": PreferredChannel.SMS}),
                          (sam["token"], {"user_id": sam_user.id})):  # fmt: skip
        person = db.session.get(Person, signup_by_token(token).person_id)
        db.session.add(VolunteerProfile(organization_id=org.id, person_id=person.id,
                                        feed_token=token[:40], **fields))  # fmt: skip
    db.session.flush()
    timeline = Timeline()
    timeline.walk(START - timedelta(days=2), START)
    # Rosa prefers texts: the day-before comes by text, not email.
    assert [k for k, _ in timeline.to(ROSA["phone"])][:1] == ["event.reminder.day_before"]
    assert "event.reminder.day_before" not in [k for k, _ in timeline.to(ROSA["email"])]
    # Sam takes no texts; 30 minutes out, the app on Sam's own phone is told instead.
    pushed = [m for _, m in timeline.sent if m.channel == Channel.PUSH]
    assert [m.kind for m in pushed] == ["event.reminder.soon"]
    subscription = db.session.scalar(select(PushSubscription.id).filter_by(user_id=sam_user.id))
    assert pushed[0].recipient == str(subscription)


def test_new_shift_times_are_told_and_the_reminders_follow_them(client, headers):  # noqa: F811
    from app.events.models import Shift
    from app.events.operations import update_shift

    event = one_shift_event(client, headers)
    [rosa] = rsvp(client, event, **ROSA)
    timeline = Timeline()
    timeline.walk(START - timedelta(days=2), START - timedelta(hours=20))
    # Friday 14:00: the Saturday shift moves to Sunday, same hours.
    moved_at, later = START - timedelta(hours=20), START + timedelta(days=1)
    shift = db.session.get(Shift, event["shifts"][0]["id"])
    update_shift(shift, {"starts_at": later, "ends_at": later + timedelta(hours=2)}, now=moved_at)
    timeline.walk(moved_at, later + timedelta(days=4))

    local = lambda at: at.astimezone(ZONE).strftime("%a %H:%M")  # noqa: E731
    assert [(k, local(at)) for k, at in timeline.to(ROSA["email"])] == [
        ("event.reminder.day_before", "Fri 10:00"),  # for Saturday
        ("event.changed", "Fri 14:00"),
        ("event.reminder.day_before", "Sat 10:00"),  # for Sunday
        ("event.reminder.morning_of", "Sun 08:00"),
    ]
    assert [(k, local(at)) for k, at in timeline.to(ROSA["phone"])] == [
        ("event.changed", "Fri 14:00"),
        ("event.reminder.soon", "Sun 09:30"),
    ]
    notice = next(m for _, m in timeline.sent if m.kind == "event.changed" and m.subject)
    assert "(time)" in notice.body and "Sun 07 Mar, 10:00" in notice.body
    assert reminders_of(rosa["token"])["after"] == ("skipped", "not_attended")


def test_a_shift_moved_at_the_last_minute_skips_what_was_already_due(client, headers):  # noqa: F811
    from app.events.models import Shift
    from app.events.operations import update_shift

    event = one_shift_event(client, headers)
    [rosa] = rsvp(client, event, **ROSA)
    timeline = Timeline()
    # Saturday 09:00, before anything went: the shift starts an hour later.
    moved_at = START - timedelta(hours=1)
    shift = db.session.get(Shift, event["shifts"][0]["id"])
    update_shift(shift, {"starts_at": START + timedelta(hours=1)}, now=moved_at)
    timeline.walk(moved_at, START + timedelta(hours=1))
    kinds = [m.kind for _, m in timeline.sent if m.recipient == ROSA["email"]]
    assert kinds == ["event.changed"]  # no day-before nor morning-of an hour before
    assert reminders_of(rosa["token"])["morning_of"] == ("skipped", "retimed_late")


def test_a_retimed_shift_never_repeats_what_went_out(client, headers):  # noqa: F811
    from app.events.models import Shift
    from app.events.operations import update_shift

    event = one_shift_event(client, headers)
    [rosa] = rsvp(client, event, **ROSA)
    shift = db.session.get(Shift, event["shifts"][0]["id"])
    timeline = Timeline()
    timeline.walk(START - timedelta(hours=1), START - timedelta(minutes=25))
    # 09:40, after the 30-minute text: the start moves ten minutes later.
    update_shift(shift, {"starts_at": START + timedelta(minutes=10)},
                 now=START - timedelta(minutes=20))  # fmt: skip
    timeline.walk(START - timedelta(minutes=20), START + timedelta(hours=1))
    signup_by_token(rosa["token"]).status = SignupStatus.COMPLETED  # she came
    end = shift.ends_at
    timeline.walk(START + timedelta(hours=1), end + timedelta(hours=2))
    # The end is corrected after the thanks went: no second thanks.
    update_shift(shift, {"ends_at": end - timedelta(minutes=30)}, now=end + timedelta(hours=2))
    timeline.walk(end + timedelta(hours=2), end + timedelta(days=4))
    assert [m.kind for _, m in timeline.sent if m.recipient == ROSA["phone"]] == [
        "event.reminder.soon", "event.changed"
    ]  # fmt: skip
    # The morning-of went at 09:00, its last useful minute.
    assert [m.kind for _, m in timeline.sent if m.recipient == ROSA["email"]] == [
        "event.reminder.morning_of", "event.changed", "event.reminder.after"
    ]  # fmt: skip
