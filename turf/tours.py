"""Short open paths through a distance matrix: nearest neighbour, then 2-opt and Or-opt.

Each step scores every move of one kind at once in NumPy and makes the best one, which for the
hundred-odd stops of a turf is faster than scoring moves one by one in Python. An open path is
a closed tour through one extra node (the last index) that costs nothing to reach from every
stop, or, when the path must begin or end at given stops, from those stops only. LKH-3 solves
the same closed tour in ``bench/walk_order.py``.
"""

from __future__ import annotations

import numpy as np

from turf._typing import FloatArray, IntArray

__all__ = ["KICKS", "open_path"]

#: Random kicks (segment swaps) tried after the first local optimum; each is kept if shorter.
KICKS = 8
#: Longest run of stops that one Or-opt move carries elsewhere.
OR_SEGMENT = 3
#: Gains below this (metres) are rounding, not gains: it keeps ties from cycling.
EPS = 1e-7


def open_path(
    cost: np.ndarray,
    rng: np.random.Generator,
    *,
    first: int | None = None,
    last: int | None = None,
    groups: np.ndarray | None = None,
    initial: np.ndarray | None = None,
) -> np.ndarray:
    """Stop indices of a short open path through symmetric ``cost`` (n, n), from ``first``
    and to ``last`` when given. ``groups`` (n,) labels stops whose runs Or-opt may also move
    whole (the block faces; negative for none). The search improves ``initial`` (an order
    that keeps the fixed ends) when given, else nearest neighbour.

    >>> cost = np.abs(np.subtract.outer([0., 3., 1., 2.], [0., 3., 1., 2.]))
    >>> rng = np.random.default_rng(0)
    >>> open_path(cost, rng).tolist(), open_path(cost, rng, first=2, last=1).tolist()
    ([0, 2, 3, 1], [2, 0, 3, 1])
    """
    n = len(cost)
    if n <= 2:
        order = np.arange(n)
        return order[::-1].copy() if first == 1 or last == 0 else order
    closed = _closed(cost, [end for end in (first, last) if end is not None])
    labels = None if groups is None else np.r_[groups, -1]
    if initial is None:
        initial = _nearest_neighbour(closed, _begin(cost, first, last), last)
    else:
        initial = np.r_[n, initial]
    tour = _search(closed, initial, rng, labels)
    at = int(np.flatnonzero(tour == n)[0])
    order = np.concatenate([tour[at + 1 :], tour[:at]])
    # The extra node sits beside the fixed ends, on whichever side the tour left it.
    flip = order[0] != first if first is not None else last is not None and order[-1] != last
    return order[::-1].copy() if flip else order


def _tour_length(cost: np.ndarray, tour: np.ndarray) -> float:
    """Length of the closed tour ``tour`` (back to its first node)."""
    return float(cost[tour, np.roll(tour, -1)].sum())


def _closed(cost: np.ndarray, ends: list[int]) -> np.ndarray:
    n = len(cost)
    closed = np.zeros((n + 1, n + 1))
    closed[:n, :n] = cost
    if ends:
        # More than any path costs: a tour pays it only if it parts a fixed end from the
        # extra node, so no move ever does.
        far = cost.max() * n + 1.0
        closed[n, :n] = closed[:n, n] = far
        closed[n, ends] = closed[ends, n] = 0.0
    return closed


def _begin(cost: np.ndarray, first: int | None, last: int | None) -> int:
    """Where nearest neighbour begins: ``first``; else the stop farthest from ``last``, or
    from all the others (an end of the turf, where an open path tends to begin)."""
    if first is not None:
        return first
    if last is None:
        return int(cost.sum(axis=1).argmax())
    far = int(cost[last].argmax())
    return far if far != last else (last + 1) % len(cost)


def _nearest_neighbour(closed: np.ndarray, first: int, last: int | None) -> np.ndarray:
    """The extra node, ``first``, then the nearest stop not yet visited, ..., ``last``."""
    n = len(closed) - 1
    tour = [n, first]
    free = np.ones(n + 1, dtype=bool)
    free[[n, first]] = False
    if last is not None:
        free[last] = False
    for _ in range(n - 1 - (last is not None)):
        tour.append(int(np.where(free, closed[tour[-1]], np.inf).argmin()))
        free[tour[-1]] = False
    return np.array(tour if last is None else [*tour, last])


def _search(
    closed: FloatArray, tour: IntArray, rng: np.random.Generator, groups: IntArray | None
) -> IntArray:
    """Local search, then ``KICKS`` kicks each followed by local search, keeping the best."""
    moves = _Moves(len(tour), groups)
    tour = moves.descend(closed, tour)
    best = _tour_length(closed, tour)
    for _ in range(KICKS if len(tour) >= 8 else 0):
        tried = moves.descend(closed, _kick(tour, rng, groups))
        length = _tour_length(closed, tried)
        if length < best - EPS:
            tour, best = tried, length
    return tour


