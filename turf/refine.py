"""Even out turfs by moving units (whole faces, or single buildings) between neighbours.

A block face of rowhouses holds about ten homes, a sixth of a 60-door turf: whole faces leave
turfs a face apart, so the cut evens them out twice, in whole faces and then in buildings.
Each time:

1. Rounds of flows: how much each border carries is the flow that evens the turfs with the
   least movement (``turf.flows``). Uphill turfs go first, so a turf has taken what it is
   owed before it gives what it holds over the mean.
2. Then rounds over pairs of neighbours, the furthest apart first, for what the flows spread
   thinner than a unit over several borders.

A border's amount is carried by growing the taking turf into the giving one from their
border, breadth first: a face already shared with the taker, or begun, is finished before
another is begun; a face that fits whole goes before one that would be split; a face is split
only to move at least ``split_from``. What may go with each building, so that every turf stays
in one piece and every face in one run per turf, is ``turf.movable``'s. Turfs listed as
``fixed`` (a building heavier than a turf and a third, alone) neither give nor take.
"""

from __future__ import annotations

import gc
import heapq
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from turf._typing import FloatArray, IntArray
from turf.blockfaces import NO_FACE
from turf.flows import border_flows
from turf.graph import AtomGraph
from turf.movable import Buildings

__all__ = ["even_out", "no_cycle_collection"]

#: Rounds of flows; each works from the weights the last one left.
ROUNDS = 2
#: Rounds of evening out pairs of neighbours after the flows, at most.
PAIR_ROUNDS = 4
# Order of the buildings a border takes (lower first).
_CONTINUES, _FITS_WHOLE, _SPLITS = 0, 1, 2


def even_out(
    turf_of: npt.ArrayLike,
    weights: npt.ArrayLike,
    graph: AtomGraph,
    *,
    faces: npt.ArrayLike | None = None,
    fixed: Collection[int] = (),
    split_from: float = 0.0,
    rounds: int = ROUNDS,
) -> IntArray:
    """Move units (buildings, or whole faces) between neighbouring turfs to even out their
    weights.

    Parameters
    ----------
    turf_of : (n,) turf of each unit.
    weights : (n,) weight of each unit.
    graph : which units touch (their Voronoi cells share an edge).
    faces : (n,) block face of each building, ``NO_FACE`` for none; default none.
    fixed : turfs that neither give nor take.
    split_from : a face is split only to move at least this much weight (``math.inf``:
        never).
    rounds : at most this many rounds of flows.

    Returns
    -------
    (n,) the new turf of each unit; a turf that was connected in ``graph`` still is.

    Examples
    --------
    Ten houses in a row, one face, split 7 / 3: two houses change turf, and the face is
    in two runs, not more:

    >>> graph = AtomGraph.from_pairs(10, [[i, i + 1] for i in range(9)])
    >>> even_out([0] * 7 + [1] * 3, np.ones(10), graph, faces=np.zeros(10, int)).tolist()
    [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]
    """
    labels = np.asarray(turf_of, dtype=np.int64)
    face = np.full(len(labels), NO_FACE) if faces is None else np.asarray(faces, np.int64)
    with no_cycle_collection():
        state = _State(labels, np.asarray(weights, dtype=float), face, graph, fixed)
        # A round that moves fewer buildings than 1 % of the turfs ends its kind of round.
        quiet = len(set(state.turf)) // 100
        for _ in range(rounds):
            if state.flow_round(split_from) <= quiet:
                break
        for _ in range(PAIR_ROUNDS):
            if state.pair_round(split_from) <= quiet:
                break
    return np.asarray(state.turf, dtype=np.int64)


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused (and resumed as it was): the cut makes many small
    tuples and lists beside lists of a million ints, and each full collection would walk
    those again (a quarter of the time on a million doors). The cut makes no reference
    cycle, so there is nothing for the collector to find."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True)
