"""Reads of turfs: lists, one turf as GeoJSON, and its live progress."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shapely.geometry import mapping
from sqlalchemy import Numeric, func, select

from app.core.errors import NotFound
from app.core.geo import from_db
from app.core.pagination import Page, paginate
from app.extensions import db
from app.knocks.results import contact_results
from app.people.models import Interaction
from app.turfs.inputs import target_homes
from app.turfs.models import Turf, TurfCut, TurfDoor, TurfStatus
from app.universes.filters import CONTACT_KINDS
from app.universes.queries import Search, listable_people
from app.voters.models import Address, Household

TURF_SORTS = {"name": Turf.name, "created_at": Turf.created_at, "door_count": Turf.door_count}


def list_turfs(organization_id: int, args: Mapping[str, Any]) -> Page:
    stmt = select(Turf).where(Turf.organization_id == organization_id)
    status = args.get("status", TurfStatus.ACTIVE)
    if status != "all":
        stmt = stmt.where(Turf.status == status)
    if args.get("cut_id"):
        stmt = stmt.where(Turf.cut_id == args["cut_id"])
    return paginate(stmt, args, sortable=TURF_SORTS, default_order=[Turf.name, Turf.id])


def get_turf(organization_id: int, turf_id: int) -> Turf:
    turf = db.session.get(Turf, turf_id) if turf_id < 2**63 else None
    if turf is None or turf.organization_id != organization_id:
        raise NotFound("No such turf.", code="turf_not_found")
    return turf


def get_turfs(organization_id: int, turf_ids: list[int]) -> list[Turf]:
    """The turfs in the order asked; any unknown id is a 404."""
    found = {
        t.id: t
        for t in db.session.scalars(
            select(Turf).where(Turf.organization_id == organization_id, Turf.id.in_(turf_ids))
        )
    }
    missing = [i for i in turf_ids if i not in found]
    if missing:
        raise NotFound(f"No such turf: {missing[0]}.", code="turf_not_found")
    return [found[i] for i in turf_ids]


def get_cut(organization_id: int, cut_id: int) -> TurfCut:
    cut = db.session.get(TurfCut, cut_id) if cut_id < 2**63 else None
    if cut is None or cut.organization_id != organization_id:
        raise NotFound("No such cut.", code="cut_not_found")
    return cut


def turf_feature(turf: Turf, stats: dict | None = None) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": turf.id,
        "geometry": mapping(from_db(turf.geom)) if turf.geom is not None else None,
        "properties": {
            "name": turf.name,
            "status": turf.status.value,
            "cut_id": turf.cut_id,
            "doors": turf.door_count,
            "targets": turf.target_count,
            "captain": {"id": turf.captain.id, "name": turf.captain.name} if turf.captain else None,
            **(stats or {}),
        },
    }


def turf_stats(organization_id: int, turf_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per turf: doors, households, people, knocked and contacted households, last touch.

    Read live from the doors and the interaction history (a knock shows within a second).
    """
    if not turf_ids:
        return {}
    people = listable_people(organization_id).subquery()
    knocks = (
        select(
            Interaction.person_id,
            func.max(Interaction.occurred_at).label("last_at"),
            func.bool_or(Interaction.result.in_(contact_results(organization_id))).label(
                "contacted"
            ),
        )
        .where(
            Interaction.organization_id == organization_id,
            Interaction.kind.in_(CONTACT_KINDS),
            Interaction.voided_at.is_(None),
        )
        .group_by(Interaction.person_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            TurfDoor.turf_id,
            func.count(func.distinct(TurfDoor.address_id)),
            func.count(func.distinct(Household.id)),
            func.count(func.distinct(people.c.id)),
            func.count(func.distinct(Household.id)).filter(knocks.c.person_id.is_not(None)),
            func.count(func.distinct(Household.id)).filter(knocks.c.contacted),
            func.max(knocks.c.last_at),
        )
        .join(Household, Household.address_id == TurfDoor.address_id, isouter=True)
        .join(people, people.c.household_id == Household.id, isouter=True)
        .join(knocks, knocks.c.person_id == people.c.id, isouter=True)
        .where(TurfDoor.turf_id.in_(turf_ids))
        .group_by(TurfDoor.turf_id)
    ).all()
    stats = {
        turf_id: {
            "doors": 0,
            "households": 0,
            "people": 0,
            "knocked": 0,
            "contacted": 0,
            "last_touch_at": None,
        }
        for turf_id in turf_ids
    }
    for turf_id, doors, households, persons, knocked, contacted, last_at in rows:
        stats[turf_id] = {
            "doors": doors,
            "households": households,
            "people": persons,
            "knocked": knocked,
            "contacted": contacted,
            "last_touch_at": last_at.isoformat() if last_at else None,
        }
    return stats


def cut_turf_ids(cut_id: int) -> list[int]:
    return list(db.session.scalars(select(Turf.id).filter_by(cut_id=cut_id).order_by(Turf.id)))


def active_turfs(organization_id: int, cut_id: int | None = None) -> list[Turf]:
    stmt = select(Turf).where(
        Turf.organization_id == organization_id, Turf.status == TurfStatus.ACTIVE
    )
    if cut_id:
        stmt = stmt.where(Turf.cut_id == cut_id)
    return list(db.session.scalars(stmt.order_by(Turf.name, Turf.id)))


def turf_collection(
    organization_id: int, *, cut_id: int | None = None, with_stats: bool = True
) -> dict[str, Any]:
    """Active turfs as a FeatureCollection, for the map."""
    turfs = active_turfs(organization_id, cut_id)
    stats = turf_stats(organization_id, [t.id for t in turfs]) if with_stats else {}
    return {
        "type": "FeatureCollection",
        "features": [turf_feature(t, stats.get(t.id)) for t in turfs],
    }


#: Most doors the map shows at once; zoom in for the rest.
MAX_MAP_DOORS = 20_000


def door_points(
    organization_id: int, bbox: tuple[float, float, float, float], universe_filter: dict | None
) -> dict[str, Any]:
    """Doors in view with their weight (homes with somebody on the list), for the map."""
    view = func.ST_MakeEnvelope(*bbox, 4326)
    homes = target_homes(Search(organization_id, universe_filter or {}), view)
    rows = db.session.execute(
        select(
            Address.id,
            func.round(func.ST_X(Address.point).cast(Numeric), 6),
            func.round(func.ST_Y(Address.point).cast(Numeric), 6),
            homes.c.homes,
        )
        .join(homes, homes.c.address_id == Address.id)
        .where(Address.point.is_not(None))
        .order_by(Address.id)
        .limit(MAX_MAP_DOORS + 1)
    ).all()
    return {
        "truncated": len(rows) > MAX_MAP_DOORS,
        "doors": [[a, float(x), float(y), n] for a, x, y, n in rows[:MAX_MAP_DOORS]],
    }
