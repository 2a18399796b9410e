"""The volunteers and events panel, read straight from the sign-ups (a campaign's shifts
number thousands, not millions): active volunteers per week, new and returning, shifts
filled, the no-show rate, hours, retention (came back within 30 days) and top recruiters.

A volunteer is active in a week when they attended a shift that started in it (sign-up
``completed``); new when it was their first attended shift ever. Hours: check-in to
check-out, else the shift's length. Days are the campaign's (its time zone)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Date, Select, any_, cast, extract, func, literal, select
from sqlalchemy.orm import aliased

from app.accounts.models import User
from app.dashboards.scope import Scope, week_of
from app.dashboards.sources import time_zone
from app.events.models import SEATED, CheckIn, Shift, Signup, SignupStatus
from app.extensions import db
from app.people.models import Person
from app.volunteers.models import VolunteerProfile

RETURN_DAYS = 30
TOP = 10


def _local_day(zone: str, column):
    return cast(func.timezone(zone, column), Date)


def signups(scope: Scope) -> Select:
    """The scope's sign-ups (on shifts starting in its days) with their shift's times."""
    zone = time_zone(scope.organization_id)
    query = (
        select(
            Signup.id,
            Signup.person_id,
            Signup.status,
            Signup.shift_id,
            Shift.starts_at,
            Shift.ends_at,
            _local_day(zone, Shift.starts_at).label("day"),
        )
        .join(Shift, Shift.id == Signup.shift_id)
        .where(Signup.organization_id == scope.organization_id)
        .where(_local_day(zone, Shift.starts_at).between(scope.first, scope.last))
    )
    return people_filter(query, Signup.person_id, scope)


def people_filter(query: Select, person_id, scope: Scope) -> Select:
    if scope.area_id is not None:
        query = query.where(
            person_id.in_(select(Person.id).where(literal(scope.area_id) == any_(Person.area_ids)))
        )
    for people in (scope.team_people(), scope.universe_people()):
        if people is not None:
            query = query.where(person_id.in_(people))
    return query


def first_attended(organization_id: int, zone: str) -> Select:
    """Each volunteer's first attended shift ever (local day)."""
    return (
        select(Signup.person_id, func.min(_local_day(zone, Shift.starts_at)).label("first_day"))
        .join(Shift, Shift.id == Signup.shift_id)
        .where(Signup.organization_id == organization_id, Signup.status == SignupStatus.COMPLETED)
        .group_by(Signup.person_id)
    )


def volunteers_panel(scope: Scope) -> dict[str, Any]:
    zone = time_zone(scope.organization_id)
    rows = signups(scope).subquery()
    attended = rows.c.status == SignupStatus.COMPLETED
    no_show = rows.c.status == SignupStatus.NO_SHOW
    counts = db.session.execute(
        select(
            func.count(func.distinct(rows.c.shift_id)),
            func.count().filter(rows.c.status.in_(SEATED)),
            func.count().filter(attended),
            func.count().filter(no_show),
            func.count().filter(rows.c.status == SignupStatus.CANCELLED),
        )
    ).one()
    shifts, filled, came, missed, cancelled = counts
    seats = _seats(scope, zone)
    return {
        "total": {
            "shifts": shifts,
            "seats": seats,
            "filled": filled,
            "attended": came,
            "no_shows": missed,
            "cancelled": cancelled,
            "no_show_rate": round(missed / (came + missed), 4) if came + missed else None,
            "hours": hours(scope, rows),
            "volunteers": _count(
                select(func.count(func.distinct(rows.c.person_id))).where(attended)
            ),
        },
        "by_week": by_week(scope, rows, zone),
        "by_day": by_day(scope, rows),
        "retention": retention(scope, zone),
        "top_recruiters": top_recruiters(scope, zone),
    }


def _count(query) -> int:
    return int(db.session.scalar(query) or 0)


def _seats(scope: Scope, zone: str) -> int | None:
    """Seats of the shifts starting in the scope's days (None: a shift without a limit)."""
    day = _local_day(zone, Shift.starts_at)
    total, unlimited = db.session.execute(
        select(
            func.coalesce(func.sum(Shift.capacity), 0),
            func.count().filter(Shift.capacity.is_(None)),
        ).where(
            Shift.organization_id == scope.organization_id, day.between(scope.first, scope.last)
        )
    ).one()
    return None if unlimited else int(total)


