"""What a cut reads from the database: the doors of an area with their weight (target homes),
the streets near them, the barriers and the precinct (or ward) polygons to respect."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from sqlalchemy import distinct, func, select

from app.areas.models import Area
from app.core.errors import ValidationError
from app.core.geo import from_db, to_db
from app.extensions import db
from app.people.models import Person
from app.streets.models import Street
from app.universes.queries import Search
from app.voters.models import Address, Household
from turf.projection import buffer_in_metres

#: Streets this far (metres) beyond the area still decide the faces of its edge doors: more
#: than a door's reach to its street (``turf.blockfaces.MAX_DISTANCE``, 80 m).
STREET_MARGIN_M = 100.0
#: A cut of more doors than this is refused: cut a ward at a time.
MAX_DOORS = 250_000


@dataclass
class CutInputs:
    """Doors (address ids, lon/lat, weight) and the lines and regions around them."""

    area: shapely.Geometry
    address_ids: np.ndarray
    lonlat: np.ndarray
    weights: np.ndarray
    household_ids: list[list[int]] = field(default_factory=list)
    streets: list = field(default_factory=list)
    street_ids: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    barriers: list = field(default_factory=list)
    regions: list = field(default_factory=list)
    region_codes: list[str] = field(default_factory=list)


def area_of(organization_id: int, polygon=None, area_ids: list[int] | None = None):
    """The area to cut: a drawn polygon, or the union of some of the campaign's areas."""
    if polygon is not None:
        return polygon
    found = db.session.execute(
        select(Area.id, Area.geom).where(
            Area.organization_id == organization_id, Area.id.in_(area_ids or [])
        )
    ).all()
    missing = sorted(set(area_ids or []) - {row.id for row in found})
    if missing:
        raise ValidationError(
            f"No such area: {', '.join(map(str, missing))}.",
            code="area_not_found",
            fields={"area_ids": missing},
        )
    return shapely.union_all([from_db(row.geom) for row in found])


def target_homes(search: Search, within):
    """Subquery of the doors in ``within`` (a PostGIS geometry) with their weight: the
    households with somebody on the list (a building of 40 flats with 12 targets weighs 12).
    Confidential and suppressed people never count."""
    return (
        search.population.where(
            search.match,
            Person.household_id.is_not(None),
            func.ST_Intersects(Person.location, within),
        )
        .join(Household, Household.id == Person.household_id)
        .with_only_columns(
            Household.address_id,
            func.count(distinct(Person.household_id)).label("homes"),
            func.array_agg(distinct(Person.household_id)).label("household_ids"),
        )
        .group_by(Household.address_id)
        .subquery()
    )


def load_inputs(
    organization_id: int,
    area,
    *,
    universe_filter: dict | None = None,
    respect: tuple[str, ...] = (),
    use_barriers: bool = True,
) -> CutInputs:
    """Everything a cut of ``area`` needs, in WGS84."""
    geom = to_db(area)
    homes = target_homes(Search(organization_id, universe_filter or {}), geom)
    rows = db.session.execute(
        select(
            Address.id,
            func.ST_X(Address.point),
            func.ST_Y(Address.point),
            homes.c.homes,
            homes.c.household_ids,
        )
        .join(homes, homes.c.address_id == Address.id)
        .order_by(Address.id)
    ).all()
    if len(rows) > MAX_DOORS:
        raise ValidationError(
            f"The area holds {len(rows):,} doors; cut at most {MAX_DOORS:,} at a time.",
            code="area_too_large",
            fields={"area": "too large"},
        )
    table = np.array([row[:4] for row in rows], dtype=float).reshape(-1, 4)
    inputs = CutInputs(
        area=area,
        address_ids=table[:, 0].astype(np.int64),
        lonlat=table[:, 1:3],
        weights=table[:, 3],
        household_ids=[sorted(row[4]) for row in rows],
    )
    _load_streets(organization_id, area, inputs, use_barriers)
    if respect:
        _load_regions(organization_id, geom, respect, inputs)
    return inputs


def streets_near(organization_id: int, area) -> list:
    """(id, geom, is_barrier) of the campaign's street lines within the margin of ``area``."""
    near = to_db(buffer_in_metres(area, STREET_MARGIN_M))
    return db.session.execute(
        select(Street.id, Street.geom, Street.is_barrier).where(
            Street.organization_id == organization_id, func.ST_Intersects(Street.geom, near)
        )
    ).all()


def _load_streets(organization_id: int, area, inputs: CutInputs, use_barriers: bool) -> None:
    rows = streets_near(organization_id, area)
    inputs.street_ids = np.array([row.id for row in rows], dtype=np.int64)
    inputs.streets = [from_db(row.geom) for row in rows]
    if use_barriers:
        inputs.barriers = [
            line for line, row in zip(inputs.streets, rows, strict=True) if row.is_barrier
        ]


def _load_regions(organization_id: int, geom, respect, inputs: CutInputs) -> None:
    rows = db.session.execute(
        select(Area.kind, Area.code, Area.geom)
        .where(
            Area.organization_id == organization_id,
            Area.kind.in_(respect),
            func.ST_Intersects(Area.geom, geom),
        )
        .order_by(Area.kind, Area.code)
    ).all()
    if not rows:
        raise ValidationError(
            f"No {' or '.join(respect)} polygons overlap the area; import them first.",
            code="no_regions",
            fields={"respect": list(respect)},
        )
    shapes = [from_db(row.geom) for row in rows]
    codes = [row.code for row in rows]
    if len(set(row.kind for row in rows)) > 1:
        # Precincts within wards: the pieces are the overlaps of the kinds' polygons.
        shapes, codes = _overlay(rows)
    inputs.regions, inputs.region_codes = shapes, codes


def _overlay(rows) -> tuple[list, list[str]]:
    by_kind: dict[str, list] = {}
    for row in rows:
        by_kind.setdefault(row.kind, []).append((row.code, from_db(row.geom)))
    pieces = [("", None)]
    for kind_rows in by_kind.values():
        pieces = [
            (f"{code}/{other}".strip("/"), shape if piece is None else piece.intersection(shape))
            for code, piece in pieces
            for other, shape in kind_rows
            if piece is None or piece.intersects(shape)
        ]
    kept = [(code, shape) for code, shape in pieces if shape is not None and shape.area > 0]
    return [shape for _, shape in kept], [code for code, _ in kept]
