"""The first cut of a part: weighted recursive bisection of its atoms into turfs.

The atoms (block faces, or buildings without a street) are sorted along the long axis of the
group and split where the running weight reaches the share of the turfs on the left; each
side is cut again until each holds one turf's worth. Where the split between whole atoms
would miss the share by more than ``split_from``, the face the split falls in is cut there,
between two of its buildings: a face is a run of houses along a street, and the houses on the
left side's end of it go left. Every piece of a face stays one run along it.

Splitting at the bisection is what makes turfs even in one pass; moving single buildings
afterwards (``turf.refine``) only tidies up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from turf._typing import FloatArray, IntArray
from turf.graph import AtomGraph, connected_components

__all__ = ["Atoms", "bisect", "mend", "places"]


@dataclass(frozen=True)
class Atoms:
    """A part's buildings grouped in atoms, each atom's buildings in order along it.

    ``order[start[a]:start[a + 1]]`` are atom ``a``'s buildings, from one end of the face
    to the other. Prefix sums along ``order`` give any run's weight and centre at once.
    """

    order: IntArray
    start: IntArray
    weight: FloatArray  # per building
    xy: FloatArray  # per building
    sums: FloatArray  # (len(order) + 1, 3): running weight, x and y along ``order``

    @classmethod
    def of(cls, atom_of: IntArray, weight: FloatArray, xy: FloatArray) -> Atoms:
        """Buildings ``xy`` (weights ``weight``) in atoms ``atom_of`` (0 .. count - 1).

        >>> atoms = Atoms.of(np.array([0, 0, 1, 0]), np.ones(4),
        ...                  np.array([[2., 0.], [0., 0.], [5., 5.], [1., 0.]]))
        >>> atoms.order.tolist(), atoms.start.tolist()
        ([1, 3, 0, 2], [0, 3, 4])
        """
        count = int(atom_of.max()) + 1 if len(atom_of) else 0
        size = np.maximum(np.bincount(atom_of, minlength=count), 1)
        centre = np.stack([np.bincount(atom_of, weights=xy[:, i], minlength=count) for i in (0, 1)])
        off = xy - (centre / size).T[atom_of]
        # Each atom's direction: the main axis of its buildings (a face's street).
        sxx, syy, sxy = (
            np.bincount(atom_of, weights=w, minlength=count)
            for w in (off[:, 0] ** 2, off[:, 1] ** 2, off[:, 0] * off[:, 1])
        )
        angle = 0.5 * np.arctan2(2 * sxy, sxx - syy)
        along = off[:, 0] * np.cos(angle)[atom_of] + off[:, 1] * np.sin(angle)[atom_of]
        order = np.lexsort((along, atom_of))
        start = np.searchsorted(atom_of[order], np.arange(count + 1))
        sums = np.zeros((len(order) + 1, 3))
        sums[1:] = np.cumsum(np.column_stack([weight[order], xy[order]]), axis=0)
        return cls(order, start, weight, xy, sums)


def bisect(atoms: Atoms, group: IntArray, k: int, split_from: float) -> tuple[IntArray, IntArray]:
    """Cut the atoms ``group`` into ``k`` turfs: the buildings and each one's turf (0 .. k-1).

    ``split_from``: a face is cut between its buildings only where whole atoms would miss a
    side's share by more than this (``math.inf``: never).

    >>> xy = np.array([[float(x), 0.] for x in range(10)])
    >>> atoms = Atoms.of(np.zeros(10, dtype=int), np.ones(10), xy)
    >>> buildings, turf = bisect(atoms, np.array([0]), 2, 0.5)
    >>> turf[np.argsort(buildings)].tolist()
    [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]
    """
    lo, hi = atoms.start[group], atoms.start[group + 1]
    stack: list[tuple[IntArray, IntArray, int, int]] = [(lo, hi, k, 0)]
    runs: list[tuple[IntArray, IntArray, int]] = []
    while stack:
        lo, hi, k, first = stack.pop()
        left_k = k // 2
        halves = _halves(atoms, lo, hi, left_k / k, (left_k, k - left_k), split_from)
        if k <= 1 or halves is None:
            runs.append((lo, hi, first))
            continue
        left, right = halves
        stack.append((*right, k - left_k, first + left_k))
        stack.append((*left, left_k, first))
    lo = np.concatenate([r[0] for r in runs])
    hi = np.concatenate([r[1] for r in runs])
    turf = np.repeat([r[2] for r in runs], [int((r[1] - r[0]).sum()) for r in runs])
    # Every run's positions in ``order``, at once.
    length = hi - lo
    at = np.arange(length.sum()) - np.repeat(np.cumsum(length) - length, length)
    buildings: IntArray = atoms.order[np.repeat(lo, length) + at]
    return buildings, turf


def _halves(
    atoms: Atoms,
    lo: IntArray,
    hi: IntArray,
    share: float,
    least: tuple[int, int],
    split_from: float,
) -> tuple[tuple[IntArray, IntArray], tuple[IntArray, IntArray]] | None:
    """The runs (``lo``, ``hi`` into ``atoms.order``) split in two along their long axis,
    the first holding ``share`` of the weight and each at least ``least`` runs; None if
    they cannot be (one run that may not, or cannot, be cut)."""
    if share <= 0 or (len(lo) < 2 and (math.isinf(split_from) or hi[0] - lo[0] < 2)):
        return None
    weight = atoms.sums[hi, 0] - atoms.sums[lo, 0]
    centre = (atoms.sums[hi, 1:] - atoms.sums[lo, 1:]) / (hi - lo)[:, None]
    axis = _long_axis(centre)
    order = np.argsort(centre @ axis, kind="stable")
    lo, hi, weight = lo[order], hi[order], weight[order]
    running = np.cumsum(weight)
    goal = running[-1] * share
    # The split between whole runs nearest the goal, leaving each side a run per turf.
    split = int(np.argmin(np.abs(running - goal))) + 1
    split = min(max(split, least[0]), len(lo) - least[1])
    miss = abs(running[split - 1] - goal)
    at = int(np.searchsorted(running, goal))
    if miss > split_from and at < len(lo) and hi[at] - lo[at] > 1:
        cut = _cut_run(
            atoms, int(lo[at]), int(hi[at]), goal - (running[at - 1] if at else 0.0), axis
        )
        if cut is not None:
            (a, b), (c, d) = cut
            left = (np.concatenate((lo[:at], [a])), np.concatenate((hi[:at], [b])))
            right = (np.concatenate(([c], lo[at + 1 :])), np.concatenate(([d], hi[at + 1 :])))
            if len(left[0]) >= least[0] and len(right[0]) >= least[1]:
                return left, right
    if not 0 < split < len(lo):
        return None
    return (lo[:split], hi[:split]), (lo[split:], hi[split:])


def _cut_run(
    atoms: Atoms, lo: int, hi: int, need: float, axis: FloatArray
) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The run ``order[lo:hi]`` cut in two: the end on the low side of ``axis`` weighing
    about ``need``, and the rest; None if the best cut leaves one side empty."""
    run = atoms.order[lo:hi]
    forwards = atoms.xy[run[0]] @ axis <= atoms.xy[run[-1]] @ axis
    weights = atoms.weight[run] if forwards else atoms.weight[run][::-1]
    taken = int(np.argmin(np.abs(np.concatenate(([0.0], np.cumsum(weights))) - need)))
    if not 0 < taken < len(run):
        return None
    if forwards:
        return (lo, lo + taken), (lo + taken, hi)
    return (hi - taken, hi), (lo, hi - taken)


