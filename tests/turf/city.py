"""A made-up city for turf tests: a street grid with rowhouses on both sides of each block,
and the corpus of nasty areas (empty, holed, bow-tie, multipart)."""

from __future__ import annotations

import numpy as np
from shapely import LineString, MultiPolygon, Polygon, box

BLOCK_X, BLOCK_Y = 120.0, 80.0  # metres between streets
HOUSE_STEP, SETBACK = 8.0, 6.0  # house frontage, and distance from the centreline


def street_grid(columns: int, rows: int) -> list[LineString]:
    """Centreline segments, split at every intersection."""
    lines = []
    for j in range(rows + 1):
        y = j * BLOCK_Y
        lines += [LineString([(i * BLOCK_X, y), ((i + 1) * BLOCK_X, y)]) for i in range(columns)]
    for i in range(columns + 1):
        x = i * BLOCK_X
        lines += [LineString([(x, j * BLOCK_Y), (x, (j + 1) * BLOCK_Y)]) for j in range(rows)]
    return lines


def rowhouses(columns: int, rows: int) -> np.ndarray:
    """Houses on both sides of every east-west street, set back from the corners."""
    houses = []
    for j in range(rows + 1):
        y = j * BLOCK_Y
        for i in range(columns):
            for x in np.arange(i * BLOCK_X + 12, (i + 1) * BLOCK_X - 11, HOUSE_STEP):
                if j > 0:
                    houses.append((x, y - SETBACK))
                if j < rows:
                    houses.append((x, y + SETBACK))
    return np.array(houses)


def city_area(columns: int, rows: int) -> Polygon:
    return box(-10, -10, columns * BLOCK_X + 10, rows * BLOCK_Y + 10)


EMPTY = Polygon()
BOW_TIE = Polygon([(0, 0), (100, 100), (100, 0), (0, 100), (0, 0)])
WITH_HOLE = Polygon(
    [(-10, -10), (490, -10), (490, 330), (-10, 330)],
    [[(130, 90), (350, 90), (350, 230), (130, 230)]],
)
TWO_ISLANDS = MultiPolygon([box(-10, -10, 250, 170), box(350, -10, 490, 170)])