def hours(scope: Scope, rows) -> float:
    span = func.coalesce(
        CheckIn.checked_out_at - CheckIn.checked_in_at, rows.c.ends_at - rows.c.starts_at
    )
    seconds = db.session.scalar(
        select(func.coalesce(func.sum(extract("epoch", span)), 0))
        .select_from(rows)
        .outerjoin(CheckIn, CheckIn.signup_id == rows.c.id)
        .where(rows.c.status == SignupStatus.COMPLETED)
    )
    return round(float(seconds) / 3600, 2)


def by_day(scope: Scope, rows) -> list[dict[str, Any]]:
    """Seats filled, attended and no-shows of the shifts starting each day."""
    found = db.session.execute(
        select(
            rows.c.day,
            func.count().filter(rows.c.status.in_(SEATED)),
            func.count().filter(rows.c.status == SignupStatus.COMPLETED),
            func.count().filter(rows.c.status == SignupStatus.NO_SHOW),
        ).group_by(rows.c.day)
    ).all()
    days = {day: figures for day, *figures in found}
    return [
        dict(zip(("day", "filled", "attended", "no_shows"), (d, *days.get(d, (0, 0, 0))),
                 strict=True))
        for d in scope.days
    ]  # fmt: skip


def by_week(scope: Scope, rows, zone: str) -> list[dict[str, Any]]:
    firsts = first_attended(scope.organization_id, zone).subquery()
    week = func.date_trunc("week", rows.c.day).cast(Date)
    found = db.session.execute(
        select(
            week,
            func.count(func.distinct(rows.c.person_id)),
            func.count(func.distinct(rows.c.person_id)).filter(
                func.date_trunc("week", firsts.c.first_day).cast(Date) == week
            ),
        )
        .join(firsts, firsts.c.person_id == rows.c.person_id)
        .where(rows.c.status == SignupStatus.COMPLETED)
        .group_by(week)
    ).all()
    weeks = {w: (active, new) for w, active, new in found}
    out, monday = [], week_of(scope.first)
    while monday <= scope.last:
        active, new = weeks.get(monday, (0, 0))
        out.append({"week": monday, "active": active, "new": new, "returning": active - new})
        monday += timedelta(days=7)
    return out


def retention(scope: Scope, zone: str) -> dict[str, Any]:
    """Of the volunteers whose first attended shift fell in the scope, those who attended
    another within 30 days of it."""
    firsts = first_attended(scope.organization_id, zone).subquery()
    later, later_shift = aliased(Signup), aliased(Shift)
    came_back = (
        select(later.id)
        .join(later_shift, later_shift.id == later.shift_id)
        .where(
            later.person_id == firsts.c.person_id,
            later.status == SignupStatus.COMPLETED,
            _local_day(zone, later_shift.starts_at) > firsts.c.first_day,
            _local_day(zone, later_shift.starts_at) <= firsts.c.first_day + RETURN_DAYS,
        )
        .exists()
    )
    query = people_filter(
        select(func.count(), func.count().filter(came_back)).where(
            firsts.c.first_day.between(scope.first, scope.last)
        ),
        firsts.c.person_id,
        scope,
    )
    first_timers, returned = db.session.execute(query).one()
    return {
        "first_timers": first_timers,
        "came_back": returned,
        "rate": round(returned / first_timers, 4) if first_timers else None,
    }


def top_recruiters(scope: Scope, zone: str) -> list[dict[str, Any]]:
    """The organisers of the most volunteers who joined in the scope's days."""
    joined = _local_day(zone, VolunteerProfile.created_at)
    query = people_filter(
        select(VolunteerProfile.organizer_user_id, func.count())
        .where(
            VolunteerProfile.organization_id == scope.organization_id,
            VolunteerProfile.organizer_user_id.is_not(None),
            joined.between(scope.first, scope.last),
        )
        .group_by(VolunteerProfile.organizer_user_id),
        VolunteerProfile.person_id,
        scope,
    )
    found = db.session.execute(query.order_by(func.count().desc()).limit(TOP)).all()
    names = dict(
        db.session.execute(
            select(User.id, func.coalesce(User.name, User.email)).where(
                User.id.in_([f[0] for f in found])
            )
        ).all()
    )
    return [{"user_id": u, "name": names.get(u, ""), "recruited": n} for u, n in found]
