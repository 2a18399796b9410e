"""The demo's organising: volunteers (the six canvassers among them, so their doors show on
their profiles) on two teams; five weeks of Saturday canvass launches and Tuesday phone banks
that are over, with sign-ups, check-ins, cancellations and no-shows; sign-ups for the coming
Saturday. The coming sign-ups go through ``sign_up``; the weeks that are over are written
set-wise into the same rows (sign-ups, check-ins, histories) that ``sign_up``, ``cancel``,
``check_in_signup`` and ``mark_no_shows`` write, dated when each would have happened."""

from __future__ import annotations

import random
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from app.accounts.models import User
from app.core.actor import Actor
from app.core.bulk import insert_rows
from app.core.codes import CODE_ALPHABET, CODE_LENGTH
from app.events.models import (
    CheckIn,
    CheckInMethod,
    Event,
    EventKind,
    Shift,
    Signup,
    SignupStatus,
)
from app.events.operations import create_event, shift_label, sign_up
from app.extensions import db
from app.people.models import Interaction, InteractionKind, Person
from app.people.operations import campaign_zone, create_person
from app.volunteers.models import VolunteerProfile
from app.volunteers.operations import create_profile, create_team

PLACE = {"place_name": "Field office", "address": "4700 Baltimore Ave, Philadelphia, PA 19143",
         "lon": -75.2155, "lat": 39.9481}  # fmt: skip
TEAMS = ("Baltimore Ave walkers", "Cedar Park phones")
SKILLS = (["canvassing"], ["canvassing", "driving"], ["phone_banking"], ["data_entry"],
          ["phone_banking", "text_banking"], ["canvassing", "translation"])  # fmt: skip
#: Of those with a seat on a shift that is over: came, cancelled the day before, did not come.
CAME, CANCELLED = 0.72, 0.10


@dataclass
class DemoOrganising:
    volunteers: int
    events: int
    signups: int
    attended: int
    no_shows: int


def has_organising(organization_id: int) -> bool:
    return bool(db.session.scalar(
        select(func.count()).select_from(Event).where(
            Event.organization_id == organization_id, Event.name.like("Demo week %"))
    ))  # fmt: skip


def load_demo_organising(organization_id: int, seed: int, today: date, canvassers: list[User],
                         organizer: User, upcoming: Event | None) -> DemoOrganising:  # fmt: skip
    """Made once: with the demo's weekly events in place it adds nothing."""
    if has_organising(organization_id):
        return organising_figures(organization_id)
    rng = random.Random(seed + 1)  # noqa: S311 - the same demo every time, not a secret
    pool = _volunteers(organization_id, canvassers, organizer, rng)
    if len(pool) < 12:  # no voters loaded yet: nobody to sign up
        return organising_figures(organization_id)
    zone = campaign_zone(organization_id)
    actor = Actor.system(organization_id, "cli:demo")
    start = today - timedelta(weeks=5)
    events = []
    for week in range(5):
        monday = start - timedelta(days=start.weekday()) + timedelta(weeks=week + 1)
        for offset, kind, hour, shifts in ((1, EventKind.PHONE_BANK, 18, (("caller", 8),)),
                                           (5, EventKind.CANVASS_LAUNCH, 10,
                                            (("canvasser", 12), ("driver", 2)))):  # fmt: skip
            day = monday + timedelta(days=offset)
            if day >= today:
                continue
            events.append(_past_event(actor, zone, day, kind, hour, shifts, week, pool, rng))
    coming = [
        (_coming_event(actor, zone, today, *spec), people)
        for spec, people in zip(COMING, (pool[2:7], pool[8:16]), strict=True)
    ]  # fmt: skip
    if upcoming is not None and not _taken_shifts(upcoming):
        coming.append((upcoming, pool[:9]))
    for event, people in coming:  # the days ahead: through the sign-up itself
        for n, person in enumerate(people):
            shift = event.shifts[1 if n == 0 and len(event.shifts) > 1 else 0]
            sign_up(event, {"shift_ids": [shift.id]}, source="organizer", person=person)
    return organising_figures(organization_id)


#: The coming week's events besides the Saturday launch: (weekday, hour, kind, name, shifts).
COMING = (
    (1, 18, EventKind.PHONE_BANK, "Demo: Tuesday phone bank", (("caller", 8),)),
    (3, 18, EventKind.TRAINING, "Demo: new volunteer training", (("trainee", 15),)),
)


