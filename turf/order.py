"""Walking order: a turf's stops as one open route, grouped the way a canvasser walks.

A walk list is an open path: nobody walks back to the first door. The search (``turf.tours``)
is nearest neighbour, then 2-opt and Or-opt moves while one shortens the route, then a few
random kicks; on 100 stops it takes about 20 ms and walks 1-3 % more than LKH-3 on average
(``bench/walk_order.py``). Longer routes are improved a window at a time.

Block faces: each change from one face to another costs ``face_penalty`` metres in the search,
so the route finishes one side of a block before it crosses or turns the corner, but never
walks more than that to save one change. The length reported is the real one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

from turf._typing import BoolArray, FloatArray, IntArray
from turf.blockfaces import NO_FACE, as_face_labels
from turf.errors import TurfInputError
from turf.projection import as_points
from turf.tours import open_path

__all__ = ["FACE_PENALTY", "Route", "listing_order", "natural_key", "order_stops", "route_length"]

#: Metres the search adds for each change of block face (the reported length leaves it out).
FACE_PENALTY = 10.0
#: Each stop's unit labels: by stop index, in a mapping or a sequence.
UnitsByStop: TypeAlias = Mapping[int, Sequence[str]] | Sequence[Sequence[str]]

#: Routes of more stops than this are improved a window of this many stops at a time.
WINDOW = 120


@dataclass(frozen=True, eq=False)
class Route:
    """An order of a turf's stops and the length walked along it (metres).

    ``order`` is a read-only permutation of the stop indices, first door first.
    """

    order: IntArray
    length: float


def order_stops(
    xy: npt.ArrayLike | None = None,
    *,
    distances: npt.ArrayLike | None = None,
    faces: npt.ArrayLike | None = None,
    start: int | None = None,
    face_penalty: float = FACE_PENALTY,
    seed: int = 0,
) -> Route:
    """Order stops into a short open walking route.

    Parameters
    ----------
    xy : (n, 2) array of stop points, metres; walked in straight lines. Give this or
        ``distances``.
    distances : (n, n) symmetric array of walking distances (``turf.network.street_distances``).
    faces : (n,) int block-face label per stop (``turf.blockfaces.block_faces``), ``NO_FACE``
        (-1) when unknown. Each change between two known faces costs ``face_penalty`` metres
        in the search: a change is avoided when that costs less walking.
    start : the stop to begin at; by default the route may begin anywhere.
    seed : seeds the random restarts of the search; a given input always gives one route.

    Returns
    -------
    Route

    Examples
    --------
    >>> route = order_stops([[0, 0], [30, 0], [10, 0], [20, 0]])
    >>> route.order.tolist(), route.length
    ([0, 2, 3, 1], 30.0)
    >>> order_stops([[0, 0], [30, 0], [10, 0], [20, 0]], start=2).order.tolist()
    [2, 0, 3, 1]

    Two sides of a street 12 m apart: zigzagging is shortest, but with faces one side is
    finished before crossing.

    >>> xy = [[0, 0], [10, 12], [20, 0], [30, 12], [40, 0]]
    >>> order_stops(xy).order.tolist()
    [0, 1, 2, 3, 4]
    >>> route = order_stops(xy, faces=[0, 1, 0, 1, 0])
    >>> route.order.tolist(), round(route.length, 1)
    ([0, 2, 4, 3, 1], 75.6)
    """
    legs = _Legs(xy, distances)
    first = _start(start, legs.n)
    labels = as_face_labels(faces, legs.n)
    if not np.isfinite(face_penalty) or face_penalty < 0:
        raise TurfInputError("face_penalty must be a finite number >= 0", field="face_penalty")
    rng = np.random.default_rng(seed)
    if legs.n <= WINDOW:
        order = _best_path(legs, labels, face_penalty, rng, np.arange(legs.n), (first, None))
    else:
        order = _windowed_path(legs, labels, face_penalty, rng, first)
    order.flags.writeable = False
    return Route(order=order, length=legs.length(order))


def route_length(
    order: npt.ArrayLike,
    *,
    xy: npt.ArrayLike | None = None,
    distances: npt.ArrayLike | None = None,
) -> float:
    """Length of the open route that visits ``order`` (stop indices), on ``xy`` in straight
    lines or on a ``distances`` matrix.

    >>> round(route_length([0, 2, 1], xy=[[0, 0], [0, 10], [5, 5]]), 3)
    14.142
    """
    legs = _Legs(xy, distances)
    stops = np.asarray(order)
    if stops.size == 0:
        return 0.0
    if stops.ndim != 1 or not np.issubdtype(stops.dtype, np.integer):
        raise TurfInputError("expected a 1-d array of stop indices", field="order")
    if stops.min() < 0 or stops.max() >= legs.n:
        raise TurfInputError(f"stop indices must be in 0..{legs.n - 1}", field="order")
    return legs.length(stops)


class _Legs:
    """Walking distances between stops: straight lines between points, or a given matrix.

    Points never become an (n, n) matrix as a whole, so ten thousand stops fit in memory.
    """

    def __init__(self, xy: npt.ArrayLike | None, distances: npt.ArrayLike | None) -> None:
        if (xy is None) == (distances is None):
            raise TurfInputError("give either stop points or a distance matrix", field="xy")
        # One of the two is given: ``matrix`` None means straight lines between ``points``.
        self.points = np.empty((0, 2)) if xy is None else as_points(xy, "xy")
        self.matrix = None if distances is None else _matrix(distances)
        self.n = len(self.points if self.matrix is None else self.matrix)

    def among(self, stops: IntArray) -> FloatArray:
        """The (k, k) distances between ``stops``."""
        if self.matrix is not None:
            among: FloatArray = self.matrix[np.ix_(stops, stops)]
            return among
        points = self.points[stops]
        straight: FloatArray = np.hypot(
            *(points[:, None, :] - points[None, :, :]).transpose(2, 0, 1)
        )
        return straight

    def length(self, order: IntArray) -> float:
        if len(order) < 2:
            return 0.0
        if self.matrix is not None:
            return float(self.matrix[order[:-1], order[1:]].sum())
        return float(np.hypot(*np.diff(self.points[order], axis=0).T).sum())

    def rough_order(self) -> IntArray:
        """A quick route to improve window by window: a serpentine through strips of the
        points, or nearest neighbour on the matrix."""
        if self.matrix is None:
            return _serpentine(self.points)
        order, free = [int(self.matrix.sum(axis=1).argmax())], np.ones(self.n, dtype=bool)
        free[order[0]] = False
        for _ in range(self.n - 1):
            order.append(int(np.where(free, self.matrix[order[-1]], np.inf).argmin()))
            free[order[-1]] = False
        return np.array(order)


def _best_path(
    legs: _Legs,
    labels: IntArray,
    penalty: float,
    rng: np.random.Generator,
    stops: IntArray,
    ends: tuple[int | None, int | None] = (None, None),
    initial: IntArray | None = None,
) -> IntArray:
    """``stops`` in a short open order, from and to the ``ends`` (local indices) when given,
    improving the ``initial`` local order when given."""
    groups = labels[stops]
    walk = legs.among(stops) + penalty * _face_changes(groups)
    known = groups if (groups != NO_FACE).any() else None
    first, last = ends
    path = open_path(walk, rng, first=first, last=last, groups=known, initial=initial)
    ordered: IntArray = stops[path]
    return ordered


def _windowed_path(
    legs: _Legs, labels: IntArray, penalty: float, rng: np.random.Generator, start: int | None
) -> IntArray:
    """A long route improved ``WINDOW`` stops at a time, each window overlapping the last by
    half and keeping its two ends, so the search stays fast however many stops there are.
    Each window starts from its current order, so none makes the route longer."""
    order = legs.rough_order()
    if start is not None:
        order = np.r_[start, order[order != start]]
    step = WINDOW // 2
    for at in range(0, legs.n - step, step):
        stops = order[at : at + WINDOW]
        first = 0 if at or start is not None else None
        last = len(stops) - 1 if at + WINDOW < legs.n else None
        kept = np.arange(len(stops))
        order[at : at + WINDOW] = _best_path(legs, labels, penalty, rng, stops, (first, last), kept)
    return order


def _serpentine(points: FloatArray) -> IntArray:
    """Points in strips across their longer side, each strip walked the other way round."""
    span = np.ptp(points, axis=0)
    along, across = (0, 1) if span[0] >= span[1] else (1, 0)
    # Strips about sqrt(3 area / n) wide: the best width of the strip method for scattered points.
    strips = max(1, round(np.sqrt(len(points) / 3 * span[across] / max(span[along], 1e-9))))
    strip = np.minimum((points[:, across] - points[:, across].min()) / max(span[across], 1e-9)
                       * strips, strips - 1).astype(int)  # fmt: skip
    key = np.where(strip % 2, -points[:, along], points[:, along])
    order: IntArray = np.lexsort((key, strip))
    return order


def _matrix(distances: npt.ArrayLike) -> FloatArray:
    cost = np.asarray(distances, dtype=float)
    if cost.size == 0:
        return cost.reshape(0, 0)
    if cost.ndim != 2 or cost.shape[0] != cost.shape[1]:
        raise TurfInputError(f"expected an (n, n) matrix, got shape {cost.shape}",
                             field="distances")  # fmt: skip
    if not np.isfinite(cost).all() or (cost < 0).any():
        raise TurfInputError("distances must be finite and not negative", field="distances")
    # 2-opt reverses stretches of the route, which is only free when a -> b costs b -> a.
    if not np.allclose(cost, cost.T, rtol=1e-9, atol=1e-6):
        raise TurfInputError("distances must be symmetric", field="distances")
    return cost


def listing_order(stop_order: npt.ArrayLike, units_by_stop: UnitsByStop) -> list[tuple[int, str]]:
    """Expand a route of buildings into the walk list's rows: (stop, unit), units of one
    building together in natural order. A stop without units is one row with unit ``""``.

    ``units_by_stop`` maps a stop index to its unit labels (a mapping, or a sequence indexed
    by stop).

    >>> listing_order([2, 0, 1], {0: ["10", "2", "B1", "1A"], 2: []})
    [(2, ''), (0, '1A'), (0, '2'), (0, '10'), (0, 'B1'), (1, '')]
    """
    stops = np.asarray(stop_order)
    if stops.size and (stops.ndim != 1 or not np.issubdtype(stops.dtype, np.integer)):
        raise TurfInputError("expected a 1-d array of stop indices", field="stop_order")
    rows: list[tuple[int, str]] = []
    for stop in stops.tolist():
        units = _units_of(units_by_stop, stop)
        rows.extend((stop, unit) for unit in sorted(units, key=natural_key) or [""])
    return rows


def natural_key(label: str) -> tuple[tuple[tuple[int, int, str], ...], str]:
    """Sort key that puts numbers in number order: "2" < "10" < "B1"; case, spaces and
    punctuation aside ("Apt. 3" sorts as "apt3").

    >>> sorted(["10", "B1", "2", "1R", "1", "1F", "b2", "#3"], key=natural_key)
    ['1', '1F', '1R', '2', '#3', '10', 'B1', 'b2']
    """
    runs = re.findall(r"\d+|[^\W\d_]+", label.casefold())
    # Numbers sort before words (the usual "1", "2", "A", "B"); ties fall back to the text.
    return tuple((0, int(run), "") if run.isdigit() else (1, 0, run) for run in runs), label


def _units_of(units_by_stop: UnitsByStop, stop: int) -> list[str]:
    if isinstance(units_by_stop, Mapping):
        units = units_by_stop.get(stop, ())
    elif isinstance(units_by_stop, Sequence):
        if not 0 <= stop < len(units_by_stop):
            raise TurfInputError(f"no units given for stop {stop}", field="units_by_stop")
        units = units_by_stop[stop]
    else:
        raise TurfInputError("expected a mapping or a sequence of units", field="units_by_stop")
    if isinstance(units, str) or not all(isinstance(unit, str) for unit in units):
        raise TurfInputError(f"expected a list of unit labels (text) for stop {stop}",
                             field="units_by_stop")  # fmt: skip
    return list(units)


def _start(start: int | np.integer[Any] | None, n: int) -> int | None:
    if start is None:
        return None
    if not isinstance(start, int | np.integer) or not 0 <= start < n:
        raise TurfInputError(f"start must be a stop index in 0..{n - 1}", field="start")
    return int(start)


def _face_changes(labels: IntArray) -> BoolArray:
    """1 between stops of two different known faces, else 0."""
    known = labels != NO_FACE
    changes: BoolArray = (labels[:, None] != labels[None, :]) & known[:, None] & known[None, :]
    return changes
