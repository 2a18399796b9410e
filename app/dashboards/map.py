"""The map's colouring: one measure per area of a kind (the shapes come from
``/api/v1/areas/map``, fetched once), with the class breaks its legend shows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.areas.models import Area
from app.dashboards.field import rate
from app.dashboards.scope import Scope
from app.dashboards.sources import field_rows, money_rows, support_area_rows
from app.extensions import db
from app.turfs.models import Turf, TurfDoor, TurfStatus
from app.voters.models import Address

CLASSES = 5


def _field(scope: Scope, kind: str) -> dict[int, dict[str, Any]]:
    src = field_rows(scope, kind).subquery()
    found = db.session.execute(
        select(src.c.area_id, func.sum(src.c.knocks), func.sum(src.c.contacts)).group_by(
            src.c.area_id
        )
    ).all()
    return {a: {"doors": int(k), "contacts": int(c), "contact_rate": rate(int(c), int(k))}
            for a, k, c in found}  # fmt: skip


def _support(scope: Scope, kind: str) -> dict[int, dict[str, Any]]:
    """Share of support IDs that are 1 or 2 (strong or lean support)."""
    src = support_area_rows(scope, kind).subquery()
    found = db.session.execute(
        select(src.c.area_id, func.sum(src.c.answers), func.sum(src.c.supporters)).group_by(
            src.c.area_id
        )
    ).all()
    return {a: {"support_ids": int(n), "support": round(int(s) / int(n), 4) if n else None}
            for a, n, s in found}  # fmt: skip


def _raised(scope: Scope, kind: str) -> dict[int, dict[str, Any]]:
    src = money_rows(scope, kind).subquery()
    found = db.session.execute(
        select(src.c.area_id, func.sum(src.c.amount_cents)).group_by(src.c.area_id)
    ).all()
    return {a: {"raised": int(c)} for a, c in found}


def _doors_left(scope: Scope, kind: str) -> dict[int, dict[str, Any]]:
    area = func.unnest(Address.area_ids).label("area_id")
    inner = (
        select(area, TurfDoor.knocked)
        .select_from(TurfDoor)
        .join(Turf, Turf.id == TurfDoor.turf_id)
        .join(Address, Address.id == TurfDoor.address_id)
        .where(Turf.organization_id == scope.organization_id, Turf.status == TurfStatus.ACTIVE)
        .subquery()
    )
    found = db.session.execute(
        select(inner.c.area_id, func.count().filter(~inner.c.knocked)).group_by(inner.c.area_id)
    ).all()
    return {a: {"doors_left": int(n)} for a, n in found}


SOURCES = {
    "doors": _field,
    "contacts": _field,
    "contact_rate": _field,
    "support": _support,
    "raised": _raised,
    "doors_left": _doors_left,
}


def area_colours(scope: Scope, kind: str, measure: str) -> dict[str, Any]:
    figures = SOURCES[measure](scope, kind)
    areas = db.session.execute(
        select(Area.id, Area.code, Area.name).where(
            Area.organization_id == scope.organization_id, Area.kind == kind
        )
    ).all()
    features = []
    for area_id, code, name in areas:
        numbers = figures.get(area_id, {})
        features.append({"area_id": area_id, "code": code, "name": name,
                         "value": numbers.get(measure), **numbers})  # fmt: skip
    values = sorted(f["value"] for f in features if f["value"] is not None)
    return {"measure": measure, "kind": kind, "breaks": breaks(values), "features": features}


def breaks(values: list[float]) -> list[float]:
    """Upper bounds of up to five classes of equal counts (quantiles) of the values.

    >>> breaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    [2, 4, 6, 8, 10]
    >>> breaks([])
    []
    """
    if not values:
        return []
    cuts = [values[min(len(values) - 1, (len(values) * n) // CLASSES - 1)] for n in range(1, 6)]
    return sorted(set(cuts))
