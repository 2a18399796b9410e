"""turf.network: walking distances on a hand-made street grid are the Manhattan distances, walks
turn at shared vertices, and stops the network cannot reach still get finite distances."""

from __future__ import annotations

import numpy as np
import pytest
from shapely import LineString, MultiLineString, Polygon

from tests.turf.city import BLOCK_X, BLOCK_Y, rowhouses, street_grid
from turf.errors import TurfInputError
from turf.network import street_distances

GRID = street_grid(3, 2)
CORNERS = np.array([(i * BLOCK_X, j * BLOCK_Y) for i in range(4) for j in range(3)])


def manhattan(xy: np.ndarray) -> np.ndarray:
    return np.abs(xy[:, None] - xy[None]).sum(axis=2)


def straight(xy: np.ndarray) -> np.ndarray:
    return np.hypot(*(xy[:, None] - xy[None]).transpose(2, 0, 1))


def test_between_corners_of_a_grid_the_walk_is_manhattan():
    assert np.allclose(street_distances(CORNERS, GRID), manhattan(CORNERS))


def test_stops_on_the_streets_of_a_grid_walk_manhattan_where_it_is_a_walk():
    # Mid-block on a horizontal street to mid-block on a vertical one, and along one street.
    xy = np.array([(60.0, 0.0), (120.0, 40.0), (300.0, 0.0), (360.0, 120.0)])
    assert np.allclose(street_distances(xy, GRID), manhattan(xy))


def test_mid_block_stops_on_parallel_streets_walk_round_the_block():
    xy = np.array([(60.0, 0.0), (60.0, BLOCK_Y)])
    assert street_distances(xy, GRID)[0, 1] == pytest.approx(60 + BLOCK_Y + 60)


def test_offsets_count_when_crossing_and_their_difference_along_one_side():
    xy = np.array([(10.0, 6.0), (50.0, 8.0), (30.0, -5.0)])
    walks = street_distances(xy, [LineString([(0, 0), (100, 0)])])
    assert walks[0, 1] == pytest.approx(40 + 2)  # same side: no crossing
    assert walks[0, 2] == pytest.approx(20 + 6 + 5)  # across the street
    assert walks[1, 2] == pytest.approx(20 + 8 + 5)


def test_walks_turn_where_lines_share_a_vertex():
    """A T junction whose through street is one line, not split at the junction."""
    streets = [LineString([(0, 0), (50, 0), (100, 0)]), LineString([(50, 0), (50, 100)])]
    walks = street_distances([(0, 0), (50, 100), (100, 0)], streets)
    assert walks[0, 1] == pytest.approx(150) and walks[1, 2] == pytest.approx(150)


def test_lines_that_cross_without_a_vertex_do_not_join():
    """A bridge over a street: no way down, so the stops walk in a straight line."""
    streets = [LineString([(0, 50), (100, 50)]), LineString([(50, 0), (50, 100)])]
    xy = np.array([(0.0, 50.0), (50.0, 100.0)])
    assert street_distances(xy, streets)[0, 1] == pytest.approx(straight(xy)[0, 1])


def test_a_stop_far_from_every_street_walks_straight():
    xy = np.r_[CORNERS[:3], [(1000.0, 1000.0)]]
    walks = street_distances(xy, GRID)
    assert np.isfinite(walks).all()
    assert np.allclose(walks[3], straight(xy)[3])
    assert np.allclose(walks[:3, :3], manhattan(xy[:3]))


def test_stops_on_two_separate_networks_walk_straight_between_them():
    streets = [LineString([(0, 0), (100, 0)]), LineString([(0, 60), (100, 60)])]
    xy = np.array([(10.0, 2.0), (90.0, 2.0), (10.0, 58.0)])
    walks = street_distances(xy, streets)
    assert walks[0, 1] == pytest.approx(80)
    assert walks[0, 2] == pytest.approx(56) and walks[1, 2] == pytest.approx(straight(xy)[1, 2])


def test_streets_beyond_the_margin_are_not_walked():
    """The only connection runs 500 m away: beyond the margin, so the walk is a straight line;
    with a wider margin it is walked."""
    streets = [
        LineString([(0, 0), (0, 500)]),
        LineString([(0, 500), (40, 500)]),
        LineString([(40, 500), (40, 0)]),
    ]
    xy = np.array([(0.0, 0.0), (40.0, 0.0)])
    assert street_distances(xy, streets)[0, 1] == pytest.approx(40)
    assert street_distances(xy, streets, margin=600)[0, 1] == pytest.approx(1040)


def test_a_city_of_rowhouses_gets_a_symmetric_finite_matrix():
    houses = rowhouses(3, 2)
    walks = street_distances(houses, GRID)
    assert walks.shape == (len(houses), len(houses))
    assert np.isfinite(walks).all() and (np.diag(walks) == 0).all()
    assert np.array_equal(walks, walks.T)
    # Walking the streets is never shorter than flying.
    assert (walks >= straight(houses) - 1e-9).all()


@pytest.mark.parametrize(
    ("xy", "streets"),
    [
        (np.empty((0, 2)), GRID),
        (np.array([(5.0, 5.0)]), GRID),
        (CORNERS, []),
        (CORNERS, [LineString()]),
    ],
    ids=["no stops", "one stop", "no streets", "empty street"],
)
def test_degenerate_inputs_give_straight_lines(xy, streets):
    assert np.allclose(street_distances(xy, streets), straight(xy))


def test_multilinestrings_are_taken_apart():
    streets = [MultiLineString([[(0, 0), (100, 0)], [(100, 0), (100, 100)]])]
    walks = street_distances([(0, 0), (100, 100)], streets)
    assert walks[0, 1] == pytest.approx(200)


@pytest.mark.parametrize(
    ("xy", "streets", "field"),
    [
        ([(0, 0), (1, np.nan)], GRID, "xy"),
        ([(0, 0, 0)], GRID, "xy"),
        (CORNERS, [Polygon([(0, 0), (1, 0), (1, 1)])], "streets"),
        (CORNERS, ["not a line"], "streets"),
    ],
)
def test_bad_input_names_its_field(xy, streets, field):
    with pytest.raises(TurfInputError) as error:
        street_distances(xy, streets)
    assert error.value.field == field


@pytest.mark.parametrize("option", [{"margin": -1.0}, {"max_snap": np.nan}])
def test_bad_reach_names_its_field(option):
    with pytest.raises(TurfInputError) as error:
        street_distances(CORNERS, GRID, **option)
    assert error.value.field == next(iter(option))


def test_stops_beyond_the_snap_distance_walk_straight():
    streets = [LineString([(0, 0), (100, 0)]), LineString([(100, 0), (100, 100)])]
    xy = np.array([(20.0, 50.0), (95.0, 80.0)])
    assert street_distances(xy, streets)[0, 1] == pytest.approx(50 + 80 + 80 + 5)
    assert street_distances(xy, streets, max_snap=30)[0, 1] == pytest.approx(straight(xy)[0, 1])