def _kick(tour: IntArray, rng: np.random.Generator, groups: IntArray | None) -> IntArray:
    """Swap two runs of the tour (a double bridge), a change 2-opt and Or-opt cannot make, so
    the search can leave its local optimum. With groups the cuts fall between groups, where
    they add no change of group for the search to undo."""
    m = len(tour)
    cuts = np.arange(1, m)
    if groups is not None:
        label = groups[tour]
        between = cuts[label[1:] != label[:-1]]
        cuts = between if len(between) >= 3 else cuts
    a, b, c = np.sort(rng.choice(cuts, 3, replace=False))
    kicked: IntArray = np.concatenate([tour[:a], tour[b:c], tour[a:b], tour[c:]])
    return kicked


class _Moves:
    """The moves over a tour of ``m`` nodes, with the masks of moves that make sense;
    ``groups`` labels each node's group (block face; negative for none)."""

    def __init__(self, m: int, groups: np.ndarray | None = None):
        self.m, self.groups = m, groups
        # 2-opt between edges i and j (i < j) reverses tour[i + 1 : j + 1]; adjacent edges
        # (including the last and the first) give nothing.
        self.pairs = np.triu(np.ones((m, m), dtype=bool), 2)
        self.pairs[0, m - 1] = False
        # Or-opt: how far along the tour edge j lies from the segment start i.
        self.ahead = (np.arange(m)[None, :] - np.arange(m)[:, None]) % m

    def descend(self, closed: np.ndarray, tour: np.ndarray) -> np.ndarray:
        """Make the best 2-opt move while one gains, then the best Or-opt move, until neither
        does."""
        while True:
            moved = self.two_opt(closed, tour)
            if moved is None:
                moved = self.or_opt(closed, tour)
                if moved is None:
                    return tour
            tour = moved

    def two_opt(self, closed: np.ndarray, tour: np.ndarray) -> np.ndarray | None:
        after = np.roll(tour, -1)
        edge = closed[tour, after]
        gain = closed[tour[:, None], tour] + closed[after[:, None], after] - edge[:, None] - edge
        gain[~self.pairs] = 0.0
        i, j = divmod(int(gain.argmin()), self.m)
        if gain[i, j] >= -EPS:
            return None
        moved = tour.copy()
        moved[i + 1 : j + 1] = tour[i + 1 : j + 1][::-1]
        return moved

    def or_opt(self, closed: np.ndarray, tour: np.ndarray) -> np.ndarray | None:
        """Carry a run of stops (1..OR_SEGMENT, or one group's whole run) into edge j, either
        way round, where that shortens the tour most."""
        m = self.m
        starts, sizes = self._segments(tour)
        after = np.roll(tour, -1)
        first, last = tour[starts], tour[(starts + sizes - 1) % m]
        before, beyond = tour[starts - 1], tour[(starts + sizes) % m]
        saved = closed[before, first] + closed[last, beyond] - closed[before, beyond]
        ahead = closed[tour, first[:, None]] + closed[last[:, None], after]
        behind = closed[tour, last[:, None]] + closed[first[:, None], after]
        delta = np.minimum(ahead, behind) - closed[tour, after] - saved[:, None]
        reach = self.ahead[starts]
        delta[(reach < sizes[:, None]) | (reach > m - 2)] = 0.0
        k, j = divmod(int(delta.argmin()), m)
        if delta[k, j] >= -EPS:
            return None
        i, size = int(starts[k]), int(sizes[k])
        rotated = np.roll(tour, -i)
        segment, rest = rotated[:size], rotated[size:]
        if behind[k, j] < ahead[k, j]:
            segment = segment[::-1]
        at = self.ahead[i, j] - size + 1
        return np.concatenate([rest[:at], segment, rest[at:]])

    def _segments(self, tour: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Start positions and sizes of the runs Or-opt may move: every run of 1..OR_SEGMENT
        stops; every run that begins or ends the path (beside the extra node), so a stray end
        can be folded back into the route; and each longer run of one group (a block face
        moved whole)."""
        m = self.m
        sizes = np.arange(1, min(OR_SEGMENT, m - 3) + 1)
        starts, lengths = np.tile(np.arange(m), len(sizes)), np.repeat(sizes, m)
        extra = int(np.flatnonzero(tour == m - 1)[0])
        ends = np.arange(len(sizes) + 1, m - 2)
        starts = np.r_[starts, np.full(len(ends), (extra + 1) % m), (extra - ends) % m]
        lengths = np.r_[lengths, ends, ends]
        if self.groups is None:
            return starts, lengths
        group = self.groups[tour]
        edges = np.flatnonzero(np.r_[True, group[1:] != group[:-1], True])
        run_starts, run_sizes = edges[:-1], np.diff(edges)
        long = (run_sizes > len(sizes)) & (run_sizes <= m - 3) & (group[run_starts] >= 0)
        return np.r_[starts, run_starts[long]], np.r_[lengths, run_sizes[long]]