def _long_axis(xy: FloatArray) -> FloatArray:
    """The unit direction of the points' greatest spread (closed form for 2 x 2)."""
    centred = xy - xy.mean(axis=0)
    sxx, syy = float(centred[:, 0] @ centred[:, 0]), float(centred[:, 1] @ centred[:, 1])
    sxy = float(centred[:, 0] @ centred[:, 1])
    angle = 0.5 * math.atan2(2 * sxy, sxx - syy)
    return np.array([math.cos(angle), math.sin(angle)])


def places(atoms: IntArray, weight: FloatArray, graph: AtomGraph, light: float) -> list[IntArray]:
    """The atoms in groups that are cut apart: each connected piece of the part (a park or
    a row of towers can cut a precinct in two) that is a turf's worth; the pieces lighter than
    ``light`` go with the heaviest piece, with whose turfs they are cut by position.

    >>> g = AtomGraph.from_pairs(4, np.array([[0, 1], [2, 3]]))
    >>> [p.tolist() for p in places(np.arange(4), np.array([5., 5., 9., 1.]), g, 8)]
    [[0, 1], [2, 3]]
    """
    pieces = [np.array(piece) for piece in connected_components(graph, atoms)]
    weights = [float(weight[piece].sum()) for piece in pieces]
    heaviest = int(np.argmax(weights))
    apart = [p for i, p in enumerate(pieces) if i != heaviest and weights[i] >= light]
    pooled = [p for i, p in enumerate(pieces) if i == heaviest or weights[i] < light]
    return [np.sort(np.concatenate(pooled)), *apart]


def mend(turf_of: IntArray, graph: AtomGraph, closed: set[int]) -> None:
    """Give every piece cut off from its turf to the neighbouring turf it touches most
    (never to a ``closed`` one: an oversized stop stays alone).

    >>> g = AtomGraph.from_pairs(4, np.array([[0, 1], [1, 2], [2, 3]]))
    >>> turf_of = np.array([0, 1, 0, 1])
    >>> mend(turf_of, g, set())
    >>> turf_of.tolist()
    [0, 1, 1, 1]
    """
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
