"""Even out the turfs of a part building by building, where whole block faces cannot.

A block face of rowhouses holds about ten homes, a sixth of a 60-door turf: moving whole
faces leaves turfs a face apart. After the cut has moved whole faces as far as they go, this
pass moves single buildings across the borders between neighbouring turfs:

1. How much weight each border carries is the flow that evens the turfs with the least
   movement (the diffusion solution of load balancing): with ``L`` the Laplacian of the
   turfs' adjacency and ``b`` each turf's excess over the mean of its neighbourhood,
   ``L phi = b``, and the flow from a turf to a neighbour is the drop in ``phi``.
2. Each flow is carried by growing the receiving turf into the giving one from their shared
   border, breadth first. A face already shared with the receiver, or begun, is finished
   before another is begun; a face that fits whole goes before one that would be split; a
   face is split only to move more than ``split_from``. A building is never split, and moves
   only when the giver stays in one piece (the receiver does: each building it takes touches
   it).

Turfs listed as ``fixed`` (a building heavier than a turf and a third, alone) neither give
nor take.
"""

from __future__ import annotations

import gc
import heapq
import math
from collections import deque
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from turf._typing import FloatArray, IntArray
from turf.blockfaces import NO_FACE
from turf.graph import AtomGraph, distinct_pairs, label_runs

__all__ = ["Flows", "border_flows", "even_out", "no_cycle_collection"]

#: Rounds of flows; each works from the weights the last one left.
ROUNDS = 2
#: Rounds of evening out pairs of neighbours after the flows, at most.
PAIR_ROUNDS = 4
#: Up to this many turfs the flows are solved at once (dense), beyond by conjugate gradients.
DENSE = 80
#: Conjugate-gradient steps at most, and the residual (in weight) that is close enough.
CG_STEPS, CG_TOLERANCE = 500, 1e-3

#: Buildings searched at least, from each side of a building about to move, before the
#: side is taken to be too heavy to go with it.
LOOKAROUND = 16

# Order of the buildings a border takes (lower first).
_CONTINUES, _FITS_WHOLE, _SPLITS = 0, 1, 2


@dataclass(frozen=True)
class Flows:
    """Weight to move between neighbouring turfs: ``amounts[i]`` from turf ``pairs[i, 0]``
    to turf ``pairs[i, 1]``; each turf's ``potential`` (weight flows downhill) and the
    ``mean`` weight of its connected group of turfs, which the flows bring it to."""

    pairs: IntArray
    amounts: FloatArray
    potential: FloatArray
    mean: FloatArray


def border_flows(totals: npt.ArrayLike, edges: npt.ArrayLike) -> Flows:
    """The weight to move across each border so that neighbouring turfs even out.

    Parameters
    ----------
    totals : (k,) weight of each turf.
    edges : (m, 2) pairs of neighbouring turfs (each pair once or both ways).

    Returns
    -------
    Flows: (e, 2) directed pairs (from, to) and (e,) positive amounts that, moved, leave
    every connected group of turfs at its mean weight; the least such movement (in the sum
    of squared amounts).

    Examples
    --------
    Three turfs in a row, 70, 60 and 50: ten doors go from the first to the last, through
    the middle one:

    >>> flows = border_flows([70, 60, 50], [[0, 1], [1, 2]])
    >>> flows.pairs.tolist(), flows.amounts.round(6).tolist()
    ([[0, 1], [1, 2]], [10.0, 10.0])
    """
    weight = np.asarray(totals, dtype=float)
    pairs = distinct_pairs(np.sort(np.asarray(edges, dtype=np.int64).reshape(-1, 2), axis=1))
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    if not len(pairs):
        return Flows(np.empty((0, 2), np.int64), np.empty(0), np.zeros(len(weight)), weight)
    group = label_runs(np.zeros(len(weight), np.int64), pairs)
    size = np.bincount(group, minlength=len(weight))
    mean = np.bincount(group, weights=weight, minlength=len(weight)) / np.maximum(size, 1)
    phi = _solve_laplacian(len(weight), pairs, weight - mean[group])
    drop = phi[pairs[:, 0]] - phi[pairs[:, 1]]
    directed: IntArray = np.where((drop >= 0)[:, None], pairs, pairs[:, ::-1])
    return Flows(directed, np.abs(drop), phi, mean[group])


