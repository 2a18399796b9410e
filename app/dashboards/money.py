"""The money panel: raised by day, source, page and region against the goals, the average
and median gift, new and repeat donors, recurring gifts. Raised is the ledger's net (as
``app.fundraising.totals``): contributions less the refunds and chargebacks dated in the
period; a voided entry counts for nothing. Amounts and counts only: no row names a donor."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import BigInteger, Select, any_, cast, exists, func, literal, select
from sqlalchemy.orm import aliased

from app.areas.models import Area
from app.dashboards.field import fold_areas
from app.dashboards.models import ALL_AREAS, DonorCount, GiftAmount, GiftAmountArea
from app.dashboards.scope import Scope
from app.dashboards.sources import money_rows
from app.donations.models import Donation, EntryKind
from app.extensions import db
from app.fundraising import goals as fundraising_goals
from app.fundraising.models import FundraisingGoal
from app.people.models import Person

GIFT = EntryKind.CONTRIBUTION.value
TAKEN_BACK = (EntryKind.REFUND.value, EntryKind.CHARGEBACK.value)
#: Region rows of fewer gifts are folded into "other" for roles that may not read a giver.
MIN_GIFTS = 3
#: The previous day of giving of a first gift ever.
NEVER = date.min


def _sums(src):
    """Raised, gifts, their sum, refunds: as bigint (PostgreSQL sums bigints as numeric)."""
    gift = src.c.kind == GIFT
    sums = (
        func.sum(src.c.amount_cents),
        func.sum(src.c.entries).filter(gift),
        func.sum(src.c.amount_cents).filter(gift),
        -func.sum(src.c.amount_cents).filter(src.c.kind.in_(TAKEN_BACK)),
    )
    return tuple(cast(func.coalesce(total, 0), BigInteger) for total in sums)


def _figures(raised, gifts, gifts_cents, refunds) -> dict[str, int]:
    return {"raised_cents": int(raised), "gifts": int(gifts), "gifts_cents": int(gifts_cents),
            "refunds_cents": int(refunds)}  # fmt: skip


def _grouped(rows: Select, *keys: str) -> list:
    src = rows.subquery()
    columns = [src.c[k] for k in keys]
    return db.session.execute(
        select(*columns, *_sums(src)).group_by(*columns).order_by(*columns)
    ).all()


def money_panel(scope: Scope, area_kind: str, today: date, *, small_regions: bool) -> dict:
    rows = money_rows(scope)
    total = _figures(*_grouped(rows)[0])
    src = rows.subquery()
    recurring = db.session.execute(select(*_sums(src)).where(src.c.is_recurring)).one()
    days = {d: _figures(*f) for d, *f in _grouped(rows, "day")}
    empty = _figures(0, 0, 0, 0)
    return {
        "total": {
            **total,
            "average_gift_cents": total["gifts_cents"] // total["gifts"]
            if total["gifts"]
            else None,
            "median_gift_cents": median_gift(scope),
            "recurring": _figures(*recurring),
            **donors(scope),
        },
        "by_day": [{"day": d, **days.get(d, empty)} for d in scope.days],
        "by_source": [
            {"processor": p, "page": page, **_figures(*f)}
            for p, page, *f in _grouped(rows, "processor", "page")
        ],
        "by_region": by_region(scope, area_kind, small_regions=small_regions),
        "goals": goals(scope, today),
    }


def by_region(scope: Scope, area_kind: str, *, small_regions: bool) -> list[dict[str, Any]]:
    src = money_rows(scope, area_kind).subquery()
    found = db.session.execute(
        select(Area.id, Area.code, *_sums(src))
        .join(src, src.c.area_id == Area.id)
        .group_by(Area.id)
    ).all()
    out = [{"area_id": a, "code": code, **_figures(*f)} for a, code, *f in found]
    out.sort(key=lambda row: (-row["raised_cents"], row["code"]))
    if small_regions:
        return fold_areas(out, ("raised_cents", "gifts", "gifts_cents", "refunds_cents"))
    shown = [row for row in out if row["gifts"] >= MIN_GIFTS]
    folded = [row for row in out if row["gifts"] < MIN_GIFTS]
    if folded:
        other = {"area_id": None, "code": "other"}
        for key in ("raised_cents", "gifts", "gifts_cents", "refunds_cents"):
            other[key] = sum(row[key] for row in folded)
        shown.append(other)
    return shown


def _gifts(scope: Scope) -> Select:
    """The scope's contributions that stand, from the ledger itself."""
    query = select(Donation.person_id, Donation.amount_cents).where(
        Donation.organization_id == scope.organization_id,
        Donation.kind == EntryKind.CONTRIBUTION,
        Donation.voided_at.is_(None),
        Donation.received_on.between(scope.first, scope.last),
    )
    if scope.area_id is not None:
        query = query.join(Person, Person.id == Donation.person_id).where(
            literal(scope.area_id) == any_(Person.area_ids)
        )
    universe = scope.universe_people()
    if universe is not None:
        query = query.where(Donation.person_id.in_(universe))
    return query