def _coming_event(actor: Actor, zone, today: date, weekday: int, hour: int, kind: EventKind,
                  name: str, shifts) -> Event:  # fmt: skip
    day = today + timedelta(days=(weekday - today.weekday()) % 7 or 7)
    start = datetime.combine(day, time(hour), tzinfo=zone)
    return create_event(actor, {
        "name": name, "kind": kind, **PLACE,
        "shifts": [{"starts_at": start, "ends_at": start + timedelta(hours=2), "role": role,
                    "capacity": seats} for role, seats in shifts],
    })  # fmt: skip


def _volunteers(organization_id: int, canvassers: list[User], organizer: User,
                rng: random.Random) -> list[Person]:  # fmt: skip
    """The canvassers as people with volunteer profiles, and voters who said they would
    help at the door (``volunteer prospect``), else the first voters, up to thirty."""
    teams = [create_team(organization_id, {"name": name, "organizer_user_id": organizer.id})
             for name in TEAMS]  # fmt: skip
    people = []
    for user in canvassers:
        first, _, last = user.name.partition(" ")
        person = create_person(organization_id, {"first_name": first, "last_name": last})
        create_profile(person, {"user_id": user.id, "organizer_user_id": organizer.id,
                                "skills": ["canvassing"], "team_ids": [teams[0].id],
                                "availability": {"weekly": [{"day": 5, "start": "10:00",
                                                             "end": "13:00"}], "dates": []},
                                "notes": "Walks a list most weeks."})  # fmt: skip
        people.append(person)
    prospects = list(db.session.scalars(
        select(Person).where(Person.organization_id == organization_id,
                             Person.first_name.is_not(None), Person.confidential.is_(False),
                             Person.is_deceased.is_(False), Person.do_not_contact.is_(False))
        .order_by(Person.tags.contains(["volunteer prospect"]).desc(), Person.id).limit(24)
    ))  # fmt: skip
    for n, person in enumerate(prospects):
        if db.session.scalar(select(VolunteerProfile.id).filter_by(person_id=person.id)):
            continue
        day = rng.choice([1, 3, 5, 6])
        create_profile(person, {
            "organizer_user_id": organizer.id, "skills": SKILLS[n % len(SKILLS)],
            "team_ids": [teams[n % 2].id],
            "availability": {"weekly": [{"day": day, "start": "10:00" if day >= 5 else "17:00",
                                         "end": "13:00" if day >= 5 else "20:00"}],
                             "dates": []},
        })  # fmt: skip
        people.append(person)
    return people


def _past_event(actor: Actor, zone, day: date, kind: EventKind, hour: int, shifts, week: int,
                pool: list[Person], rng: random.Random) -> Event:  # fmt: skip
    """An event that is over, its sign-ups and what became of each: came (checked in at the
    kiosk), cancelled the day before, or did not come."""
    start = datetime.combine(day, time(hour), tzinfo=zone)
    name = ("Demo week %d: phone bank" if kind == EventKind.PHONE_BANK
            else "Demo week %d: Saturday canvass") % (week + 1)  # fmt: skip
    event = create_event(actor, {
        "name": name, "kind": kind, **PLACE,
        "shifts": [{"starts_at": start, "ends_at": start + timedelta(hours=3), "role": role,
                    "capacity": seats} for role, seats in shifts],
    })  # fmt: skip
    event.created_at = event.updated_at = start - timedelta(days=9)
    for shift in event.shifts:
        wanted = max(2, int(min(len(pool), shift.capacity) * rng.uniform(0.6, 1.0)))
        # The pool's front is the regulars: they are picked more often.
        chosen = sorted({min(int(rng.expovariate(1 / 9)), len(pool) - 1) for _ in range(wanted)})
        fates = [_fate(rng) for _ in chosen]
        write_past_signups(event, shift, [pool[i] for i in chosen], fates, actor.user_id, rng)
    return event


def _fate(rng: random.Random) -> SignupStatus:
    roll = rng.random()
    if roll < CAME:
        return SignupStatus.COMPLETED
    return SignupStatus.CANCELLED if roll < CAME + CANCELLED else SignupStatus.NO_SHOW


