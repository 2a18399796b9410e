"""Cut an area's doors into turfs of about ``target`` doors each.

The method, measured on West Philadelphia: block faces (or buildings) are the indivisible
atoms; the area is first split on hard barriers (and precincts, when asked); inside each part
a weighted recursive bisection along the atoms' long axis makes compact, balanced turfs; then
pieces cut off from their turf are handed to the neighbour they touch, and atoms on the border
of an over-full turf move to a lighter neighbour while that evens the counts and leaves the
donor in one piece.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely
from shapely import Polygon

from turf._typing import Area, FloatArray, Geometries, IntArray
from turf.blockfaces import NO_FACE, as_face_labels
from turf.errors import TurfInputError
from turf.graph import AtomGraph, cell_neighbours, connected_components, label_runs
from turf.parts import as_area, assign_parts, keep_faces_whole, split_area
from turf.polygons import turf_polygons
from turf.projection import as_points, distinct_points

__all__ = ["Cut", "Turf", "cut", "turf_count"]

#: A stop heavier than the target by more than this share is a turf of its own.
OVERSIZE = 0.33
#: Rounds of border moves after the bisection; each is one sweep over the turfs.
REFINE_ROUNDS = 8


@dataclass(frozen=True)
class Turf:
    """One turf: its doors (indices into the input), their weight, its part and polygon."""

    doors: IntArray
    weight: float
    part: int
    polygon: shapely.Geometry | None = None


@dataclass(frozen=True)
class Cut:
    """The turfs, each door's turf (``labels``, -1 outside the area), and the parts."""

    turfs: list[Turf]
    labels: IntArray
    parts: list[Polygon]
    outside: IntArray


def turf_count(weight: float, target: float) -> int:
    """How many turfs a part of this weight makes: the count whose mean size is nearest the
    target in ratio (90 doors at 60 make 2 turfs of 45, not 1 of 90).

    >>> turf_count(90, 60), turf_count(150, 60), turf_count(20, 60), turf_count(0, 60)
    (2, 3, 1, 1)
    """
    if weight <= target:
        return 1
    low = max(1, math.floor(weight / target))
    high = low + 1
    return (
        low
        if abs(math.log(weight / low / target)) <= abs(math.log(weight / high / target))
        else high
    )


def cut(
    xy: npt.ArrayLike,
    target: float,
    area: Area,
    *,
    weights: npt.ArrayLike | None = None,
    faces: npt.ArrayLike | None = None,
    regions: Sequence[Area] = (),
    barriers: Geometries = (),
    polygons: bool = True,
) -> Cut:
    """Split the doors inside ``area`` into contiguous turfs of about ``target`` weight.

    Parameters
    ----------
    xy : (n, 2) door points, metres (one per building: a building is one stop).
    target : the wanted weight per turf (doors, or target households).
    area : Polygon or MultiPolygon; doors outside it are left out (``Cut.outside``).
    weights : (n,) weight per door (target households; a building's unit count); default 1.
    faces : (n,) block-face label per door (``turf.blockfaces.block_faces``); doors of one
        face always share a turf. Default: each building is its own atom.
    regions : polygons (precincts) whose boundaries turfs respect.
    barriers : lines turfs never cross.
    polygons : also build each turf's polygon (Voronoi cells of its doors, in its part).

    Examples
    --------
    Forty doors along two streets, in turfs of ten:

    >>> from shapely import box
    >>> doors = [[x, y] for x in range(0, 200, 10) for y in (0, 50)]
    >>> result = cut(doors, 10, box(-10, -10, 200, 60))
    >>> sorted(t.weight for t in result.turfs)
    [10.0, 10.0, 10.0, 10.0]
    >>> all(t.polygon.geom_type == "Polygon" for t in result.turfs)
    True
    """
    points = as_points(xy, "xy")
    n = len(points)
    weight = _weights(weights, n)
    face = as_face_labels(faces, n)
    if not (isinstance(target, int | float) and math.isfinite(target) and target > 0):
        raise TurfInputError("the target must be a positive number of doors", field="target")
    parts = split_area(as_area(area), barriers=barriers, regions=regions)
    part_of = assign_parts(points, parts)
    part_of, placed = keep_faces_whole(points, part_of, face, parts)
    labels = np.full(n, -1, dtype=np.int64)
    turfs: list[Turf] = []
    for part_index, part in enumerate(parts):
        doors = np.flatnonzero(part_of == part_index)
        if not len(doors):
            continue
        groups = _cut_part(placed[doors], weight[doors], face[doors], target, part)
        cells: list[shapely.Geometry | None] = [None] * len(groups)
        if polygons:
            cells = list(turf_polygons(placed[doors], groups, part))
        for group, polygon in zip(groups, cells, strict=True):
            labels[doors[group]] = len(turfs)
            turfs.append(Turf(doors[group], float(weight[doors[group]].sum()), part_index, polygon))
    return Cut(turfs, labels, parts, np.flatnonzero(part_of < 0))


