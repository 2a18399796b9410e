"""Walking distances between stops along the street network.

Each stop is snapped to the foot of its nearest street; the streets near the turf make a graph
whose nodes are line ends and the vertices lines share, and Dijkstra runs from each stop's foot.
A stop with no street within reach, or on a piece of network cut off from another stop's,
walks to it in a straight line instead: a finite guess beats an infinite distance that would
wreck the ordering.
"""

from __future__ import annotations

import heapq

import numpy as np
import numpy.typing as npt
import shapely

from turf._typing import BoolArray, FloatArray, Geometries, GeometryArray, IntArray
from turf.blockfaces import NO_FACE, as_lines, block_faces
from turf.errors import TurfInputError
from turf.projection import as_points

__all__ = ["MARGIN", "MAX_SNAP", "street_distances"]

#: Streets further than this beyond the stops' bounding box are left out of the graph (metres).
MARGIN = 200.0
#: Stops further than this from every street walk in straight lines (metres).
MAX_SNAP = 100.0
#: Vertices closer than this are one node (metres): shared ends drift when projected.
NODE_GRID = 1e-3


def street_distances(
    xy: npt.ArrayLike, streets: Geometries, *, margin: float = MARGIN, max_snap: float = MAX_SNAP
) -> FloatArray:
    """(n, n) walking distances between stops, along ``streets`` where they reach.

    A walk goes from the stop to the foot of its street (the offset), along the streets, and
    to the other stop. Two stops on one piece of street walk along it; on the same side they
    do not cross, so only the difference of their offsets counts.

    Parameters
    ----------
    xy : (n, 2) array of stop points, metres.
    streets : LineStrings (metres); they join where they share a vertex.
    margin : how far beyond the stops' bounding box a walk may go (metres).
    max_snap : stops further than this from every street walk in straight lines (metres).

    Returns
    -------
    (n, n) symmetric array, metres.

    Examples
    --------
    Two streets at a corner; stops 5 m off them (0 and 1 on one side, 2 across), and one stop
    far from both, which walks straight:

    >>> from shapely import LineString
    >>> streets = [LineString([(0, 0), (100, 0)]), LineString([(100, 0), (100, 100)])]
    >>> stops = [[20, 5], [80, 5], [50, -5], [95, 50], [400, 400]]
    >>> street_distances(stops, streets).round(1)
    array([[  0. ,  60. ,  40. , 140. , 548.1],
           [ 60. ,   0. ,  40. ,  80. , 508.4],
           [ 40. ,  40. ,   0. , 110. , 535.3],
           [140. ,  80. , 110. ,   0. , 464.2],
           [548.1, 508.4, 535.3, 464.2,   0. ]])
    """
    points = as_points(xy, "xy")
    for name, value in (("margin", margin), ("max_snap", max_snap)):
        if not np.isfinite(value) or value < 0:
            raise TurfInputError(f"{name} must be a finite number >= 0", field=name)
    straight: FloatArray = np.hypot(*(points[:, None, :] - points[None, :, :]).transpose(2, 0, 1))
    pieces = _pieces(as_lines(_near(streets, points, margin)))
    if len(points) < 2 or not len(pieces):
        return straight
    feet = _Feet(points, pieces, max_snap)
    walks = np.full_like(straight, np.inf)
    walks[np.ix_(feet.stops, feet.stops)] = _walks_between(feet, pieces)
    walks = np.where(np.isfinite(walks), walks, straight)
    np.fill_diagonal(walks, 0.0)
    symmetric: FloatArray = np.minimum(walks, walks.T)
    return symmetric


class _Feet:
    """Where the stops within ``max_snap`` of a street meet it: which ``stops``, on which
    piece of street and side, how far along it, and how far off it."""

    def __init__(self, points: FloatArray, pieces: GeometryArray, max_snap: float) -> None:
        # Unmended faces: a walk starts from the street nearest the door, whatever face the
        # door is counted in.
        face = block_faces(points, pieces, max_distance=max_snap, mend=False)
        self.stops = np.flatnonzero(face != NO_FACE)
        self.piece, self.side = face[self.stops] // 2, face[self.stops] % 2
        doors = shapely.points(points[self.stops])
        self.along = shapely.line_locate_point(pieces[self.piece], doors)
        self.offset = shapely.distance(pieces[self.piece], doors)


