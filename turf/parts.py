"""Parts of an area that no turf may span: the pieces between hard barriers.

Barriers are lines (arterials, rail, rivers) and, when asked, the boundaries of precincts or
wards. Cutting happens inside each part, so no turf ever crosses one.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import shapely
from shapely import MultiPolygon, Polygon

from turf._typing import Area, FloatArray, Geometries, IntArray, point_geometries
from turf.blockfaces import as_lines
from turf.errors import TurfInputError
from turf.projection import as_points

__all__ = ["as_area", "assign_parts", "keep_faces_whole", "split_area"]

#: How far (metres) a door may sit across a part's edge and still go with its face.
FACE_TOLERANCE = 5.0
#: Parts smaller than this (square metres) are slivers of digitising, not places.
MIN_PART_AREA = 1.0


def as_area(area: object, field: str = "area") -> Area:
    """Check an area: a valid, non-empty Polygon or MultiPolygon.

    >>> from shapely import box, LineString
    >>> as_area(box(0, 0, 1, 1)).area
    1.0
    >>> as_area(LineString([(0, 0), (1, 1)]))
    Traceback (most recent call last):
    ...
    turf.errors.TurfInputError: expected a Polygon or MultiPolygon, got a LineString
    """
    if not isinstance(area, shapely.Geometry):
        raise TurfInputError(f"expected a Shapely polygon, got {type(area).__name__}", field=field)
    if not isinstance(area, Polygon | MultiPolygon):
        # A Shapely geometry's class is named for its type (LineString, GeometryCollection).
        raise TurfInputError(
            f"expected a Polygon or MultiPolygon, got a {type(area).__name__}", field=field
        )
    if area.is_empty:
        raise TurfInputError("the area is empty", field=field)
    if not area.is_valid:
        reason = shapely.is_valid_reason(area)
        raise TurfInputError(f"the area is not a valid polygon ({reason})", field=field)
    return area


def split_area(
    area: Area, *, barriers: Geometries = (), regions: Sequence[Area] = ()
) -> list[Polygon]:
    """The parts of ``area`` between barrier lines and region boundaries.

    Parameters
    ----------
    area : Polygon or MultiPolygon (metres).
    barriers : LineStrings no turf may cross.
    regions : Polygons (precincts, wards) whose boundaries no turf may cross; the area
        outside every region is a part of its own.

    Returns
    -------
    Polygons that tile the area, largest first.

    Examples
    --------
    A square cut by a line down the middle, and the same square in two regions:

    >>> from shapely import box, LineString
    >>> parts = split_area(box(0, 0, 10, 10), barriers=[LineString([(5, -1), (5, 11)])])
    >>> sorted(p.area for p in parts)
    [50.0, 50.0]
    >>> [p.area for p in split_area(box(0, 0, 10, 10), regions=[box(0, 0, 4, 10)])]
    [60.0, 40.0]
    """
    area = as_area(area)
    pieces: list[Polygon] = []
    for region in _regions_within(area, regions):
        pieces.extend(_cut_by_lines(region, barriers))
    pieces = [p for p in pieces if p.area >= MIN_PART_AREA]
    return sorted(pieces, key=lambda p: -p.area)


def _regions_within(area: Area, regions: Sequence[Area]) -> list[shapely.Geometry]:
    checked = [as_area(r, "regions") for r in regions]
    if not checked:
        return [area]
    inside = [area.intersection(r) for r in checked]
    rest = area.difference(shapely.union_all(checked))
    return [shape for shape in (*inside, rest) if not shape.is_empty]


def _cut_by_lines(region: shapely.Geometry, barriers: Geometries) -> list[Polygon]:
    polygons = [p for p in shapely.get_parts(region) if isinstance(p, Polygon)]
    lines = as_lines(barriers, "barriers")
    if not len(lines):
        return polygons
    lines = lines[shapely.intersects(lines, region)]
    if not len(lines):
        return polygons
    # Polygonise the region's rings with the barriers; keep the faces inside the region.
    noded = shapely.union_all([shapely.boundary(region), *lines])
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    inside = shapely.contains_properly(region, shapely.point_on_surface(faces))
    return [f for f in faces[inside] if isinstance(f, Polygon)]


def assign_parts(xy: npt.ArrayLike, parts: Sequence[shapely.Geometry]) -> IntArray:
    """The index of the part holding each point, or -1 for a point in none.

    A point on a shared boundary goes to the first part listed.

    >>> from shapely import box
    >>> assign_parts([[1, 1], [6, 1], [50, 50]], [box(0, 0, 5, 5), box(5, 0, 10, 5)]).tolist()
    [0, 1, -1]
    """
    points = as_points(xy, "xy")
    labels = np.full(len(points), -1, dtype=np.int64)
    if not len(points) or not len(parts):
        return labels
    tree = shapely.STRtree(np.asarray(parts, dtype=object))
    point_at, part = tree.query(point_geometries(points), predicate="intersects")
    # Several hits only on shared boundaries; the lowest part index wins.
    order = np.lexsort((part, point_at))
    point_at, part = point_at[order], part[order]
    first = np.r_[True, point_at[1:] != point_at[:-1]]
    labels[point_at[first]] = part[first]
    return labels


def keep_faces_whole(
    xy: npt.ArrayLike,
    part_of: npt.ArrayLike,
    faces: npt.ArrayLike,
    parts: Sequence[shapely.Geometry],
    *,
    tolerance: float = FACE_TOLERANCE,
) -> tuple[IntArray, FloatArray]:
    """Put each door in its block face's part when it sits within ``tolerance`` of it.

    Precinct lines mostly run down the middle of streets, and geocoded doors sit a metre or
    less from the centreline: a few doors of a face fall across the line by the geocoder's
    error, not by the registrar's map. They follow the majority of their face. Returns the
    new part per door and door points moved onto their part's edge where they were outside
    it (for building the part's polygons).

    >>> from shapely import box
    >>> parts = [box(0, 0, 10, 10), box(10, 0, 20, 10)]
    >>> xy = np.array([[5., 5.], [6., 5.], [10.5, 5.], [15., 5.]])
    >>> part_of, moved = keep_faces_whole(xy, np.array([0, 0, 1, 1]),
    ...                                   np.array([7, 7, 7, 8]), parts)
    >>> part_of.tolist(), moved[2].tolist()
    ([0, 0, 0, 1], [10.0, 5.0])
    """
    points = as_points(xy, "xy")
    new_part: IntArray = np.asarray(part_of).copy()
    labels = np.asarray(faces)
    moved = points.copy()
    faced = (labels >= 0) & (new_part >= 0)
    if not faced.any():
        return new_part, moved
    width = int(new_part.max()) + 1
    keys, counts = np.unique(labels[faced] * width + new_part[faced], return_counts=True)
    pairs = np.c_[keys // width, keys % width]
    # The part holding most of each face's doors (pairs are sorted by face, then part).
    order = np.lexsort((-counts, pairs[:, 0]))
    pairs = pairs[order]
    first = np.r_[True, pairs[1:, 0] != pairs[:-1, 0]]
    majority = dict(zip(pairs[first, 0].tolist(), pairs[first, 1].tolist(), strict=True))
    known = np.fromiter(majority, dtype=np.int64, count=len(majority))
    at = np.clip(np.searchsorted(known, labels), 0, len(known) - 1)
    wanted = np.where(known[at] == labels, np.array(list(majority.values()))[at], -1)
    for door in np.flatnonzero(faced & (wanted != new_part) & (wanted >= 0)):
        part = parts[wanted[door]]
        point = shapely.Point(points[door])
        if shapely.distance(part, point) <= tolerance:
            new_part[door] = wanted[door]
            edge = shapely.shortest_line(part, point)
            moved[door] = shapely.get_coordinates(edge)[0]
    return new_part, moved