def median_gift(scope: Scope) -> int | None:
    """The middle contribution (the lower one of an even count, as percentile_disc): from the
    gifts per amount (of the area's donors with an area), from the ledger with a universe."""
    if scope.universe_id is None:
        table = GiftAmount if scope.area_id is None else GiftAmountArea
        query = select(table.amount_cents, func.sum(table.gifts)).where(
            table.organization_id == scope.organization_id,
            table.day.between(scope.first, scope.last),
        )
        if scope.area_id is not None:
            query = query.where(GiftAmountArea.area_id == scope.area_id)
        counts = db.session.execute(
            query.group_by(table.amount_cents)
            .having(func.sum(table.gifts) > 0)
            .order_by(table.amount_cents)
        ).all()
        middle, seen = -(-sum(n for _, n in counts) // 2), 0
        for amount, gifts in counts:
            seen += gifts
            if seen >= middle:
                return int(amount)
        return None
    src = _gifts(scope).subquery()
    value = db.session.scalar(select(func.percentile_disc(0.5).within_group(src.c.amount_cents)))
    return int(value) if value is not None else None


def donors(scope: Scope) -> dict[str, int]:
    """Donors of the period; new ones gave for the first time in it (repeat: gave before).
    From the donor counts (each donor once: their first day of giving in the period, whose
    previous day of giving is before it), or from the ledger with a universe."""
    if scope.universe_id is None:
        c = DonorCount
        new = c.prev_day == NEVER
        total, fresh = db.session.execute(
            select(
                func.coalesce(func.sum(c.donors), 0),
                func.coalesce(func.sum(c.donors).filter(new), 0),
            ).where(
                c.organization_id == scope.organization_id,
                c.area_id == (scope.area_id or ALL_AREAS),
                c.day.between(scope.first, scope.last),
                c.prev_day < scope.first,
            )
        ).one()
        return {"donors": int(total), "new_donors": int(fresh), "repeat_donors": total - fresh}
    givers = _gifts(scope).where(Donation.person_id.is_not(None)).subquery()
    people = select(givers.c.person_id).distinct().subquery()
    earlier = aliased(Donation)
    gave_before = exists().where(
        earlier.person_id == people.c.person_id,
        earlier.kind == EntryKind.CONTRIBUTION,
        earlier.voided_at.is_(None),
        earlier.received_on < scope.first,
    )
    total, repeat = db.session.execute(
        select(func.count(), func.count().filter(gave_before)).select_from(people)
    ).one()
    return {"donors": total, "new_donors": total - repeat, "repeat_donors": repeat}


def goals(scope: Scope, today: date) -> list[dict[str, Any]]:
    """The campaign's goals whose period meets the scope's, with where each stands."""
    found = db.session.scalars(
        select(FundraisingGoal)
        .where(
            FundraisingGoal.organization_id == scope.organization_id,
            FundraisingGoal.starts_on <= scope.last,
            FundraisingGoal.ends_on >= scope.first,
        )
        .order_by(FundraisingGoal.ends_on, FundraisingGoal.id)
    ).all()
    out = []
    for goal in found:
        progress = fundraising_goals.progress(goal, today)
        progress.pop("goal")
        out.append({"goal_id": goal.id, "name": goal.name, "amount_cents": goal.amount_cents,
                    "starts_on": goal.starts_on, "ends_on": goal.ends_on, **progress})  # fmt: skip
    return out
