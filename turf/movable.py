"""Which buildings can change turf together, keeping every turf in one piece and every
block face in one run per turf.

A canvasser walks a face's run in one go, so a building leaves its turf only from the end of
its face's run there (or with the lighter end of the run, from the middle), and joins the
taking turf's run of the face if it has one. A building whose going would cut its turf in two
takes the smaller side with it.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np

from turf._typing import FloatArray, IntArray
from turf.blockfaces import NO_FACE
from turf.graph import AtomGraph

__all__ = ["Buildings"]

#: Buildings searched at least, from each side of a building about to move, before the
#: side is taken to be too heavy to go with it.
LOOKAROUND = 16


class Buildings:
    """The buildings, their turfs, weights and faces, and running sums per turf and per
    (face, turf), as Python lists and dicts: moves are one building at a time, where NumPy's
    per-call cost would dominate.

    >>> graph = AtomGraph.from_pairs(4, [[0, 1], [1, 2], [2, 3]])
    >>> row = Buildings(np.array([0, 0, 0, 1]), np.ones(4), np.zeros(4, int), graph)
    >>> row.taken(2, 0, 1, 1.5)
    [2]
    >>> row.taken(1, 0, 1, 1.5) is None  # it does not touch turf 1
    True
    """

    def __init__(
        self, labels: IntArray, weight: FloatArray, face: IntArray, graph: AtomGraph
    ) -> None:
        self.graph = graph
        self.turf: list[int] = labels.tolist()
        self.weight: list[float] = weight.tolist()
        self.face: list[int] = face.tolist()
        self.start: list[int] = graph.start.tolist()
        self.neighbours: list[int] = graph.neighbours.tolist()
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

    def of(self, building: int) -> list[int]:
        return self.neighbours[self.start[building] : self.start[building + 1]]

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
