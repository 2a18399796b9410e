"""The field panel: doors knocked, contacts and the contact rate by day, hour of day, area,
team and canvasser; support IDs by score; doors left in active turfs; the pace to the goal."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import any_, func, literal, select, text

from app.accounts.models import User
from app.areas.models import Area
from app.dashboards.models import ALL_AREAS, FieldAreaDay, FieldGoal
from app.dashboards.scope import Scope
from app.dashboards.sources import field_rows, support_rows
from app.extensions import db
from app.turfs.models import Turf, TurfDoor, TurfStatus
from app.volunteers.models import Team, TeamMember, VolunteerProfile
from app.voters.models import Address

SCORES = ("1", "2", "3", "4", "5")
#: Rows of a "by area" table; the rest are one "other" row.
AREA_ROWS = 100


def rate(contacts: int, knocks: int) -> float | None:
    return round(contacts / knocks, 4) if knocks else None


def _figures(knocks, contacts) -> dict[str, Any]:
    knocks, contacts = int(knocks or 0), int(contacts or 0)
    return {"doors": knocks, "contacts": contacts, "contact_rate": rate(contacts, knocks)}


def _sum_sets(rows) -> tuple:
    """The total, and the sums by day, by hour and by canvasser, in one pass (grouping sets)."""
    src = rows.subquery()
    keys = (src.c.day, src.c.hour, src.c.user_id)
    found = db.session.execute(
        select(
            *keys, func.grouping(*keys), func.sum(src.c.knocks), func.sum(src.c.contacts)
        ).group_by(func.grouping_sets(text("()"), *keys))
    ).all()
    total, days, hours, users = (0, 0), {}, {}, []
    for day, hour, user_id, unused, knocks, contacts in found:
        if unused == 0b111:
            total = (knocks, contacts)
        elif unused == 0b011:
            days[day] = (knocks, contacts)
        elif unused == 0b101:
            hours[hour] = (knocks, contacts)
        else:
            users.append((user_id, knocks, contacts))
    return total, days, hours, sorted(users)


def field_panel(scope: Scope, area_kind: str, today: date) -> dict[str, Any]:
    rows = field_rows(scope)
    total, days, hours, users = _sum_sets(rows)
    return {
        "total": _figures(*total),
        "by_day": [{"day": d, **_figures(*days.get(d, (0, 0)))} for d in scope.days],
        "by_hour": [{"hour": h, **_figures(*hours.get(h, (0, 0)))} for h in range(24)],
        "by_area": by_area(scope, area_kind),
        "by_canvasser": _canvassers(users),
        "by_team": _teams(rows),
        "support": support(scope),
        "doors_left": doors_left(scope),
        "pace": pace(scope.organization_id, today),
    }


def by_area(scope: Scope, area_kind: str) -> list[dict[str, Any]]:
    """The ``AREA_ROWS`` areas with the most doors, and the rest in one "other" row (as
    ``fold_areas``, in the database: 9,000 precincts stay there)."""
    src = field_rows(scope, area_kind).subquery()
    knocks, contacts = func.sum(src.c.knocks), func.sum(src.c.contacts)
    per = (
        select(Area.id, Area.code, Area.name, knocks.label("k"), contacts.label("c"))
        .join(src, src.c.area_id == Area.id)
        .group_by(Area.id)
        .subquery()
    )
    found = db.session.execute(
        select(per, func.count().over(), func.sum(per.c.k).over(), func.sum(per.c.c).over())
        .order_by(per.c.k.desc(), per.c.code)
        .limit(AREA_ROWS)
    ).all()
    out = [{"area_id": area_id, "code": code, "name": name, **_figures(k, c)}
           for area_id, code, name, k, c, *_ in found]  # fmt: skip
    areas, all_knocks, all_contacts = found[0][-3:] if found else (0, 0, 0)
    if areas > len(out):
        rest = (all_knocks - sum(r["doors"] for r in out),
                all_contacts - sum(r["contacts"] for r in out))  # fmt: skip
        out.append({"area_id": None, "code": "other", "name": f"{areas - len(out)} more areas",
                    **_figures(*rest)})  # fmt: skip
    return out


def fold_areas(rows: list[dict], sums: tuple[str, ...], then=None) -> list[dict]:
    """The first ``AREA_ROWS`` rows, and the rest summed in one "other" row (a statewide
    campaign has 9,000 precincts: the map shows each, a table the ones that matter).

    >>> fold_areas([{"code": str(n), "doors": 1} for n in range(AREA_ROWS + 2)], ("doors",))[-1]
    {'area_id': None, 'code': 'other', 'name': '2 more areas', 'doors': 2}
    """
    if len(rows) <= AREA_ROWS:
        return rows
    rest = rows[AREA_ROWS:]
    other = {"area_id": None, "code": "other", "name": f"{len(rest)} more areas"}
    other.update({key: sum(row[key] for row in rest) for key in sums})
    if then is not None:
        other.update(then(other))
    return [*rows[:AREA_ROWS], other]


def _canvassers(users) -> list[dict[str, Any]]:
    names = dict(
        db.session.execute(
            select(User.id, func.coalesce(User.name, User.email)).where(
                User.id.in_([u[0] for u in users])
            )
        ).all()
    )
    out = [{"user_id": u, "name": names.get(u, ""), **_figures(k, c)} for u, k, c in users]
    return sorted(out, key=lambda row: (-row["doors"], row["name"]))


def _teams(rows) -> list[dict[str, Any]]:
    """A canvasser on two teams counts for each (the teams' rows do not add up to the total)."""
    src = rows.subquery()
    found = db.session.execute(
        select(Team.id, Team.name, func.sum(src.c.knocks), func.sum(src.c.contacts))
        .join(TeamMember, TeamMember.team_id == Team.id)
        .join(VolunteerProfile, VolunteerProfile.id == TeamMember.profile_id)
        .join(src, src.c.user_id == VolunteerProfile.user_id)
        .group_by(Team.id, Team.name)
        .order_by(func.sum(src.c.knocks).desc(), Team.name)
    ).all()
    return [{"team_id": t, "name": n, **_figures(k, c)} for t, n, k, c in found]


def support(scope: Scope) -> dict[str, Any]:
    src = support_rows(scope).subquery()
    found = db.session.execute(
        select(src.c.day, src.c.answer, func.sum(src.c.answers)).group_by(src.c.day, src.c.answer)
    ).all()
    by_score = dict.fromkeys(SCORES, 0)
    by_day = {d: dict.fromkeys(SCORES, 0) for d in scope.days}
    for day, answer, count in found:
        by_score[answer] = by_score.get(answer, 0) + int(count)
        by_day[day][answer] = by_day[day].get(answer, 0) + int(count)
    return {
        "by_score": [{"score": s, "people": n} for s, n in by_score.items()],
        "by_day": [
            {"day": d, **{f"score_{s}": n for s, n in v.items()}} for d, v in by_day.items()
        ],
    }


def doors_left(scope: Scope) -> dict[str, int]:
    """Doors of active turfs with no knock that stands since the turf was made."""
    query = (
        select(func.count(), func.count().filter(~TurfDoor.knocked))
        .select_from(TurfDoor)
        .join(Turf, Turf.id == TurfDoor.turf_id)
        .where(Turf.organization_id == scope.organization_id, Turf.status == TurfStatus.ACTIVE)
    )
    if scope.area_id is not None:
        query = query.join(Address, Address.id == TurfDoor.address_id).where(
            literal(scope.area_id) == any_(Address.area_ids)
        )
    doors, left = db.session.execute(query).one()
    return {"doors": doors, "left": left, "knocked": doors - left}


def pace(organization_id: int, today: date) -> dict[str, Any] | None:
    """Doors knocked to date against the goal, and the doors a day it now takes."""
    goal = db.session.get(FieldGoal, organization_id)
    if goal is None:
        return None
    done = int(
        db.session.scalar(
            select(func.coalesce(func.sum(FieldAreaDay.knocks), 0)).where(
                FieldAreaDay.organization_id == organization_id,
                FieldAreaDay.area_id == ALL_AREAS,
                FieldAreaDay.day <= min(today, goal.goal_on),
            )
        )
    )
    days_left = max((goal.goal_on - today).days + 1, 0)  # today and election day too
    left = max(goal.doors - done, 0)
    return {
        "goal_doors": goal.doors,
        "goal_on": goal.goal_on,
        "doors": done,
        "doors_to_go": left,
        "days_left": days_left,
        "needed_per_day": -(-left // days_left) if days_left else left,
    }