def _solve_laplacian(n: int, pairs: IntArray, excess: FloatArray) -> FloatArray:
    """Conjugate gradients for ``L phi = excess`` (``excess`` sums to zero on each connected
    group, so the singular system has solutions; the iterates stay in the right space)."""
    a = np.concatenate([pairs[:, 0], pairs[:, 1]])
    b = np.concatenate([pairs[:, 1], pairs[:, 0]])
    degree = np.bincount(a, minlength=n).astype(float)
    if n <= DENSE:
        matrix = np.diag(degree)
        matrix[a, b] = -1.0  # each pair once each way
        exact: FloatArray = np.asarray(np.linalg.lstsq(matrix, excess, rcond=None)[0], float)
        return exact

    def laplacian(x: FloatArray) -> FloatArray:
        product: FloatArray = degree * x - np.bincount(a, weights=x[b], minlength=n)
        return product

    phi = np.zeros(n)
    residual = excess.copy()
    direction = residual.copy()
    squared = float(residual @ residual)
    for _ in range(CG_STEPS):
        if squared <= CG_TOLERANCE**2:
            break
        towards = laplacian(direction)
        step = squared / float(direction @ towards)
        phi += step * direction
        residual -= step * towards
        new_squared = float(residual @ residual)
        direction = residual + (new_squared / squared) * direction
        squared = new_squared
    return phi


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


