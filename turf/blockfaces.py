"""Block faces: the doors on one side of a street between two intersections.

A block face is the atom of turf cutting: a canvasser works one side of a block in one go, so a
cut never hands half of it to somebody else. Street lines must be split at intersections (the
usual centreline layer is); each door belongs to its nearest segment, on the left or the right.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import shapely

from turf._typing import FloatArray, Geometries, GeometryArray, IntArray, point_geometries
from turf.errors import TurfInputError
from turf.graph import cell_neighbours, label_runs
from turf.projection import as_points, distinct_points

__all__ = ["NO_FACE", "as_face_labels", "as_lines", "block_faces"]

#: The face label of a door with no street within reach.
NO_FACE = -1
#: Doors further than this from every street (metres) belong to no face.
MAX_DISTANCE = 80.0
#: Runs of at most this many buildings, apart from the rest of their face, are strays.
STRAY_HOUSES = 2
#: Half the length of the piece of street whose direction decides a door's side (metres).
SIDE_STEP = 1.0


def as_lines(streets: Geometries, field: str = "streets") -> GeometryArray:
    """Streets as an array of LineStrings (MultiLineStrings are taken apart).

    >>> from shapely import LineString, MultiLineString
    >>> len(as_lines([LineString([(0, 0), (1, 0)]),
    ...               MultiLineString([[(0, 1), (1, 1)], [(2, 1), (3, 1)]])]))
    3
    """
    geoms = np.asarray(streets, dtype=object).ravel()
    if not len(geoms):
        return np.empty(0, dtype=object)
    if not all(isinstance(g, shapely.Geometry) for g in geoms):
        raise TurfInputError("expected Shapely LineStrings", field=field)
    kinds = shapely.get_type_id(geoms)
    wrong = ~np.isin(kinds, (1, 5))  # LineString, MultiLineString
    if wrong.any():
        got = geoms[np.argmax(wrong)].geom_type
        raise TurfInputError(f"expected LineStrings, got a {got}", field=field)
    parts = shapely.get_parts(geoms)
    lines: GeometryArray = parts[~shapely.is_empty(parts) & (shapely.length(parts) > 0)]
    return lines


def as_face_labels(faces: npt.ArrayLike | None, n: int) -> IntArray:
    """Check ``n`` face labels (None: no faces known) and return them as int64.

    >>> as_face_labels(None, 2).tolist(), as_face_labels([4, 5], 2).tolist()
    ([-1, -1], [4, 5])
    """
    if faces is None:
        return np.full(n, NO_FACE, dtype=np.int64)
    labels = np.asarray(faces)
    if labels.shape != (n,) or (n and not np.issubdtype(labels.dtype, np.integer)):
        raise TurfInputError(f"expected {n} integer face labels", field="faces")
    return labels.astype(np.int64)


def block_faces(
    xy: npt.ArrayLike, streets: Geometries, *, max_distance: float = MAX_DISTANCE, mend: bool = True
) -> IntArray:
    """Label each door with its block face: ``2 * segment + side`` (side 1 = left).

    Parameters
    ----------
    xy : (n, 2) array of door points, metres.
    streets : LineStrings (metres), split at intersections.
    max_distance : doors further than this from every street get ``NO_FACE``.
    mend : give a stray building (a few houses of a face that sit among another face's
        houses) to the face around it.

    Returns
    -------
    (n,) int array of face labels; doors of one face share a label.

    Examples
    --------
    A street along y = 0 with doors on both sides, and one door far away:

    >>> from shapely import LineString
    >>> block_faces([[10, 5], [20, 5], [10, -5], [10, 500]],
    ...             [LineString([(0, 0), (100, 0)])]).tolist()
    [1, 1, 0, -1]
    """
    points = as_points(xy, "xy")
    lines = as_lines(streets)
    labels = np.full(len(points), NO_FACE, dtype=np.int64)
    if not len(points) or not len(lines):
        return labels
    doors = point_geometries(points)
    tree = shapely.STRtree(lines)
    (door_at, segment), _ = tree.query_nearest(
        doors, max_distance=max_distance, return_distance=True, all_matches=False
    )
    line = lines[segment]
    along = shapely.line_locate_point(line, doors[door_at])
    # The street's direction at the door's foot decides left from right.
    before = shapely.line_interpolate_point(line, np.maximum(along - SIDE_STEP, 0))
    after = shapely.line_interpolate_point(line, along + SIDE_STEP)
    ax, ay = shapely.get_x(before), shapely.get_y(before)
    bx, by = shapely.get_x(after), shapely.get_y(after)
    px, py = points[door_at, 0], points[door_at, 1]
    left = (bx - ax) * (py - ay) - (by - ay) * (px - ax) > 0
    labels[door_at] = 2 * segment + left
    return _mend_strays(points, labels) if mend else labels


def _mend_strays(points: FloatArray, labels: IntArray) -> IntArray:
    """Relabel a building that sits among another face's buildings, apart from its own.

    A corner house, or a point a geocoder put near the cross street, is nearest a segment
    whose other houses are elsewhere; taken as it is, its face could not be one turf without
    being two polygons. It joins the face whose houses surround it.
    """
    distinct, point_of = distinct_points(points)
    face = np.full(len(distinct), NO_FACE, dtype=np.int64)
    face[point_of] = labels
    pairs = cell_neighbours(distinct)
    run = label_runs(face, pairs, ignore=NO_FACE)
    size = np.bincount(run, minlength=len(run))
    # The largest run of each face is the face; smaller runs of a few houses are strays.
    faced = face != NO_FACE
    order = np.lexsort((-size[run], face))
    first = order[np.r_[True, face[order][1:] != face[order][:-1]]]
    first = first[faced[first]]
    main_run = dict(zip(face[first].tolist(), run[first].tolist(), strict=True))
    stray = faced & (size[run] <= STRAY_HOUSES)
    stray &= run != np.array([main_run.get(int(f), -1) for f in face])
    if not stray.any():
        return labels
    # Each stray point takes the face it touches most among non-stray neighbours.
    a, b = np.r_[pairs[:, 0], pairs[:, 1]], np.r_[pairs[:, 1], pairs[:, 0]]
    keep = stray[a] & ~stray[b] & (face[b] != NO_FACE)
    votes = np.unique(np.c_[a[keep], face[b[keep]]], axis=0, return_counts=True)
    (point, other), count = votes[0].T, votes[1]
    order = np.lexsort((-count, point))  # per point, the most-touched face first
    point, other = point[order], other[order]
    first = np.r_[True, point[1:] != point[:-1]]
    new_face = face.copy()
    new_face[point[first]] = other[first]
    mended: IntArray = new_face[point_of]
    return mended
