"""Turf polygons a person recognises on a map: the Voronoi cells of a turf's doors, clipped to
its part, joined.

The cells of all doors tile the part, so turfs never overlap, cover every one of their doors,
and meet their neighbours halfway between houses (usually down the middle of a street or an
alley).
"""

from __future__ import annotations

import numpy as np
import shapely

__all__ = ["turf_polygons"]


def turf_polygons(points: np.ndarray, groups: list[np.ndarray], part) -> list:
    """One polygon per group of ``points`` (indices), within ``part``.

    >>> from shapely import box
    >>> pts = np.array([[1., 1.], [2., 1.], [8., 1.], [9., 1.]])
    >>> [round(p.area) for p in turf_polygons(pts, [np.array([0, 1]), np.array([2, 3])],
    ...                                       box(0, 0, 10, 2))]
    [10, 10]
    """
    if len(groups) == 1:
        return [part]
    distinct, point_of = np.unique(points, axis=0, return_inverse=True)
    point_of = point_of.ravel()
    cells = _cells(distinct, part)
    owner = np.empty(len(distinct), dtype=np.int64)
    for index, group in enumerate(groups):
        owner[point_of[group]] = index
    shapes = []
    for index in range(len(groups)):
        mine = cells[owner == index]
        shape = shapely.coverage_union_all(mine)
        if not shape.is_valid:  # clipped cells can meet imprecisely; a full union is exact
            shape = shapely.union_all(mine)
        shapes.append(_simplest(shape))
    return shapes


def _cells(distinct: np.ndarray, part) -> np.ndarray:
    if len(distinct) == 1:
        return np.array([part], dtype=object)
    # Two or more collinear points still have cells; GEOS handles them.
    cells = shapely.voronoi_polygons(shapely.multipoints(distinct), extend_to=part, ordered=True)
    cells = shapely.get_parts(cells)
    return shapely.intersection(cells, part)


def _simplest(shape):
    """A single Polygon when the union is one piece (drops empty and line leftovers)."""
    polygons = [p for p in shapely.get_parts(shape) if p.geom_type == "Polygon" and p.area > 0]
    if len(polygons) == 1:
        return polygons[0]
    return shapely.multipolygons(polygons) if polygons else shape
