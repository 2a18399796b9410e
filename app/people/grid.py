"""The grid cell of each person's home point (``people.cell``), and a polygon's cover in cells.

A cell is 1/1000 of a degree square (about 110 m by 85 m at 40 degrees north), numbered
``row << 20 | column`` from the south-west corner of the world. PostgreSQL computes it from
``location`` (a generated column), so every writer of ``location`` keeps it right, set-based.

A drawn polygon's filter then reads people by btree on (organization_id, cell) instead of the
GiST index's bounding box, and skips the point test for cells the polygon covers whole: only
people in the cells on its boundary are tested against the polygon.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

__all__ = ["CELLS_PER_DEGREE", "CELL_SQL", "MAX_COVER_CELLS", "Cover", "cell_of", "cover"]

CELLS_PER_DEGREE = 1000
ROW_SHIFT = 20  # 360,001 columns (longitude -180 to 180 inclusive) fit in 20 bits
#: The generated column's expression; the same arithmetic as ``cell_of``.
CELL_SQL = (
    f"(floor((ST_Y(location) + 90) * {CELLS_PER_DEGREE})::bigint << {ROW_SHIFT})"
    f" + floor((ST_X(location) + 180) * {CELLS_PER_DEGREE})::bigint"
)
#: Past this many cells (about 20 km2) a polygon is tested point by point over the GiST index:
#: the cell lists cost more to plan and probe than the point tests they save.
MAX_COVER_CELLS = 2000
# Cells are widened by this much (about 0.1 mm) so that a point that rounding puts in a cell
# is always inside the cell's box as Shapely sees it.
_MARGIN = 1e-9


@dataclass(frozen=True)
class Cover:
    """The cells a polygon touches, and those of them it covers whole (no point test needed)."""

    touched: list[int]
    inside: list[int]


def cell_of(lon: float, lat: float) -> int:
    """The cell of a point, as PostgreSQL's ``people.cell`` computes it.

    >>> cell_of(-75.2005, 39.9495) == (129949 << 20) + 104799
    True
    """
    row = int(np.floor((lat + 90) * CELLS_PER_DEGREE))
    column = int(np.floor((lon + 180) * CELLS_PER_DEGREE))
    return (row << ROW_SHIFT) + column


def cover(polygon: BaseGeometry, max_cells: int = MAX_COVER_CELLS) -> Cover | None:
    """The cells ``polygon`` (lon/lat) touches and covers, or None past ``max_cells`` cells.

    >>> from shapely.geometry import box
    >>> square = cover(box(-75.2005, 39.9495, -75.1965, 39.9535))  # 0.004 degrees, off the grid
    >>> len(square.touched), len(square.inside)
    (25, 9)
    """
    west, south, east, north = polygon.bounds
    columns = np.arange(
        np.floor((west + 180) * CELLS_PER_DEGREE), np.floor((east + 180) * CELLS_PER_DEGREE) + 1
    )
    rows = np.arange(
        np.floor((south + 90) * CELLS_PER_DEGREE), np.floor((north + 90) * CELLS_PER_DEGREE) + 1
    )
    if len(columns) * len(rows) > 4 * max_cells:  # cannot touch fewer than max_cells
        return None
    columns, rows = (grid.ravel() for grid in np.meshgrid(columns, rows))
    boxes = shapely.box(
        columns / CELLS_PER_DEGREE - 180 - _MARGIN,
        rows / CELLS_PER_DEGREE - 90 - _MARGIN,
        (columns + 1) / CELLS_PER_DEGREE - 180 + _MARGIN,
        (rows + 1) / CELLS_PER_DEGREE - 90 + _MARGIN,
    )
    shapely.prepare(polygon)
    touched = shapely.intersects(polygon, boxes)
    if touched.sum() > max_cells:
        return None
    inside = shapely.covers(polygon, boxes)
    codes = (rows.astype(np.int64) << ROW_SHIFT) + columns.astype(np.int64)
    return Cover(touched=codes[touched].tolist(), inside=codes[inside].tolist())
