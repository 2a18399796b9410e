"""turf.refine and the cut it evens out: flows between neighbouring turfs, single buildings
moved across borders, on the made-up city and the corpus of nasty shapes.

What holds everywhere: every door is in a turf, every turf is one polygon, no turf crosses a
region or a barrier, a face's doors in one turf are one run along the face (a canvasser
never skips a neighbour's door in the middle of a face), and turfs in a part are within a
building or two of each other.
"""

from __future__ import annotations

import gc

import numpy as np
import pytest
from shapely import LineString, Point, box

from tests.turf.city import TWO_ISLANDS, WITH_HOLE, city_area, rowhouses, street_grid
from turf.blockfaces import block_faces
from turf.cut import cut, turf_count
from turf.flows import border_flows
from turf.graph import AtomGraph
from turf.metrics import cut_metrics
from turf.refine import even_out

HOUSES = rowhouses(4, 4)
FACES = block_faces(HOUSES, street_grid(4, 4))
AREA = city_area(4, 4)


def interleaved_faces(labels: np.ndarray, xy: np.ndarray, faces: np.ndarray) -> list[list[int]]:
    """The faces whose doors, walked along the face, meet one turf twice."""
    found = []
    for face in np.unique(faces[faces >= 0]):
        doors = np.flatnonzero(faces == face)
        axis = np.ptp(xy[doors], axis=0).argmax()
        walked = labels[doors[np.argsort(xy[doors, axis], kind="stable")]]
        runs = walked[np.r_[True, walked[1:] != walked[:-1]]]
        if len(runs) != len(set(runs.tolist())):
            found.append(walked.tolist())
    return found


def spread_per_part(result) -> list[float]:
    """Max minus min weight of each part's turfs (oversized stops left out)."""
    parts: dict[int, list[float]] = {}
    for turf in result.turfs:
        if turf.weight <= 1.33 * 60 or len(turf.doors) > 1:
            parts.setdefault(turf.part, []).append(turf.weight)
    return [max(w) - min(w) for w in parts.values()]


def test_flows_bring_each_group_of_turfs_to_its_own_mean():
    totals = np.array([10.0, 20.0, 30.0, 5.0, 15.0])
    flows = border_flows(totals, [[0, 1], [1, 2], [3, 4], [4, 3]])
    after = totals.copy()
    for (giver, taker), amount in zip(flows.pairs, flows.amounts, strict=True):
        after[giver] -= amount
        after[taker] += amount
    assert after.round(6).tolist() == [20.0, 20.0, 20.0, 10.0, 10.0]
    assert flows.mean.round(6).tolist() == [20.0, 20.0, 20.0, 10.0, 10.0]


def test_flows_of_even_turfs_are_nothing():
    flows = border_flows([60, 60, 60], [[0, 1], [1, 2], [2, 0]])
    assert np.allclose(flows.amounts, 0)
    assert border_flows([60, 40], []).pairs.shape == (0, 2)


def test_flows_around_a_ring_go_both_ways():
    """A ring of four turfs, one heavy: it gives to both its neighbours, not all to one."""
    flows = border_flows([80, 60, 40, 60], [[0, 1], [1, 2], [2, 3], [3, 0]])
    out_of_heavy = sorted(a for (g, _), a in zip(flows.pairs, flows.amounts, strict=True) if g == 0)
    assert np.allclose(out_of_heavy, [10, 10])


def test_a_pocket_takes_a_side_with_the_building_that_joins_it():
    """Turf 1 (two houses) hangs on the middle of turf 0 (a row of ten): the only building
    it can take would cut turf 0 in two, so the lighter side goes with it."""
    row = [[i, i + 1] for i in range(9)]
    graph = AtomGraph.from_pairs(12, [*row, [5, 10], [10, 11]])
    turf_of = even_out([0] * 10 + [1] * 2, np.ones(12), graph)
    assert sorted(np.bincount(turf_of).tolist()) == [5, 7]
    for turf in (0, 1):
        members = set(np.flatnonzero(turf_of == turf).tolist())
        assert _connected(graph, members)


def test_a_fixed_turf_neither_gives_nor_takes():
    graph = AtomGraph.from_pairs(6, [[i, i + 1] for i in range(5)])
    turf_of = even_out([0, 0, 0, 0, 1, 1], np.ones(6), graph, fixed={1})
    assert turf_of.tolist() == [0, 0, 0, 0, 1, 1]


def test_a_face_is_not_split_to_gain_less_than_split_from():
    graph = AtomGraph.from_pairs(10, [[i, i + 1] for i in range(9)])
    faces = np.array([0] * 6 + [1] * 4)
    turf_of = even_out([0] * 6 + [1] * 4, np.ones(10), graph, faces=faces, split_from=2)
    assert turf_of.tolist() == [0] * 6 + [1] * 4
    turf_of = even_out([0] * 6 + [1] * 4, np.ones(10), graph, faces=faces)
    assert np.bincount(turf_of).tolist() == [5, 5]


