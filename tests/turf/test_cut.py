"""turf.cut on a made-up street grid and on the nasty shapes: balance, contiguity, faces kept
whole, barriers and regions respected, polygons that tile without overlap."""

from __future__ import annotations

import numpy as np
import pytest
from shapely import LineString, Point, box

from tests.turf.city import (
    BOW_TIE,
    EMPTY,
    TWO_ISLANDS,
    WITH_HOLE,
    city_area,
    rowhouses,
    street_grid,
)
from turf.blockfaces import block_faces
from turf.cut import cut, turf_count
from turf.errors import TurfInputError
from turf.metrics import cut_metrics

COLUMNS, ROWS = 4, 4
HOUSES = rowhouses(COLUMNS, ROWS)
STREETS = street_grid(COLUMNS, ROWS)
FACES = block_faces(HOUSES, STREETS)
AREA = city_area(COLUMNS, ROWS)


def test_the_city_has_one_face_per_side_of_each_block():
    assert len(HOUSES) == 416
    _, per_face = np.unique(FACES, return_counts=True)
    assert len(per_face) == 32 and set(per_face) == {13}


@pytest.mark.parametrize("target", [26, 52, 60, 104])
def test_turfs_are_balanced_contiguous_and_keep_faces_whole(target):
    result = cut(HOUSES, target, AREA, faces=FACES, keep_faces=True)
    metrics = cut_metrics(result, HOUSES, target, faces=FACES)
    assert metrics.turfs == turf_count(416, target)
    assert metrics.doors == 416 and (result.labels >= 0).all()
    assert metrics.faces_split == 0
    assert metrics.contiguous == 1.0
    assert metrics.overlap_m2 < 1.0
    assert metrics.doors_outside_polygon == 0
    assert metrics.overall["within_tolerance"] == 1.0
    # Faces of 13 houses: the best split is within one face of the mean.
    assert metrics.overall["max"] - metrics.overall["min"] <= 13


def test_buildings_balance_to_five_percent_without_faces():
    result = cut(HOUSES, 52, AREA)
    metrics = cut_metrics(result, HOUSES, 52)
    assert metrics.overall["std_over_mean"] <= 0.05
    assert metrics.contiguous == 1.0
    assert metrics.polsby_popper > 0.3


def test_polygons_tile_the_area():
    result = cut(HOUSES, 52, AREA, faces=FACES)
    total = sum(t.polygon.area for t in result.turfs)
    assert total == pytest.approx(AREA.area, rel=1e-6)


def test_a_barrier_is_never_crossed():
    avenue = LineString([(240, -50), (240, 400)])  # the middle north-south street
    result = cut(HOUSES, 60, AREA, faces=FACES, barriers=[avenue])
    metrics = cut_metrics(result, HOUSES, 60, faces=FACES, barriers=[avenue])
    assert metrics.barrier_crossings == 0
    for turf in result.turfs:
        sides = set(np.sign(HOUSES[turf.doors, 0] - 240))
        assert len(sides) == 1


def test_regions_are_respected():
    west, east = box(-10, -10, 240, 330), box(240, -10, 490, 330)
    result = cut(HOUSES, 60, AREA, faces=FACES, regions=[west, east])
    for turf in result.turfs:
        inside = [region.buffer(0.01).covers(turf.polygon) for region in (west, east)]
        assert sum(inside) == 1


def test_an_apartment_building_is_one_stop_of_its_own_turf():
    houses = np.vstack([HOUSES, [[180.0, 40.0]]])
    weights = np.r_[np.ones(len(HOUSES)), 300]
    faces = np.r_[FACES, -1]
    result = cut(houses, 60, AREA, weights=weights, faces=faces)
    tower = [t for t in result.turfs if len(HOUSES) in t.doors]
    assert len(tower) == 1 and tower[0].weight >= 300
    metrics = cut_metrics(result, houses, 60, faces=faces)
    assert metrics.oversized_stops <= 1
    assert metrics.balanced["within_tolerance"] >= 0.9


def test_doors_outside_the_area_are_left_out():
    houses = np.vstack([HOUSES, [[5000.0, 5000.0]]])
    result = cut(houses, 52, AREA)
    assert result.outside.tolist() == [len(HOUSES)]
    assert result.labels[-1] == -1


def test_an_area_with_a_hole():
    keep = np.array([not WITH_HOLE.interiors[0].convex_hull.contains(Point(p)) for p in HOUSES])
    result = cut(HOUSES[keep], 52, WITH_HOLE)
    hole = WITH_HOLE.interiors[0].convex_hull
    assert all(t.polygon.intersection(hole).area < 1.0 for t in result.turfs)
    assert cut_metrics(result, HOUSES[keep], 52).contiguous == 1.0


def test_a_multipart_area_cuts_each_island():
    result = cut(HOUSES, 40, TWO_ISLANDS)
    assert len(result.parts) == 2
    assert all(len({t.part}) == 1 for t in result.turfs)
    assert {t.part for t in result.turfs} == {0, 1}


@pytest.mark.parametrize(
    ("doors", "turfs"),
    [
        pytest.param(np.empty((0, 2)), 0, id="no doors"),
        pytest.param(np.array([[100.0, 100.0]]), 1, id="one door"),
        pytest.param(np.full((50, 2), 100.0), 1, id="all on one point"),
        pytest.param(np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]]), 1, id="three in a row"),
    ],
)
def test_degenerate_doors(doors, turfs):
    result = cut(doors, 10, AREA)
    assert len(result.turfs) == turfs
    assert sum(len(t.doors) for t in result.turfs) == len(doors)


def test_a_target_larger_than_the_area_makes_one_turf():
    result = cut(HOUSES, 10_000, AREA, faces=FACES)
    assert len(result.turfs) == 1 and result.turfs[0].weight == 416


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"area": EMPTY}, "area", "empty"),
        ({"area": BOW_TIE}, "area", "not a valid polygon"),
        ({"area": LineString([(0, 0), (1, 1)])}, "area", "got a LineString"),
        ({"target": 0}, "target", "positive"),
        ({"target": float("nan")}, "target", "positive"),
        ({"xy": [[0, 0, 0]]}, "xy", "shape"),
        ({"xy": [[0, float("nan")]]}, "xy", "finite"),
        ({"weights": [-1] * 416}, "weights", "not negative"),
        ({"weights": [1, 2]}, "weights", "416"),
        ({"faces": [0.5] * 416}, "faces", "integer"),
        ({"barriers": [box(0, 0, 1, 1)]}, "barriers", "got a Polygon"),
    ],
)
def test_bad_input_is_named(kwargs, field, message):
    arguments = {"xy": HOUSES, "target": 52, "area": AREA, **kwargs}
    with pytest.raises(TurfInputError, match=message) as caught:
        cut(arguments.pop("xy"), arguments.pop("target"), arguments.pop("area"), **arguments)
    assert caught.value.field == field


def test_the_same_input_cuts_the_same_way():
    first = cut(HOUSES, 52, AREA, faces=FACES)
    again = cut(HOUSES, 52, AREA, faces=FACES)
    assert np.array_equal(first.labels, again.labels)
