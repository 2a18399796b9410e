"""Cut an area's doors into turfs of about ``target`` doors each.

The method, measured on West Philadelphia: the area is first split on hard barriers (and
precincts, when asked); inside each part, block faces (or buildings without a street) are the
atoms of a weighted recursive bisection along their long axis, which makes compact turfs and
cuts a face between two of its houses where whole faces would miss a turf's share
(``turf.bisect``); pieces cut off from their turf are handed to the neighbour they touch; then
whole faces, and after them single buildings, move between neighbouring turfs until the turfs
weigh the same (``turf.refine``). A building is never split; a face is split only where whole
faces cannot even the turfs out (by more than ``SPLIT_FROM`` of the target), and stays one run
along the street in each turf; ``keep_faces`` forbids splitting one at all.
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
from turf.bisect import Atoms, bisect, mend, places
from turf.blockfaces import NO_FACE, as_face_labels
from turf.errors import TurfInputError
from turf.graph import AtomGraph, cell_neighbours, label_runs
from turf.parts import as_area, assign_parts, keep_faces_whole, split_area
from turf.polygons import turf_polygons
from turf.projection import as_points, distinct_points
from turf.refine import even_out, no_cycle_collection

__all__ = ["Cut", "Turf", "cut", "turf_count"]

#: A stop heavier than the target by more than this share is a turf of its own.
OVERSIZE = 0.33
#: A block face is split to even out turfs only to gain at least this share of the target.
SPLIT_FROM = 0.02


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
    keep_faces: bool = False,
) -> Cut:
    """Split the doors inside ``area`` into contiguous turfs of about ``target`` weight.

    Parameters
    ----------
    xy : (n, 2) door points, metres (one per building: a building is one stop).
    target : the wanted weight per turf (doors, or target households).
    area : Polygon or MultiPolygon; doors outside it are left out (``Cut.outside``).
    weights : (n,) weight per door (target households; a building's unit count); default 1.
    faces : (n,) block-face label per door (``turf.blockfaces.block_faces``): a face is cut
        whole where that leaves the turfs even. Default: each building is its own atom.
    regions : polygons (precincts) whose boundaries turfs respect.
    barriers : lines turfs never cross.
    polygons : also build each turf's polygon (Voronoi cells of its doors, in its part).
    keep_faces : never split a face, even where that leaves the turfs a face apart (a face
        heavier than a turf and a third is then a turf of its own).

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
    doors_of = dict(enumerate(_grouped(part_of, len(parts))))
    labels = np.full(n, -1, dtype=np.int64)
    turfs: list[Turf] = []
    with no_cycle_collection():
        plans = {
            index: _first_turfs(placed[doors], weight[doors], face[doors], target, part, keep_faces)
            for index, part in enumerate(parts)
            if len(doors := doors_of[index])
        }
        split_from = math.inf if keep_faces else SPLIT_FROM * target
        evened = _even_out(list(plans.values()), split_from) if plans else []
    for index, building_turf in zip(plans, evened, strict=True):
        doors = doors_of[index]
        door_turf = building_turf[plans[index].point_of]
        groups = [g for g in _grouped(door_turf, int(door_turf.max()) + 1) if len(g)]
        cells: list[shapely.Geometry | None] = [None] * len(groups)
        if polygons:
            cells = list(turf_polygons(placed[doors], groups, parts[index]))
        for group, polygon in zip(groups, cells, strict=True):
            labels[doors[group]] = len(turfs)
            turfs.append(Turf(doors[group], float(weight[doors[group]].sum()), index, polygon))
    return Cut(turfs, labels, parts, np.flatnonzero(part_of < 0))


def _grouped(labels: IntArray, count: int) -> list[IntArray]:
    """The indices (ascending) with each label 0 .. count - 1; -1 is left out.

    >>> [g.tolist() for g in _grouped(np.array([1, -1, 0, 1]), 3)]
    [[2], [0, 3], []]
    """
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(count + 1))
    return [order[bounds[i] : bounds[i + 1]] for i in range(count)]


def _weights(weights: npt.ArrayLike | None, n: int) -> FloatArray:
    if weights is None:
        return np.ones(n)
    values = np.asarray(weights, dtype=float)
    if values.shape != (n,):
        raise TurfInputError(f"expected {n} weights, got shape {values.shape}", field="weights")
    if not np.isfinite(values).all() or (values < 0).any():
        raise TurfInputError("weights must be finite and not negative", field="weights")
    return values


@dataclass(frozen=True)
class _Plan:
    """One part's buildings (its distinct door points) and atoms, and the turfs the
    bisection gave the atoms (numbered in the part; the first ``heavy`` are oversized
    stops, which stay alone)."""

    point_of: IntArray  # each door's building
    pairs: IntArray  # buildings whose cells share an edge
    weight: FloatArray  # per building
    face: IntArray  # per building
    atom_of: IntArray  # each building's atom
    atom_weight: FloatArray
    turf_of: IntArray  # each atom's turf
    heavy: int


