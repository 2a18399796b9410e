"""Geometry at the edge: to and from the database, GeoJSON polygons from the API, and GeoJSON
or Shapefile files.

Everything inside is Shapely in WGS84 (EPSG:4326); this is where outside data becomes that.
Distances on the ground are metres through ``turf``'s local projection, never degrees.
"""

from __future__ import annotations

import io
import json
import math
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, overload

import marshmallow as ma
import shapefile
import shapely
from geoalchemy2.elements import WKBElement
from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry import mapping, shape
from shapely.validation import explain_validity

from app.core.reading import FileRefused
from app.core.unpacking import CappedZip, DamagedArchive, open_unpacked

MAX_POLYGON_VERTICES = 100_000
#: Every geometry column holds WGS84 longitude/latitude.
SRID = 4326


def to_db(geometry: shapely.Geometry) -> WKBElement:
    """A Shapely geometry (lon/lat) as the value a geometry column holds or a query compares."""
    return from_shape(geometry, srid=SRID)


@overload
def from_db(value: WKBElement) -> shapely.Geometry: ...
@overload
def from_db(value: None) -> None: ...
def from_db(value: WKBElement | None) -> shapely.Geometry | None:
    """A geometry column's value (or ``ST_Collect``'s, or ``None``) as Shapely, lon/lat."""
    return None if value is None else to_shape(value)


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


class BBox(ma.fields.Field):
    """A map view as ``west,south,east,north`` (WGS84 degrees, west < east, south < north)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "metadata",
            {"type": "string", "description": "west,south,east,north (WGS84)",
             "example": "-75.23,39.94,-75.19,39.97"},
        )  # fmt: skip
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        parts = value.split(",") if isinstance(value, str) else value
        try:
            west, south, east, north = (float(part) for part in parts)
        except (TypeError, ValueError) as exc:
            raise ma.ValidationError("Expected four numbers: west,south,east,north.") from exc
        if not all(math.isfinite(v) for v in (west, south, east, north)):
            raise ma.ValidationError("Expected four finite numbers.")
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            raise ma.ValidationError(
                "Expected west,south,east,north in degrees with west < east and south < north."
            )
        return west, south, east, north


def _lists(value: Any) -> Any:
    return [_lists(item) for item in value] if isinstance(value, list | tuple) else value


def read_features(path: Path) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
    """(properties, geometry) of each feature: GeoJSON (plain or gzip), KML or KMZ, or a
    zipped Shapefile. Anything else is refused with a message naming the formats."""
    with open(path, "rb") as handle:
        head = handle.read(512)
    if head[:2] == b"PK":
        yield from _read_zip(path)
        return
    text_start = head.lstrip(b"\xef\xbb\xbf \r\n\t")
    if text_start.startswith((b"<?xml", b"<kml")):
        yield from _read_kml(path.read_bytes())
        return
    data, raw = open_unpacked(path, "The map file")
    try:
        document = json.load(io.TextIOWrapper(data, encoding="utf-8"))
    except DamagedArchive as exc:
        raise FileRefused(exc.message) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FileRefused(UNKNOWN_FORMAT) from exc
    finally:
        raw.close()
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise FileRefused("The GeoJSON must be a FeatureCollection.")
    for feature in document.get("features") or []:
        if isinstance(feature, dict):
            yield (feature.get("properties") or {}), feature.get("geometry")


UNKNOWN_FORMAT = (
    "Expected GeoJSON (a FeatureCollection, plain or gzipped), KML or KMZ, or a zipped"
    " Shapefile (.shp, .shx, .dbf, WGS84)."
)


def _read_zip(path: Path):
    try:
        with CappedZip(path, "The zip") as archive:
            kml = [n for n in archive.namelist() if n.lower().endswith(".kml")]
            document = archive.read(kml[0]) if kml else None
    except DamagedArchive as exc:
        raise FileRefused(f"{exc.message} {UNKNOWN_FORMAT}") from exc
    if document is not None:  # a KMZ
        yield from _read_kml(document)
        return
    try:
        yield from _read_zipped_shapefile(path)
    except (
        zipfile.BadZipFile,
        DamagedArchive,
        shapefile.ShapefileException,
        struct.error,
    ) as exc:
        raise FileRefused(f"The Shapefile could not be read ({exc}).") from exc


def _read_kml(document: bytes):
    from fastkml import kml
    from fastkml.features import Placemark

    try:
        root = kml.KML.from_string(document)
    except Exception as exc:  # fastkml and lxml raise several kinds for a broken file
        raise FileRefused(f"The KML could not be read ({type(exc).__name__}).") from exc

    def placemarks(node):
        for child in getattr(node, "features", None) or []:
            yield from placemarks(child)
        if isinstance(node, Placemark):
            yield node

    for placemark in placemarks(root):
        properties: dict[str, Any] = {"name": placemark.name or ""}
        if placemark.extended_data is not None:
            for element in placemark.extended_data.elements or []:
                if getattr(element, "name", None):
                    properties[element.name] = element.value
        geometry = placemark.geometry
        yield properties, (geometry.__geo_interface__ if geometry is not None else None)


def _read_zipped_shapefile(path: Path):
    with CappedZip(path, "The zip") as archive:
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
