"""The money raised, live from the ledger: by day, source, election or region, and against goals.
This is the campaign's one place for totals (``GET /fundraising/totals``).

Raised (``amount_cents``, the net) means every entry received in the period that is not voided:
contributions (``gross_cents``) less the refunds and chargebacks dated in it
(``refunded_cents``); a redesignation or reattribution moves money between elections or signers
and adds nothing overall (by election, it leaves one and lands in the other). ``gifts`` counts
contributions, ``donors`` the people who made them. These are totals: no row names a person.
Where a row stands for a place (a region), a role that may not read one person's giving
(directors) never sees a row of fewer than ``MIN_DONORS`` donors: such rows are folded into one
"other" row, and while that row itself holds fewer, the smallest shown row joins it (else the
total less the rows shown would give the small ones away).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, String, any_, cast, distinct, func, select

from app.areas.models import Area
from app.donations.models import CandidateElection, Donation, EntryKind
from app.events.models import Event
from app.extensions import db
from app.fundraising.models import SourceKind
from app.people.models import Person

MIN_DONORS = 3
REGION_KINDS = ("state", "zip", "county", "precinct", "ward")
AREA_REGIONS = ("county", "precinct", "ward")
MAX_DAYS = 1_000

SOURCE_COLUMNS: dict[SourceKind, ColumnElement] = {
    SourceKind.METHOD: cast(Donation.method, String),
    SourceKind.PROCESSOR: Donation.processor,
    SourceKind.PAGE: Donation.page,
    SourceKind.REFERENCE_CODE: Donation.reference_code,
    SourceKind.EVENT: cast(Donation.event_id, String),
}


@dataclass(frozen=True)
class Period:
    starts_on: date
    ends_on: date

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


def _ledger(organization_id: int, period: Period, source: tuple[SourceKind, str] | None) -> Select:
    query = select().where(
        Donation.organization_id == organization_id,
        Donation.voided_at.is_(None),
        Donation.received_on.between(period.starts_on, period.ends_on),
    )
    if source is not None:
        query = query.where(SOURCE_COLUMNS[source[0]] == source[1])
    return query


_IS_GIFT = Donation.kind == EntryKind.CONTRIBUTION
_TAKEN_BACK = Donation.kind.in_((EntryKind.REFUND, EntryKind.CHARGEBACK))
_SUMS = (
    func.coalesce(func.sum(Donation.amount_cents), 0).label("amount_cents"),
    func.coalesce(func.sum(Donation.amount_cents).filter(_IS_GIFT), 0).label("gross_cents"),
    func.coalesce(-func.sum(Donation.amount_cents).filter(_TAKEN_BACK), 0).label("refunded_cents"),
    func.count().filter(Donation.kind == EntryKind.CONTRIBUTION).label("gifts"),
    func.count(distinct(Donation.person_id))
    .filter(Donation.kind == EntryKind.CONTRIBUTION)
    .label("donors"),
)


#: The figures of every row (and of the total), summed alike when rows are folded.
FIGURES = ("amount_cents", "gross_cents", "refunded_cents", "gifts", "donors")


def _figures(row) -> dict[str, int]:
    return {name: int(getattr(row, name)) if row else 0 for name in FIGURES}


def raised(organization_id: int, period: Period, source=None) -> dict[str, int]:
    row = db.session.execute(
        _ledger(organization_id, period, source).add_columns(*_SUMS).select_from(Donation)
    ).one()
    return _figures(row)


def by_day(organization_id: int, period: Period, source=None) -> list[dict[str, Any]]:
    """Every day of the period, the quiet ones too (a chart has no gaps)."""
    rows = db.session.execute(
        _ledger(organization_id, period, source)
        .add_columns(Donation.received_on, *_SUMS)
        .select_from(Donation)
        .group_by(Donation.received_on)
    )
    found = {row.received_on: row for row in rows}
    days = []
    for offset in range(period.days):
        day = period.starts_on + timedelta(days=offset)
        row = found.get(day)
        days.append({"key": day.isoformat(), "label": day.isoformat(), **_figures(row)})
    return days


def by_source(organization_id: int, period: Period, kind: SourceKind, source=None):
    column = SOURCE_COLUMNS[kind].label("key")
    rows = db.session.execute(
        _ledger(organization_id, period, source)
        .add_columns(column, *_SUMS)
        .select_from(Donation)
        .group_by(column)
        .order_by(func.sum(Donation.amount_cents).desc(), column)
    ).all()
    labels = (
        _event_names(organization_id, [r.key for r in rows]) if kind == SourceKind.EVENT else {}
    )
    return [_group(row.key, labels.get(row.key, row.key), row) for row in rows]


def by_election(organization_id: int, period: Period, source=None) -> list[dict[str, Any]]:
    """By the election each entry is designated to, in the order they are held."""
    rows = db.session.execute(
        _ledger(organization_id, period, source)
        .add_columns(CandidateElection.code.label("key"), CandidateElection.name, *_SUMS)
        .select_from(Donation)
        .join(CandidateElection, CandidateElection.id == Donation.election_id)
        .group_by(CandidateElection.id)
        .order_by(CandidateElection.held_on, CandidateElection.id)
    ).all()
    return [_group(row.key, row.name, row) for row in rows]


def by_region(organization_id: int, period: Period, kind: str, source=None, *, min_donors=1):
    """By the gift's own state or ZIP (as given with it), or by the donor's county, precinct or
    ward (the areas of that kind in ``people.area_ids``)."""
    if kind == "state":
        column = func.upper(func.nullif(Donation.state, "")).label("key")
    elif kind == "zip":
        column = func.nullif(func.substr(Donation.zip, 1, 5), "").label("key")
    else:
        column = (
            select(cast(Area.id, String))
            .where(Area.id == any_(Person.area_ids), Area.kind == kind)
            .order_by(Area.id)
            .limit(1)
            .scalar_subquery()
            .label("key")
        )
    query = _ledger(organization_id, period, source).add_columns(column, *_SUMS)
    query = query.select_from(Donation).outerjoin(Person, Person.id == Donation.person_id)
    rows = db.session.execute(query.group_by(column)).all()
    labels = _area_labels([r.key for r in rows]) if kind in AREA_REGIONS else {}
    groups = [_group(row.key, labels.get(row.key, row.key), row) for row in rows]
    groups.sort(key=lambda g: (-g["amount_cents"], g["label"] or ""))
    return fold_small(groups, min_donors)


def _group(key: Any, label: Any, row) -> dict[str, Any]:
    return {"key": key, "label": label if label is not None else "(none)", **_figures(row)}


def fold_small(groups: list[dict[str, Any]], min_donors: int) -> list[dict[str, Any]]:
    """Rows of fewer than ``min_donors`` donors folded into one "other" row (see the module).

    >>> rows = [{"key": k, "label": k, "amount_cents": c, "gross_cents": c,
    ...          "refunded_cents": 0, "gifts": d, "donors": d}
    ...         for k, c, d in (("A", 900, 5), ("B", 500, 4), ("C", 70, 1))]
    >>> [(g["key"], g["donors"]) for g in fold_small(rows, 3)]
    [('A', 5), (None, 5)]
    >>> [g["key"] for g in fold_small(rows, 1)]
    ['A', 'B', 'C']
    """
    if min_donors <= 1:
        return groups
    shown = [g for g in groups if g["donors"] >= min_donors]
    folded = [g for g in groups if g["donors"] < min_donors]
    while folded and shown and sum(g["donors"] for g in folded) < min_donors:
        smallest = min(shown, key=lambda g: (g["donors"], g["amount_cents"]))
        shown.remove(smallest)
        folded.append(smallest)
    if not folded:
        return shown
    other = {
        "key": None,
        "label": f"Other (places of fewer than {min_donors} donors)",
        **{name: sum(g[name] for g in folded) for name in FIGURES},
    }
    return [*shown, other]


def _area_labels(keys: list[str | None]) -> dict[str, str]:
    ids = [int(k) for k in keys if k is not None]
    rows = db.session.execute(select(Area.id, Area.code, Area.name).where(Area.id.in_(ids)))
    return {str(i): f"{code} {name}".strip() if name else code for i, code, name in rows}


def _event_names(organization_id: int, keys: list[str | None]) -> dict[str, str]:
    ids = [int(k) for k in keys if k is not None and k.isdigit()]
    rows = db.session.execute(
        select(Event.id, Event.name).where(
            Event.organization_id == organization_id, Event.id.in_(ids)
        )
    )
    return {str(i): name for i, name in rows}