@pytest.mark.parametrize("target", [26, 40, 52, 60, 70, 104])
def test_the_city_evens_out_to_a_house_or_two(target):
    """Faces of 13 houses; a face is split to gain more than ``SPLIT_FROM`` of the target
    (1.2 doors at 60), so two turfs may stay two houses apart rather than split one more."""
    result = cut(HOUSES, target, AREA, faces=FACES)
    metrics = cut_metrics(result, HOUSES, target, faces=FACES)
    assert metrics.turfs == turf_count(416, target)
    assert (result.labels >= 0).all() and metrics.doors == 416
    assert metrics.overall["max"] - metrics.overall["min"] <= 2
    assert metrics.contiguous == 1.0 and metrics.overlap_m2 < 1.0
    assert metrics.doors_outside_polygon == 0
    assert interleaved_faces(result.labels, HOUSES, FACES) == []
    if 416 % metrics.turfs == 0 and (416 // metrics.turfs) % 13 == 0:
        assert metrics.faces_split == 0  # whole faces even them out: none is split
    else:
        assert metrics.faces_split <= 2 * metrics.turfs


def test_keeping_faces_whole_leaves_turfs_a_face_apart():
    kept = cut(HOUSES, 60, AREA, faces=FACES, keep_faces=True)
    evened = cut(HOUSES, 60, AREA, faces=FACES)
    weights = [sorted(t.weight for t in c.turfs) for c in (kept, evened)]
    assert 2 < weights[0][-1] - weights[0][0] <= 13
    assert weights[1][-1] - weights[1][0] <= 2
    assert cut_metrics(kept, HOUSES, 60, faces=FACES).faces_split == 0


def test_the_cut_leaves_the_cycle_collector_as_it_found_it():
    assert gc.isenabled()
    cut(HOUSES, 60, AREA, faces=FACES)
    assert gc.isenabled()
    gc.disable()
    try:
        cut(HOUSES, 60, AREA, faces=FACES)
        assert not gc.isenabled()
    finally:
        gc.enable()


def _shape(name):
    """Doors, area and options of a nasty case."""
    if name == "with a hole":
        hole = WITH_HOLE.interiors[0].convex_hull
        keep = np.array([not hole.contains(Point(p)) for p in HOUSES])
        return HOUSES[keep], WITH_HOLE, {"faces": FACES[keep]}
    if name == "two islands":
        return HOUSES, TWO_ISLANDS, {"faces": FACES}
    if name == "a U":
        area = AREA.difference(box(120, 100, 360, 400))
        keep = np.array([area.contains(Point(p)) for p in HOUSES])
        return HOUSES[keep], area, {"faces": FACES[keep]}
    if name == "a precinct line through the blocks":
        regions = [box(-10, -10, 200, 330), box(200, -10, 490, 330)]
        return HOUSES, AREA, {"faces": FACES, "regions": regions}
    if name == "a barrier":
        return HOUSES, AREA, {"faces": FACES, "barriers": [LineString([(240, -50), (240, 450)])]}
    if name == "a face of flats":
        weights = np.where(FACES[0] == FACES, 10.0, 1.0)  # 13 x 10: over a turf and a third
        return HOUSES, AREA, {"faces": FACES, "weights": weights}
    if name == "a 300-unit tower":
        houses = np.vstack([HOUSES, [[180.0, 40.0]]])
        options = {"faces": np.r_[FACES, -1], "weights": np.r_[np.ones(len(HOUSES)), 300]}
        return houses, AREA, options
    if name == "homes of 0 to 5 targets":
        weights = np.random.default_rng(1).integers(0, 6, len(HOUSES)).astype(float)
        return HOUSES, AREA, {"faces": FACES, "weights": weights}
    assert name == "no streets"
    return HOUSES, AREA, {}


@pytest.mark.parametrize(
    "name",
    [
        "with a hole",
        "two islands",
        "a U",
        "a precinct line through the blocks",
        "a barrier",
        "a face of flats",
        "a 300-unit tower",
        "homes of 0 to 5 targets",
        "no streets",
    ],
)
def test_the_nasty_shapes_even_out(name):
    xy, area, options = _shape(name)
    result = cut(xy, 60, area, **options)
    faces = options.get("faces")
    lines = [*options.get("barriers", ()), *(r.boundary for r in options.get("regions", ()))]
    metrics = cut_metrics(result, xy, 60, faces=faces, barriers=lines)
    inside = np.array([area.covers(Point(p)) for p in xy])
    assert ((result.labels >= 0) == inside).all()
    assert metrics.contiguous == 1.0 and metrics.barrier_crossings == 0
    assert metrics.overlap_m2 < 1.0 and metrics.doors_outside_polygon == 0
    heaviest = (options["weights"] if "weights" in options else np.ones(len(xy))).max()
    assert max(spread_per_part(result)) <= 2 * min(heaviest, 5)
    if faces is not None:
        assert interleaved_faces(result.labels, xy, faces) == []
    # Only a single building heavier than a turf and a third is a turf of its own.
    assert metrics.oversized_stops == (1 if name == "a 300-unit tower" else 0)
    again = cut(xy, 60, area, **options)
    assert np.array_equal(result.labels, again.labels)


def _connected(graph: AtomGraph, members: set[int]) -> bool:
    start = min(members)
    seen, stack = {start}, [start]
    while stack:
        for n in graph.of(stack.pop()).tolist():
            if n in members and n not in seen:
                seen.add(n)
                stack.append(n)
    return seen == members
