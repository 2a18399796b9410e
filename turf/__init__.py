"""Doorstep's turf geometry: cut an area's doors into balanced, walkable turfs, and order each
turf's stops into a walking route.

Pure Python on Shapely and NumPy: no web framework, no database. Coordinates are metres in a
local projection (``turf.projection.LocalProjection``); the app converts at its edge.

Examples
--------
Forty doors along two streets (in longitude/latitude), cut into turfs of ten, and the first
turf's doors in walking order:

>>> import turf
>>> from shapely import box
>>> lonlat = [[-75.2 + i * 0.0001, lat] for i in range(20) for lat in (39.95, 39.9505)]
>>> projection = turf.LocalProjection.around(lonlat)
>>> xy = projection.forward(lonlat)
>>> result = turf.cut(xy, 10, box(*xy.min(axis=0) - 10, *xy.max(axis=0) + 10))
>>> [int(t.weight) for t in result.turfs]
[10, 10, 10, 10]
>>> len(turf.order_stops(xy[result.turfs[0].doors]).order)
10
"""

from turf.blockfaces import NO_FACE, block_faces
from turf.cut import Cut, Turf, cut, turf_count
from turf.errors import TurfInputError
from turf.metrics import CutMetrics, balance, cut_metrics, polsby_popper
from turf.network import street_distances
from turf.order import FACE_PENALTY, Route, listing_order, natural_key, order_stops, route_length
from turf.parts import split_area
from turf.polygons import turf_polygons
from turf.projection import LocalProjection, buffer_in_metres

__all__ = [
    "FACE_PENALTY",
    "NO_FACE",
    "Cut",
    "CutMetrics",
    "LocalProjection",
    "Route",
    "Turf",
    "TurfInputError",
    "balance",
    "block_faces",
    "buffer_in_metres",
    "cut",
    "cut_metrics",
    "listing_order",
    "natural_key",
    "order_stops",
    "polsby_popper",
    "route_length",
    "split_area",
    "street_distances",
    "turf_count",
    "turf_polygons",
]
