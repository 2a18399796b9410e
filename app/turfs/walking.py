"""Walking order of a turf's stops: on the street network when the streets are known."""

from __future__ import annotations

import numpy as np

from turf.network import street_distances
from turf.order import Route, order_stops


def walking_route(
    xy: np.ndarray, streets: list, faces: np.ndarray | None, start: int | None = None
) -> Route:
    """The stops (metres) in walking order; one side of a block finished before crossing.
    ``start``: the stop to begin at (a "near me" list begins at the nearest door)."""
    if len(xy) <= 2 or not streets:
        return order_stops(xy, faces=faces, start=start)
    return order_stops(distances=street_distances(xy, streets), faces=faces, start=start)
