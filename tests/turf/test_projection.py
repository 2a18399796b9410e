"""Distances on the ground: a buffer of N metres is N metres, wherever the campaign is."""

from __future__ import annotations

import math

import numpy as np
import pytest
from shapely import LineString, Point, Polygon, box

from turf.errors import TurfInputError
from turf.projection import buffer_in_metres

PHILADELPHIA = (-75.1652, 39.9526)
#: The mean radius of the Earth (IUGG), for great-circle distances.
EARTH_RADIUS_M = 6_371_008.8


def ground_metres(origin: tuple[float, float], lonlat: np.ndarray) -> np.ndarray:
    """Great-circle (haversine) metres from ``origin`` to each point: no projection involved."""
    lon0, lat0 = np.radians(origin)
    lon, lat = np.radians(lonlat).T
    a = np.sin((lat - lat0) / 2) ** 2 + np.cos(lat0) * np.cos(lat) * np.sin((lon - lon0) / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a))


@pytest.mark.parametrize("metres", [10.0, 100.0, 1000.0])
def test_a_buffer_of_n_metres_is_n_metres_at_philadelphias_latitude(metres):
    """Every point of the buffer's edge is N metres from the centre on the ground, east-west as
    much as north-south (a buffer in degrees is 22 % narrower east-west at 40 degrees north)."""
    disc = buffer_in_metres(Point(PHILADELPHIA), metres)
    edge = np.asarray(disc.exterior.coords)
    distances = ground_metres(PHILADELPHIA, edge)
    assert distances.min() == pytest.approx(metres, rel=0.01)
    assert distances.max() == pytest.approx(metres, rel=0.01)
    # Not degrees: the buffer reaches further east-west, in degrees, than north-south.
    west, south, east, north = disc.bounds
    assert (east - west) / (north - south) == pytest.approx(
        1 / math.cos(math.radians(39.9526)), rel=0.01
    )


def test_a_line_and_a_polygon_grow_by_metres_and_shrink_by_negative_metres():
    lon, lat = PHILADELPHIA
    street = LineString([(lon, lat), (lon + 0.01, lat)])
    corridor = buffer_in_metres(street, 50)
    _, south, _, north = corridor.bounds
    assert ground_metres((lon, lat), np.array([[lon, north]]))[0] == pytest.approx(50, rel=0.01)
    assert ground_metres((lon, lat), np.array([[lon, south]]))[0] == pytest.approx(50, rel=0.01)

    block = box(lon, lat, lon + 0.01, lat + 0.01)
    inner = buffer_in_metres(block, -100)
    assert isinstance(inner, Polygon) and block.contains(inner)
    gap = ground_metres((lon, lat + 0.005), np.array([[inner.bounds[0], lat + 0.005]]))[0]
    assert gap == pytest.approx(100, rel=0.01)


def test_an_empty_geometry_stays_empty_and_a_bad_distance_is_refused():
    assert buffer_in_metres(Polygon(), 10).is_empty
    with pytest.raises(TurfInputError, match="finite number of metres") as caught:
        buffer_in_metres(Point(PHILADELPHIA), math.nan)
    assert caught.value.field == "metres"