def _first_turfs(
    points: FloatArray,
    weights: FloatArray,
    faces: IntArray,
    target: float,
    part: Polygon,
    keep_faces: bool,
) -> _Plan:
    """A part's atoms cut into turfs: a building heavier than a turf and a third (an
    apartment tower) is a turf of its own; the rest are bisected around it, and pieces cut
    off from their turf go to a neighbour."""
    distinct, point_of = distinct_points(points)
    pairs = cell_neighbours(distinct, part)
    # With weights, bincount sums floats (NumPy's stubs say ints): asarray only retypes.
    point_weight = np.asarray(
        np.bincount(point_of, weights=weights, minlength=len(distinct)), dtype=float
    )
    face_at_point = np.full(len(distinct), NO_FACE, dtype=np.int64)
    face_at_point[point_of] = faces  # one face per building: all its doors share a point
    heavy_face = math.inf if keep_faces else (1 + OVERSIZE) * target
    atom_at_point = _atoms(face_at_point, point_weight, pairs, heavy_face)
    atom_weight, graph = _atom_figures(atom_at_point, point_weight, pairs)
    atoms = Atoms.of(atom_at_point, point_weight, distinct)
    heavy = np.flatnonzero(atom_weight > (1 + OVERSIZE) * target)
    rest = np.setdiff1d(np.arange(len(atom_weight)), heavy)
    alone = np.full(len(atom_weight), -1)
    alone[heavy] = np.arange(len(heavy))
    point_turf = np.maximum(alone[atom_at_point], 0)
    first = len(heavy)
    split_from = math.inf if keep_faces else SPLIT_FROM * target
    for group in places(rest, atom_weight, graph, (1 - OVERSIZE) * target) if len(rest) else ():
        k = min(turf_count(float(atom_weight[group].sum()), target), len(group))
        buildings, turf = bisect(atoms, group, k, split_from)
        point_turf[buildings] = turf + first
        first += k
    # A face the bisection cut is an atom per piece from here on.
    pieces = atom_at_point * max(first, 1) + point_turf
    atom_at_point = np.unique(pieces, return_inverse=True)[1].ravel()
    atom_weight, graph = _atom_figures(atom_at_point, point_weight, pairs)
    turf_of = np.zeros(len(atom_weight), dtype=np.int64)
    turf_of[atom_at_point] = point_turf
    mend(turf_of, graph, set(range(len(heavy))))
    return _Plan(
        point_of,
        pairs,
        point_weight,
        face_at_point,
        atom_at_point,
        atom_weight,
        turf_of,
        len(heavy),
    )


def _even_out(plans: list[_Plan], split_from: float) -> list[IntArray]:
    """Each part's buildings' turfs, evened out in whole atoms and then, unless
    ``split_from`` is infinite, building by building (``turf.refine``).

    All parts go through at once, as one graph of many pieces: the work per round is then
    one pass over the area, not one per precinct.
    """
    atom_at = np.cumsum([0] + [len(p.atom_weight) for p in plans])
    point_at = np.cumsum([0] + [len(p.weight) for p in plans])
    turf_at = np.cumsum([0] + [int(p.turf_of.max()) + 1 for p in plans])
    fixed = {int(turf_at[i]) + t for i, p in enumerate(plans) for t in range(p.heavy)}
    atom_of = np.concatenate([p.atom_of + atom_at[i] for i, p in enumerate(plans)])
    atom_graph = AtomGraph.from_pairs(int(atom_at[-1]), atom_of[_stacked_pairs(plans, point_at)])
    turf_of = np.concatenate([p.turf_of + turf_at[i] for i, p in enumerate(plans)])
    atom_weight = np.concatenate([p.atom_weight for p in plans])
    point_turf = even_out(turf_of, atom_weight, atom_graph, fixed=fixed)[atom_of]
    if math.isfinite(split_from):
        point_turf = even_out(
            point_turf,
            np.concatenate([p.weight for p in plans]),
            AtomGraph.from_pairs(int(point_at[-1]), _stacked_pairs(plans, point_at)),
            faces=np.concatenate([p.face for p in plans]),
            fixed=fixed,
            split_from=split_from,
        )
    return [point_turf[point_at[i] : point_at[i + 1]] - turf_at[i] for i in range(len(plans))]


def _stacked_pairs(plans: list[_Plan], point_at: IntArray) -> IntArray:
    """Every part's touching buildings, numbered across the parts."""
    stacked: IntArray = np.concatenate([p.pairs + point_at[i] for i, p in enumerate(plans)])
    return stacked


def _atoms(faces: IntArray, weights: FloatArray, pairs: IntArray, heavy: float) -> IntArray:
    """The atom of each building: its block face, or itself when it has none.

    A face whose buildings do not all touch (``block_faces`` mends most of those) is one
    atom per touching run: joined, its turf would be two polygons. A run heavier than
    ``heavy`` (a face of flats) is taken apart into its buildings, so that the turfs it
    makes can be balanced; only a single building that heavy is a turf of its own.
    """
    run = label_runs(faces, pairs, ignore=NO_FACE)
    run_weight = np.bincount(run, weights=weights, minlength=len(run))
    run_size = np.bincount(run, minlength=len(run))
    apart = (run_weight[run] > heavy) & (run_size[run] > 1)
    run[apart] = np.flatnonzero(apart)  # each its own run (a run is named by a member)
    atom: IntArray = np.unique(run, return_inverse=True)[1].ravel()
    return atom


def _atom_figures(
    atom_of: IntArray, weights: FloatArray, pairs: IntArray
) -> tuple[FloatArray, AtomGraph]:
    """Each atom's weight and neighbours."""
    count = int(atom_of.max()) + 1
    atom_weight = np.asarray(np.bincount(atom_of, weights=weights, minlength=count), dtype=float)
    return atom_weight, AtomGraph.from_pairs(count, atom_of[pairs])