def _weights(weights: npt.ArrayLike | None, n: int) -> FloatArray:
    if weights is None:
        return np.ones(n)
    values = np.asarray(weights, dtype=float)
    if values.shape != (n,):
        raise TurfInputError(f"expected {n} weights, got shape {values.shape}", field="weights")
    if not np.isfinite(values).all() or (values < 0).any():
        raise TurfInputError("weights must be finite and not negative", field="weights")
    return values


def _cut_part(
    points: FloatArray, weights: FloatArray, faces: IntArray, target: float, part: Polygon
) -> list[IntArray]:
    """Door index groups (into this part's doors), one per turf.

    A stop heavier than a turf and a third (an apartment tower, a long face of flats) is a
    turf of its own; the rest are cut around it.
    """
    atom_of, atom_weight, atom_xy, graph = _atoms(points, weights, faces, part)
    heavy = np.flatnonzero(atom_weight > (1 + OVERSIZE) * target)
    rest = np.setdiff1d(np.arange(len(atom_weight)), heavy)
    turf_of = np.zeros(len(atom_weight), dtype=np.int64)
    turf_of[heavy] = np.arange(len(heavy))
    if len(rest):
        k = min(turf_count(float(atom_weight[rest].sum()), target), len(rest))
        _bisect(rest, k, atom_xy, atom_weight, turf_of, len(heavy))
        closed = set(range(len(heavy)))
        _mend(turf_of, graph, closed)
        _even_out(turf_of, atom_weight, graph)
    door_turf = turf_of[atom_of]
    return [np.flatnonzero(door_turf == t) for t in np.unique(door_turf)]


def _atoms(
    points: FloatArray, weights: FloatArray, faces: IntArray, part: Polygon
) -> tuple[IntArray, FloatArray, FloatArray, AtomGraph]:
    """Each door's atom, and each atom's weight, centre and neighbours.

    An atom is a block face, or a building when the door has no face. A face whose buildings
    do not all touch (``block_faces`` mends most of those) is one atom per touching run:
    joined, its turf would be two polygons.
    """
    distinct, point_of = distinct_points(points)
    pairs = cell_neighbours(distinct, part)
    face_at_point = np.full(len(distinct), NO_FACE, dtype=np.int64)
    face_at_point[point_of] = faces  # one face per building: all its doors share a point
    run = label_runs(face_at_point, pairs, ignore=NO_FACE)
    atom_at_point = np.unique(run, return_inverse=True)[1].ravel()
    atom_of = atom_at_point[point_of]
    count = atom_at_point.max() + 1
    # With weights, bincount sums floats (NumPy's stubs say ints): asarray only retypes.
    atom_weight = np.asarray(np.bincount(atom_of, weights=weights, minlength=count), dtype=float)
    size = np.bincount(atom_of, minlength=count)
    atom_xy = np.c_[
        np.bincount(atom_of, weights=points[:, 0], minlength=count) / size,
        np.bincount(atom_of, weights=points[:, 1], minlength=count) / size,
    ]
    graph = AtomGraph.from_pairs(count, atom_at_point[pairs])
    return atom_of, atom_weight, atom_xy, graph


