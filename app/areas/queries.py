"""Reads of areas, and where the file's precinct and the map's precinct disagree."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from shapely.geometry import mapping
from sqlalchemy import func, select, text

from app.areas.models import Area
from app.core.errors import NotFound
from app.core.geo import from_db
from app.core.pagination import Page, paginate
from app.extensions import db

AREA_SORTS = {"kind": Area.kind, "code": Area.code, "name": Area.name}


def list_areas(organization_id: int, args: Mapping[str, Any]) -> Page:
    stmt = select(Area).where(Area.organization_id == organization_id)
    if args.get("kind"):
        stmt = stmt.where(Area.kind == args["kind"])
    if args.get("code"):
        stmt = stmt.where(Area.code == args["code"])
    return paginate(stmt, args, sortable=AREA_SORTS, default_order=[Area.kind, Area.code])


INT4_MAX = 2**31 - 1  # area ids are int4 (people.area_ids is an integer[])


def get_area(organization_id: int, area_id: int) -> Area:
    area = db.session.get(Area, area_id) if area_id <= INT4_MAX else None
    if area is None or area.organization_id != organization_id:
        raise NotFound("No such area.", code="area_not_found")
    return area


def area_feature(area: Area) -> dict[str, Any]:
    """The area as a GeoJSON Feature (WGS84)."""
    return {
        "type": "Feature",
        "id": area.id,
        "geometry": mapping(from_db(area.geom)),
        "properties": {"kind": area.kind, "code": area.code, "name": area.name},
    }


#: Most areas a map asks for at once (a county's precincts fit).
MAX_MAP_AREAS = 5_000
#: Outlines for the map are simplified to about a metre.
MAP_TOLERANCE_DEGREES = 0.00001


def area_collection(
    organization_id: int, kind: str, bbox: tuple[float, float, float, float] | None = None
) -> dict[str, Any]:
    """The campaign's areas of one kind as a FeatureCollection for the map."""
    stmt = select(
        Area.id,
        Area.kind,
        Area.code,
        Area.name,
        func.ST_AsGeoJSON(func.ST_SimplifyPreserveTopology(Area.geom, MAP_TOLERANCE_DEGREES), 6),
    ).where(Area.organization_id == organization_id, Area.kind == kind)
    if bbox:
        stmt = stmt.where(func.ST_Intersects(Area.geom, func.ST_MakeEnvelope(*bbox, 4326)))
    rows = db.session.execute(stmt.order_by(Area.code, Area.id).limit(MAX_MAP_AREAS + 1)).all()
    return {
        "type": "FeatureCollection",
        "truncated": len(rows) > MAX_MAP_AREAS,
        "features": [
            {
                "type": "Feature",
                "id": area_id,
                "geometry": json.loads(geometry),
                "properties": {"kind": area_kind, "code": code, "name": name},
            }
            for area_id, area_kind, code, name, geometry in rows[:MAX_MAP_AREAS]
        ],
    }


PRECINCT_PAIRS = """
    FROM registrations r
    JOIN households h ON h.id = r.household_id
    JOIN addresses a ON a.id = h.address_id
    JOIN areas ar ON ar.id = ANY(a.area_ids) AND ar.kind = :kind
    WHERE r.organization_id = :org AND r.on_file AND r.precinct_code IS NOT NULL
"""


def precinct_check(organization_id: int, kind: str = "precinct", limit: int = 100) -> dict:
    """Voters whose registered precinct differs from the precinct polygon holding their home.

    Near boundary streets this is normal (address-range geocoding puts a point across the
    street); the file's precinct is the state's record, the polygon is where the door is.
    """
    params = {"org": organization_id, "kind": kind}
    placed, disagree = db.session.execute(
        text(
            f"SELECT count(*), count(*) FILTER (WHERE r.precinct_code <> ar.code) {PRECINCT_PAIRS}"
        ),
        params,
    ).one()
    pairs = db.session.execute(
        text(
            f"SELECT r.precinct_code AS file_code, ar.code AS map_code, count(*) AS voters"
            f" {PRECINCT_PAIRS} AND r.precinct_code <> ar.code GROUP BY 1, 2"
            " ORDER BY voters DESC, 1, 2 LIMIT :limit"
        ),
        {**params, "limit": limit},
    ).all()
    return {
        "kind": kind,
        "voters_placed": placed,
        "voters_disagreeing": disagree,
        "share_disagreeing": round(disagree / placed, 4) if placed else 0.0,
        "pairs": [dict(row._mapping) for row in pairs],
    }


def count_areas(organization_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Area).where(Area.organization_id == organization_id)
    )