class _Borders:
    """Each side of each border between two turfs: ``keys`` (giver * ``count`` + taker,
    sorted), the giver's buildings on it and the lightest of them that weighs anything."""

    keys: IntArray
    count: int
    bounds: list[int]
    buildings: list[int]
    lightest: FloatArray

    def pairs(self) -> IntArray:
        """(giver, taker) of each side."""
        pairs: IntArray = np.stack([self.keys // self.count, self.keys % self.count], axis=1)
        return pairs

    def find(self, pairs: IntArray) -> IntArray:
        """The side of each (giver, taker) (each must be one)."""
        found: IntArray = np.searchsorted(self.keys, pairs[:, 0] * self.count + pairs[:, 1])
        return found

    def side(self, index: int) -> list[int]:
        return self.buildings[self.bounds[index] : self.bounds[index + 1]]


class _State(Buildings):
    """The buildings of a cut and the rounds that move them."""

    def __init__(
        self,
        labels: IntArray,
        weight: FloatArray,
        face: IntArray,
        graph: AtomGraph,
        fixed: Collection[int],
    ) -> None:
        super().__init__(labels, weight, face, graph)
        self.fixed = {int(t) for t in fixed}
        # The edges between buildings that may trade (a fixed turf's never do), once each.
        src = np.repeat(np.arange(len(labels)), np.diff(graph.start))
        dst = graph.neighbours
        keep = src < dst
        if self.fixed:
            held = np.isin(labels, np.fromiter(self.fixed, dtype=np.int64))
            keep &= ~held[src] & ~held[dst]
        self.edges = (src[keep], dst[keep])
        self.weights = weight
        positive = weight[weight > 0]
        self.lightest = float(positive.min()) if len(positive) else 0.0

    def borders(self) -> _Borders | None:
        """The buildings on each side of each border between turfs that may trade."""
        labels = np.asarray(self.turf, dtype=np.int64)
        src, dst = self.edges
        cross = labels[src] != labels[dst]
        if not cross.any():
            return None
        # An edge across a border puts each of its ends on its own turf's side of it.
        ends = np.concatenate([src[cross], dst[cross]])
        giver, taker = labels[ends], labels[np.concatenate([dst[cross], src[cross]])]
        count = len(self.total)
        keys = giver * count + taker
        order = np.lexsort((ends, keys))
        keys, ends = keys[order], ends[order]
        once = np.concatenate(([True], (keys[1:] != keys[:-1]) | (ends[1:] != ends[:-1])))
        keys, ends = keys[once], ends[once]
        first = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
        weight = self.weights[ends]
        lightest = np.minimum.reduceat(np.where(weight > 0, weight, np.inf), first)
        return _Borders(
            keys[first], count, np.append(first, len(keys)).tolist(), ends.tolist(), lightest
        )

    def settled(self) -> bool:
        """Whether no two turfs that may trade are a unit apart (nothing can move)."""
        totals = [t for i, t in enumerate(self.total) if self.size[i] and i not in self.fixed]
        return not totals or not self.lightest or max(totals) - min(totals) <= self.lightest

    def flow_round(self, split_from: float) -> int:
        """One round of flows between the turfs that may trade; how many buildings moved."""
        borders = None if self.settled() else self.borders()
        if borders is None:
            return 0
        flows = border_flows(self.total, borders.pairs())
        # Uphill turfs first: a turf has taken all it takes before it gives. It gives what
        # it holds above its mean by then, shared among its borders as the flows share it.
        givers = flows.pairs[:, 0]
        order = np.lexsort((-flows.amounts, -flows.potential[givers]))
        planned = np.bincount(givers, weights=flows.amounts, minlength=len(self.total)).tolist()
        # Flows far below a unit carry nothing; each giver's main one is kept (below).
        main = np.concatenate(([True], givers[order][1:] != givers[order][:-1]))
        order = order[main | (flows.amounts[order] > self.lightest / 4)]
        sides = borders.find(flows.pairs[order]).tolist()
        mean = flows.mean.tolist()
        moved, excesses = 0, dict[int, float]()
        for (giver, taker), amount, side in zip(
            flows.pairs[order].tolist(), flows.amounts[order].tolist(), sides, strict=True
        ):
            excess = max(self.total[giver] - mean[giver], 0.0)
            share = amount * excess / planned[giver] if planned[giver] > 0 else 0.0
            planned[giver] -= amount
            if giver not in excesses and 2 * share <= self.lightest < 2 * excess:
                # Shared out, the excess is less than a unit per border: it goes whole
                # down the main one, and on from there.
                share = excess
            excesses[giver] = excess
            if 2 * share > borders.lightest[side]:
                moved += self.carry(giver, taker, share, borders.side(side), split_from)
        return moved

    def pair_round(self, split_from: float) -> int:
        """Even out each pair of neighbours, the furthest apart first: what flows spread
        thinner than a unit over several borders goes whole across one."""
        borders = None if self.settled() else self.borders()
        if borders is None:
            return 0
        pairs = borders.pairs()
        pairs = pairs[pairs[:, 0] < pairs[:, 1]]
        total = np.asarray(self.total)
        pairs = pairs[np.argsort(-np.abs(total[pairs[:, 0]] - total[pairs[:, 1]]), kind="stable")]
        forth, back = borders.find(pairs).tolist(), borders.find(pairs[:, ::-1]).tolist()
        moved = 0
        for (a, b), ab, ba in zip(pairs.tolist(), forth, back, strict=True):
            giver, taker, side = (a, b, ab) if self.total[a] >= self.total[b] else (b, a, ba)
            gap = self.total[giver] - self.total[taker]
            if gap > borders.lightest[side]:
                moved += self.carry(giver, taker, gap / 2, borders.side(side), split_from)
        return moved

    def carry(
        self, giver: int, taker: int, amount: float, border: list[int], split_from: float
    ) -> int:
        """Move buildings of ``giver`` next to ``taker`` until ``amount`` has crossed; how
        many moved."""
        left = amount
        weight, turf, rank = self.weight, self.turf, self.rank
        queue: list[tuple[int, int, int]] = []
        for building in border:
            # Only a building lighter than twice what is left brings the two closer. Each is
            # ranked when it comes up (hoped the best until then).
            if turf[building] == giver and 0 < weight[building] < 2 * left:
                queue.append((_CONTINUES, len(queue), building))
        if not queue:
            return 0
        heapq.heapify(queue)
        waiting = {building for _, _, building in queue}
        pushed = len(queue)
        moved = 0
        while queue and 2 * left > self.lightest:
            was, seq, building = heapq.heappop(queue)
            waiting.discard(building)
            w = weight[building]
            if turf[building] != giver or not 0 < w < 2 * left:
                continue
            now = rank(building, giver, taker, left, split_from)
            if now > _SPLITS:
                continue
            if now > was:
                heapq.heappush(queue, (now, seq, building))
                waiting.add(building)
                continue
            group = self.taken(building, giver, taker, left)
            if group is None or len(group) >= self.size[giver]:
                continue
            w = sum(weight[b] for b in group)
            for b in group:
                self.move(b, giver, taker)
            left -= w
            moved += len(group)
            # Its neighbours now touch the taker (one tried before may be the end of a
            # face's run now): they are tried (again).
            for b in group:
                for n in self.of(b):
                    if turf[n] == giver and n not in waiting:
                        pushed += 1
                        heapq.heappush(queue, (_CONTINUES, pushed, n))
                        waiting.add(n)
        return moved

    def rank(self, building: int, giver: int, taker: int, left: float, split_from: float) -> int:
        face = self.face[building]
        if face == NO_FACE or self.face_count.get((face, taker), 0):
            return _CONTINUES
        if self.face_weight[face, giver] <= left:
            return _FITS_WHOLE
        return _SPLITS if left >= split_from else _SPLITS + 1
