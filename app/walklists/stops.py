"""Who is on a new walk list and in what order: the homes with a target (and the people shown
there), walked in route order, units of a building together."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import shapely
from sqlalchemy import select

from app.core.bulk import insert_rows
from app.core.geo import from_db
from app.extensions import db
from app.people.models import Person
from app.people.visibility import Channel, is_reachable
from app.turfs.inputs import streets_near
from app.turfs.walking import walking_route
from app.universes.queries import Search
from app.voters.models import Address, Household
from app.walklists.models import WalkList, WalkListPerson, WalkListStop
from turf.blockfaces import block_faces
from turf.order import listing_order
from turf.projection import LocalProjection, buffer_in_metres

#: Streets this far (metres) around the doors' box, and the cut's margin beyond, are walked.
ROUTE_STREET_MARGIN_M = 50.0


@dataclass
class Home:
    """A household on a new list and the people shown there."""

    household_id: int
    address_id: int
    unit: str
    people: list[tuple[int, bool]]  # (person id, is a target), targets first


def homes_at(search: Search, where) -> list[Home]:
    """Households (matching ``where``) with a target, and everybody shown there: the
    people living there who may be knocked for (``is_reachable``), targets first."""
    target_ids = set(
        db.session.scalars(
            search.people()
            .where(search.match)
            .join(Household, Household.id == Person.household_id)
            .where(where, is_reachable(Channel.DOOR))
            .with_only_columns(Person.id)
        )
    )
    if not target_ids:
        return []
    rows = db.session.execute(
        search.population.join(Household, Household.id == Person.household_id)
        .where(
            Person.household_id.in_(
                select(Person.household_id).where(Person.id.in_(target_ids)).scalar_subquery()
            ),
            is_reachable(Channel.DOOR),
        )
        .with_only_columns(Person.id, Household.id, Household.address_id, Household.unit)
        .order_by(Household.id, Person.last_name, Person.first_name, Person.id)
    ).all()
    homes: dict[int, Home] = {}
    for person_id, household_id, address_id, unit in rows:
        home = homes.setdefault(household_id, Home(household_id, address_id, unit or "", []))
        home.people.append((person_id, person_id in target_ids))
    for home in homes.values():
        home.people.sort(key=lambda p: not p[1])  # stable: targets first, names kept
    return list(homes.values())


def fill_list(walk_list: WalkList, homes: list[Home], start_at: int | None) -> None:
    """Order the doors into a walking route and store the stops and people in that order."""
    address_ids = sorted({h.address_id for h in homes})
    points = dict(
        db.session.execute(
            select(Address.id, Address.point).where(Address.id.in_(address_ids))
        ).all()
    )
    placed = [a for a in address_ids if points.get(a) is not None]
    unplaced = [a for a in address_ids if points.get(a) is None]  # walked last, as listed
    order: list[int] = []
    if placed:
        lonlat = np.array([from_db(points[a]).coords[0] for a in placed])
        route, length = _route(walk_list.organization_id, lonlat, placed.index(start_at)
                               if start_at in placed else None)  # fmt: skip
        order = [placed[i] for i in route]
        walk_list.route_length_m = round(length, 1)
    order += unplaced
    by_address: dict[int, dict[str, Home]] = defaultdict(dict)
    for home in homes:
        by_address[home.address_id][home.unit] = home
    rows = listing_order(range(len(order)), [list(by_address[a]) for a in order])
    placed_homes = [by_address[order[door_index]][unit] for door_index, unit in rows]
    # Set-wise (two statements, not one per stop): a statewide list holds 2,000 doors.
    made = insert_rows(
        WalkListStop.__table__,
        [
            {"organization_id": walk_list.organization_id, "walk_list_id": walk_list.id,
             "position": position, "door_number": rows[position - 1][0] + 1,
             "address_id": home.address_id, "household_id": home.household_id}
            for position, home in enumerate(placed_homes, start=1)
        ],
        returning=("position", "id"),
    )  # fmt: skip
    stop_ids = dict(made)
    insert_rows(
        WalkListPerson.__table__,
        [
            {"organization_id": walk_list.organization_id, "walk_list_id": walk_list.id,
             "person_id": person_id, "stop_id": stop_ids[position], "position": n,
             "is_target": is_target}
            for position, home in enumerate(placed_homes, start=1)
            for n, (person_id, is_target) in enumerate(home.people, start=1)
        ],
        returning=("person_id",),
    )  # fmt: skip
    db.session.expire(walk_list, ["stops"])
    walk_list.door_count = len(order)
    walk_list.household_count = len(homes)
    walk_list.people_count = sum(len(h.people) for h in homes)
    walk_list.target_count = sum(t for h in homes for _, t in h.people)
    db.session.flush()


def _route(organization_id: int, lonlat: np.ndarray, start: int | None) -> tuple[list[int], float]:
    """Walking order of the doors, on the street network when the streets are known."""
    projection = LocalProjection.around(lonlat)
    xy = projection.forward(lonlat)
    hull = buffer_in_metres(shapely.MultiPoint(lonlat).envelope, ROUTE_STREET_MARGIN_M)
    streets = [
        projection.forward_geometry(from_db(r.geom)) for r in streets_near(organization_id, hull)
    ]
    faces = block_faces(xy, streets) if streets else None
    route = walking_route(xy, streets, faces, start=start)
    return route.order.tolist(), float(route.length)
