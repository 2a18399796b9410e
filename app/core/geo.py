"""Geometry at the edge: GeoJSON polygons from the API, and GeoJSON or Shapefile files.

Everything inside is Shapely in WGS84 (EPSG:4326); this is where outside data becomes that.
"""

from __future__ import annotations

import gzip
import json
import math
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import marshmallow as ma
import shapefile
import shapely
from shapely.geometry import mapping, shape
from shapely.validation import explain_validity

from app.imports.reading import FileRefused

MAX_POLYGON_VERTICES = 100_000


def polygon_from_geojson(data: Any) -> shapely.Geometry:
    """A valid, non-empty (Multi)Polygon in lon/lat from a GeoJSON geometry, or ValueError."""
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise ValueError("Expected a GeoJSON geometry object with a type.")
    if data["type"] not in ("Polygon", "MultiPolygon"):
        raise ValueError(f"Expected a Polygon or MultiPolygon, got a {data['type']}.")
    try:
        geometry = shapely.force_2d(shape(data))
    except (
        ValueError,
        TypeError,
        KeyError,
        IndexError,
        AttributeError,
        shapely.errors.ShapelyError,
    ):
        raise ValueError(f"Not a valid GeoJSON {data['type']}.") from None
    if geometry.is_empty:
        raise ValueError("The polygon is empty.")
    if shapely.get_num_coordinates(geometry) > MAX_POLYGON_VERTICES:
        raise ValueError(f"The polygon has more than {MAX_POLYGON_VERTICES} vertices.")
    min_x, min_y, max_x, max_y = geometry.bounds
    if not all(map(math.isfinite, geometry.bounds)) or not (
        -180 <= min_x <= max_x <= 180 and -90 <= min_y <= max_y <= 90
    ):
        raise ValueError("Coordinates must be longitude, latitude in WGS84 (EPSG:4326).")
    if not geometry.is_valid:
        raise ValueError(f"The polygon is not valid: {explain_validity(geometry)}.")
    return geometry


class GeoJSONPolygon(ma.fields.Dict):
    """A GeoJSON Polygon or MultiPolygon geometry (WGS84), stored back as clean GeoJSON."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            geometry = polygon_from_geojson(value)
        except ValueError as exc:
            raise ma.ValidationError(str(exc)) from None
        # Round-trip through JSON types (tuples -> lists) so the stored filter reads back equal.
        return {"type": geometry.geom_type, "coordinates": _lists(mapping(geometry)["coordinates"])}


def _lists(value: Any) -> Any:
    return [_lists(item) for item in value] if isinstance(value, list | tuple) else value


def read_features(path: Path) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
    """(properties, geometry) of each feature: GeoJSON (plain or gzip) or a zipped Shapefile."""
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic[:2] == b"PK":
        yield from _read_zipped_shapefile(path)
        return
    opener = gzip.open if magic[:2] == b"\x1f\x8b" else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            document = json.load(handle)
    except (UnicodeDecodeError, json.JSONDecodeError, OSError) as exc:
        raise FileRefused(
            "Areas must be GeoJSON (a FeatureCollection) or a zipped Shapefile."
        ) from exc
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise FileRefused("The GeoJSON must be a FeatureCollection of polygons.")
    for feature in document.get("features") or []:
        yield (feature.get("properties") or {}), feature.get("geometry")


def _read_zipped_shapefile(path: Path):
    with zipfile.ZipFile(path) as archive:
        names = {Path(n).suffix.lower(): n for n in archive.namelist()}
        if ".shp" not in names or ".dbf" not in names:
            raise FileRefused("The zip holds no Shapefile (.shp and .dbf).")
        prj = archive.read(names[".prj"]).decode("latin-1") if ".prj" in names else ""
        if prj and "WGS" not in prj.upper() and "4326" not in prj:
            raise FileRefused("The Shapefile must be in WGS84 (EPSG:4326); reproject it first.")
        with (
            archive.open(names[".shp"]) as shp,
            archive.open(names[".dbf"]) as dbf,
        ):
            reader = shapefile.Reader(shp=shp, dbf=dbf)
            for record in reader.iterShapeRecords():
                yield record.record.as_dict(), record.shape.__geo_interface__