def _bisect(
    atoms: IntArray, k: int, xy: FloatArray, weight: FloatArray, turf_of: IntArray, first: int
) -> None:
    """Weighted recursive bisection along the long axis; turfs numbered from ``first``."""
    stack: list[tuple[IntArray, int, int]] = [(atoms, k, first)]
    while stack:
        atoms, k, first = stack.pop()
        if k <= 1 or len(atoms) <= 1:
            turf_of[atoms] = first
            continue
        left_k = k // 2
        position = _along_long_axis(xy[atoms])
        order = atoms[np.argsort(position, kind="stable")]
        running = np.cumsum(weight[order])
        goal = running[-1] * left_k / k
        # The split nearest the goal, leaving each side at least one atom per turf.
        split = int(np.argmin(np.abs(running - goal))) + 1
        split = min(max(split, left_k), len(order) - (k - left_k))
        stack.append((order[:split], left_k, first))
        stack.append((order[split:], k - left_k, first + left_k))


def _along_long_axis(xy: FloatArray) -> FloatArray:
    centred = xy - xy.mean(axis=0)
    _, vectors = np.linalg.eigh(centred.T @ centred)
    position: FloatArray = centred @ vectors[:, -1]
    return position


def _mend(turf_of: IntArray, graph: AtomGraph, closed: set[int]) -> None:
    """Give every piece cut off from its turf to the neighbouring turf it touches most
    (never to a ``closed`` one: an oversized stop stays alone)."""
    for turf in np.unique(turf_of):
        if turf in closed:
            continue
        pieces = connected_components(graph, np.flatnonzero(turf_of == turf))
        for piece in pieces[1:]:
            touching = np.concatenate([graph.of(a) for a in piece])
            others = turf_of[touching]
            others = others[(others != turf) & ~np.isin(others, list(closed))]
            if len(others):
                turf_of[piece] = np.bincount(others).argmax()


def _even_out(turf_of: IntArray, weight: FloatArray, graph: AtomGraph) -> None:
    """Move border atoms from heavier to lighter neighbouring turfs while that lowers the
    spread of turf weights and leaves the giving turf in one piece."""
    turfs = np.unique(turf_of)
    totals = {int(t): float(weight[turf_of == t].sum()) for t in turfs}
    members = {int(t): set(np.flatnonzero(turf_of == t).tolist()) for t in turfs}
    for _ in range(REFINE_ROUNDS):
        moved = False
        for turf in sorted(totals, key=lambda t: totals[t], reverse=True):
            move = _best_move(turf, turf_of, weight, graph, totals, members)
            if move is None:
                continue
            atom, into = move
            members[turf].discard(atom)
            members[into].add(atom)
            totals[turf] -= weight[atom]
            totals[into] += weight[atom]
            turf_of[atom] = into
            moved = True
        if not moved:
            return


def _best_move(
    turf: int,
    turf_of: IntArray,
    weight: FloatArray,
    graph: AtomGraph,
    totals: dict[int, float],
    members: dict[int, set[int]],
) -> tuple[int, int] | None:
    """The border atom of ``turf`` whose move to a neighbour evens weights most, or None.

    Moving atom a (weight w) from T to U lowers the sum of squared deviations exactly when
    w < total(T) - total(U); the best move brings the two totals closest together.
    """
    if len(members[turf]) <= 1:
        return None
    best: tuple[int, int] | None = None
    best_gap = 0.0
    for atom in members[turf]:
        w = weight[atom]
        for into in set(turf_of[graph.of(atom)].tolist()) - {turf}:
            gap = totals[turf] - totals[into]
            if w >= gap or w == 0:
                continue
            gain = gap - abs(gap - 2 * w)  # how much closer the two totals come
            if gain > best_gap and _stays_whole(members[turf], atom, graph):
                best, best_gap = (atom, into), gain
    return best


def _stays_whole(atoms: set[int], leaving: int, graph: AtomGraph) -> bool:
    rest = atoms - {leaving}
    start = next(iter(rest))
    seen, stack = {start}, [start]
    while stack:
        for other in graph.of(stack.pop()):
            other = int(other)
            if other in rest and other not in seen:
                seen.add(other)
                stack.append(other)
    return len(seen) == len(rest)