def _walks_between(feet: _Feet, pieces: GeometryArray) -> FloatArray:
    """(k, k) walks between the snapped stops: through the network's nodes, or along their
    own piece of street when they share one."""
    ends, lengths, graph = _graph(pieces)
    u, v = ends[feet.piece, 0], ends[feet.piece, 1]
    along, rest, offset = feet.along, lengths[feet.piece] - feet.along, feet.offset
    targets = set(u.tolist()) | set(v.tolist())
    walks = np.empty((len(feet.stops), len(feet.stops)))
    for row in range(len(feet.stops)):
        sources = [(along[row], int(u[row])), (rest[row], int(v[row]))]
        nodes = _dijkstra(graph, sources, targets)
        walks[row] = np.minimum(nodes[u] + along, nodes[v] + rest) + offset[row] + offset
    # On one piece: along it, plus the offsets' difference, plus both offsets' common part
    # twice when crossing to the other side.
    same_side = feet.side[:, None] == feet.side[None, :]
    crossing = np.where(same_side, 0.0, 2 * np.minimum.outer(offset, offset))
    on_piece = np.abs(np.subtract.outer(along, along)) + np.abs(np.subtract.outer(offset, offset))
    same = feet.piece[:, None] == feet.piece[None, :]
    shortest: FloatArray = np.where(same, np.minimum(walks, on_piece + crossing), walks)
    return shortest


def _near(streets: Geometries, points: FloatArray, margin: float) -> GeometryArray:
    """The streets whose bounds come within ``margin`` of the stops' bounding box (and
    anything that is not a geometry, for ``as_lines`` to refuse)."""
    geoms: GeometryArray = np.asarray(streets, dtype=object).ravel()
    if not len(geoms) or not len(points):
        return geoms
    # Cheap box test first: checking and splitting a whole city's streets costs more than
    # all the walks of a turf.
    is_geometry = shapely.is_geometry(geoms)
    only_geometries = geoms.copy()
    only_geometries[~is_geometry] = None
    bounds = shapely.bounds(only_geometries)
    low, high = points.min(axis=0) - margin, points.max(axis=0) + margin
    inside: BoolArray = (bounds[:, :2] <= high).all(axis=1) & (bounds[:, 2:] >= low).all(axis=1)
    return geoms[inside | ~is_geometry]


def _pieces(lines: GeometryArray) -> GeometryArray:
    """The lines cut at every vertex another line shares, so walks can turn there."""
    if not len(lines):
        return lines
    coords, line_of = shapely.get_coordinates(lines, return_index=True)
    _, node, uses = np.unique(
        np.round(coords / NODE_GRID), axis=0, return_inverse=True, return_counts=True
    )
    first = np.r_[True, line_of[1:] != line_of[:-1]]
    last = np.r_[line_of[1:] != line_of[:-1], True]
    at = np.flatnonzero(first | last | (uses[node.ravel()] > 1))
    begin, end = at[:-1], at[1:]
    same = line_of[begin] == line_of[end]
    begin, end = begin[same], end[same]
    if not len(begin):
        return np.empty(0, dtype=object)
    # Piece k is coords[begin[k] : end[k] + 1]: shared vertices appear in both pieces.
    sizes = end - begin + 1
    piece_of = np.repeat(np.arange(len(begin)), sizes)
    rows = begin[piece_of] + np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    cut: GeometryArray = shapely.linestrings(coords[rows], indices=piece_of)
    return cut[shapely.length(cut) > 0]


def _graph(pieces: GeometryArray) -> tuple[IntArray, FloatArray, list[list[tuple[int, float]]]]:
    """Node ids of each piece's two ends, the pieces' lengths, and adjacency lists."""
    end_points = np.stack([shapely.get_point(pieces, 0), shapely.get_point(pieces, -1)], axis=1)
    xy = shapely.get_coordinates(end_points.ravel())
    _, node = np.unique(np.round(xy / NODE_GRID), axis=0, return_inverse=True)
    ends: IntArray = node.reshape(-1, 2)
    lengths = shapely.length(pieces)
    graph: list[list[tuple[int, float]]] = [[] for _ in range(int(ends.max()) + 1)]
    for (a, b), length in zip(ends.tolist(), lengths.tolist(), strict=True):
        graph[a].append((b, length))
        graph[b].append((a, length))
    return ends, lengths, graph


def _dijkstra(
    graph: list[list[tuple[int, float]]], sources: list[tuple[float, int]], targets: set[int]
) -> FloatArray:
    """Distances from ``sources`` (starting distance, node) to every node, stopping once all
    ``targets`` are settled; unreached nodes are inf."""
    inf = float("inf")
    done = [inf] * len(graph)
    heap = [(float(d), node) for d, node in sources]
    heapq.heapify(heap)
    left = len(targets)
    while heap and left:
        d, node = heapq.heappop(heap)
        if done[node] != inf:
            continue
        done[node] = d
        left -= node in targets
        for other, length in graph[node]:
            if done[other] == inf:
                heapq.heappush(heap, (d + length, other))
    return np.array(done)
