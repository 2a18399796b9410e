"""Distances the turf room works with are metres on the ground, not degrees: at Philadelphia's
latitude a degree of longitude is 22 % shorter than one of latitude."""

from __future__ import annotations

import math

import shapely
from shapely import LineString, Point, box

from app.core.geo import from_db, to_db
from app.extensions import db
from app.streets.models import Street
from app.turfs.edits import DOOR_BUBBLE_M, move_doors
from app.turfs.inputs import STREET_MARGIN_M, streets_near
from app.turfs.models import Turf, TurfDoor
from app.voters.models import Address
from tests.factories import create_organization

LON, LAT = -75.2, 39.95


def east(metres: float) -> float:
    """Longitude ``metres`` east of LON (on the sphere, independent of turf's projection)."""
    return LON + math.degrees(metres / (6_371_008.8 * math.cos(math.radians(LAT))))


def north(metres: float) -> float:
    return LAT + math.degrees(metres / 6_371_008.8)


def add_street(org, key: str, line: LineString) -> None:
    db.session.add(Street(organization_id=org.id, source_key=key, geom=to_db(line)))


def test_the_streets_near_an_area_reach_the_same_metres_east_and_north(db_session):
    org = create_organization()
    area = box(LON, LAT, east(200), north(200))
    # Just inside the margin (100 m) and just beyond it, to the east and to the north.
    inside, outside = STREET_MARGIN_M - 10, STREET_MARGIN_M + 20
    add_street(
        org, "east-in", LineString([(east(200 + inside), LAT), (east(200 + inside), north(200))])
    )
    add_street(
        org, "east-out", LineString([(east(200 + outside), LAT), (east(200 + outside), north(200))])
    )
    add_street(
        org, "north-in", LineString([(LON, north(200 + inside)), (east(200), north(200 + inside))])
    )
    add_street(
        org,
        "north-out",
        LineString([(LON, north(200 + outside)), (east(200), north(200 + outside))]),
    )
    db.session.flush()
    found = {db.session.get(Street, row.id).source_key for row in streets_near(org.id, area)}
    assert found == {"east-in", "north-in"}


def add_door(org, number: str, lon: float, lat: float) -> Address:
    door = Address(organization_id=org.id, house_number=number, street="MAIN ST",
                   point=to_db(Point(lon, lat)))  # fmt: skip
    db.session.add(door)
    db.session.flush()
    return door


def add_turf(org, name: str, outline: shapely.Polygon, doors: list[Address]) -> Turf:
    turf = Turf(organization_id=org.id, name=name, geom=to_db(shapely.MultiPolygon([outline])))
    db.session.add(turf)
    db.session.flush()
    for door in doors:
        db.session.add(TurfDoor(organization_id=org.id, turf_id=turf.id, address_id=door.id))
    db.session.flush()
    return turf


def test_a_moved_door_brings_the_same_metres_of_outline_every_way(db_session):
    """The door passes to the taker with a bubble of DOOR_BUBBLE_M around it, cut from the
    giver's outline: as far east-west as north-south."""
    org = create_organization()
    moved, stays = add_door(org, "1", LON, LAT), add_door(org, "3", east(30), LAT)
    giver = add_turf(org, "giver", box(east(-50), north(-50), east(50), north(50)), [moved, stays])
    taker = add_turf(org, "taker", box(east(100), LAT, east(150), north(50)), [])

    move_doors(taker, [moved.id])

    grown, shrunk = from_db(taker.geom), from_db(giver.geom)
    near, far = DOOR_BUBBLE_M - 1, DOOR_BUBBLE_M + 1
    for point in (Point(east(near), LAT), Point(east(-near), LAT), Point(LON, north(near))):
        assert grown.contains(point) and not shrunk.contains(point), point
    for point in (Point(east(far), LAT), Point(east(-far), LAT), Point(LON, north(far))):
        assert not grown.contains(point) and shrunk.contains(point), point
