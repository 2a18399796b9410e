"""People's grid cells: PostgreSQL and Python number them alike; a polygon's cover is exact."""

from __future__ import annotations

import doctest

import pytest
from shapely.geometry import MultiPolygon, Point, Polygon, box

from app.extensions import db
from app.people import grid
from app.people.grid import CELLS_PER_DEGREE, cell_of, cover
from tests.factories import create_organization, create_person

# Points on cell edges (where rounding decides), the corners of the world, and ordinary ones.
POINTS = [
    (-75.2, 39.95),
    (-75.2005, 39.9495),
    (-75.19, 39.951),
    (0.0, 0.0),
    (-0.0005, -0.0005),
    (-180.0, -90.0),
    (180.0, 90.0),
    (179.9999999, -89.9999999),
    (151.2093, -33.8688),
]

SQUARE = box(-75.2005, 39.9495, -75.1905, 39.9595)
WITH_HOLE = Polygon(
    SQUARE.exterior.coords, [box(-75.1975, 39.9525, -75.1935, 39.9565).exterior.coords]
)
SHAPES = {
    "square": SQUARE,
    "with a hole": WITH_HOLE,
    "multipart": MultiPolygon(
        [box(-75.2, 39.95, -75.195, 39.955), box(-75.19, 39.95, -75.185, 39.96)]
    ),
    "triangle": Polygon([(-75.2, 39.95), (-75.19, 39.95), (-75.2, 39.96)]),
}


def test_postgresql_computes_the_cell_python_does(db_session):
    org = create_organization()
    people = {
        (lon, lat): create_person(org, location=f"SRID=4326;POINT({lon} {lat})")
        for lon, lat in POINTS
    }
    for person in people.values():
        db.session.refresh(person)
    assert {point: person.cell for point, person in people.items()} == {
        point: cell_of(*point) for point in POINTS
    }
    assert create_person(org, location=None).cell is None


@pytest.mark.parametrize("name", SHAPES)
def test_cover_holds_every_point_inside_and_tests_only_the_boundary(name):
    shape = SHAPES[name]
    found = cover(shape)
    touched, inside = set(found.touched), set(found.inside)
    assert inside and inside <= touched
    west, south, east, north = shape.bounds
    step = 1 / (4 * CELLS_PER_DEGREE)  # four points a cell, some on its edges
    for i in range(-4, int((east - west) / step) + 5):
        for j in range(-4, int((north - south) / step) + 5):
            lon, lat = west + i * step, south + j * step
            cell = cell_of(lon, lat)
            if shape.intersects(Point(lon, lat)):
                assert cell in touched
            elif cell in inside:
                pytest.fail(f"{lon} {lat} is outside but its cell counts as inside")


def test_a_hole_is_not_inside():
    hole = set(cover(box(-75.1975, 39.9525, -75.1935, 39.9565)).inside)
    assert hole and not hole & set(cover(WITH_HOLE).inside)


def test_past_the_limit_there_is_no_cover():
    assert cover(box(-75.3, 39.9, -75.0, 40.1)) is None  # 300 by 200 cells
    assert cover(SQUARE, max_cells=50) is None


def test_docstring_examples():
    assert doctest.testmod(grid).failed == 0
