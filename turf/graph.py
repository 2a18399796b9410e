"""Which atoms (block faces, buildings) of a part touch: the graph that keeps turfs contiguous.

Two atoms are neighbours when a Delaunay edge joins their doors inside the part. Delaunay
neighbours are exactly the doors whose Voronoi cells share an edge, and the turf polygons are
unions of those cells, so a turf whose atoms are connected in this graph is one polygon.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely

from turf._typing import Area, BoolArray, FloatArray, IntArray

#: How far past a hull edge (metres) its cells' shared edge is looked for.
RAY_STEP = 0.5

__all__ = ["AtomGraph", "cell_neighbours", "connected_components", "distinct_pairs", "label_runs"]


@dataclass(frozen=True)
class AtomGraph:
    """Adjacency of ``n`` atoms in compressed rows: the neighbours of atom ``a`` are
    ``neighbours[start[a]:start[a + 1]]``.

    >>> g = AtomGraph.from_pairs(3, np.array([[0, 1], [1, 2], [1, 0]]))
    >>> g.of(1).tolist(), g.of(2).tolist()
    ([0, 2], [1])
    """

    start: IntArray
    neighbours: IntArray

    @classmethod
    def from_pairs(cls, n: int, pairs: npt.ArrayLike) -> AtomGraph:
        """The graph of ``n`` atoms with an edge, both ways, for each (a, b) of ``pairs``."""
        edges = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        edges = edges[edges[:, 0] != edges[:, 1]]
        both = distinct_pairs(np.vstack([edges, edges[:, ::-1]]))
        counts = np.bincount(both[:, 0], minlength=n) if len(both) else np.zeros(n, np.int64)
        start = np.r_[0, np.cumsum(counts)]
        return cls(start=start, neighbours=both[:, 1] if len(both) else np.empty(0, np.int64))

    @property
    def size(self) -> int:
        return len(self.start) - 1

    def of(self, atom: int) -> IntArray:
        """The neighbours of ``atom``."""
        return self.neighbours[self.start[atom] : self.start[atom + 1]]


def cell_neighbours(points: FloatArray, part: Area | None = None) -> IntArray:
    """Index pairs of distinct ``points`` (m, 2) whose Voronoi cells, clipped to ``part``,
    share an edge.

    They are the Delaunay edges, less two kinds: those whose shared Voronoi edge has no
    length (four houses on one circle, common on a street grid: the cells meet at a point,
    and a turf joined there is two polygons) and those whose shared edge lies outside the
    part (the cells meet only across a bay of it).

    >>> cell_neighbours(np.array([[0., 0.], [1., 0.], [0., 1.]])).tolist()
    [[0, 1], [0, 2], [1, 2]]
    >>> cell_neighbours(np.array([[0., 0.], [1., 0.], [0., 1.], [1., 1.]])).tolist()
    [[0, 1], [0, 2], [1, 3], [2, 3]]
    """
    if len(points) < 2:
        return np.empty((0, 2), np.int64)
    if len(points) == 2 or _collinear(points):
        order = np.lexsort((points[:, 1], points[:, 0]))
        chain: IntArray = np.sort(np.c_[order[:-1], order[1:]], axis=1)
        return chain
    corners = _triangles(points)
    centres = _circumcentres(points[corners])
    edges = np.sort(corners[:, [0, 1, 1, 2, 2, 0]].reshape(-1, 2), axis=1)
    triangle = np.repeat(np.arange(len(corners)), 3)
    order = np.argsort(_pair_keys(edges), kind="stable")
    edges, triangle = edges[order], triangle[order]
    shared = np.flatnonzero((edges[1:] == edges[:-1]).all(axis=1))
    hull = np.ones(len(edges), dtype=bool)
    hull[shared] = hull[shared + 1] = False
    # An inner edge's Voronoi dual joins its two triangles' circumcentres.
    a, b = centres[triangle[shared]], centres[triangle[shared + 1]]
    keep = np.linalg.norm(a - b, axis=1) > 1e-6 * (1 + np.abs(points).max())
    inner = edges[shared][keep]
    a, b = a[keep], b[keep]
    hull_edges = edges[hull]
    if part is not None:
        # Cells clipped to the part still share their edge when some of it is in the part:
        # at its ends or at a quarter, half or three quarters along (cheap), else where it
        # crosses the part's edge (houses geocoded on a precinct line that runs down their
        # street have cells across it).
        inside: BoolArray = np.zeros(len(inner), dtype=bool)
        rest = np.arange(len(inner))
        for along in ([0.0, 1.0, 0.5], [0.25, 0.75]):
            at = a[rest] + np.array(along)[:, None, None] * (b[rest] - a[rest])
            hits = shapely.contains_xy(part, at[..., 0], at[..., 1])
            inside[rest] = np.asarray(np.any(hits, axis=0), dtype=bool)
            rest = rest[~inside[rest]]
        if len(rest):
            shapely.prepare(part)
            edges_out = shapely.linestrings(np.stack([a[rest], b[rest]], axis=1))
            # Touching the part's edge at a point is not sharing an edge inside it.
            inside[rest] = shapely.intersects(part, edges_out) & ~shapely.touches(part, edges_out)
        inner = inner[inside]
        # A hull edge's dual is a ray along its perpendicular bisector, away from the third
        # corner, from the circumcentre (or from the edge, when the centre lies inside it).
        own = triangle[hull]
        third = corners[own].sum(axis=1) - hull_edges.sum(axis=1)
        p, q, r = points[hull_edges[:, 0]], points[hull_edges[:, 1]], points[third]
        normal = np.c_[q[:, 1] - p[:, 1], p[:, 0] - q[:, 0]]
        normal *= np.sign(((p - r) * normal).sum(axis=1))[:, None]
        normal /= np.linalg.norm(normal, axis=1)[:, None]
        middle = (p + q) / 2
        beyond = np.maximum(((centres[own] - middle) * normal).sum(axis=1), 0) + RAY_STEP
        probe = middle + beyond[:, None] * normal
        hull_edges = hull_edges[shapely.contains_xy(part, probe[:, 0], probe[:, 1])]
    return distinct_pairs(np.vstack([inner, hull_edges]))


def distinct_pairs(pairs: npt.ArrayLike) -> IntArray:
    """The distinct rows of an (m, 2) array of non-negative ints, sorted.

    >>> distinct_pairs(np.array([[2, 1], [0, 3], [2, 1]])).tolist()
    [[0, 3], [2, 1]]
    """
    rows = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    if not len(rows):
        return rows
    # Sorted, then deduplicated: NumPy 2's np.unique hashes plain values, which is about a
    # hundred times slower here on a million pairs.
    keys = np.sort(_pair_keys(rows))
    keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    width = int(rows[:, 1].max()) + 1
    distinct: IntArray = np.c_[keys // width, keys % width]
    return distinct


def _pair_keys(pairs: IntArray) -> IntArray:
    """One int64 per pair that sorts as the pairs do (first, then second)."""
    width = int(pairs[:, 1].max()) + 1 if len(pairs) else 1
    keys: IntArray = pairs[:, 0] * width + pairs[:, 1]
    return keys


def _triangles(points: FloatArray) -> IntArray:
    """(t, 3) point indices of the Delaunay triangles."""
    triangles = shapely.delaunay_triangles(shapely.multipoints(points))
    # Each triangle is a closed ring of four coordinates, in one collection.
    corners = shapely.get_coordinates(triangles).reshape(-1, 4, 2)[:, :3]
    # GEOS keeps the input coordinates exactly: find each corner among the sorted points.
    keys = points[:, 0] + 1j * points[:, 1]
    order = np.argsort(keys)
    found = np.searchsorted(keys[order], corners[..., 0] + 1j * corners[..., 1])
    indices: IntArray = order[np.clip(found, 0, len(order) - 1)]
    return indices


def _circumcentres(triangles: FloatArray) -> FloatArray:
    a, b, c = triangles[:, 0], triangles[:, 1], triangles[:, 2]
    b, c = b - a, c - a
    d = 2 * (b[:, 0] * c[:, 1] - b[:, 1] * c[:, 0])
    bb, cc = (b**2).sum(axis=1), (c**2).sum(axis=1)
    x = (c[:, 1] * bb - b[:, 1] * cc) / d
    y = (b[:, 0] * cc - c[:, 0] * bb) / d
    centres: FloatArray = a + np.c_[x, y]
    return centres


def _collinear(points: FloatArray) -> bool:
    centred = points - points.mean(axis=0)
    return bool(np.linalg.matrix_rank(centred, tol=1e-9 * (1 + np.abs(centred).max())) < 2)


def connected_components(graph: AtomGraph, atoms: Iterable[int | np.integer]) -> list[list[int]]:
    """The connected pieces of the subgraph on ``atoms``, largest first.

    >>> g = AtomGraph.from_pairs(4, np.array([[0, 1], [2, 3]]))
    >>> connected_components(g, [0, 1, 2, 3])
    [[0, 1], [2, 3]]
    """
    members = set(int(a) for a in atoms)
    seen: set[int] = set()
    pieces: list[list[int]] = []
    for first in sorted(members):
        if first in seen:
            continue
        piece: list[int] = []
        queue = deque([first])
        seen.add(first)
        while queue:
            atom = queue.popleft()
            piece.append(atom)
            for other in graph.of(atom):
                other = int(other)
                if other in members and other not in seen:
                    seen.add(other)
                    queue.append(other)
        pieces.append(sorted(piece))
    return sorted(pieces, key=len, reverse=True)


def label_runs(labels: IntArray, pairs: IntArray, *, ignore: int = -1) -> IntArray:
    """A run number per point: points with one label, joined by a chain of ``pairs``.

    Points labelled ``ignore`` are runs of their own.

    >>> label_runs(np.array([5, 5, 7, 5]), np.array([[0, 1], [1, 2], [2, 3]])).tolist()
    [0, 0, 2, 3]
    """
    run = np.arange(len(labels))
    same = pairs[(labels[pairs[:, 0]] == labels[pairs[:, 1]]) & (labels[pairs[:, 0]] != ignore)]
    # Spread the smallest number along same-label edges; runs are short, so this ends fast.
    while len(same):
        low = np.minimum(run[same[:, 0]], run[same[:, 1]])
        before = run.copy()
        np.minimum.at(run, same[:, 0], low)
        np.minimum.at(run, same[:, 1], low)
        run = run[run]
        if np.array_equal(before, run):
            break
    return run