def write_past_signups(event: Event, shift: Shift, people: list[Person],
                       fates: list[SignupStatus], by_user_id: int | None,
                       rng: random.Random) -> None:  # fmt: skip
    """Sign-ups, check-ins and the histories of a shift that is over, in three statements:
    the rows ``sign_up``, ``cancel``, ``check_in_signup`` and ``mark_no_shows`` write, as
    they would have written them at the time."""
    org, label = event.organization_id, shift_label(shift)
    made = {p.id: shift.starts_at - timedelta(days=rng.randint(2, 8), hours=rng.randint(0, 9))
            for p in people}  # fmt: skip
    cancelled_at = shift.starts_at - timedelta(hours=20)
    rows = insert_rows(Signup.__table__, [
        {"organization_id": org, "shift_id": shift.id, "person_id": p.id, "status": fate.value,
         "token": secrets.token_urlsafe(32), "checkin_code": _code(), "source": "organizer",
         "created_at": made[p.id],
         "status_changed_at": cancelled_at if fate == SignupStatus.CANCELLED else shift.ends_at}
        for p, fate in zip(people, fates, strict=True)
    ], returning=("person_id", "id"))  # fmt: skip
    signup_of = dict(rows)
    came = [p for p, fate in zip(people, fates, strict=True) if fate == SignupStatus.COMPLETED]
    arrived = {p.id: shift.starts_at + timedelta(minutes=rng.randint(-10, 25)) for p in came}
    check_ins = dict(insert_rows(CheckIn.__table__, [
        {"organization_id": org, "signup_id": signup_of[p.id], "shift_id": shift.id,
         "person_id": p.id, "method": CheckInMethod.SCAN.value,
         "client_uuid": uuid.uuid5(uuid.NAMESPACE_URL, f"doorstep-demo:{signup_of[p.id]}"),
         "device_id": "demo-kiosk", "by_user_id": by_user_id, "checked_in_at": arrived[p.id],
         "checked_out_at": shift.ends_at - timedelta(minutes=rng.randint(0, 40)),
         "received_at": arrived[p.id]}
        for p in came
    ], returning=("person_id", "id")))  # fmt: skip
    history = []
    for person, fate in zip(people, fates, strict=True):
        ids = {"shift_id": shift.id, "event_id": event.id}
        history.append(_row(org, person.id, InteractionKind.EVENT_SIGNUP, made[person.id],
                            "registered", f"Signed up: {label}", ids))  # fmt: skip
        if fate == SignupStatus.CANCELLED:
            history.append(
                _row(
                    org,
                    person.id,
                    InteractionKind.EVENT_SIGNUP,
                    cancelled_at,
                    "cancelled",
                    f"Cancelled: {label}",
                    {"shift_id": shift.id},
                )
            )
        elif fate == SignupStatus.NO_SHOW:
            history.append(
                _row(
                    org,
                    person.id,
                    InteractionKind.EVENT_ATTENDANCE,
                    shift.ends_at,
                    "no_show",
                    f"Did not come: {event.name}, {label}",
                    ids,
                )
            )
        else:
            history.append(_row(org, person.id, InteractionKind.EVENT_ATTENDANCE,
                                arrived[person.id], "attended",
                                f"Checked in: {event.name}, {label}",
                                {**ids, "check_in_id": check_ins[person.id], "method": "scan"},
                                user_id=by_user_id))  # fmt: skip
    insert_rows(Interaction.__table__, history, returning=("id",))


def _row(org: int, person_id: int, kind: InteractionKind, at: datetime, result: str,
         summary: str, data: dict, user_id: int | None = None) -> dict:  # fmt: skip
    return {"organization_id": org, "person_id": person_id, "kind": kind.value,
            "occurred_at": at, "recorded_at": at, "user_id": user_id, "result": result,
            "summary": summary, "data": data}  # fmt: skip


def _code() -> str:
    """A check-in code as ``new_code`` makes them (one chance in 10^12 of meeting another)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _taken_shifts(event: Event) -> set[int]:
    return set(db.session.scalars(
        select(Signup.shift_id).where(Signup.shift_id.in_([s.id for s in event.shifts]))
    ))  # fmt: skip


def organising_figures(organization_id: int) -> DemoOrganising:
    def count(stmt) -> int:
        return db.session.scalar(stmt) or 0

    mine = Signup.organization_id == organization_id
    return DemoOrganising(
        volunteers=count(select(func.count()).select_from(VolunteerProfile)
                         .where(VolunteerProfile.organization_id == organization_id)),
        events=count(select(func.count()).select_from(Event)
                     .where(Event.organization_id == organization_id)),
        signups=count(select(func.count()).select_from(Signup).where(mine)),
        attended=count(select(func.count()).select_from(CheckIn)
                       .where(CheckIn.organization_id == organization_id)),
        no_shows=count(select(func.count()).select_from(Signup)
                       .where(mine, Signup.status == SignupStatus.NO_SHOW)),
    )  # fmt: skip
