"""Where each panel's rows come from: the rollups (the usual way), or, when the panel is
asked about one universe's people, the same columns computed from the raw tables (a
universe is a search, which no rollup can be keyed by)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import (
    Date,
    Integer,
    Select,
    String,
    case,
    cast,
    extract,
    func,
    literal,
    select,
    union_all,
)

from app.accounts.models import Organization
from app.areas.models import Area
from app.dashboards.models import (
    ALL_AREAS,
    FieldAreaDay,
    FieldAreaWeek,
    FieldRollup,
    MoneyAreaDay,
    MoneyAreaWeek,
    MoneyRollup,
    SupportAreaDay,
    SupportAreaWeek,
    SupportRollup,
)
from app.dashboards.scope import Scope, week_of
from app.donations.models import Donation
from app.extensions import db
from app.knocks.models import DoorKnock, KnockStatus
from app.people.models import Person, SurveyAnswer
from app.voters.models import Address

#: The answers to the support question that are support (strong or lean).
SUPPORTERS = ("1", "2")


def time_zone(organization_id: int) -> str:
    return db.session.scalar(
        select(Organization.time_zone).where(Organization.id == organization_id)
    )


def area_filter(column, scope: Scope, area_kind: str | None):
    """Rows of the scope's area (or of every area), or, by area, of each area of the kind."""
    if area_kind is None:
        return column == (scope.area_id or ALL_AREAS)
    kinds = select(Area.id).where(
        Area.organization_id == scope.organization_id, Area.kind == area_kind
    )
    if scope.area_id is not None:
        # Areas of the kind inside the one asked for (a ward's precincts): by their middle.
        outer = select(Area.geom).where(Area.id == scope.area_id).scalar_subquery()
        kinds = kinds.where(func.ST_Within(func.ST_PointOnSurface(Area.geom), outer))
    return column.in_(kinds)


def field_rows(scope: Scope, area_kind: str | None = None) -> Select:
    """Columns area_id, day, hour, user_id, knocks, contacts of the scope's door knocks (by
    area of ``area_kind`` for nobody in particular: area_id, knocks, contacts)."""
    universe = scope.universe_people()
    if universe is None and area_kind is not None and scope.user_id is scope.team_id is None:
        # by area, nobody's in particular: the coarse rollups
        return by_weeks(FieldAreaDay, FieldAreaWeek, ("knocks", "contacts"), scope, area_kind)
    if universe is None:
        r = FieldRollup
        query = select(r.area_id, r.day, r.hour, r.user_id, r.knocks, r.contacts).where(
            r.organization_id == scope.organization_id,
            r.day.between(scope.first, scope.last),
            area_filter(r.area_id, scope, area_kind),
        )
        user_id = r.user_id
    else:
        local = func.timezone(time_zone(scope.organization_id), DoorKnock.occurred_at)
        area = func.unnest(func.array_prepend(ALL_AREAS, Address.area_ids))
        inner = (
            select(
                DoorKnock.user_id,
                cast(local, Date).label("day"),
                cast(extract("hour", local), Integer).label("hour"),
                DoorKnock.is_contact,
                area.label("area_id"),
            )
            .join(Address, Address.id == DoorKnock.address_id)
            .where(
                DoorKnock.organization_id == scope.organization_id,
                DoorKnock.status == KnockStatus.APPLIED,
                DoorKnock.household_id.in_(
                    select(Person.household_id).where(Person.id.in_(universe))
                ),
            )
            .subquery()
        )
        query = select(
            inner.c.area_id,
            inner.c.day,
            inner.c.hour,
            inner.c.user_id,
            literal(1).label("knocks"),
            case((inner.c.is_contact, 1), else_=0).label("contacts"),
        ).where(
            inner.c.day.between(scope.first, scope.last),
            area_filter(inner.c.area_id, scope, area_kind),
        )
        user_id = inner.c.user_id
    return _by_user(query, user_id, scope)


def support_rows(scope: Scope, area_kind: str | None = None) -> Select:
    """Columns area_id, day, user_id, answer, answers of the scope's support IDs."""
    universe = scope.universe_people()
    if universe is None:
        r = SupportRollup
        query = select(r.area_id, r.day, r.user_id, r.answer, r.answers).where(
            r.organization_id == scope.organization_id,
            r.day.between(scope.first, scope.last),
            area_filter(r.area_id, scope, area_kind),
        )
        return _by_user(query, r.user_id, scope)
    s = SurveyAnswer
    area = func.unnest(func.array_prepend(ALL_AREAS, Person.area_ids))
    inner = (
        select(
            area.label("area_id"),
            s.answered_on.label("day"),
            func.coalesce(s.user_id, 0).label("user_id"),
            s.answer,
        )
        .join(Person, Person.id == s.person_id)
        .where(
            s.organization_id == scope.organization_id,
            s.question == "support",
            s.answered_on.between(scope.first, scope.last),
            s.person_id.in_(universe),
        )
        .subquery()
    )
    query = select(*inner.c, literal(1).label("answers")).where(
        area_filter(inner.c.area_id, scope, area_kind)
    )
    return _by_user(query, inner.c.user_id, scope)


