"""How good a cut is, as numbers: balance, contiguity, compactness, block faces split,
barrier crossings, overlaps and doors left outside their polygon.

The tests, the API's preview and the benchmark all read these same functions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from shapely import Polygon

from turf._typing import Geometries, point_geometries
from turf.blockfaces import NO_FACE, as_lines
from turf.cut import Cut, Turf

__all__ = [
    "CutMetrics",
    "balance",
    "barrier_crossings",
    "cut_metrics",
    "doors_outside",
    "faces_split",
    "is_oversized_stop",
    "overlap_area",
    "polsby_popper",
]

#: A turf is "balanced" within this share of the target (the issue's +-33 %).
TOLERANCE = 0.33
#: A barrier inside a turf for less than this (metres) only grazes its edge.
CROSSING_LENGTH = 1.0


def balance(weights: npt.ArrayLike, target: float) -> dict[str, float]:
    """Spread of turf weights: std/mean, share within +-33 % of the target, min and max.

    >>> balance([60, 54, 66], 60)["std_over_mean"]
    0.0816
    >>> balance([60, 54, 66, 90], 60)["within_tolerance"]
    0.75
    """
    values = np.asarray(weights, dtype=float)
    if not len(values):
        return {
            "turfs": 0,
            "mean": 0.0,
            "std_over_mean": 0.0,
            "within_tolerance": 1.0,
            "min": 0.0,
            "max": 0.0,
        }
    mean = float(values.mean())
    return {
        "turfs": len(values),
        "mean": round(mean, 2),
        "std_over_mean": round(float(values.std() / mean), 4) if mean else 0.0,
        "within_tolerance": round(float(np.mean(np.abs(values / target - 1) <= TOLERANCE)), 4),
        "min": float(values.min()),
        "max": float(values.max()),
    }


def polsby_popper(polygon: shapely.Geometry | None) -> float:
    """Compactness 4 pi area / perimeter^2: 1 for a disc, about 0.785 for a square.

    >>> from shapely import box
    >>> round(polsby_popper(box(0, 0, 1, 1)), 3)
    0.785
    """
    if polygon is None or shapely.is_empty(polygon) or shapely.length(polygon) == 0:
        return 0.0
    return float(4 * math.pi * shapely.area(polygon) / shapely.length(polygon) ** 2)


def faces_split(labels: npt.ArrayLike, faces: npt.ArrayLike) -> int:
    """How many block faces have doors in more than one turf.

    >>> faces_split([0, 0, 1, 1, 2], [7, 7, 7, 8, -1])
    1
    """
    turf_of, face_of = np.asarray(labels), np.asarray(faces)
    keep = (turf_of >= 0) & (face_of != NO_FACE)
    pairs = np.unique(np.c_[face_of[keep], turf_of[keep]], axis=0)
    _, turfs_per_face = np.unique(pairs[:, 0], return_counts=True)
    return int((turfs_per_face > 1).sum())


def barrier_crossings(polygons: Sequence[shapely.Geometry | None], barriers: Geometries) -> int:
    """How many (turf, barrier) pairs have the barrier running through the turf's inside.

    >>> from shapely import box, LineString
    >>> barrier_crossings([box(0, 0, 10, 10), box(10, 0, 20, 10)],
    ...                   [LineString([(5, -5), (5, 15)])])
    1
    """
    lines = as_lines(barriers, "barriers")
    shapes = np.asarray([p for p in polygons if p is not None], dtype=object)
    if not len(lines) or not len(shapes):
        return 0
    tree = shapely.STRtree(lines)
    turf_at, line_at = tree.query(shapes, predicate="intersects")
    inside = shapely.intersection(lines[line_at], shapely.buffer(shapes[turf_at], -0.5))
    return int((shapely.length(inside) > CROSSING_LENGTH).sum())


def overlap_area(polygons: Sequence[shapely.Geometry | None]) -> float:
    """Total area (square metres) where two turfs overlap.

    >>> from shapely import box
    >>> overlap_area([box(0, 0, 2, 2), box(1, 0, 3, 2), box(5, 5, 6, 6)])
    2.0
    """
    shapes = np.asarray([p for p in polygons if p is not None], dtype=object)
    if len(shapes) < 2:
        return 0.0
    left, right = shapely.STRtree(shapes).query(shapes, predicate="intersects")
    keep = left < right
    return float(shapely.area(shapely.intersection(shapes[left[keep]], shapes[right[keep]])).sum())


def doors_outside(
    xy: npt.ArrayLike,
    labels: npt.ArrayLike,
    polygons: Sequence[shapely.Geometry | None],
    *,
    tolerance: float = 5.0,
) -> int:
    """Doors further than ``tolerance`` metres from their own turf's polygon.

    >>> from shapely import box
    >>> doors_outside([[1, 1], [50, 50]], [0, 0], [box(0, 0, 10, 10)])
    1
    """
    points, turf_of = np.asarray(xy, dtype=float).reshape(-1, 2), np.asarray(labels)
    keep = np.flatnonzero(turf_of >= 0)
    if not len(keep):
        return 0
    shapes = np.asarray(polygons, dtype=object)[turf_of[keep]]
    far = shapely.distance(shapes, point_geometries(points[keep])) > tolerance
    return int(far.sum())


@dataclass(frozen=True)
class CutMetrics:
    """The figures of one cut. ``balanced`` leaves out the turfs no cut that keeps a
    building whole could balance: one building heavier than a turf and a third, alone
    (``oversized_stops``). ``small_parts`` counts the turfs of parts (between barriers, or
    precinct pieces) lighter than two thirds of a turf, which no cut could fill either."""

    turfs: int
    doors: float
    overall: dict[str, float]
    balanced: dict[str, float]
    oversized_stops: int
    small_parts: int
    contiguous: float
    polsby_popper: float
    faces_split: int
    barrier_crossings: int
    overlap_m2: float
    doors_outside_polygon: int

    def as_dict(self) -> dict[str, Any]:
        """The figures as plain values (for JSON)."""
        return asdict(self)


def cut_metrics(
    result: Cut,
    xy: npt.ArrayLike,
    target: float,
    *,
    faces: npt.ArrayLike | None = None,
    barriers: Geometries = (),
) -> CutMetrics:
    """Every figure of ``result`` (a ``turf.cut.Cut``) for its input points ``xy``."""
    weights = np.array([t.weight for t in result.turfs])
    part_weight = np.zeros(len(result.parts))
    for t in result.turfs:
        part_weight[t.part] += t.weight
    small = np.array([part_weight[t.part] < (1 - TOLERANCE) * target for t in result.turfs])
    face_of = np.full(len(result.labels), NO_FACE) if faces is None else np.asarray(faces)
    oversized = np.array([is_oversized_stop(t, xy, target) for t in result.turfs], dtype=bool)
    polygons = [t.polygon for t in result.turfs]
    with_polygons = all(p is not None for p in polygons)
    fair = ~oversized if len(weights) else np.array([], dtype=bool)
    return CutMetrics(
        turfs=len(result.turfs),
        doors=float(weights.sum()),
        overall=balance(weights, target),
        balanced=balance(weights[fair], target),
        oversized_stops=int(oversized.sum()),
        small_parts=int(small.sum()),
        contiguous=round(float(np.mean([isinstance(p, Polygon) for p in polygons])), 4)
        if with_polygons and polygons
        else 1.0,
        polsby_popper=round(float(np.mean([polsby_popper(p) for p in polygons])), 4)
        if with_polygons and polygons
        else 0.0,
        faces_split=faces_split(result.labels, face_of),
        barrier_crossings=barrier_crossings(polygons, barriers) if with_polygons else 0,
        overlap_m2=round(overlap_area(polygons), 2) if with_polygons else 0.0,
        doors_outside_polygon=doors_outside(xy, result.labels, polygons) if with_polygons else 0,
    )


def is_oversized_stop(turf: Turf, xy: npt.ArrayLike, target: float) -> bool:
    """Whether ``turf`` is one building (all its doors at one point) heavier than the target
    and a third: no cut that keeps a building whole could balance it.

    >>> from turf.cut import Turf
    >>> tower = Turf(np.array([0, 1]), 90.0, 0)
    >>> is_oversized_stop(tower, [[5, 5], [5, 5], [9, 9]], 60)
    True
    >>> is_oversized_stop(Turf(np.array([0, 2]), 90.0, 0), [[5, 5], [5, 5], [9, 9]], 60)
    False
    """
    if turf.weight <= (1 + TOLERANCE) * target:
        return False
    return len(np.unique(np.asarray(xy)[turf.doors], axis=0)) == 1
