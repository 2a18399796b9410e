"""The types the library's signatures share: arrays of points, labels and geometries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import shapely
from shapely import MultiPolygon, Polygon

__all__ = [
    "Area",
    "BoolArray",
    "FloatArray",
    "Geometries",
    "GeometryArray",
    "IntArray",
    "point_geometries",
]

#: (n, 2) points, or (n,) values, as floats.
FloatArray: TypeAlias = npt.NDArray[np.float64]
#: Indices and labels.
IntArray: TypeAlias = npt.NDArray[np.integer[Any]]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
#: An array of Shapely geometries (what Shapely's vectorised functions take and give).
GeometryArray: TypeAlias = npt.NDArray[np.object_]
#: Geometries given to the library: a list of them, or an array.
Geometries: TypeAlias = Sequence[shapely.Geometry] | GeometryArray
#: An area turfs are cut in: one polygon, or several.
Area: TypeAlias = Polygon | MultiPolygon


def point_geometries(points: FloatArray) -> GeometryArray:
    """Shapely Points of (n, 2) points, as an array (Shapely's stubs cannot tell an (n, 2)
    array from one point's coordinates)."""
    geometries: GeometryArray = np.asarray(shapely.points(points), dtype=object)
    return geometries