def support_area_rows(scope: Scope, area_kind: str) -> Select:
    """Columns area_id, answers, supporters (support IDs of 1 or 2) of the scope's support IDs
    by area of the kind."""
    if scope.universe_id is None and scope.user_id is scope.team_id is None:
        # nobody's in particular: the coarse rollups
        return by_weeks(SupportAreaDay, SupportAreaWeek, ("answers", "supporters"), scope,
                        area_kind)  # fmt: skip
    src = support_rows(scope, area_kind).subquery()
    support = case((src.c.answer.in_(SUPPORTERS), src.c.answers), else_=0)
    return select(src.c.area_id, src.c.answers, support.label("supporters"))


def money_rows(scope: Scope, area_kind: str | None = None) -> Select:
    """Columns area_id, day, kind, processor, page, is_recurring, entries, amount_cents (by
    area of ``area_kind``: area_id, kind, entries, amount_cents)."""
    universe = scope.universe_people()
    if universe is None and area_kind is not None:
        # by area: the coarse rollups (kind, entries and amounts)
        return by_weeks(MoneyAreaDay, MoneyAreaWeek, ("kind", "entries", "amount_cents"), scope,
                        area_kind)  # fmt: skip
    if universe is None:
        r = MoneyRollup
        return select(
            r.area_id, r.day, r.kind, r.processor, r.page, r.is_recurring, r.entries,
            r.amount_cents,
        ).where(
            r.organization_id == scope.organization_id,
            r.day.between(scope.first, scope.last),
            area_filter(r.area_id, scope, area_kind),
        )  # fmt: skip
    d = Donation
    area = func.unnest(func.array_prepend(ALL_AREAS, Person.area_ids))
    inner = (
        select(
            area.label("area_id"),
            d.received_on.label("day"),
            cast(d.kind, String).label("kind"),
            d.processor,
            func.coalesce(d.page, "").label("page"),
            d.recurring_series.is_not(None).label("is_recurring"),
            d.amount_cents,
        )
        .join(Person, Person.id == d.person_id)
        .where(
            d.organization_id == scope.organization_id,
            d.voided_at.is_(None),
            d.received_on.between(scope.first, scope.last),
            d.person_id.in_(universe),
        )
        .subquery()
    )
    return select(
        inner.c.area_id, inner.c.day, inner.c.kind, inner.c.processor, inner.c.page,
        inner.c.is_recurring, literal(1).label("entries"), inner.c.amount_cents,
    ).where(area_filter(inner.c.area_id, scope, area_kind))  # fmt: skip


def whole_weeks(first: date, last: date) -> tuple[date, date] | None:
    """The Mondays of the first and last whole weeks (Monday to Sunday) in first .. last.

    >>> whole_weeks(date(2026, 12, 2), date(2026, 12, 20))  # Wednesday to Sunday
    (datetime.date(2026, 12, 7), datetime.date(2026, 12, 14))
    >>> whole_weeks(date(2026, 12, 2), date(2026, 12, 12)) is None
    True
    """
    monday = week_of(first - timedelta(days=1)) + timedelta(days=7)  # first, or the next Monday
    last_monday = week_of(last + timedelta(days=1)) - timedelta(days=7)  # of the last Sunday
    return (monday, last_monday) if monday <= last_monday else None


def by_weeks(daily, weekly, columns: tuple[str, ...], scope: Scope, area_kind: str):
    """Columns area_id and ``columns`` of the scope's days by area of the kind: the whole
    weeks from ``weekly``, the days at either end from ``daily`` (two tables kept alike)."""

    def rows(table, when):
        return select(table.area_id, *(getattr(table, c) for c in columns)).where(
            table.organization_id == scope.organization_id,
            when,
            area_filter(table.area_id, scope, area_kind),
        )

    weeks = whole_weeks(scope.first, scope.last)
    if weeks is None:
        return rows(daily, daily.day.between(scope.first, scope.last))
    monday, last_monday = weeks
    parts = [rows(weekly, weekly.week.between(monday, last_monday))]
    for first, last in ((scope.first, monday - timedelta(days=1)),
                        (last_monday + timedelta(days=7), scope.last)):  # fmt: skip
        if first <= last:  # each end its own range: read from the index alone
            parts.append(rows(daily, daily.day.between(first, last)))
    return union_all(*parts)


def _by_user(query: Select, user_id, scope: Scope) -> Select:
    if scope.user_id is not None:
        query = query.where(user_id == scope.user_id)
    team = scope.team_users()
    if team is not None:
        query = query.where(user_id.in_(team))
    return query
