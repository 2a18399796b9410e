"""turf.order: routes are permutations, short (a grid's known optimum, LKH-3), keep block faces
together, respect a fixed start, survive the nasty inputs; walk-list rows in natural unit
order."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from shapely import LineString

from tests.turf.city import rowhouses, street_grid
from turf.blockfaces import block_faces
from turf.errors import TurfInputError
from turf.network import street_distances
from turf.order import listing_order, natural_key, order_stops, route_length

RNG = np.random.default_rng(20)
SCATTERED = [RNG.random((n, 2)) * 400 for n in (3, 5, 8, 20, 60, 100)]

NASTY = {
    "no stops": np.empty((0, 2)),
    "one stop": np.array([[5.0, 5.0]]),
    "two stops": np.array([[0.0, 0.0], [10.0, 0.0]]),
    "three stops": np.array([[0.0, 0.0], [10.0, 0.0], [5.0, 1.0]]),
    "all on one point": np.full((40, 2), 7.0),
    "some duplicates": np.repeat(RNG.random((10, 2)) * 100, 3, axis=0),
    "collinear": np.c_[RNG.permutation(50) * 6.0, np.zeros(50)],
    "collinear diagonal": np.c_[np.arange(30.0), np.arange(30.0)][RNG.permutation(30)],
    "far apart": np.array([[0.0, 0.0], [1e5, 0.0], [1.0, 0.0], [1e5, 1.0]]),
    "more than a window": RNG.random((300, 2)) * 800,
}


def nearest_neighbour_length(xy: np.ndarray, start: int) -> float:
    """The plain nearest-neighbour walk from ``start``, as a yardstick."""
    cost = np.hypot(*(xy[:, None] - xy[None]).transpose(2, 0, 1))
    order, free = [start], np.ones(len(xy), dtype=bool)
    free[start] = False
    for _ in range(len(xy) - 1):
        order.append(int(np.where(free, cost[order[-1]], np.inf).argmin()))
        free[order[-1]] = False
    return route_length(order, distances=cost)


def face_runs(labels: np.ndarray) -> int:
    return int(1 + np.count_nonzero(labels[1:] != labels[:-1])) if len(labels) else 0


def one_street_both_sides() -> tuple[np.ndarray, list[LineString], np.ndarray]:
    """Twelve houses each side of a 100 m street, 6 m off the centreline."""
    x = np.arange(6.0, 100.0, 8.0)
    xy = np.r_[np.c_[x, np.full_like(x, 6.0)], np.c_[x, np.full_like(x, -6.0)]]
    streets = [LineString([(0, 0), (100, 0)])]
    return xy, streets, block_faces(xy, streets)


@pytest.mark.parametrize("name", NASTY)
def test_nasty_stops_give_a_permutation_of_finite_length(name):
    xy = NASTY[name]
    route = order_stops(xy)
    assert sorted(route.order.tolist()) == list(range(len(xy)))
    assert np.isfinite(route.length)
    assert route.length == pytest.approx(route_length(route.order, xy=xy))


@pytest.mark.parametrize("name", NASTY)
def test_nasty_stops_on_a_distance_matrix(name):
    xy = NASTY[name]
    cost = np.hypot(*(xy[:, None] - xy[None]).transpose(2, 0, 1))
    route = order_stops(distances=cost)
    assert sorted(route.order.tolist()) == list(range(len(xy)))
    assert route.length == pytest.approx(route_length(route.order, distances=cost))


def test_stops_on_one_point_walk_nowhere():
    assert order_stops(np.full((40, 2), 7.0)).length == 0.0


def test_collinear_stops_are_walked_end_to_end():
    xy = NASTY["collinear"]
    assert order_stops(xy).length == pytest.approx(49 * 6.0)


@pytest.mark.parametrize("xy", SCATTERED, ids=len)
def test_search_is_never_longer_than_nearest_neighbour(xy):
    for start in (0, len(xy) // 2, len(xy) - 1):
        route = order_stops(xy, start=start)
        assert route.order[0] == start
        assert route.length <= nearest_neighbour_length(xy, start) + 1e-9


@pytest.mark.parametrize("xy", SCATTERED, ids=len)
def test_same_input_same_route(xy):
    first, again = order_stops(xy), order_stops(xy.copy())
    assert first.order.tolist() == again.order.tolist()
    assert order_stops(xy, seed=5).order.tolist() == order_stops(xy, seed=5).order.tolist()


@pytest.mark.parametrize("side", [10, 7])
def test_a_grid_is_walked_close_to_its_serpentine(side):
    """Any route through a grid of spacing s takes at least n - 1 steps of s; the serpentine
    takes exactly that."""
    xs, ys = np.meshgrid(np.arange(side) * 10.0, np.arange(side) * 10.0)
    xy = np.c_[xs.ravel(), ys.ravel()][RNG.permutation(side * side)]
    assert order_stops(xy).length <= 1.03 * (side * side - 1) * 10.0


def test_long_routes_beat_a_serpentine_and_keep_their_start():
    xy = RNG.random((2000, 2)) * 3000
    route = order_stops(xy, start=17)
    assert route.order[0] == 17
    assert sorted(route.order.tolist()) == list(range(2000))
    # The strip method on uniform points walks about 0.92 sqrt(n A); the route is shorter.
    assert route.length < 0.92 * np.sqrt(2000 * 3000 * 3000)


def test_the_route_is_within_a_few_percent_of_lkh():
    elkai = pytest.importorskip("elkai")
    ratios = []
    for n in (20, 40, 60):
        for _ in range(3):
            xy = RNG.random((n, 2)) * 400
            cost = np.zeros((n + 1, n + 1))  # the extra node at no distance: an open path
            cost[:n, :n] = np.hypot(*(xy[:, None] - xy[None]).transpose(2, 0, 1))
            tour = elkai.DistanceMatrix(np.rint(cost * 100).astype(int).tolist()).solve_tsp()
            tour = np.array(tour[:-1])
            at = int(np.flatnonzero(tour == n)[0])
            best = route_length(np.r_[tour[at + 1 :], tour[:at]], xy=xy)
            ratios.append(order_stops(xy).length / best)
    assert np.mean(ratios) <= 1.03 and max(ratios) <= 1.08


def test_faces_of_one_street_are_walked_one_side_then_the_other():
    xy, streets, faces = one_street_both_sides()
    assert len(np.unique(faces)) == 2
    for route in (
        order_stops(xy, faces=faces),
        order_stops(distances=street_distances(xy, streets), faces=faces),
    ):
        assert face_runs(faces[route.order]) == 2


def test_faces_of_a_city_block_stay_together():
    xy, streets = rowhouses(2, 1), street_grid(2, 1)
    faces = block_faces(xy, streets)
    route = order_stops(distances=street_distances(xy, streets), faces=faces)
    assert face_runs(faces[route.order]) == len(np.unique(faces))


def test_unknown_faces_and_no_penalty_change_nothing():
    xy = SCATTERED[4]
    plain = order_stops(xy).order.tolist()
    assert order_stops(xy, faces=np.full(len(xy), -1)).order.tolist() == plain
    assert order_stops(xy, faces=np.arange(len(xy)), face_penalty=0).length <= 1.05 * (
        order_stops(xy).length
    )


def test_the_route_is_frozen():
    route = order_stops(SCATTERED[2])
    with pytest.raises(ValueError):
        route.order[0] = 3
    with pytest.raises(dataclasses.FrozenInstanceError):
        route.length = 0.0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"xy": [[0, 0], [1, np.nan]]}, "xy"),
        ({"xy": [[0, 0, 0], [1, 1, 1]]}, "xy"),
        ({"xy": [1, 2, 3]}, "xy"),
        ({}, "xy"),
        ({"xy": [[0, 0]], "distances": [[0]]}, "xy"),
        ({"distances": [[0, 1, 2], [1, 0, 3]]}, "distances"),
        ({"distances": [[0, np.inf], [np.inf, 0]]}, "distances"),
        ({"distances": [[0, -1], [-1, 0]]}, "distances"),
        ({"distances": [[0, 1], [2, 0]]}, "distances"),
        ({"xy": [[0, 0], [1, 1]], "faces": [1]}, "faces"),
        ({"xy": [[0, 0], [1, 1]], "faces": [0.5, 1.5]}, "faces"),
        ({"xy": [[0, 0], [1, 1]], "start": 2}, "start"),
        ({"xy": [[0, 0], [1, 1]], "start": -1}, "start"),
        ({"xy": [[0, 0], [1, 1]], "start": 1.0}, "start"),
        ({"xy": [[0, 0], [1, 1]], "face_penalty": -1}, "face_penalty"),
        ({"xy": [[0, 0], [1, 1]], "face_penalty": np.nan}, "face_penalty"),
    ],
)
def test_bad_input_names_its_field(kwargs, field):
    with pytest.raises(TurfInputError) as error:
        order_stops(**kwargs)
    assert error.value.field == field


@pytest.mark.parametrize("order", [[0, 5], [[0, 1]], [0.0, 1.0], [-1, 0]])
def test_route_length_refuses_bad_orders(order):
    with pytest.raises(TurfInputError) as error:
        route_length(order, xy=[[0, 0], [1, 1]])
    assert error.value.field == "order"


def test_route_length_of_nothing_is_zero():
    assert route_length([], xy=np.empty((0, 2))) == 0.0
    assert route_length([0], xy=[[3, 4]]) == 0.0


def test_units_of_a_building_are_listed_together_in_natural_order():
    units = [str(k) for k in RNG.permutation(np.arange(1, 301))]
    rows = listing_order([1, 0, 2], {1: units, 2: ["B2", "b1", "A10", "A9"]})
    assert rows[0] == (1, "1") and rows[299] == (1, "300")
    assert [unit for _, unit in rows[:300]] == [str(k) for k in range(1, 301)]
    assert rows[300:] == [(0, ""), (2, "A9"), (2, "A10"), (2, "b1"), (2, "B2")]


def test_units_given_by_sequence():
    assert listing_order(np.array([1, 0]), [["2", "1"], []]) == [(1, ""), (0, "1"), (0, "2")]
    assert listing_order([], {}) == []


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        (["10", "2", "1"], ["1", "2", "10"]),
        (["B1", "10", "2"], ["2", "10", "B1"]),
        (["1R", "2", "1F", "1"], ["1", "1F", "1R", "2"]),
        (["Apt 10", "apt 9", "Apt. 11"], ["apt 9", "Apt 10", "Apt. 11"]),
        (["a", "1", ""], ["", "1", "a"]),
        (["PH", "2B", "2A", "12"], ["2A", "2B", "12", "PH"]),
    ],
)
def test_natural_order_puts_numbers_in_number_order(labels, expected):
    assert sorted(labels, key=natural_key) == expected


@pytest.mark.parametrize(
    "units", [{0: "12"}, {0: [1, 2]}, 5, [["1"]]], ids=["text", "ints", "number", "short"]
)
def test_bad_units_name_their_field(units):
    with pytest.raises(TurfInputError) as error:
        listing_order([0, 1], units)
    assert error.value.field == "units_by_stop"


def test_listing_refuses_a_bad_stop_order():
    with pytest.raises(TurfInputError) as error:
        listing_order([[0, 1]], {})
    assert error.value.field == "stop_order"
