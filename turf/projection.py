"""A local metric projection: longitude/latitude to metres around a centre, and back.

Turf work happens within a city, where an equirectangular projection about the area's centre
is accurate to well under a metre per kilometre; it needs nothing beyond NumPy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar, overload

import numpy as np
import numpy.typing as npt
import shapely

from turf._typing import FloatArray, GeometryArray, IntArray
from turf.errors import TurfInputError

__all__ = ["LocalProjection", "as_points", "buffer_in_metres", "distinct_points"]

#: Metres per degree of latitude (WGS84 mean) and of longitude at the equator.
METRES_PER_DEGREE_LAT = 110_574.0
METRES_PER_DEGREE_LON = 111_320.0

GeometryT = TypeVar("GeometryT", bound=shapely.Geometry)


@dataclass(frozen=True)
class LocalProjection:
    """Equirectangular projection centred on (``lon0``, ``lat0``), in metres.

    Examples
    --------
    >>> p = LocalProjection(-75.2, 39.95)
    >>> xy = p.forward([[-75.2, 39.95], [-75.19, 39.95]])
    >>> [round(v) for v in xy[1]]
    [853, 0]
    >>> p.inverse(xy).round(6).tolist()
    [[-75.2, 39.95], [-75.19, 39.95]]
    """

    lon0: float
    lat0: float

    @classmethod
    def around(cls, lonlat: npt.ArrayLike) -> LocalProjection:
        """The projection centred on the middle of these points' bounding box."""
        points = as_points(lonlat, "lonlat")
        if not len(points):
            raise TurfInputError("expected at least one point to centre on", field="lonlat")
        low, high = points.min(axis=0), points.max(axis=0)
        return cls(float((low[0] + high[0]) / 2), float((low[1] + high[1]) / 2))

    @property
    def _scale(self) -> FloatArray:
        return np.array(
            [METRES_PER_DEGREE_LON * np.cos(np.radians(self.lat0)), METRES_PER_DEGREE_LAT]
        )

    def forward(self, lonlat: npt.ArrayLike) -> FloatArray:
        """(n, 2) longitude/latitude -> (n, 2) metres east/north of the centre."""
        metres: FloatArray = (as_points(lonlat, "lonlat") - [self.lon0, self.lat0]) * self._scale
        return metres

    def inverse(self, xy: npt.ArrayLike) -> FloatArray:
        """(n, 2) metres -> (n, 2) longitude/latitude."""
        lonlat: FloatArray = as_points(xy, "xy") / self._scale + [self.lon0, self.lat0]
        return lonlat

    @overload
    def forward_geometry(self, geometry: GeometryT) -> GeometryT: ...
    @overload
    def forward_geometry(self, geometry: GeometryArray) -> GeometryArray: ...
    def forward_geometry(
        self, geometry: shapely.Geometry | GeometryArray
    ) -> shapely.Geometry | GeometryArray:
        """A Shapely geometry (or array of them) in longitude/latitude, in metres."""
        return shapely.transform(geometry, self.forward)

    @overload
    def inverse_geometry(self, geometry: GeometryT) -> GeometryT: ...
    @overload
    def inverse_geometry(self, geometry: GeometryArray) -> GeometryArray: ...
    def inverse_geometry(
        self, geometry: shapely.Geometry | GeometryArray
    ) -> shapely.Geometry | GeometryArray:
        """A Shapely geometry (or array of them) in metres, back in longitude/latitude."""
        return shapely.transform(geometry, self.inverse)


def buffer_in_metres(geometry: shapely.Geometry, metres: float) -> shapely.Geometry:
    """``geometry`` (longitude/latitude) grown by ``metres`` on the ground, through the local
    projection about its centre; a negative distance shrinks it.

    A buffer in degrees is no distance: at Philadelphia's latitude 0.0001 degrees is 11 m
    north-south and 8.5 m east-west.

    Examples
    --------
    >>> from shapely import Point
    >>> disc = buffer_in_metres(Point(-75.16, 39.95), 100)
    >>> [round(v) for v in LocalProjection(-75.16, 39.95).forward_geometry(disc).bounds]
    [-100, -100, 100, 100]
    """
    if not np.isfinite(metres):
        raise TurfInputError(
            "the buffer distance must be a finite number of metres", field="metres"
        )
    if shapely.is_empty(geometry):
        return shapely.buffer(geometry, metres)
    projection = LocalProjection.around(shapely.get_coordinates(geometry))
    return projection.inverse_geometry(
        shapely.buffer(projection.forward_geometry(geometry), metres)
    )


def as_points(values: npt.ArrayLike, name: str) -> FloatArray:
    """Check and return an (n, 2) float array of finite points."""
    points = np.asarray(values, dtype=float)
    if points.size == 0:
        return points.reshape(0, 2)
    if points.ndim != 2 or points.shape[1] != 2:
        raise TurfInputError(
            f"expected an (n, 2) array of points, got shape {points.shape}", field=name
        )
    if not np.isfinite(points).all():
        raise TurfInputError("points must be finite numbers", field=name)
    return points


def distinct_points(points: FloatArray) -> tuple[FloatArray, IntArray]:
    """The distinct points (sorted by x, then y) and, per input point, its index among them.

    ``np.unique(points, axis=0)`` does the same about ten times slower (it sorts rows as
    records).

    >>> distinct, index = distinct_points(np.array([[1., 2.], [0., 5.], [1., 2.]]))
    >>> distinct.tolist(), index.tolist()
    ([[0.0, 5.0], [1.0, 2.0]], [1, 0, 1])
    """
    keys = points[:, 0] + 1j * points[:, 1]
    _, first, index = np.unique(keys, return_index=True, return_inverse=True)
    return points[first], index.ravel()