class _State:
    """The buildings, their turfs and the running sums, as Python lists and dicts: the moves
    are one building at a time, where NumPy's per-call cost would dominate."""

    def __init__(
        self,
        labels: IntArray,
        weight: FloatArray,
        face: IntArray,
        graph: AtomGraph,
        fixed: Collection[int],
    ) -> None:
        self.graph = graph
        self.turf: list[int] = labels.tolist()
        self.weight: list[float] = weight.tolist()
        self.face: list[int] = face.tolist()
        self.start: list[int] = graph.start.tolist()
        self.neighbours: list[int] = graph.neighbours.tolist()
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
        count = int(labels.max()) + 1 if len(labels) else 0
        self.total: list[float] = np.bincount(labels, weights=weight, minlength=count).tolist()
        self.size: list[int] = np.bincount(labels, minlength=count).tolist()
        # Each face's weight and buildings in each turf, by (face, turf).
        faced = np.flatnonzero(face != NO_FACE)
        width = max(count, 1)
        keys = face[faced] * width + labels[faced]
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        first = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))[: len(keys)]
        sums = np.add.reduceat(weight[faced][order], first) if len(keys) else np.empty(0)
        counts = np.diff(np.append(first, len(keys)))
        names = list(
            zip((keys[first] // width).tolist(), (keys[first] % width).tolist(), strict=True)
        )
        self.face_weight: dict[tuple[int, int], float] = dict(
            zip(names, sums.tolist(), strict=True)
        )
        self.face_count: dict[tuple[int, int], int] = dict(zip(names, counts.tolist(), strict=True))
        positive = weight[weight > 0]
        self.lightest = float(positive.min()) if len(positive) else 0.0

    def of(self, building: int) -> list[int]:
        return self.neighbours[self.start[building] : self.start[building + 1]]

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

    def taken(self, building: int, giver: int, taker: int, left: float) -> list[int] | None:
        """What moves with ``building`` if it goes, lighter than ``2 * left``; None if it
        cannot go.

        It must touch the taker, and leave every face in one run per turf (a canvasser walks
        a face's run in one go): a building in the middle of its face's run in the giver
        takes the lighter end of the run with it, and a face the taker holds already must
        be joined, not begun again. A building at the end of its run takes the run's next
        buildings with it while they fit in ``left`` (one move, not one per house), and one
        whose going would cut the giver in two takes the smaller side.
        """
        face, turf, faces = self.face[building], self.turf, self.face
        touches = joins = False
        along = []
        for n in self.of(building):
            at = turf[n]
            if at == taker:
                touches = True
                joins |= face != NO_FACE and faces[n] == face
            elif at == giver and face != NO_FACE and faces[n] == face:
                along.append(n)
        cap = 2 * left
        if not touches or len(along) > 2:
            return None
        if face != NO_FACE and not joins and self.face_count.get((face, taker), 0):
            return None
        if len(along) == 1 and self.weight[building] < left:
            run = self.arm(building, along[0], left - self.weight[building], prefix=True)
            if run and self.leaves_whole([building, *run], giver):
                return [building, *run]
        if len(along) <= 1:
            return self.cut_off(building, giver, cap)
        arms = [self.arm(building, start, cap) for start in along]
        weights = [sum(self.weight[b] for b in arm) if arm else math.inf for arm in arms]
        arm = arms[weights.index(min(weights))]
        if arm is None or self.weight[building] + min(weights) >= cap:
            return None
        group = [building, *arm]
        return group if self.leaves_whole(group, giver) else None

    def arm(
        self, building: int, start: int, cap: float, *, prefix: bool = False
    ) -> list[int] | None:
        """The buildings of ``building``'s face run from ``start`` to the run's end (in
        ``start``'s turf), or None if the run forks or weighs ``cap``; with ``prefix``, as
        many of them as weigh at most ``cap``, up to a fork."""
        face, turf = self.face[building], self.turf[start]
        arm: list[int] = []
        seen, weight = {building}, 0.0
        step = [start]
        while len(step) == 1:
            here = step[0]
            if weight + self.weight[here] > cap or (
                not prefix and weight + self.weight[here] >= cap
            ):
                return arm if prefix else None
            arm.append(here)
            seen.add(here)
            weight += self.weight[here]
            step = [
                n
                for n in self.of(here)
                if n not in seen and self.face[n] == face and self.turf[n] == turf
            ]
        return arm if prefix or not step else None

    def leaves_whole(self, group: list[int], turf: int) -> bool:
        """Whether ``turf`` without ``group`` is still one piece (searched from one of the
        buildings next to the group until all the others are reached)."""
        gone = set(group)
        near = {n for b in group for n in self.of(b) if n not in gone and self.turf[n] == turf}
        if self.link_holds(sorted(near)):
            return True
        first = min(near)
        near.discard(first)
        seen, queue = gone | {first}, deque([first])
        while queue:
            for n in self.of(queue.popleft()):
                if n in seen or self.turf[n] != turf:
                    continue
                near.discard(n)
                if not near:
                    return True
                seen.add(n)
                queue.append(n)
        return False

    def rank(self, building: int, giver: int, taker: int, left: float, split_from: float) -> int:
        face = self.face[building]
        if face == NO_FACE or self.face_count.get((face, taker), 0):
            return _CONTINUES
        if self.face_weight[face, giver] <= left:
            return _FITS_WHOLE
        return _SPLITS if left >= split_from else _SPLITS + 1

    def cut_off(self, building: int, turf: int, cap: float) -> list[int] | None:
        """``building`` and the pieces of ``turf`` that hang on it (all the pieces its
        removal leaves but one) when together they weigh less than ``cap``, else None.

        Each piece is searched only until it weighs ``cap`` (and holds ``LOOKAROUND``
        buildings): that piece is the one left behind (a piece whose search runs into it is
        part of it), and a second one that heavy means there is nothing to take. Most
        buildings leave one piece: then ``[building]``.
        """
        near = [n for n in self.of(building) if self.turf[n] == turf]
        if self.link_holds(near):
            return [building]
        owner: dict[int, int] = {building: -1}
        pieces: list[list[int]] = []
        weights: list[float] = []
        heavy = -1
        for first in self.of(building):
            if first in owner or self.turf[first] != turf:
                continue
            piece, members, queue = len(pieces), [first], deque([first])
            owner[first] = piece
            weight, joined = self.weight[first], False
            while queue and not joined and (weight < cap or len(members) < LOOKAROUND):
                for n in self.of(queue.popleft()):
                    if self.turf[n] != turf:
                        continue
                    at = owner.get(n)
                    if at is None:
                        owner[n] = piece
                        members.append(n)
                        weight += self.weight[n]
                        queue.append(n)
                    elif at >= 0 and at != piece:
                        joined = True  # only the heavy piece is left unfinished
            if joined or weight >= cap:
                if joined or heavy < 0:
                    heavy = heavy if joined else piece
                else:
                    return None
                members, weight = [], 0.0
            pieces.append(members)
            weights.append(weight)
        if heavy < 0:
            heavy = weights.index(max(weights))
        taken = [building] + [b for i, piece in enumerate(pieces) if i != heavy for b in piece]
        return taken if sum(self.weight[b] for b in taken) < cap else None

    def link_holds(self, near: list[int]) -> bool:
        """Whether these neighbours of one building touch each other in a chain (then the
        building can go and they still hang together: the quick test most pass)."""
        if len(near) <= 1:
            return True
        around, reached, stack = set(near), {near[0]}, [near[0]]
        while stack:
            for n in self.of(stack.pop()):
                if n in around and n not in reached:
                    reached.add(n)
                    stack.append(n)
        return len(reached) == len(near)

    def move(self, building: int, giver: int, taker: int) -> None:
        w, face = self.weight[building], self.face[building]
        self.turf[building] = taker
        self.total[giver] -= w
        self.total[taker] += w
        self.size[giver] -= 1
        self.size[taker] += 1
        if face != NO_FACE:
            self.face_weight[face, giver] -= w
            self.face_count[face, giver] -= 1
            self.face_weight[face, taker] = self.face_weight.get((face, taker), 0.0) + w
            self.face_count[face, taker] = self.face_count.get((face, taker), 0) + 1
