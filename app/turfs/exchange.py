"""Turfs in and out as GeoJSON, KML or a zipped Shapefile, the formats directors trade."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pygeoif
import shapefile
import shapely
from fastkml import containers, data, features, kml
from shapely.geometry import mapping, shape

from app.core.geo import from_db, read_features
from app.core.reading import FileRefused, RowReject

FORMATS = {
    "geojson": ("application/geo+json", "geojson"),
    "kml": ("application/vnd.google-earth.kml+xml", "kml"),
    "shapefile": ("application/zip", "zip"),
}
# The Shapefile's .prj: WGS84 longitude/latitude, as every other file here.
WGS84_PRJ = (
    'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],'
    'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
)
NAME_FIELD_GUESSES = ("name", "NAME", "Name", "turf", "TURF", "label")
FIELDS = ("id", "name", "doors", "targets", "cut_id")


def _rows(turfs) -> list[tuple[dict, shapely.Geometry]]:
    return [
        (
            {
                "id": t.id,
                "name": t.name,
                "doors": t.door_count,
                "targets": t.target_count,
                "cut_id": t.cut_id or 0,
            },
            from_db(t.geom),
        )
        for t in turfs
    ]


def export_turfs(turfs, fmt: str) -> bytes:
    """The turfs (their outline and figures) as one file of ``fmt``."""
    rows = _rows(turfs)
    if fmt == "geojson":
        return json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "id": p["id"], "properties": p, "geometry": mapping(g)}
                    for p, g in rows
                ],
            }
        ).encode()
    if fmt == "kml":
        placemarks = [
            features.Placemark(
                name=p["name"],
                description=f"{p['doors']} doors, {p['targets']} target homes",
                geometry=pygeoif.shape(g),
                extended_data=data.ExtendedData(
                    elements=[data.Data(name=k, value=str(p[k])) for k in FIELDS]
                ),
            )
            for p, g in rows
        ]
        document = containers.Document(name="Doorstep turfs", features=placemarks)
        return kml.KML(features=[document]).to_string(prettyprint=True).encode()
    return _shapefile(rows)


def _shapefile(rows) -> bytes:
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON) as writer:
        writer.field("id", "N", size=18)
        writer.field("name", "C", size=120)
        writer.field("doors", "N", size=10)
        writer.field("targets", "N", size=10)
        writer.field("cut_id", "N", size=18)
        for properties, geometry in rows:
            writer.shape(mapping(geometry))
            writer.record(*(properties[k] for k in FIELDS))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for suffix, buffer in (("shp", shp), ("shx", shx), ("dbf", dbf)):
            z.writestr(f"turfs.{suffix}", buffer.getvalue())
        z.writestr("turfs.prj", WGS84_PRJ)
    return archive.getvalue()


@dataclass
class TurfShape:
    name: str
    polygon: shapely.Geometry  # WGS84, valid


def read_turf_file(path: Path, name_field: str | None = None) -> tuple[list[TurfShape], list]:
    """The polygons of a GeoJSON, KML/KMZ or zipped Shapefile, and the features refused."""
    shapes, rejects = [], []
    for number, (properties, geometry) in enumerate(read_features(path), start=1):
        field = name_field or next((f for f in NAME_FIELD_GUESSES if properties.get(f)), None)
        name = str(properties.get(field) or f"Imported {number}").strip()[:120]
        polygon = _polygon(geometry)
        if isinstance(polygon, str):
            rejects.append(RowReject(number, "geometry", polygon, name[:200]))
        else:
            shapes.append(TurfShape(name, polygon))
    if not shapes:
        raise FileRefused(
            "The file holds no turf polygons"
            + (f" ({rejects[0].reason}, feature {rejects[0].line_no})" if rejects else "")
            + "."
        )
    return shapes, rejects


def _polygon(geometry) -> shapely.Geometry | str:
    if not geometry:
        return "no geometry"
    try:
        geom = shapely.force_2d(shape(geometry))
    except (ValueError, TypeError, AttributeError, shapely.errors.ShapelyError):
        return "unreadable geometry"
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return f"expected a Polygon, got a {geom.geom_type}"
    polygon = shapely.make_valid(shapely.union_all(parts))
    polygon = shapely.union_all(
        [g for g in shapely.get_parts(polygon) if g.geom_type in ("Polygon", "MultiPolygon")]
    )
    minx, miny, maxx, maxy = polygon.bounds
    if polygon.is_empty or not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        return "coordinates are not longitude/latitude (WGS84); reproject the file first"
    return polygon
