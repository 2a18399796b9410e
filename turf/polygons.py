"""Turf polygons a person recognises on a map: the Voronoi cells of a turf's doors, clipped to
its part, joined.

The cells of all doors tile the part, so turfs never overlap, cover every one of their doors,
and meet their neighbours halfway between houses (usually down the middle of a street or an
alley).
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely import Polygon

from turf._typing import Area, FloatArray, GeometryArray, IntArray
from turf.projection import distinct_points

__all__ = ["turf_polygons"]


def turf_polygons(points: FloatArray, groups: list[IntArray], part: Area) -> list[shapely.Geometry]:
    """One polygon per group of ``points`` (indices), within ``part``.

    >>> from shapely import box
    >>> pts = np.array([[1., 1.], [2., 1.], [8., 1.], [9., 1.]])
    >>> [round(p.area) for p in turf_polygons(pts, [np.array([0, 1]), np.array([2, 3])],
    ...                                       box(0, 0, 10, 2))]
    [10, 10]
    """
    if len(groups) == 1:
        return [part]
    distinct, point_of = distinct_points(points)
    cells = _cells(distinct, part)
    owner = np.empty(len(distinct), dtype=np.int64)
    for index, group in enumerate(groups):
        owner[point_of[group]] = index
    shapes: list[shapely.Geometry] = []
    for index in range(len(groups)):
        mine = cells[owner == index]
        try:
            shape = shapely.coverage_union_all(mine)
        except shapely.errors.GEOSException:
            shape = None
        if shape is None or not shape.is_valid:
            # Clipped cells can meet imprecisely; a full union is slower but exact.
            shape = shapely.union_all(mine)
        shapes.append(_simplest(shape))
    return shapes


def _cells(distinct: FloatArray, part: Area) -> GeometryArray:
    if len(distinct) == 1:
        return np.array([part], dtype=object)
    # Two or more collinear points still have cells; GEOS handles them.
    voronoi = shapely.voronoi_polygons(shapely.multipoints(distinct), extend_to=part, ordered=True)
    cells: GeometryArray = shapely.intersection(shapely.get_parts(voronoi), part)
    # A cell that only grazes the part clips to a line or a point: keep polygons only.
    odd = ~np.isin(shapely.get_type_id(cells), (3, 6))
    for i in np.flatnonzero(odd):
        polygons = [g for g in shapely.get_parts(cells[i]) if isinstance(g, Polygon)]
        cells[i] = shapely.multipolygons(polygons) if polygons else shapely.Polygon()
    return cells


def _simplest(shape: shapely.Geometry) -> shapely.Geometry:
    """A single Polygon when the union is one piece (drops empty and line leftovers)."""
    polygons = [p for p in shapely.get_parts(shape) if isinstance(p, Polygon) and p.area > 0]
    if len(polygons) == 1:
        return polygons[0]
    return shapely.multipolygons(polygons) if polygons else shape
